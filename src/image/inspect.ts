/** `tsrun inspect` of an image: Docker's shape. */
import type { ImageDeps } from './image-service.js';
import { familiarName } from './names.js';
import type { Image } from './store.js';

export async function inspectImage(deps: ImageDeps, image: Image): Promise<Record<string, unknown>> {
  const diffIDs = image.config.rootfs.diff_ids;
  let size = 0;
  for (const d of diffIDs) size += (await deps.layers.get(d))?.size ?? 0;
  const history = image.config.history ?? [];
  return {
    Id: image.id,
    RepoTags: image.names.filter((n) => !n.includes('@')).map(familiarName),
    RepoDigests: image.names.filter((n) => n.includes('@')).map((n) => familiarName(n.slice(0, n.indexOf('@'))) + n.slice(n.indexOf('@'))),
    Parent: '',
    Comment: history.at(-1)?.comment ?? '',
    Created: image.config.created ?? '',
    DockerVersion: '',
    Author: image.config.author ?? '',
    Config: image.config.config ?? {},
    Architecture: image.config.architecture,
    ...(image.config.variant ? { Variant: image.config.variant } : {}),
    Os: image.config.os,
    Size: size,
    GraphDriver: { Name: 'overlay', Data: { LowerDir: diffIDs.map((d) => deps.paths.layerDiff(d)).reverse().join(':') } },
    RootFS: { Type: 'layers', Layers: diffIDs },
    Metadata: { LastTagTime: ZERO_TIME },
  };
}

const ZERO_TIME = '0001-01-01T00:00:00Z';
