/**
 * Extracts one layer tar into a fresh directory that becomes an overlay
 * lowerdir: OCI whiteouts become overlayfs whiteouts, and the diffID (sha256
 * of the uncompressed tar) is computed while streaming.
 *
 * A hostile archive cannot touch anything outside `dir`: names are cleaned
 * (safe-path.ts), no parent component may be a symlink, files are created
 * with O_EXCL|O_NOFOLLOW after removing whatever was there, hardlinks must
 * point at an entry already inside the layer, and metadata is changed only
 * with calls that do not follow symlinks (lchown, lutimes, lsetxattr, or
 * f* calls on a descriptor we opened ourselves).
 *
 * Speed: every path-based step runs in tar order, one at a time; only work on
 * descriptors we opened (writing a buffered small file, fchown, fchmod,
 * futimes, close) runs concurrently in a TaskPool, so a later entry that
 * replaces a parent can never redirect it.
 */
import { createHash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { chmod, lchown, link, lutimes, mkdir, open, realpath, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TsrunError, isErrno, isTsrunError } from '../core/errors.js';
import type { FsOps } from '../sys/types.js';
import { isZlibError, openLayerInput } from './decompress.js';
import { SafeRoot, baseOf, cleanEntryName, lstatOrNull, parentOf } from './safe-path.js';
import type { TarHeader } from './tar-format.js';
import { ByteReader, readTar, type TarEntry } from './tar-reader.js';
import { TaskPool } from './task-pool.js';
import {
  OPAQUE_MARKER, WHITEOUT_META_PREFIX, classifyTarName, isOverlayWhiteout, isOverlayXattr,
  isXattrUnsupported, makeOverlayWhiteout, markOverlayOpaque,
} from './whiteouts.js';

export interface ApplyLayerOptions {
  /** Told about what is skipped on purpose (xattrs the filesystem refuses, overlay xattrs in the tar). */
  onWarning?: (message: string) => void;
}

export interface AppliedLayer {
  /** Bytes of regular-file content written. */
  size: number;
  /** `sha256:<hex>` of the uncompressed tar. */
  diffID: string;
}

const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;
const O_CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const O_OPEN_DIR = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
/** Files up to this size are read into memory and written concurrently. */
const BUFFERED_FILE = 1024 * 1024;
const MAX_TASKS = 32;
const MAX_BUFFERED = 64 * 1024 * 1024;

interface DirMeta {
  mode: number;
  atime: number;
  mtime: number;
}

export async function applyLayer(tar: Readable, dir: string, fsops: FsOps, opts: ApplyLayerOptions = {}): Promise<AppliedLayer> {
  const root = new SafeRoot(await realpath(dir));
  const extractor = new Extractor(root, fsops, opts.onWarning ?? (() => {}));
  const hash = createHash('sha256');
  const input = await openLayerInput(tar);
  const consume = async (uncompressed: AsyncIterable<Buffer>): Promise<void> => {
    const reader = new ByteReader(uncompressed[Symbol.asyncIterator](), (chunk) => hash.update(chunk));
    for await (const entry of readTar(reader)) await extractor.extract(entry);
    await reader.drain(); // the diffID covers the padding after the end-of-archive marker too
  };
  try {
    if (input.decompressor) await pipeline(input.raw, input.decompressor, consume);
    else await pipeline(input.raw, consume);
    await extractor.finish();
  } catch (err) {
    await extractor.abandon();
    if (isZlibError(err)) {
      throw new TsrunError('INVALID_ARGUMENT', `layer is not valid gzip: ${(err as Error).message}`, { cause: err });
    }
    throw err;
  }
  return { size: extractor.size, diffID: `sha256:${hash.digest('hex')}` };
}

function invalid(message: string): TsrunError {
  return new TsrunError('INVALID_ARGUMENT', message);
}

/** Entries whose path goes through AUFS metadata (`.wh..wh.plnk/...`): skipped. */
function isAufsMeta(rel: string): boolean {
  const parts = rel.split('/');
  return parts.some((p, i) => p.startsWith(WHITEOUT_META_PREFIX) && !(i === parts.length - 1 && p === OPAQUE_MARKER));
}

/** Adds the entry name to filesystem errors. */
function entryError(err: unknown, name: string): unknown {
  if (isTsrunError(err) || typeof (err as NodeJS.ErrnoException | null)?.code !== 'string') return err;
  const e = err as NodeJS.ErrnoException;
  const code = e.code === 'EACCES' || e.code === 'EPERM' ? 'PERMISSION_DENIED' : 'INTERNAL';
  return new TsrunError(code, `cannot extract layer entry "${name}": ${e.message}`, {
    cause: err, syscall: e.syscall, errno: e.code, path: e.path,
  });
}

async function readAll(body: AsyncIterable<Buffer>, size: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

class Extractor {
  size = 0;
  /** Directory modes and times, applied at the end so writing children does not disturb them. */
  private readonly dirMeta = new Map<string, DirMeta>();
  private readonly pool = new TaskPool(MAX_TASKS, MAX_BUFFERED);

  constructor(
    private readonly root: SafeRoot,
    private readonly fsops: FsOps,
    private readonly warn: (message: string) => void,
  ) {}

  async extract(entry: TarEntry): Promise<void> {
    const h = entry.header;
    const rel = cleanEntryName(h.name);
    try {
      await this.dispatch(rel, h, entry);
    } catch (err) {
      throw entryError(err, h.name);
    }
  }

  private async dispatch(rel: string, h: TarHeader, entry: TarEntry): Promise<void> {
    if (rel === '') {
      if (h.type !== 'directory') throw invalid(`layer entry "${h.name}" would replace the layer root`);
      return this.directory(rel, h);
    }
    if (isAufsMeta(rel)) return;
    const name = classifyTarName(baseOf(rel));
    await this.root.ensureParents(rel, h.name);
    if (name.kind === 'opaque') return markOverlayOpaque(this.fsops, this.root.abs(parentOf(rel)));
    if (name.kind === 'whiteout') return this.whiteout(rel, name.target, h);
    switch (h.type) {
      case 'directory': return this.directory(rel, h);
      case 'file': return this.file(rel, h, entry);
      case 'symlink': return this.symlink(rel, h);
      case 'link': return this.hardlink(rel, h);
      case 'char': case 'block': case 'fifo': return this.device(rel, h);
    }
  }

  private async whiteout(rel: string, target: string, h: TarHeader): Promise<void> {
    if (target === '' || target === '.' || target === '..') throw invalid(`layer entry "${h.name}" is not a valid whiteout`);
    const parent = parentOf(rel);
    const path = this.root.abs(parent === '' ? target : `${parent}/${target}`);
    // A whiteout hides lower layers only; an entry of this layer with that name stays.
    if ((await lstatOrNull(path)) !== null) return;
    makeOverlayWhiteout(this.fsops, path);
  }

  private async directory(rel: string, h: TarHeader): Promise<void> {
    const path = this.root.abs(rel);
    if (rel !== '') {
      try {
        await mkdir(path, { mode: 0o700 });
      } catch (err) {
        if (!isErrno(err, 'EEXIST')) throw err;
        const st = await lstatOrNull(path);
        if (st === null || !st.isDirectory()) {
          await this.remove(rel, st);
          await mkdir(path, { mode: 0o700 });
          // It replaces a whiteout of this layer: lower layers' contents must stay hidden.
          if (st !== null && isOverlayWhiteout(st)) markOverlayOpaque(this.fsops, path);
        } // else: a directory over a directory merges
      }
      this.root.addDir(rel);
    }
    await lchown(path, h.uid, h.gid);
    this.setXattrs(path, h);
    this.dirMeta.set(rel, { mode: h.mode, atime: h.atime ?? h.mtime, mtime: h.mtime });
  }

  private async file(rel: string, h: TarHeader, entry: TarEntry): Promise<void> {
    const path = this.root.abs(rel);
    const fh = await this.createNew(rel, () => open(path, O_CREATE_NEW, 0o600));
    let data: Buffer | undefined;
    const finish = async (): Promise<void> => {
      try {
        if (data !== undefined) await writeFile(fh, data);
        await fh.chown(h.uid, h.gid); // before chmod: chown clears setuid/setgid
        await fh.chmod(h.mode);
        // after chown, which drops security.capability; path-based, so never in the pool
        if (h.xattrs.size > 0) this.setXattrs(path, h);
        await fh.utimes(h.atime ?? h.mtime, h.mtime);
      } finally {
        await fh.close();
      }
    };
    try {
      if (h.size <= BUFFERED_FILE && h.xattrs.size === 0) data = await readAll(entry.body(), h.size);
      else await writeFile(fh, entry.body());
    } catch (err) {
      await fh.close();
      throw err;
    }
    this.size += h.size;
    if (h.xattrs.size > 0) return finish();
    await this.pool.run(() => finish().catch((err: unknown) => Promise.reject(entryError(err, h.name))), data?.length ?? 0);
  }

  private async symlink(rel: string, h: TarHeader): Promise<void> {
    const path = this.root.abs(rel);
    if (h.linkname === '' || h.linkname.includes('\0')) throw invalid(`layer entry "${h.name}" has an invalid symlink target`);
    await this.createNew(rel, () => symlink(h.linkname, path));
    await lchown(path, h.uid, h.gid);
    this.setXattrs(path, h);
    await lutimes(path, h.atime ?? h.mtime, h.mtime);
  }

  /** The target must already be in this layer; link(2) never follows a symlink target on Linux. */
  private async hardlink(rel: string, h: TarHeader): Promise<void> {
    const what = `layer entry "${h.name}" links to "${h.linkname}", which`;
    const target = cleanEntryName(h.linkname, what);
    if (target === '') throw invalid(`${what} is the layer root`);
    const st = (await this.root.parentsExist(target, h.name)) ? await lstatOrNull(this.root.abs(target)) : null;
    if (st === null) throw invalid(`${what} is not in the layer`);
    if (st.isDirectory()) throw invalid(`${what} is a directory`);
    if (target === rel) return;
    await this.createNew(rel, () => link(this.root.abs(target), this.root.abs(rel)));
  }

  private async device(rel: string, h: TarHeader): Promise<void> {
    const path = this.root.abs(rel);
    const type = h.type === 'char' ? S_IFCHR : h.type === 'block' ? S_IFBLK : S_IFIFO;
    await this.remove(rel, await lstatOrNull(path));
    this.fsops.mknod(path, type | h.mode, h.devmajor, h.devminor);
    await lchown(path, h.uid, h.gid);
    await chmod(path, h.mode); // not a symlink: we just made it; mknod's mode went through the umask
    this.setXattrs(path, h);
    await lutimes(path, h.atime ?? h.mtime, h.mtime);
  }

  private setXattrs(path: string, h: TarHeader): void {
    for (const [name, value] of h.xattrs) {
      if (isOverlayXattr(name)) {
        this.warn(`layer entry "${h.name}": ignoring overlay xattr ${name}`);
        continue;
      }
      try {
        this.fsops.lsetxattr(path, name, value);
      } catch (err) {
        if (!isXattrUnsupported(err)) throw err;
        this.warn(`layer entry "${h.name}": xattr ${name} not supported here, skipped`);
      }
    }
  }

  /** Runs `make`; when the name is taken, removes what is there (never following it) and retries once. */
  private async createNew<T>(rel: string, make: () => Promise<T>): Promise<T> {
    try {
      return await make();
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
    }
    await this.remove(rel, await lstatOrNull(this.root.abs(rel)));
    return make();
  }

  private async remove(rel: string, st: Stats | null): Promise<void> {
    if (st === null) return;
    const path = this.root.abs(rel);
    if (!st.isDirectory()) return unlink(path);
    this.root.forget(rel);
    const prefix = `${rel}/`;
    for (const dir of this.dirMeta.keys()) {
      if (dir === rel || dir.startsWith(prefix)) this.dirMeta.delete(dir);
    }
    await rm(path, { recursive: true, force: true });
  }

  /**
   * Waits for pending files, then sets directory modes and mtimes, deepest
   * level first, through descriptors opened without following symlinks.
   */
  async finish(): Promise<void> {
    await this.pool.drain();
    const levels = new Map<number, Array<[string, DirMeta]>>();
    for (const [rel, meta] of this.dirMeta) {
      const depth = rel === '' ? 0 : rel.split('/').length;
      levels.set(depth, [...(levels.get(depth) ?? []), [rel, meta]]);
    }
    for (const depth of [...levels.keys()].sort((a, b) => b - a)) {
      for (const [rel, meta] of levels.get(depth)!) {
        await this.pool.run(() => this.finishDir(rel, meta).catch((err: unknown) => Promise.reject(entryError(err, rel || '.'))));
      }
      await this.pool.drain(); // a parent may lose search permission once its mode is set
    }
  }

  /** After a failure: lets started work end (and close its descriptors). */
  async abandon(): Promise<void> {
    await this.pool.settle();
  }

  private async finishDir(rel: string, meta: DirMeta): Promise<void> {
    const fh = await open(this.root.abs(rel), O_OPEN_DIR);
    try {
      await fh.chmod(meta.mode);
      await fh.utimes(meta.atime, meta.mtime);
    } finally {
      await fh.close();
    }
  }
}
