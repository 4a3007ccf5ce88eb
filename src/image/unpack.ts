import { TsrunError } from '../core/errors.js';
import type { Image } from './store.js';
import type { ImageDeps } from './image-service.js';

/** Makes sure every layer of the image is unpacked; layers already there are reused. */
export async function ensureUnpacked(deps: ImageDeps, image: Image): Promise<void> {
  const diffIDs = image.config.rootfs.diff_ids;
  if (diffIDs.length !== image.manifest.layers.length) {
    throw new TsrunError('INVALID_ARGUMENT', `image ${image.id}: ${image.manifest.layers.length} layers but ${diffIDs.length} diff_ids`);
  }
  for (const [i, layer] of image.manifest.layers.entries()) {
    if (await deps.layers.has(diffIDs[i])) continue;
    await deps.layers.unpack(deps.content.read(layer.digest), diffIDs[i]);
  }
}

/** lowerdir entries for overlay, topmost first (overlay's order). */
export async function lowerDirs(deps: ImageDeps, image: Image): Promise<string[]> {
  const dirs: string[] = [];
  for (const diffID of image.config.rootfs.diff_ids) dirs.push(await deps.layers.lowerDir(diffID));
  return dirs.reverse();
}
