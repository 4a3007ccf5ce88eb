import type { FileLock } from '../core/lock.js';
import type { StorePaths } from '../core/paths.js';
import type { ContentStore } from '../content/index.js';
import type { LayerStore } from '../snapshot/layer-store.js';
import type { ImageStore } from './store.js';

/** What image operations need: the three stores and the lock that guards their metadata. */
export interface ImageDeps {
  paths: StorePaths;
  content: ContentStore;
  layers: LayerStore;
  images: ImageStore;
  lock: FileLock;
}
