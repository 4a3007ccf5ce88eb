/**
 * The two spellings of "deleted" and "replaced": OCI/AUFS names in tars
 * (`.wh.<name>`, `.wh..wh..opq`) and overlayfs on disk (char device 0/0,
 * `trusted.overlay.opaque=y`).
 */
import type { Stats, BigIntStats } from 'node:fs';
import type { FsOps } from '../sys/types.js';

export const WHITEOUT_PREFIX = '.wh.';
/** AUFS metadata entries (`.wh..wh.plnk`, `.wh..wh.aufs`) share this prefix. */
export const WHITEOUT_META_PREFIX = '.wh..wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

export const OVERLAY_OPAQUE_XATTR = 'trusted.overlay.opaque';
/** The unprivileged (userxattr) spelling. */
export const OVERLAY_USER_OPAQUE_XATTR = 'user.overlay.opaque';

const S_IFCHR = 0o020000;

export type TarNameKind =
  | { kind: 'regular' }
  | { kind: 'whiteout'; target: string }
  | { kind: 'opaque' }
  | { kind: 'meta' };

/** Classifies the last component of a tar entry name. */
export function classifyTarName(base: string): TarNameKind {
  if (!base.startsWith(WHITEOUT_PREFIX)) return { kind: 'regular' };
  if (base === OPAQUE_MARKER) return { kind: 'opaque' };
  if (base.startsWith(WHITEOUT_META_PREFIX)) return { kind: 'meta' };
  return { kind: 'whiteout', target: base.slice(WHITEOUT_PREFIX.length) };
}

/** Overlayfs private xattrs: never copied into a layer or out of one. */
export function isOverlayXattr(name: string): boolean {
  return name.startsWith('trusted.overlay.') || name.startsWith('user.overlay.');
}

/** An overlayfs whiteout: a character device with device number 0/0. */
export function isOverlayWhiteout(st: Stats | BigIntStats): boolean {
  return st.isCharacterDevice() && Number(st.rdev) === 0;
}

export function makeOverlayWhiteout(fsops: FsOps, path: string): void {
  fsops.mknod(path, S_IFCHR, 0, 0);
}

export function markOverlayOpaque(fsops: FsOps, dir: string): void {
  fsops.lsetxattr(dir, OVERLAY_OPAQUE_XATTR, Buffer.from('y'));
}

export function isOverlayOpaque(fsops: FsOps, dir: string): boolean {
  for (const name of [OVERLAY_OPAQUE_XATTR, OVERLAY_USER_OPAQUE_XATTR]) {
    try {
      if (fsops.lgetxattr(dir, name)?.toString('latin1') === 'y') return true;
    } catch (err) {
      if (!isXattrUnsupported(err)) throw err;
    }
  }
  return false;
}

/** ENOTSUP from Node (`code`) or from the native FsOps (TsrunError `errno`). */
export function isXattrUnsupported(err: unknown): boolean {
  const e = err as { code?: unknown; errno?: unknown } | null;
  return ['ENOTSUP', 'EOPNOTSUPP'].some((name) => e?.code === name || e?.errno === name);
}
