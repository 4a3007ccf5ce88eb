/**
 * A container's filesystem as a host path, for cp, export and filling
 * volumes. A running container's is /proc/<pid>/root. A stopped one's is an
 * overlay mounted by a helper in a private mount namespace: the mount lives
 * exactly as long as the helper, which exits when tsrun closes its stdin (or
 * dies), so no mount is ever left on the host.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { TsrunError } from '../core/errors.js';
import type { StorePaths } from '../core/paths.js';
import { scratchPath } from '../core/scratch.js';

export interface RootView {
  /** The container's "/" as a host path. */
  path: string;
  close(): Promise<void>;
  /** A mounted view: the helper holding its private mount namespace, and the view's path in there. */
  helper?: { pid: number; mountPoint: string };
}

/** A volume or bind mount to show in a mounted view, at its place in the container. */
export interface ViewBind {
  source: string;
  destination: string;
  readOnly: boolean;
}

export function runningRootView(pid: number): RootView {
  return { path: `/proc/${pid}/root`, close: async () => undefined };
}

/** lowers: topmost first, relative to the store root or absolute. `writable` mounts upper+work over them. */
export async function mountedRootView(paths: StorePaths, lowers: string[], writable?: { upper: string; work: string }): Promise<RootView> {
  const mnt = await scratchPath(paths.tmpDir, 'view');
  await fs.mkdir(mnt);
  await fs.mkdir(paths.emptyDir, { recursive: true });
  // overlay wants two lowers when it has no upper; the empty dir is a harmless second one.
  const options = [`lowerdir=${[...lowers, paths.emptyDir].join(':')}`];
  if (writable) options.push(`upperdir=${writable.upper}`, `workdir=${writable.work}`, 'redirect_dir=off', 'metacopy=off');
  const script = 'mount -t overlay -o "$1" overlay "$2" || exit 125; echo ready; read _';
  const helper = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', options.join(','), mnt], {
    cwd: paths.root, stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<number>((resolve) => helper.once('close', (code) => resolve(code ?? 1)));
  let stderr = '';
  helper.stderr.on('data', (d) => { stderr += d; });
  const ready = await new Promise<boolean>((resolve) => {
    helper.stdout.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(true); });
    helper.once('close', () => resolve(false));
    helper.once('error', () => resolve(false));
  });
  const close = async () => {
    helper.stdin.end();
    await exited;
    await fs.rmdir(mnt).catch(() => undefined);
  };
  if (!ready) {
    await close();
    throw new TsrunError('INTERNAL', `cannot mount the container's filesystem: ${stderr.trim() || 'unshare failed'}`);
  }
  return { path: `/proc/${helper.pid}/root${mnt}`, close, helper: { pid: helper.pid!, mountPoint: mnt } };
}

/**
 * Binds volumes and bind mounts into a mounted view, in the helper's private
 * mount namespace (they vanish with it), so cp of a stopped container sees
 * and writes them as the container did (Docker's cp does). Parents go before
 * nested mounts; a destination missing from the view is skipped (the
 * container never started, so its mount point was never made).
 */
export async function bindIntoView(view: RootView, binds: ViewBind[]): Promise<void> {
  if (!view.helper) return;
  const { pid, mountPoint } = view.helper;
  const prefix = `/proc/${pid}/root`;
  const depth = (p: string) => p.split('/').filter(Boolean).length;
  for (const b of [...binds].sort((x, y) => depth(x.destination) - depth(y.destination))) {
    const target = await resolveInRoot(view.path, b.destination);
    const [src, dst] = await Promise.all([fs.stat(b.source).catch(() => undefined), fs.stat(target).catch(() => undefined)]);
    if (!src || !dst || src.isDirectory() !== dst.isDirectory()) continue;
    const inside = mountPoint + target.slice(view.path.length);
    if (!target.startsWith(view.path) || !view.path.startsWith(prefix)) continue;
    await nsMount(pid, ['--bind', b.source, inside]);
    if (b.readOnly) await nsMount(pid, ['-o', 'remount,bind,ro', inside]);
  }
}

async function nsMount(pid: number, args: string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('nsenter', [`--mount=/proc/${pid}/ns/mnt`, '--', 'mount', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new TsrunError('INTERNAL', `cannot mount ${args.at(-2)} into the container's view: ${stderr.trim()}`))));
  });
}

export async function withRootView<T>(view: RootView, fn: (root: string) => Promise<T>): Promise<T> {
  try {
    return await fn(view.path);
  } finally {
    await view.close();
  }
}

/**
 * A container path as a host path under root, every symlink resolved as the
 * container would see it (absolute links restart at root, `..` stops there),
 * so a link in the container can never lead to the host's files.
 */
export async function resolveInRoot(root: string, containerPath: string, followLast = true): Promise<string> {
  const pending = containerPath.split('/').filter(Boolean);
  let resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = [...resolved, part];
    const st = await fs.lstat(path.join(root, ...candidate)).catch(() => undefined);
    if (st?.isSymbolicLink() && (pending.length > 0 || followLast)) {
      if (++hops > 40) throw new TsrunError('INVALID_ARGUMENT', `too many levels of symbolic links: ${containerPath}`);
      const target = await fs.readlink(path.join(root, ...candidate));
      if (target.startsWith('/')) resolved = [];
      pending.unshift(...target.split('/').filter(Boolean));
      continue;
    }
    resolved = candidate;
  }
  return path.join(root, ...resolved);
}
