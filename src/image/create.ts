import { MediaType, type Descriptor, type ImageConfig, type Manifest } from '../oci/image.js';
import type { ImageDeps } from './image-service.js';
import type { Image } from './store.js';

/** Writes config + manifest blobs and names the image (or keeps it untagged). */
export async function writeImage(deps: ImageDeps, config: ImageConfig, layers: Descriptor[], names: string[]): Promise<Image> {
  const configBlob = await deps.content.putJson(config);
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: { mediaType: MediaType.OciConfig, digest: configBlob.digest, size: configBlob.size },
    layers,
  };
  const manifestBlob = await deps.content.putJson(manifest);
  await deps.lock.with('exclusive', async () => {
    if (names.length === 0) await deps.images.addUntagged(manifestBlob.digest, manifestBlob.size);
    for (const name of names) await deps.images.tag(name, manifestBlob.digest, manifestBlob.size);
  });
  return { names, manifestDigest: manifestBlob.digest, manifest, id: configBlob.digest, config };
}
