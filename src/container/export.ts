/** The container's filesystem as a tar (`tsrun export`), and the views cp and export read through. */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { TsrunError } from '../core/errors.js';
import { tarDirectory } from '../snapshot/write-layer.js';
import type { ContainerDeps } from './deps.js';
import { currentState } from './liveness.js';
import { rootfsOverlayOptions } from './launch-plan.js';
import { bindIntoView, mountedRootView, runningRootView, type RootView } from './root-view.js';
import type { ContainerRecord } from './store.js';

/**
 * With `running` and a live container: its own root (volumes included, as
 * Docker's cp sees them). Otherwise the overlay of its upper dir and image
 * layers, read-only unless `writable` (only for a stopped container), with
 * its volumes and bind mounts in place when `volumes` (cp; not export).
 */
export async function containerRootView(deps: ContainerDeps, record: ContainerRecord, opts: { running?: boolean; writable?: boolean; volumes?: boolean }): Promise<RootView> {
  const state = await currentState(deps.containers, record.Id);
  if (opts.running && state.Running) return runningRootView(state.Pid);
  const image = await deps.images.resolve(record.ImageID);
  if (!image) throw new TsrunError('NOT_FOUND', `No such image: ${record.ImageID}`);
  const options = await rootfsOverlayOptions(deps, record, image);
  const lowers = options[0].slice('lowerdir='.length).split(':');
  const upper = deps.paths.containerFile(record.Id, 'upper');
  const view = opts.writable
    ? await mountedRootView(deps.paths, lowers, { upper, work: deps.paths.containerFile(record.Id, 'work') })
    : await mountedRootView(deps.paths, [upper, ...lowers]);
  if (!opts.volumes) return view;
  try {
    // tmpfs mounts are gone with the container; volumes and binds keep their data
    const binds = (record.Mounts ?? []).filter((m) => m.Type !== 'tmpfs' && m.Source)
      .map((m) => ({ source: m.Source, destination: m.Destination, readOnly: !m.RW }));
    await bindIntoView(view, binds);
  } catch (err) {
    await view.close();
    throw err;
  }
  return view;
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
