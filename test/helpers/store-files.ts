/** Reading a store (an OCI layout) the way another tool would, to check what a command left behind. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface IndexJson {
  manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
}

export function indexNames(root: string): string[] {
  const file = path.join(root, 'index.json');
  if (!existsSync(file)) return [];
  const index = JSON.parse(readFileSync(file, 'utf8')) as IndexJson;
  return index.manifests.map((d) => d.annotations?.['io.containerd.image.name'] ?? '').filter(Boolean);
}

export function hasBlob(root: string, digest: string): boolean {
  return existsSync(path.join(root, 'blobs/sha256', digest.slice(7)));
}

export function hasLayer(root: string, diffID: string): boolean {
  return existsSync(path.join(root, 'layers', diffID.slice(7)));
}

export function readBlobJson<T>(root: string, digest: string): T {
  return JSON.parse(readFileSync(path.join(root, 'blobs/sha256', digest.slice(7)), 'utf8')) as T;
}

export interface StoredImage {
  manifestDigest: string;
  manifest: { mediaType?: string; config: { digest: string }; layers: Array<{ digest: string; size: number; mediaType: string }> };
  config: { architecture: string; os: string; rootfs: { diff_ids: string[] } };
}

/** The image a full name points at in a store. */
export function storedImage(root: string, fullName: string): StoredImage {
  const index = JSON.parse(readFileSync(path.join(root, 'index.json'), 'utf8')) as IndexJson;
  const entry = index.manifests.find((d) => d.annotations?.['io.containerd.image.name'] === fullName);
  if (!entry) throw new Error(`${fullName} is not in ${root}`);
  const manifest = readBlobJson<StoredImage['manifest']>(root, entry.digest);
  return { manifestDigest: entry.digest, manifest, config: readBlobJson(root, manifest.config.digest) };
}

/** Files left in the store's scratch dir (a failed pull must leave none). */
export function scratchLeft(root: string): string[] {
  const dir = path.join(root, 'tmp');
  return existsSync(dir) ? readdirSync(dir) : [];
}
