/** The container's filesystem as a tar (`tsrun export`), and the views cp and export read through. */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { TsrunError } from '../core/errors.js';
import { tarDirectory } from '../snapshot/write-layer.js';
import type { ContainerDeps } from './deps.js';
import { currentState } from './liveness.js';
import { rootfsOverlayOptions } from './launch-plan.js';
import { mountedRootView, runningRootView, type RootView } from './root-view.js';
import type { ContainerRecord } from './store.js';

/**
 * With `running` and a live container: its own root (volumes included, as
 * Docker's cp sees them). Otherwise the overlay of its upper dir and image
 * layers, read-only unless `writable` (only for a stopped container).
 */
export async function containerRootView(deps: ContainerDeps, record: ContainerRecord, opts: { running?: boolean; writable?: boolean }): Promise<RootView> {
  const state = await currentState(deps.containers, record.Id);
  if (opts.running && state.Running) return runningRootView(state.Pid);
  const image = await deps.images.resolve(record.ImageID);
  if (!image) throw new TsrunError('NOT_FOUND', `No such image: ${record.ImageID}`);
  const options = await rootfsOverlayOptions(deps, record, image);
  const lowers = options[0].slice('lowerdir='.length).split(':');
  const upper = deps.paths.containerFile(record.Id, 'upper');
  if (opts.writable) return mountedRootView(deps.paths, lowers, { upper, work: deps.paths.containerFile(record.Id, 'work') });
  return mountedRootView(deps.paths, [upper, ...lowers]);
}

/** Always the overlay view, never /proc/<pid>/root: the tar holds the rootfs, not /proc, /sys or volumes. */
export async function exportContainer(deps: ContainerDeps, record: ContainerRecord, output: string | Writable): Promise<void> {
  const view = await containerRootView(deps, record, {});
  try {
    const target = typeof output === 'string' ? createWriteStream(output) : output;
    await pipeline(tarDirectory(view.path, deps.sys), target, { end: typeof output === 'string' });
  } finally {
    await view.close();
  }
}
