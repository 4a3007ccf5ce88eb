/**
 * A directory tree as a tar stream: the diff of an overlay upper dir as an
 * OCI layer (writeLayer), or a whole rootfs (tarDirectory).
 *
 * The output is deterministic: entries in sorted pre-order, names relative
 * without "./", whole-second mtimes, no user/group names, pax records only
 * when ustar cannot hold a value, xattrs sorted. The same tree gives the same
 * bytes, hence the same diffID.
 */
import { closeSync, constants, lstatSync, openSync, readSync, type BigIntStats } from 'node:fs';
import { open, readdir, readlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { TsrunError } from '../core/errors.js';
import type { FsOps } from '../sys/types.js';
import { END_OF_ARCHIVE, encodeHeader, padding, type HeaderFields, type TarEntryType } from './tar-format.js';
import {
  OPAQUE_MARKER, WHITEOUT_PREFIX, isOverlayOpaque, isOverlayWhiteout, isOverlayXattr, isXattrUnsupported,
} from './whiteouts.js';

/** Files up to this size are read whole and emitted with their header as one chunk. */
const SMALL_FILE = 64 * 1024;
const CHUNK = 512 * 1024;
const O_READ = constants.O_RDONLY | constants.O_NOFOLLOW;

/**
 * The diff of an overlayfs upper dir as an OCI layer tar (whiteouts and opaque
 * dirs translated). `skip` leaves out entries by relative path (a container's
 * runtime mountpoints, which Docker keeps in an init layer).
 */
export function writeLayer(upperDir: string, fsops: FsOps, opts: { skip?: (rel: string) => boolean } = {}): Readable {
  return Readable.from(tarTree(upperDir, { overlay: true, fsops, skip: opts.skip }), { objectMode: false, highWaterMark: CHUNK });
}

/** A whole directory (a rootfs) as a tar, with the same writer; xattrs only when fsops is given. */
export function tarDirectory(dir: string, fsops?: FsOps): Readable {
  return Readable.from(tarTree(dir, { overlay: false, fsops }), { objectMode: false, highWaterMark: CHUNK });
}

interface WalkOptions {
  /** Translate overlayfs whiteouts and opaque dirs into OCI ones. */
  overlay: boolean;
  fsops?: FsOps;
  skip?: (rel: string) => boolean;
}

interface Walk extends WalkOptions {
  root: string;
  /** dev:ino of multiply-linked files already written -> their tar name. */
  links: Map<string, string>;
}

async function* tarTree(root: string, opts: WalkOptions): AsyncGenerator<Buffer> {
  const walk: Walk = { ...opts, root, links: new Map() };
  yield* walkDir(walk, '');
  yield END_OF_ARCHIVE;
}

interface Child {
  name: string;
  /** The name the entry gets in the tar (`.wh.<name>` for a whiteout). */
  tarName: string;
  st: BigIntStats;
}

async function* walkDir(walk: Walk, rel: string): AsyncGenerator<Buffer> {
  const dirPath = rel === '' ? walk.root : `${walk.root}/${rel}`;
  const names = (await readdir(dirPath)).filter((n) => !walk.skip?.(rel === '' ? n : `${rel}/${n}`));
  // Synchronous lstat and small reads: a thread-pool round trip per file costs
  // far more than the syscall (10k small files: ~7 s async, well under 1 s sync).
  const children: Child[] = names.map((name) => {
    const st = lstatSync(`${dirPath}/${name}`, { bigint: true });
    const tarName = walk.overlay && isOverlayWhiteout(st) ? `${WHITEOUT_PREFIX}${name}` : name;
    return { name, tarName, st };
  });
  children.sort((a, b) => (a.tarName < b.tarName ? -1 : a.tarName > b.tarName ? 1 : 0));
  for (const child of children) {
    const childRel = rel === '' ? child.name : `${rel}/${child.name}`;
    yield* writeEntry(walk, childRel, child, rel === '' ? child.tarName : `${rel}/${child.tarName}`);
  }
}

function deviceNumbers(rdev: bigint): { devmajor: number; devminor: number } {
  return {
    devmajor: Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn)),
    devminor: Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn)),
  };
}

function baseFields(st: BigIntStats, name: string, type: TarEntryType): HeaderFields {
  return {
    name,
    type,
    mode: Number(st.mode) & 0o7777,
    uid: Number(st.uid),
    gid: Number(st.gid),
    size: 0,
    mtime: Number(st.mtimeNs / 1_000_000_000n),
  };
}

