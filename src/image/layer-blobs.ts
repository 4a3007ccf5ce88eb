/**
 * Pull skips a layer whose diffID is already unpacked, whatever compression
 * the new image's manifest names, so that image's own blob may never be in
 * the store. Another blob holding the same diffID is: the one the layer came
 * with (recorded in layers/<diffID>/blobs.json, which GC keeps). push and save
 * then use that blob and a manifest rewritten to name it: same config, same
 * diffIDs, so the same image ID; only the manifest digest differs, as when
 * Docker recompresses a layer on push.
 */
import { TsrunError } from '../core/errors.js';
import { sha256 } from '../oci/digest.js';
import { MediaType, type Descriptor, type Manifest } from '../oci/image.js';
import type { LayerBlob } from '../snapshot/layer-store.js';
import type { ImageDeps } from './image-service.js';
import type { Image } from './store.js';

/** A blob in the store holding `diffID`: one recorded with the layer, else one another image names. */
export async function findLayerBlob(deps: ImageDeps, diffID: string): Promise<LayerBlob | undefined> {
  for (const b of await deps.layers.blobs(diffID)) {
    if (await deps.content.has(b.digest)) return b;
  }
  for (const image of await deps.images.list()) {
    const i = image.config.rootfs.diff_ids.indexOf(diffID);
    const layer = i >= 0 ? image.manifest.layers[i] : undefined;
    if (layer && (await deps.content.has(layer.digest))) return layer;
  }
  return undefined;
}

export interface ManifestToShip {
  manifest: Manifest;
  bytes: Buffer;
  digest: string;
  mediaType: string;
  /** True when some layer is another blob than the stored manifest names. */
  rewritten: boolean;
}

/** The image's manifest, or one naming blobs we hold in place of those we lack. */
export async function manifestToShip(deps: ImageDeps, image: Image, shownName: string): Promise<ManifestToShip> {
  const mediaType = image.manifest.mediaType ?? MediaType.OciManifest;
  const layers: Descriptor[] = [];
  let rewritten = false;
  for (const [i, layer] of image.manifest.layers.entries()) {
    if (await deps.content.has(layer.digest)) {
      layers.push(layer);
      continue;
    }
    const diffID = image.config.rootfs.diff_ids[i]!;
    const other = await findLayerBlob(deps, diffID);
    if (!other) {
      throw new TsrunError('NOT_FOUND', `layer ${diffID} of ${shownName} has no blob in the store (its blob ${layer.digest} was never downloaded)`, {
        hint: `tsrun pull ${shownName}`,
      });
    }
    layers.push({ mediaType: layerMediaType(other.mediaType, mediaType), digest: other.digest, size: other.size });
    rewritten = true;
  }
  if (!rewritten) {
    const bytes = await deps.content.readBytes(image.manifestDigest);
    return { manifest: image.manifest, bytes, digest: image.manifestDigest, mediaType, rewritten };
  }
  const manifest: Manifest = { ...image.manifest, layers };
  const bytes = Buffer.from(JSON.stringify(manifest));
  return { manifest, bytes, digest: sha256(bytes), mediaType, rewritten };
}

/** A Docker schema2 manifest names layers with Docker's media types, an OCI one with OCI's. */
function layerMediaType(blobType: string, manifestType: string): string {
  const docker = manifestType === MediaType.DockerManifest;
  const compression = /gzip/.test(blobType) ? 'gzip' : /zstd/.test(blobType) ? 'zstd' : 'none';
  if (docker && compression === 'gzip') return MediaType.DockerLayerGzip;
  if (docker && compression === 'none') return MediaType.DockerLayer;
  if (compression === 'gzip') return MediaType.OciLayerGzip;
  if (compression === 'zstd') return MediaType.OciLayerZstd;
  return MediaType.OciLayer;
}
