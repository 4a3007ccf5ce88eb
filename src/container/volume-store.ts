/**
 * Local volumes: ROOT/volumes/<name>/{volume.json,_data}. A volume lives on
 * after its containers; what uses it is read from the container records, so
 * there is no reference count to get wrong after a crash.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from '../core/atomic.js';
import { isErrno, TsrunError } from '../core/errors.js';
import type { StorePaths } from '../core/paths.js';
import { scratchPath } from '../core/scratch.js';

export interface Volume {
  Name: string;
  Driver: 'local';
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Scope: 'local';
  Options: Record<string, string>;
  /** Made for one container (image VOLUME or `-v /path`). */
  Anonymous?: boolean;
  /** Set once the image's content was copied in (only the first container fills it). */
  Filled?: boolean;
}

const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export class VolumeStore {
  constructor(private readonly paths: StorePaths) {}

  private metaFile(name: string): string {
    return path.join(this.paths.volumeDir(name), 'volume.json');
  }

  async get(name: string): Promise<Volume | undefined> {
    if (!VALID_NAME.test(name)) return undefined;
    return readJsonIfExists<Volume>(this.metaFile(name));
  }

  async require(name: string): Promise<Volume> {
    const v = await this.get(name);
    if (!v) throw new TsrunError('NOT_FOUND', `get ${name}: no such volume`);
    return v;
  }

  /** Creates the volume, or returns the existing one of that name (Docker's create is idempotent). */
  async create(name?: string, labels: Record<string, string> = {}): Promise<{ volume: Volume; created: boolean }> {
    if (name !== undefined && !VALID_NAME.test(name)) {
      throw new TsrunError('INVALID_ARGUMENT',
        `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed`);
    }
    const chosen = name ?? randomBytes(32).toString('hex');
    const existing = await this.get(chosen);
    if (existing) return { volume: existing, created: false };
    const dir = this.paths.volumeDir(chosen);
    const volume: Volume = {
      Name: chosen, Driver: 'local', Mountpoint: path.join(dir, '_data'), CreatedAt: new Date().toISOString(),
      Labels: labels, Scope: 'local', Options: {}, ...(name === undefined ? { Anonymous: true } : {}),
    };
    await fs.mkdir(volume.Mountpoint, { recursive: true, mode: 0o755 });
    await writeJsonAtomic(this.metaFile(chosen), volume); // last: a volume without it was never made
    return { volume, created: true };
  }

  async markFilled(volume: Volume): Promise<void> {
    await writeJsonAtomic(this.metaFile(volume.Name), { ...volume, Filled: true });
  }

  async list(): Promise<Volume[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.paths.volumesDir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    const out: Volume[] = [];
    for (const n of names.sort()) {
      const v = await this.get(n);
      if (v) out.push(v);
    }
    return out;
  }

  /** Renames the volume away first, so a crash never leaves half a volume listed. */
  async remove(name: string): Promise<void> {
    const doomed = await scratchPath(this.paths.tmpDir, 'rm-volume');
    try {
      await fs.rename(this.paths.volumeDir(name), doomed);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
    await fs.rm(doomed, { recursive: true, force: true });
  }
}