function readXattrs(walk: Walk, path: string): Array<[string, Buffer]> {
  if (walk.fsops === undefined) return [];
  const fsops = walk.fsops;
  let names: string[];
  try {
    names = fsops.llistxattr(path);
  } catch (err) {
    if (isXattrUnsupported(err)) return [];
    throw err;
  }
  if (walk.overlay) refuseUnsupportedOverlay(path, names);
  const xattrs: Array<[string, Buffer]> = [];
  for (const name of names.filter((n) => !isOverlayXattr(n)).sort()) {
    const value = fsops.lgetxattr(path, name);
    if (value !== undefined) xattrs.push([name, value]);
  }
  return xattrs;
}

/**
 * A metacopy file keeps its data in a lower layer and a redirect dir was
 * renamed from one: the upper dir alone no longer describes them, so the
 * diff would be silently wrong. Mount with metacopy=off,redirect_dir=off.
 */
function refuseUnsupportedOverlay(path: string, xattrNames: string[]): void {
  for (const name of xattrNames) {
    const feature = /^(trusted|user)\.overlay\.(metacopy|redirect)$/.exec(name)?.[2];
    if (feature !== undefined) {
      throw new TsrunError('FAILED_PRECONDITION', `${path} uses overlayfs ${feature}, which a layer diff cannot express`, {
        hint: 'mount the overlay with metacopy=off,redirect_dir=off',
      });
    }
  }
}

async function* writeEntry(walk: Walk, rel: string, child: Child, tarName: string): AsyncGenerator<Buffer> {
  const { st } = child;
  const path = `${walk.root}/${rel}`;
  if (walk.overlay && isOverlayWhiteout(st)) {
    yield encodeHeader(baseFields(st, tarName, 'file'));
    return;
  }
  if (st.isDirectory()) {
    yield encodeHeader({ ...baseFields(st, tarName, 'directory'), xattrs: readXattrs(walk, path) });
    if (walk.overlay && walk.fsops !== undefined && isOverlayOpaque(walk.fsops, path)) {
      yield encodeHeader(baseFields(st, `${tarName}/${OPAQUE_MARKER}`, 'file'));
    }
    yield* walkDir(walk, rel);
    return;
  }
  if (st.isSocket()) return; // tar cannot hold sockets; Docker skips them too
  if (st.nlink > 1n) {
    const key = `${st.dev}:${st.ino}`;
    const first = walk.links.get(key);
    if (first !== undefined) {
      yield encodeHeader({ ...baseFields(st, tarName, 'link'), linkname: first });
      return;
    }
    walk.links.set(key, tarName);
  }
  const xattrs = readXattrs(walk, path);
  if (st.isSymbolicLink()) {
    yield encodeHeader({ ...baseFields(st, tarName, 'symlink'), linkname: await readlink(path), xattrs });
  } else if (st.isCharacterDevice() || st.isBlockDevice()) {
    const type = st.isCharacterDevice() ? 'char' : 'block';
    yield encodeHeader({ ...baseFields(st, tarName, type), ...deviceNumbers(st.rdev), xattrs });
  } else if (st.isFIFO()) {
    yield encodeHeader({ ...baseFields(st, tarName, 'fifo'), xattrs });
  } else {
    yield* regularFile(path, { ...baseFields(st, tarName, 'file'), size: Number(st.size), xattrs });
  }
}

function changed(path: string): TsrunError {
  return new TsrunError('CONFLICT', `${path} changed size while it was being archived`, {
    hint: 'stop the container before committing it',
  });
}

function readSmallFile(path: string, size: number): Buffer {
  const fd = openSync(path, O_READ);
  try {
    const data = Buffer.allocUnsafe(size);
    for (let pos = 0; pos < size;) {
      const bytesRead = readSync(fd, data, pos, size - pos, pos);
      if (bytesRead === 0) throw changed(path);
      pos += bytesRead;
    }
    return data;
  } finally {
    closeSync(fd);
  }
}

async function* regularFile(path: string, fields: HeaderFields): AsyncGenerator<Buffer> {
  const header = encodeHeader(fields);
  if (fields.size <= SMALL_FILE) {
    yield Buffer.concat([header, readSmallFile(path, fields.size), Buffer.alloc(padding(fields.size))]);
    return;
  }
  const fh = await open(path, O_READ);
  try {
    yield header;
    let pos = 0;
    while (pos < fields.size) {
      const want = Math.min(CHUNK, fields.size - pos);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) throw changed(path);
      pos += bytesRead;
      yield bytesRead === want ? buf : buf.subarray(0, bytesRead);
    }
    yield Buffer.alloc(padding(fields.size));
  } finally {
    await fh.close();
  }
}
