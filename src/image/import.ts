import { isGzipFile } from '../core/gzip.js';
import type { Readable } from 'node:stream';
import { hostPlatform, MediaType, type ImageConfig } from '../oci/image.js';
import { writeImage } from './create.js';
import type { ImageDeps } from './image-service.js';
import { storedName } from './names.js';
import type { Image } from './store.js';

/** `tsrun import`: a rootfs tar (plain or gzip) becomes a one-layer image. */
export async function importRootfs(deps: ImageDeps, tar: Readable, source: string, ref?: string): Promise<Image> {
  const blob = await deps.content.ingest(tar);
  const gzip = await isGzipFile(deps.content.path(blob.digest));
  const layer = await deps.layers.unpack(deps.content.read(blob.digest));
  const created = new Date().toISOString();
  const platform = hostPlatform();
  const config: ImageConfig = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: {},
    rootfs: { type: 'layers', diff_ids: [layer.diffID] },
    history: [{ created, created_by: '', comment: `Imported from ${source}` }],
  };
  const mediaType = gzip ? MediaType.OciLayerGzip : MediaType.OciLayer;
  return writeImage(deps, config, [{ mediaType, digest: blob.digest, size: blob.size }], ref ? [storedName(ref)] : []);
}
