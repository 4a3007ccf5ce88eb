/**
 * A lease: the blobs and layers a running pull or load relies on before any
 * image names them (containerd's leases, in a file). rmi's GC reads the
 * leases of live processes as extra roots, so a concurrent rmi never deletes
 * a layer a pull has just found "Already exists", nor one it has just unpacked.
 * Written under the store lock, so GC sees it or ran entirely before it.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from '../core/atomic.js';
import { isErrno } from '../core/errors.js';
import { processAlive } from '../core/scratch.js';
import type { ImageDeps } from './image-service.js';

export interface LeaseRoots {
  blobs: string[];
  diffIDs: string[];
}

export interface Lease {
  /** Adds roots (takes the store lock): call before the blobs or layers are written. */
  extend(more: Partial<LeaseRoots>): Promise<void>;
  release(): Promise<void>;
}

/** Takes a lease; the caller must hold the store lock (exclusive). */
export async function takeLease(deps: ImageDeps, roots: LeaseRoots): Promise<Lease> {
  await fs.mkdir(deps.paths.leasesDir, { recursive: true });
  const file = path.join(deps.paths.leasesDir, `${process.pid}-${randomBytes(6).toString('hex')}.json`);
  const held: LeaseRoots = { blobs: [...roots.blobs], diffIDs: [...roots.diffIDs] };
  await writeJsonAtomic(file, held);
  return {
    extend: (more) => deps.lock.with('exclusive', async () => {
      held.blobs.push(...(more.blobs ?? []));
      held.diffIDs.push(...(more.diffIDs ?? []));
      await writeJsonAtomic(file, held);
    }),
    release: () => fs.rm(file, { force: true }),
  };
}

/** The roots of every lease whose process is alive; a dead process's lease is removed. */
export async function leasedRoots(deps: ImageDeps): Promise<LeaseRoots> {
  const roots: LeaseRoots = { blobs: [], diffIDs: [] };
  let names: string[];
  try {
    names = await fs.readdir(deps.paths.leasesDir);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return roots;
    throw err;
  }
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const file = path.join(deps.paths.leasesDir, name);
    const pid = Number(name.split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || (pid !== process.pid && !processAlive(pid))) {
      await fs.rm(file, { force: true });
      continue;
    }
    const lease = await readJsonIfExists<LeaseRoots>(file).catch(() => undefined);
    roots.blobs.push(...(lease?.blobs ?? []));
    roots.diffIDs.push(...(lease?.diffIDs ?? []));
  }
  return roots;
}
