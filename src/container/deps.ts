import type { ImageDeps } from '../image/index.js';
import type { NetworkConfig } from '../network/index.js';
import type { Sys } from '../sys/index.js';
import type { ContainerStore } from './store.js';
import type { VolumeStore } from './volume-store.js';

/** What container operations need: the image stores, the containers, the volumes and the native boundary. */
export interface ContainerDeps extends ImageDeps {
  sys: Sys;
  containers: ContainerStore;
  volumes: VolumeStore;
  /** How to run tsrun itself (node + script): the monitor runs `rm` with it for `run -d --rm`. */
  selfCommand: string[];
  /** The default bridge's subnet and the pools of user networks (settings file); defaults without. */
  networkConfig?: () => Promise<NetworkConfig>;
}
