import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readJsonIfExists } from '../core/atomic.js';
import { TsrunError } from '../core/errors.js';
import type { ImageDeps } from './image-service.js';
import { leasedRoots } from './lease.js';
import { familiarName, storedName } from './names.js';

export interface RemoveResult {
  untagged: string[];
  deleted: string[];
}

/** Asked by rmi: which image IDs are used by containers (the container store answers). */
export type ImageUsers = () => Promise<Map<string, string[]>>;

/**
 * `tsrun rmi`: untag; delete the image when no name is left and no container
 * uses it; then delete layers and blobs nothing else references.
 */
export async function removeImage(deps: ImageDeps, ref: string, force: boolean, users: ImageUsers): Promise<RemoveResult> {
  const image = await deps.images.require(ref);
  const inUse = (await users()).get(image.id) ?? [];
  const byId = !isName(ref, image.names);
  const result: RemoveResult = { untagged: [], deleted: [] };
  if (inUse.length && !force && (byId || image.names.filter((n) => !n.includes('@')).length <= 1)) {
    throw new TsrunError('CONFLICT', `conflict: unable to remove repository reference "${ref}" (must force) - container ${inUse[0].slice(0, 12)} is using its referenced image ${image.id.slice(7, 19)}`, { exitCode: 1 });
  }
  if (byId && new Set(image.names.map(repositoryOf)).size > 1 && !force) {
    throw new TsrunError('CONFLICT', `conflict: unable to delete ${image.id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`, { exitCode: 1 });
  }
  await deps.lock.with('exclusive', async () => {
    const names = byId ? image.names : [storedName(ref)];
    // repo digests (NAME@DIGEST) go with the last tag, as in Docker
    const remaining = image.names.filter((n) => !names.includes(n));
    if (remaining.every((n) => n.includes('@'))) names.push(...remaining);
    for (const n of names) {
      await deps.images.untag(n, true);
      result.untagged.push(familiarName(n));
    }
    const left = (await deps.images.list()).find((i) => i.manifestDigest === image.manifestDigest);
    if (left && left.names.length === 0 && inUse.length === 0) {
      await deps.images.forget(image.manifestDigest);
      result.deleted.push(image.id);
    }
  });
  if (result.deleted.length) await collectGarbage(deps, users);
  return result;
}

function isName(ref: string, names: string[]): boolean {
  try {
    return names.includes(storedName(ref));
  } catch {
    return false;
  }
}

/** Deletes layers and blobs that no image, build cache record or running pull (lease) reaches. */
export async function collectGarbage(deps: ImageDeps, users: ImageUsers): Promise<void> {
  await deps.lock.with('exclusive', async () => {
    const liveBlobs = new Set<string>();
    const liveLayers = new Set<string>();
    for (const image of await deps.images.list()) {
      liveBlobs.add(image.manifestDigest);
      liveBlobs.add(image.id);
      for (const l of image.manifest.layers) liveBlobs.add(l.digest);
      for (const d of image.config.rootfs.diff_ids) liveLayers.add(d);
    }
    for (const pin of [...await buildCachePins(deps.paths.buildCacheDir), await leasedRoots(deps)]) {
      pin.blobs?.forEach((b) => liveBlobs.add(b));
      pin.diffIDs?.forEach((d) => liveLayers.add(d));
    }
    for (const diffID of await deps.layers.list()) {
      if (!liveLayers.has(diffID)) await deps.layers.remove(diffID);
      // the blob a layer came with stays while the layer does: push and save of images that skipped it need it
      else for (const b of await deps.layers.blobs(diffID)) liveBlobs.add(b.digest);
    }
    void users;
    for (const digest of await deps.content.list()) {
      if (!liveBlobs.has(digest)) await deps.content.delete(digest);
    }
  });
}

/**
 * `tsrun build` records each step's result in ROOT/build-cache/<parent>/<key>.json;
 * a record's `blobs` and `diffIDs` stay, so the build cache survives rmi.
 */
async function buildCachePins(dir: string): Promise<Array<{ blobs?: string[]; diffIDs?: string[] }>> {
  const pins: Array<{ blobs?: string[]; diffIDs?: string[] }> = [];
  const parents = await fs.readdir(dir).catch(() => [] as string[]);
  for (const parent of parents) {
    const files = await fs.readdir(path.join(dir, parent)).catch(() => [] as string[]);
    for (const f of files.filter((n) => n.endsWith('.json'))) {
      const record = await readJsonIfExists<{ blobs?: string[]; diffIDs?: string[] }>(path.join(dir, parent, f)).catch(() => undefined);
      if (record) pins.push(record);
    }
  }
  return pins;
}

function repositoryOf(name: string): string {
  const at = name.indexOf('@');
  if (at >= 0) return name.slice(0, at);
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}
