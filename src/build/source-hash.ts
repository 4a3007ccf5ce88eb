/**
 * Content hashes of COPY/ADD sources for the cache key: bytes, type, mode
 * and ownership of every file (mtime deliberately left out, so touching a
 * file does not invalidate the cache). A directory's hash covers its
 * children by name. Results are memoised for the build.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { EntryInfo, SourceTree } from './source-tree.js';

const WHOLE_FILE = 1024 * 1024;

export interface HashedEntry {
  /** `sha256` hex of the entry (recursive for directories). */
  digest: string;
  /** relative path (under the entry) -> hash, for every file and link below; '' is the entry itself. */
  files: Map<string, string>;
}

function header(info: EntryInfo): string {
  return `${info.type} ${info.mode.toString(8)} ${info.uid}:${info.gid}\n`;
}

async function hashFile(info: EntryInfo): Promise<string> {
  const h = createHash('sha256').update(header(info));
  if (info.type === 'symlink') h.update(await readlink(info.hostPath));
  // small files read synchronously: four thread-pool round trips each would leave the CPU idle
  else if (info.type === 'file' && info.size <= WHOLE_FILE) h.update(readFileSync(info.hostPath));
  else if (info.type === 'file') await pipeline(createReadStream(info.hostPath), h);
  return h.digest('hex');
}

export class SourceHasher {
  private readonly memo = new Map<string, Promise<HashedEntry>>();

  constructor(private readonly tree: SourceTree) {}

  /** Hash of the entry at `rel` (which the caller found with lstat). */
  hash(rel: string, info: EntryInfo): Promise<HashedEntry> {
    let p = this.memo.get(rel);
    if (!p) {
      p = this.compute(rel, info);
      this.memo.set(rel, p);
    }
    return p;
  }

  private async compute(rel: string, info: EntryInfo): Promise<HashedEntry> {
    if (info.type !== 'dir') {
      const digest = await hashFile(info);
      return { digest, files: new Map([['', digest]]) };
    }
    const h = createHash('sha256').update(header(info));
    const files = new Map<string, string>();
    for (const name of await this.tree.readdir(rel)) {
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const child = await this.tree.lstat(childRel);
      if (!child) continue;
      const sub = await this.hash(childRel, child);
      h.update(`${name}\0${sub.digest}\n`);
      for (const [p, d] of sub.files) files.set(p === '' ? name : `${name}/${p}`, d);
    }
    return { digest: h.digest('hex'), files };
  }
}
