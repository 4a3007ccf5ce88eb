import { FileLock } from '../core/lock.js';
import { StorePaths } from '../core/paths.js';
import { removeAbandonedScratch } from '../core/scratch.js';
import { ContentStore } from '../content/index.js';
// Deep imports on purpose: the barrels pull in load/save/build code that a `run` never needs (start-up time).
import { ImageStore } from '../image/store.js';
import { ContainerStore } from '../container/store.js';
import { VolumeStore } from '../container/volume-store.js';
import type { ContainerDeps } from '../container/run.js';
import { LayerStore } from '../snapshot/layer-store.js';
import type { Sys } from '../sys/types.js';
import { isolationSettings as loadIsolationSettings } from './isolation-settings.js';
import { networkConfigFrom } from './network-settings.js';
import { LeaseTable, sweep } from '../network/index.js';

export type Context = ContainerDeps;

/** Builds the one Context every command gets; the addon is loaded only here. */
export async function createContext(root: string): Promise<Context> {
  const { loadNativeSys } = await import('../sys/native.js');
  const sys: Sys = loadNativeSys();
  const paths = new StorePaths(root);
  const lock = new FileLock(paths.lockFile, sys.flock);
  const { promises: fs } = await import('node:fs');
  await fs.mkdir(paths.root, { recursive: true, mode: 0o700 });
  const content = new ContentStore(paths);
  const layers = new LayerStore(paths, sys);
  const images = new ImageStore(paths, content, lock);
  const containers = new ContainerStore(paths, lock);
  const volumes = new VolumeStore(paths);
  // node + this script: the monitor runs `tsrun rm` with it after a `run -d --rm` container exits
  const selfCommand = [process.execPath, process.argv[1]];
  const networkConfig = () => networkConfigFrom(process.env);
  await Promise.all([
    removeAbandonedScratch(paths.tmpDir), // what a killed tsrun left half-written
    // what a killed monitor or tsrun left: its rules, veth and namespace go at the next command
    sweep(new LeaseTable(sys.flock, sys.umount)).catch(() => undefined), // a failing sweep is retried (and reported) by the next attach
  ]);
  let isolation: ReturnType<typeof loadIsolationSettings> | undefined;
  const isolationSettings = () => (isolation ??= loadIsolationSettings(process.env));
  return { paths, sys, lock, content, layers, images, containers, volumes, selfCommand, networkConfig, isolationSettings,
    warn: (message: string) => process.stderr.write(`WARNING: ${message}\n`) };
}
