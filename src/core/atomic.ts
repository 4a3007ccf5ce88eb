import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** A temp name beside the target, so the final rename stays on one filesystem. */
export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.tmp-${process.pid}-${randomBytes(6).toString('hex')}-${path.basename(target)}`);
}

/**
 * How much a write must survive: 'durable' (tmp -> fsync -> rename -> fsync dir) for records that
 * outlive a reboot; 'rebuilt' (tmp -> rename) for files rewritten before every use, or naming only
 * what a reboot ends: a process crash still leaves the old file or the new one, never half.
 */
export type Durability = 'durable' | 'rebuilt';

/** tmp -> fsync -> rename -> fsync dir: readers see the old file or the new one, never half. */
export async function writeFileAtomic(target: string, data: string | Uint8Array, mode = 0o644, durability: Durability = 'durable'): Promise<void> {
  const tmp = tempPathFor(target);
  const fh = await fs.open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    if (durability === 'durable') await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  if (durability === 'durable') await syncDir(path.dirname(target));
}

export async function writeJsonAtomic(target: string, value: unknown, durability: Durability = 'durable'): Promise<void> {
  await writeFileAtomic(target, JSON.stringify(value, null, 2) + '\n', 0o644, durability);
}

export async function syncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as T;
}

/** undefined when the file does not exist. */
export async function readJsonIfExists<T>(file: string): Promise<T | undefined> {
  try {
    return await readJson<T>(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
