/** `tsrun diff`: what the container changed, read from its upper dir (A added, C changed, D deleted). */
import { TsrunError } from '../core/errors.js';
import { changesOf, type Change } from '../snapshot/changes.js';
import type { ContainerDeps } from './deps.js';
import { placeholderTree } from './init-paths.js';
import type { ContainerRecord } from './store.js';

export async function containerChanges(deps: ContainerDeps, record: ContainerRecord): Promise<Change[]> {
  const image = await deps.images.resolve(record.ImageID);
  if (!image) throw new TsrunError('NOT_FOUND', `No such image: ${record.ImageID}`);
  const upper = deps.paths.containerFile(record.Id, 'upper');
  const lowers = image.config.rootfs.diff_ids.map((d) => deps.paths.layerDiff(d)).reverse();
  const hidden = await placeholderTree(upper, record);
  return (await changesOf(upper, lowers, deps.sys)).filter((c) => !hidden.has(c.path.slice(1)));
}
