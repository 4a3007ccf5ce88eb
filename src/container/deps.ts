import type { ImageDeps } from '../image/index.js';
import type { NetworkConfig } from '../network/index.js';
import type { Sys } from '../sys/index.js';
import type { IsolationSettings } from './isolation-settings.js';
import type { ContainerStore } from './store.js';
import type { VolumeStore } from './volume-store.js';

/** What container operations need: the image stores, the containers, the volumes and the native boundary. */
export interface ContainerDeps extends ImageDeps {
  sys: Sys;
  containers: ContainerStore;
  volumes: VolumeStore;
  /** How to run tsrun itself (node + script): the monitor runs `rm` with it for `run -d --rm`. */
  selfCommand: string[];
  /** cgroup parent, userns-remap and id ranges (settings file, environment); defaults without. */
  isolationSettings?: () => Promise<IsolationSettings>;
  /** Docker's "WARNING: ..." lines (a limit the kernel lacks, a capability the host lacks). */
  warn?: (message: string) => void;
  /** The default bridge's subnet and the pools of user networks (settings file); defaults without. */
  networkConfig?: () => Promise<NetworkConfig>;
}
