/**
 * Images a build reads: FROM bases and COPY --from / RUN --mount from=
 * sources. Local images are used as they are unless --pull; a missing one
 * is pulled (Docker's classic builder does the same). Each reference is
 * resolved once per build.
 */
import type { FileLock } from '../core/lock.js';
import type { StorePaths } from '../core/paths.js';
import type { ContentStore } from '../content/store.js';
import type { Image, ImageStore } from '../image/store.js';
import { ensureUnpacked } from '../image/unpack.js';
import type { LayerStore } from '../snapshot/layer-store.js';
import type { FsOps } from '../sys/types.js';
import type { ImageState } from './commit.js';
import { SourceHasher } from './source-hash.js';
import { LayerView } from './source-tree.js';
import type { TreeSource } from './step.js';

export interface ImageSourceDeps {
  paths: StorePaths;
  content: ContentStore;
  layers: LayerStore;
  images: ImageStore;
  lock: FileLock;
}

/** Pulls `ref` from its registry (platform as `os/arch[/variant]`, '' for the host's). */
export type PullFunction = (ref: string, platform: string) => Promise<Image>;

export class ImageSources {
  private readonly resolved = new Map<string, Promise<Image>>();
  private readonly trees = new Map<string, TreeSource>();

  constructor(
    private readonly deps: ImageSourceDeps,
    private readonly fsops: FsOps,
    private readonly pull: PullFunction,
    private readonly alwaysPull: boolean,
  ) {}

  image(ref: string, platform = ''): Promise<Image> {
    const key = `${platform} ${ref}`;
    let p = this.resolved.get(key);
    if (!p) {
      p = this.load(ref, platform);
      this.resolved.set(key, p);
    }
    return p;
  }

  private async load(ref: string, platform: string): Promise<Image> {
    const local = this.alwaysPull ? undefined : await this.deps.images.resolve(ref);
    const image = local ?? (await this.pull(ref, platform));
    await ensureUnpacked(this.deps, image);
    return image;
  }

  /** An image's (or a built stage's) filesystem as a tree to copy from; keyed so hashes are shared. */
  tree(state: ImageState, key: string): TreeSource {
    let t = this.trees.get(key);
    if (!t) {
      const view = new LayerView(state.config.rootfs.diff_ids.map((d) => this.deps.paths.layerDiff(d)).reverse(), this.fsops);
      t = { tree: view, isContext: false, preserveOwner: true, hasher: new SourceHasher(view) };
      this.trees.set(key, t);
    }
    return t;
  }
}

export function stateOf(image: Image): ImageState {
  return { id: image.id, config: image.config, layers: image.manifest.layers };
}
