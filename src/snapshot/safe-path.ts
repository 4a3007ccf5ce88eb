/**
 * Keeping a hostile layer inside its directory.
 *
 * Entry names are cleaned lexically (leading "/" stripped like Docker, ".."
 * that would climb above the root refused), and every parent component of a
 * path we touch is checked with lstat to be a real directory, never a
 * symlink. Components already checked are remembered until something under
 * them is removed, so a layer of 10k files costs few extra syscalls.
 */
import { lstat, mkdir } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { TsrunError, isErrno } from '../core/errors.js';

/** The cleaned, relative form of a tar name: '' is the root itself. Throws when it escapes. */
export function cleanEntryName(name: string, what = `layer entry "${name}"`): string {
  if (name.includes('\0')) throw new TsrunError('INVALID_ARGUMENT', `${what} contains a NUL byte`);
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw new TsrunError('INVALID_ARGUMENT', `${what} escapes the layer`);
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join('/');
}

export function parentOf(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash === -1 ? '' : rel.slice(0, slash);
}

export function baseOf(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

export async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
}

/** A directory we extract into; all paths given to it are cleaned relative names. */
export class SafeRoot {
  /** Relative paths known to be real directories (not symlinks) under the root. */
  private readonly knownDirs = new Set<string>(['']);

  constructor(readonly root: string) {}

  abs(rel: string): string {
    return rel === '' ? this.root : `${this.root}/${rel}`;
  }

  /**
   * Makes sure every parent of `rel` is a real directory inside the root,
   * creating missing ones (0755). `entry` names the tar entry in errors.
   */
  async ensureParents(rel: string, entry: string): Promise<void> {
    await this.walkParents(rel, entry, true);
  }

  /** Like ensureParents but creates nothing; false when a parent is missing. */
  async parentsExist(rel: string, entry: string): Promise<boolean> {
    return this.walkParents(rel, entry, false);
  }

  private async walkParents(rel: string, entry: string, create: boolean): Promise<boolean> {
    const parent = parentOf(rel);
    if (this.knownDirs.has(parent)) return true;
    let cur = '';
    for (const part of parent.split('/')) {
      cur = cur === '' ? part : `${cur}/${part}`;
      if (this.knownDirs.has(cur)) continue;
      const st = await lstatOrNull(this.abs(cur));
      if (st === null) {
        if (!create) return false;
        await mkdir(this.abs(cur), { mode: 0o755 });
      } else if (st.isSymbolicLink()) {
        throw new TsrunError('INVALID_ARGUMENT', `layer entry "${entry}" goes through the symlink "${cur}"`, {
          hint: 'a layer may not write through a symlink it created',
        });
      } else if (!st.isDirectory()) {
        throw new TsrunError('INVALID_ARGUMENT', `layer entry "${entry}" has a parent "${cur}" that is not a directory`);
      }
      this.knownDirs.add(cur);
    }
    return true;
  }

  /** Records that `rel` is now a directory we made. */
  addDir(rel: string): void {
    this.knownDirs.add(rel);
  }

  /** Forgets `rel` and everything under it (it was removed or replaced). */
  forget(rel: string): void {
    const prefix = `${rel}/`;
    for (const dir of this.knownDirs) {
      if (dir === rel || dir.startsWith(prefix)) this.knownDirs.delete(dir);
    }
  }
}
