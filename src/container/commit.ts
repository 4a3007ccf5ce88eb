/**
 * `tsrun commit`: the container's upper dir becomes one new layer on top of
 * its image's layers (writeLayer translates overlay whiteouts and opaque
 * dirs); the config is the container's with `-c` changes applied, and the
 * history gains one entry. Volumes are mounts, not in the upper dir: never
 * committed. The layer is stored uncompressed (diffID = digest) and unpacked
 * the first time the new image runs.
 */
import { TsrunError } from '../core/errors.js';
import { writeImage, storedName, type Image } from '../image/index.js';
import { MediaType, type ContainerConfig, type ImageConfig } from '../oci/image.js';
import { writeLayer } from '../snapshot/write-layer.js';
import { applyChanges } from './commit-changes.js';
import type { ContainerDeps } from './deps.js';
import { placeholderPaths } from './init-paths.js';
import { currentState } from './liveness.js';
import { containerPids, signalAll } from './processes.js';
import type { ContainerRecord } from './store.js';

export interface CommitOptions {
  message?: string;
  author?: string;
  changes: string[];
  /** SIGSTOP the container's processes while its upper dir is read (Docker's default). */
  pause: boolean;
  reference?: string;
}

/** The container's run settings as image config, without what tsrun added (HOSTNAME, HOME, TERM). */
function committedConfig(parent: ContainerConfig, record: ContainerRecord): ContainerConfig {
  const parentKeys = new Set((parent.Env ?? []).map((e) => e.split('=')[0]));
  const added = new Set(['HOSTNAME', ...['HOME', 'TERM'].filter((k) => !parentKeys.has(k))]);
  const c = record.Config;
  return {
    ...parent,
    ...(c.User ? { User: c.User } : {}),
    Env: c.Env.filter((e) => !added.has(e.split('=')[0])),
    Cmd: c.Cmd,
    Entrypoint: c.Entrypoint,
    ...(c.WorkingDir !== '/' || parent.WorkingDir ? { WorkingDir: c.WorkingDir } : {}),
    Labels: c.Labels,
  };
}

async function newLayer(deps: ContainerDeps, record: ContainerRecord, pause: boolean) {
  const upper = deps.paths.containerFile(record.Id, 'upper');
  const skip = await placeholderPaths(upper, record);
  const state = await currentState(deps.containers, record.Id);
  const pids = pause && state.Running ? await containerPids(state.Pid) : [];
  signalAll(pids, 'SIGSTOP');
  try {
    return await deps.content.ingest(writeLayer(upper, deps.sys, { skip: (rel) => skip.has(rel) }));
  } finally {
    signalAll(pids, 'SIGCONT');
  }
}

export async function commitContainer(deps: ContainerDeps, record: ContainerRecord, opts: CommitOptions): Promise<Image> {
  const names = opts.reference ? [storedName(opts.reference)] : [];
  const parent = await deps.images.resolve(record.ImageID);
  if (!parent) throw new TsrunError('NOT_FOUND', `No such image: ${record.ImageID}`);
  const config = applyChanges(committedConfig(parent.config.config ?? {}, record), opts.changes);
  const layer = await newLayer(deps, record, opts.pause);
  const created = new Date().toISOString();
  const imageConfig: ImageConfig = {
    ...parent.config,
    created,
    ...(opts.author ? { author: opts.author } : {}),
    config,
    rootfs: { type: 'layers', diff_ids: [...parent.config.rootfs.diff_ids, layer.digest] },
    history: [...(parent.config.history ?? []), {
      created,
      created_by: [record.Path, ...record.Args].join(' '),
      ...(opts.author ? { author: opts.author } : {}),
      ...(opts.message ? { comment: opts.message } : {}),
    }],
  };
  const layers = [...parent.manifest.layers, { mediaType: MediaType.OciLayer, digest: layer.digest, size: layer.size }];
  return writeImage(deps, imageConfig, layers, names);
}
