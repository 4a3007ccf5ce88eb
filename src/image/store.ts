import { promises as fs } from 'node:fs';
import { readJsonIfExists, writeFileAtomic, writeJsonAtomic } from '../core/atomic.js';
import { TsrunError } from '../core/errors.js';
import type { FileLock } from '../core/lock.js';
import type { StorePaths } from '../core/paths.js';
import type { ContentStore } from '../content/index.js';
import { MediaType, type Descriptor, type ImageConfig, type Index, type Manifest } from '../oci/image.js';
import { storedName } from './names.js';

export const REF_NAME = 'org.opencontainers.image.ref.name';
export const CONTAINERD_NAME = 'io.containerd.image.name';

export interface Image {
  /** Full names (docker.io/library/busybox:latest) pointing at this manifest. */
  names: string[];
  manifestDigest: string;
  manifest: Manifest;
  /** The image ID, as Docker shows it. */
  id: string;
  config: ImageConfig;
}

/**
 * Tags live in the OCI layout's index.json (so skopeo/umoci read the store):
 * one descriptor per name, plus a nameless one for an untagged image that is
 * still wanted. Callers hold the store lock for changes.
 */
export class ImageStore {
  constructor(private readonly paths: StorePaths, private readonly content: ContentStore, readonly lock: FileLock) {}

  async readIndex(): Promise<Index> {
    return (await readJsonIfExists<Index>(this.paths.index)) ?? { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };
  }

  private async writeIndex(index: Index): Promise<void> {
    await fs.mkdir(this.paths.root, { recursive: true });
    if (!(await readJsonIfExists(this.paths.ociLayout))) {
      await writeFileAtomic(this.paths.ociLayout, JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    }
    await writeJsonAtomic(this.paths.index, index);
  }

  async load(manifestDigest: string, names: string[] = []): Promise<Image> {
    const manifest = await this.content.readJson<Manifest>(manifestDigest);
    const config = await this.content.readJson<ImageConfig>(manifest.config.digest);
    return { names, manifestDigest, manifest, id: manifest.config.digest, config };
  }

  /** Every image once, with all its names. */
  async list(): Promise<Image[]> {
    const images: Image[] = [];
    for (const [digest, names] of namesByDigest(await this.readIndex())) images.push(await this.load(digest, names));
    return images;
  }

  /**
   * By name (`busybox`, `busybox:1`), `name@digest`, full or short image ID, or manifest digest.
   * Only the image found is loaded: names and manifest digests are in index.json, and an image ID
   * (its config's digest) is in each manifest, so no config is read to find one.
   */
  async resolve(ref: string): Promise<Image | undefined> {
    const byDigest = namesByDigest(await this.readIndex());
    const found = (digest: string | undefined) => (digest === undefined ? undefined : this.load(digest, byDigest.get(digest)));
    const id = ref.startsWith('sha256:') ? ref : /^[a-f0-9]{4,64}$/.test(ref) ? 'sha256:' + ref : undefined;
    if (id) {
      if (byDigest.has(id)) return found(id); // a whole manifest digest (no image ID can equal it)
      const digests = [...byDigest.keys()];
      const configs = await Promise.all(digests.map(async (d) => (await this.content.readJson<Manifest>(d)).config.digest));
      const hits = digests.filter((d, i) => configs[i].startsWith(id));
      if (hits.length > 1 && !configs.includes(id)) {
        throw new TsrunError('INVALID_ARGUMENT', `image ID prefix ${ref} is ambiguous`);
      }
      if (hits.length) return found(hits.find((d) => configs[digests.indexOf(d)] === id) ?? hits[0]);
    }
    let name: string;
    try {
      name = storedName(ref);
    } catch {
      return undefined;
    }
    const named = (test: (names: string[]) => boolean) => [...byDigest].find(([, names]) => test(names))?.[0];
    const at = name.indexOf('@');
    if (at >= 0) {
      const recorded = named((names) => names.includes(name)); // a repo digest recorded by pull or push
      if (recorded) return found(recorded);
      const digest = name.slice(at + 1); // this manifest, under any name (or none)
      return byDigest.has(digest) ? found(digest) : undefined;
    }
    return found(named((names) => names.includes(name)));
  }

  async require(ref: string): Promise<Image> {
    const image = await this.resolve(ref);
    if (!image) throw new TsrunError('NOT_FOUND', `No such image: ${ref}`);
    return image;
  }

  /** Points `name` at the manifest, moving it off any other image (which may become dangling). */
  async tag(name: string, manifestDigest: string, size: number, mediaType: string = MediaType.OciManifest): Promise<void> {
    const index = await this.readIndex();
    if (index.manifests.some((d) => nameOf(d) === name && d.digest === manifestDigest)) return; // already so (a rebuilt image): no write
    const others = index.manifests.filter((d) => nameOf(d) !== name);
    // An image that loses its last name stays as a dangling entry, like Docker's <none>:<none>.
    const lost = index.manifests.find((d) => nameOf(d) === name && d.digest !== manifestDigest);
    if (lost && !others.some((d) => d.digest === lost.digest)) others.push(bare(lost));
    const withoutDangling = others.filter((d) => !(d.digest === manifestDigest && !nameOf(d)));
    withoutDangling.push({
      mediaType, digest: manifestDigest, size,
      annotations: { [REF_NAME]: name, [CONTAINERD_NAME]: name },
    });
    await this.writeIndex({ ...index, manifests: withoutDangling });
  }

  /** Records an image without a name (import without a tag, load of an untagged archive). */
  async addUntagged(manifestDigest: string, size: number, mediaType: string = MediaType.OciManifest): Promise<void> {
    const index = await this.readIndex();
    if (index.manifests.some((d) => d.digest === manifestDigest)) return;
    index.manifests.push({ mediaType, digest: manifestDigest, size });
    await this.writeIndex(index);
  }

  /** Removes a name; returns the manifest digest it pointed at. Keeps the image as dangling when `keep`. */
  async untag(name: string, keep: boolean): Promise<string | undefined> {
    const index = await this.readIndex();
    const entry = index.manifests.find((d) => nameOf(d) === name);
    if (!entry) return undefined;
    const rest = index.manifests.filter((d) => d !== entry);
    if (keep && !rest.some((d) => d.digest === entry.digest)) rest.push(bare(entry));
    await this.writeIndex({ ...index, manifests: rest });
    return entry.digest;
  }

  /** Drops every entry of a manifest (names and dangling). */
  async forget(manifestDigest: string): Promise<void> {
    const index = await this.readIndex();
    await this.writeIndex({ ...index, manifests: index.manifests.filter((d) => d.digest !== manifestDigest) });
  }
}

/** Manifest digest -> its names, in index order (a dangling image has none). */
function namesByDigest(index: Index): Map<string, string[]> {
  const byDigest = new Map<string, string[]>();
  for (const d of index.manifests) {
    const names = byDigest.get(d.digest) ?? [];
    const name = nameOf(d);
    if (name) names.push(name);
    byDigest.set(d.digest, names);
  }
  return byDigest;
}

function nameOf(d: Descriptor): string | undefined {
  return d.annotations?.[CONTAINERD_NAME] ?? d.annotations?.[REF_NAME];
}

function bare(d: Descriptor): Descriptor {
  return { mediaType: d.mediaType, digest: d.digest, size: d.size };
}
