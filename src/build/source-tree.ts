/**
 * Read-only file trees a build copies from and looks into, addressed by
 * clean relative paths ('' is the root): the build context (with its
 * .dockerignore applied) and an image seen through its layer diffs (overlay
 * whiteouts and opaque directories honoured, no mount needed).
 */
import { lstatSync, type Dirent, type Stats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { TsrunError, isErrno } from '../core/errors.js';
import { isOverlayOpaque, isOverlayWhiteout } from '../snapshot/whiteouts.js';
import type { FsOps } from '../sys/types.js';
import type { IgnoreMatcher } from './dockerignore.js';

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

export interface EntryInfo {
  type: EntryType;
  /** Permission bits (with setuid/setgid/sticky). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtimeMs: number;
  /** Where the entry really is on the host (the context file or a layer's copy). */
  hostPath: string;
}

export interface SourceTree {
  /** The entry at a clean relative path whose parents are not symlinks; undefined when absent. */
  lstat(rel: string): Promise<EntryInfo | undefined>;
  /** Child names of a directory, sorted (ignored and deleted entries left out). */
  readdir(rel: string): Promise<string[]>;
}

export function entryInfo(st: Stats, hostPath: string): EntryInfo {
  const type: EntryType = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
  return { type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: st.size, mtimeMs: st.mtimeMs, hostPath };
}

// synchronous: a context walk makes one lstat per file, and a thread-pool round trip each would leave the CPU idle
async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return lstatSync(p);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
    throw err;
  }
}

const join = (root: string, rel: string) => (rel === '' ? root : `${root}/${rel}`);

/**
 * The build context directory; what .dockerignore excludes does not exist,
 * except a directory that holds a `!`-excepted path (Docker sends those too).
 */
export class ContextTree implements SourceTree {
  constructor(readonly root: string, private readonly ignore: IgnoreMatcher, private readonly hasExceptions = false) {}

  private async hidden(rel: string, st: Stats | undefined): Promise<boolean> {
    if (rel === '' || !this.ignore.matches(rel)) return false;
    return !(this.hasExceptions && st?.isDirectory() && (await this.holdsException(rel)));
  }

  private async holdsException(rel: string): Promise<boolean> {
    for (const e of await readdir(join(this.root, rel), { withFileTypes: true })) {
      const child = `${rel}/${e.name}`;
      if (!this.ignore.matches(child)) return true;
      if (e.isDirectory() && (await this.holdsException(child))) return true;
    }
    return false;
  }

  async lstat(rel: string): Promise<EntryInfo | undefined> {
    const p = join(this.root, rel);
    const st = await lstatOrUndefined(p);
    return st && !(await this.hidden(rel, st)) ? entryInfo(st, p) : undefined;
  }

  async readdir(rel: string): Promise<string[]> {
    const names: string[] = [];
    for (const e of await readdir(join(this.root, rel), { withFileTypes: true })) {
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (!this.ignore.matches(child) || (this.hasExceptions && e.isDirectory() && (await this.holdsException(child)))) names.push(e.name);
    }
    return names.sort();
  }
}

/** An image's filesystem through its layer diffs, topmost first (overlay lookup rules). */
export class LayerView implements SourceTree {
  constructor(readonly layerDirs: readonly string[], private readonly fsops: FsOps) {}

  async lstat(rel: string): Promise<EntryInfo | undefined> {
    for (const dir of this.layerDirs) {
      const p = join(dir, rel);
      const st = await lstatOrUndefined(p);
      if (st) return isOverlayWhiteout(st) ? undefined : entryInfo(st, p);
      if (await this.hidesBelow(dir, rel)) return undefined;
    }
    return undefined;
  }

  /** A layer without `rel` still hides lower copies when a parent is deleted, a non-directory, or opaque there. */
  private async hidesBelow(dir: string, rel: string): Promise<boolean> {
    const parts = rel === '' ? [] : rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const p = join(dir, parts.slice(0, i).join('/'));
      const st = await lstatOrUndefined(p);
      if (!st) return false;
      if (!st.isDirectory() || this.opaque(p)) return true;
    }
    return false;
  }

  private opaque(p: string): boolean {
    return isOverlayOpaque(this.fsops, p);
  }

  async readdir(rel: string): Promise<string[]> {
    const seen = new Map<string, boolean>();
    for (const dir of this.layerDirs) {
      const p = join(dir, rel);
      const st = await lstatOrUndefined(p);
      if (!st) {
        if (await this.hidesBelow(dir, rel)) break;
        continue;
      }
      if (!st.isDirectory()) break;
      const entries: Dirent[] = await readdir(p, { withFileTypes: true });
      for (const e of entries) {
        if (seen.has(e.name)) continue;
        const gone = e.isCharacterDevice() && isOverlayWhiteout(await lstat(`${p}/${e.name}`));
        seen.set(e.name, !gone);
      }
      if (this.opaque(p)) break;
    }
    return [...seen].filter(([, present]) => present).map(([n]) => n).sort();
  }
}

const MAX_SYMLINKS = 255;

/**
 * Resolves a path inside a tree the way a chroot would: symlinks are followed
 * (absolute ones from the tree's root) and `..` never leaves the root.
 * Missing components are kept as written. Returns a clean relative path.
 */
export async function resolveInTree(tree: SourceTree, p: string, followLast = true): Promise<string> {
  let todo = p.split('/').filter((s) => s !== '' && s !== '.');
  const done: string[] = [];
  let hops = 0;
  while (todo.length > 0) {
    const part = todo.shift() as string;
    if (part === '..') {
      done.pop();
      continue;
    }
    const candidate = [...done, part].join('/');
    const info = todo.length === 0 && !followLast ? undefined : await tree.lstat(candidate);
    if (info?.type !== 'symlink') {
      done.push(part);
      continue;
    }
    if (++hops > MAX_SYMLINKS) throw new TsrunError('INVALID_ARGUMENT', `too many levels of symbolic links: ${p}`);
    const target = await readlink(info.hostPath);
    if (target.startsWith('/')) done.length = 0;
    todo = [...target.split('/').filter((s) => s !== '' && s !== '.'), ...todo];
  }
  return done.join('/');
}

/** Reads a regular file of the tree (after resolving symlinks); undefined when it is not one. */
export async function readTreeFile(tree: SourceTree, p: string): Promise<string | undefined> {
  const info = await tree.lstat(await resolveInTree(tree, p));
  if (info?.type !== 'file') return undefined;
  const { readFile } = await import('node:fs/promises');
  return readFile(info.hostPath, 'utf8');
}

/** A clean relative form of a path given in a Dockerfile (`/a/./b/` -> `a/b`). */
export function relativePath(p: string): string {
  const n = path.posix.normalize('/' + p);
  return n === '/' ? '' : n.slice(1).replace(/\/$/, '');
}
