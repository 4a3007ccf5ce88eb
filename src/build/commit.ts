/**
 * Turns a step's result into an image: the upper dir becomes one layer (only
 * the diff, whiteouts translated), stored as a blob and unpacked for the next
 * step in one pass; the config gets the history entry. An empty diff adds no
 * layer and marks the history entry `empty_layer`, as Docker does.
 */
import { readdir } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { TsrunError } from '../core/errors.js';
import type { ContentStore } from '../content/store.js';
import { MediaType, type ContainerConfig, type Descriptor, type ImageConfig } from '../oci/image.js';
import type { LayerStore } from '../snapshot/layer-store.js';
import { writeLayer } from '../snapshot/write-layer.js';
import type { FsOps } from '../sys/types.js';

export interface ImageState {
  /** Config digest; undefined for a scratch stage before its first step. */
  id: string | undefined;
  config: ImageConfig;
  /** Manifest layer descriptors, parallel to config.rootfs.diff_ids. */
  layers: Descriptor[];
}

export interface CommitDeps {
  content: ContentStore;
  layers: LayerStore;
  sys: FsOps;
}

export interface NewLayer {
  descriptor: Descriptor;
  diffID: string;
}

/** The upper dir as a layer; undefined when nothing changed. */
export async function commitUpper(deps: CommitDeps, upper: string): Promise<NewLayer | undefined> {
  if ((await readdir(upper)).length === 0) return undefined;
  const tar = writeLayer(upper, deps.sys);
  const toStore = new PassThrough({ highWaterMark: 1 << 20 });
  const toUnpack = new PassThrough({ highWaterMark: 1 << 20 });
  tar.on('error', (err) => {
    toStore.destroy(err);
    toUnpack.destroy(err);
  });
  tar.pipe(toStore);
  tar.pipe(toUnpack);
  const [blob, layer] = await Promise.all([deps.content.ingest(toStore), deps.layers.unpack(toUnpack)]);
  if (blob.digest !== layer.diffID) {
    throw new TsrunError('INTERNAL', `layer digest mismatch: stored ${blob.digest}, unpacked ${layer.diffID}`);
  }
  return { descriptor: { mediaType: MediaType.OciLayer, digest: blob.digest, size: blob.size }, diffID: layer.diffID };
}

export interface ChildChange {
  config: ContainerConfig;
  createdBy: string;
  layer?: NewLayer;
  author?: string;
}

/** The child image config (NewChildImage): new run config, one more history entry, maybe one more layer. */
export function childConfig(parent: ImageConfig, change: ChildChange, now: string): ImageConfig {
  const author = change.author; // the stage's MAINTAINER, not inherited from the base image
  return {
    created: now,
    ...(author ? { author } : {}),
    architecture: parent.architecture,
    os: parent.os,
    ...(parent.variant ? { variant: parent.variant } : {}),
    config: change.config,
    rootfs: { type: 'layers', diff_ids: [...parent.rootfs.diff_ids, ...(change.layer ? [change.layer.diffID] : [])] },
    history: [
      ...(parent.history ?? []),
      {
        created: now,
        created_by: change.createdBy,
        ...(author ? { author } : {}),
        ...(change.layer ? {} : { empty_layer: true }),
      },
    ],
  };
}

/** Writes the child's config blob; its digest is the new image ID. */
export async function commitChild(content: ContentStore, parent: ImageState, change: ChildChange): Promise<ImageState> {
  const config = childConfig(parent.config, change, new Date().toISOString());
  const blob = await content.putJson(config);
  return { id: blob.digest, config, layers: [...parent.layers, ...(change.layer ? [change.layer.descriptor] : [])] };
}
