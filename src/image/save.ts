import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { MediaType, type Descriptor, type Index } from '../oci/image.js';
import type { ImageDeps } from './image-service.js';
import { manifestToShip } from './layer-blobs.js';
import { familiarName } from './names.js';
import { CONTAINERD_NAME, REF_NAME, type Image } from './store.js';

/**
 * `tsrun save`: the archive Docker 25+ writes, readable by `docker load` and
 * by OCI tools alike: manifest.json (RepoTags, Config, Layers) beside an OCI
 * layout (oci-layout, index.json, blobs/sha256/*).
 */
export async function saveImages(deps: ImageDeps, refs: Array<{ ref: string; image: Image }>, out: Writable): Promise<void> {
  const pack = tar.pack();
  const done = pipeline(pack, out);
  const written = new Set<string>();
  const manifestJson: Array<{ Config: string; RepoTags: string[]; Layers: string[] }> = [];
  const index: Index = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };
  const mtime = new Date(0);

  const addBlob = async (digest: string, size: number) => {
    if (written.has(digest)) return;
    written.add(digest);
    const entry = pack.entry({ name: blobPath(digest), size, mode: 0o644, mtime });
    await pipeline(deps.content.read(digest), entry);
  };
  const addBytes = async (digest: string, bytes: Buffer) => {
    if (written.has(digest)) return;
    written.add(digest);
    await new Promise<void>((resolve, reject) => pack.entry({ name: blobPath(digest), mode: 0o644, mtime }, bytes, (e) => (e ? reject(e) : resolve())));
  };
  const addFile = (name: string, data: string) =>
    new Promise<void>((resolve, reject) => pack.entry({ name, mode: 0o644, mtime }, data, (e) => (e ? reject(e) : resolve())));

  for (const { ref, image } of refs) {
    // repo digests (NAME@DIGEST) are not tags: docker load would refuse them in RepoTags
    const names = image.names.filter((n) => !n.includes('@') && refNames(ref, image).includes(n));
    // a layer skipped at pull ("Already exists") goes as the blob we hold, under a rewritten manifest
    const ship = await manifestToShip(deps, image, names[0] ? familiarName(names[0]) : image.id);
    await addBlob(ship.manifest.config.digest, ship.manifest.config.size);
    for (const l of ship.manifest.layers) await addBlob(l.digest, l.size);
    if (ship.rewritten) await addBytes(ship.digest, ship.bytes);
    else await addBlob(ship.digest, ship.bytes.length);
    manifestJson.push({
      Config: blobPath(ship.manifest.config.digest),
      RepoTags: names.map(familiarName),
      Layers: ship.manifest.layers.map((l) => blobPath(l.digest)),
    });
    const desc: Descriptor = { mediaType: ship.mediaType, digest: ship.digest, size: ship.bytes.length };
    if (names.length === 0) index.manifests.push(desc);
    for (const n of names) index.manifests.push({ ...desc, annotations: { [CONTAINERD_NAME]: n, [REF_NAME]: n.slice(n.lastIndexOf(':') + 1) } });
  }
  await addFile('oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await addFile('index.json', JSON.stringify(index));
  await addFile('manifest.json', JSON.stringify(manifestJson));
  pack.finalize();
  await done;
}

/** Saving by name keeps that name; saving by ID keeps all of the image's names (as docker save does). */
function refNames(ref: string, image: Image): string[] {
  const byId = image.id.includes(ref) || ref.startsWith('sha256:');
  if (byId) return image.names;
  return image.names.filter((n) => familiarName(n) === ref || n === ref || familiarName(n) === `${ref}:latest` || familiarName(n).startsWith(ref + ':'));
}

function blobPath(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}
