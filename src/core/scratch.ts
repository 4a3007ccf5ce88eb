import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isErrno } from './errors.js';

/** A fresh scratch path ROOT/tmp/<pid>-<tag>-<random>; the pid lets a later run tell it is abandoned. */
export async function scratchPath(tmpDir: string, tag: string): Promise<string> {
  await fs.mkdir(tmpDir, { recursive: true });
  return path.join(tmpDir, `${process.pid}-${tag}-${randomBytes(6).toString('hex')}`);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return !isErrno(err, 'ESRCH');
  }
}

/** Removes scratch entries left by processes that died (crash at any point leaves a usable store). */
export async function removeAbandonedScratch(tmpDir: string): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(tmpDir);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return 0;
    throw err;
  }
  let removed = 0;
  for (const name of names) {
    const pid = Number(name.split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || (pid !== process.pid && !processAlive(pid))) {
      await fs.rm(path.join(tmpDir, name), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
