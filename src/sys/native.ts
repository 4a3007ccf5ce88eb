import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeSync, existsSync } from 'node:fs';
import { TsrunError } from '../core/errors.js';
import { errnoName } from './errno.js';
import type { ExitStatus, Pty, SeccompFilterInput, SpawnedChild, SpawnPlan, Sys } from './types.js';

/** The addon's raw surface (native/addon.cc). */
interface Addon {
  spawn(plan: SpawnPlan, namespaceFds?: number[]): SpawnedChild;
  waitpid(pid: number): Promise<ExitStatus>;
  flock(fd: number, mode: string): Promise<void>;
  mknod(path: string, mode: number, major: number, minor: number): void;
  lsetxattr(path: string, name: string, value: Buffer): void;
  lgetxattr(path: string, name: string): Buffer | undefined;
  llistxattr(path: string): string[];
  mount(source: string, target: string, fstype: string, flags: number, data: string): void;
  umount(target: string, flags: number): void;
  openpty(root?: string): Pty;
  setWinsize(fd: number, cols: number, rows: number): void;
  compileSeccomp(filter: SeccompFilterInput): Buffer;
  seccompVersion(): string;
  attachDeviceFilter(dir: string, insns: Buffer): void;
  sendFd(path: string, fd: number, name: string): void;
}


/** Turns the addon's `{errno, syscall}` errors into TsrunError; codes follow the errno. */
function wrapNativeError(err: unknown): TsrunError | unknown {
  const e = err as { errno?: number; syscall?: string; path?: string; message?: string };
  if (typeof e?.errno !== 'number') return err;
  const name = errnoName(e.errno);
  const code = name === 'ENOENT' ? 'NOT_FOUND' : name === 'EPERM' || name === 'EACCES' ? 'PERMISSION_DENIED' : 'INTERNAL';
  return new TsrunError(code, `${e.syscall}${e.path ? ` ${e.path}` : ''}: ${e.message?.split(': ').slice(1).join(': ') ?? name}`, {
    cause: err, syscall: e.syscall, errno: name, path: e.path,
  });
}

function wrapped<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return (...args: A) => {
    try {
      const r = fn(...args);
      if (r instanceof Promise) return r.catch((err) => { throw wrapNativeError(err); }) as R;
      return r;
    } catch (err) {
      throw wrapNativeError(err);
    }
  };
}

/** build/Release/tsrun_native.node of the package this file is in (dist/sys/ or the dist/cli.cjs bundle). */
export function addonPath(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, 'build', 'Release', 'tsrun_native.node');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../build/Release/tsrun_native.node');
}

export function loadNativeSys(): Sys {
  let addon: Addon;
  try {
    addon = createRequire(import.meta.url)(addonPath()) as Addon;
  } catch (err) {
    throw new TsrunError('FAILED_PRECONDITION', `cannot load the native addon ${addonPath()}`, {
      cause: err, hint: 'run `npm run build` (needs python3, make and a C++ compiler)',
    });
  }
  return {
    spawn: wrapped((plan: SpawnPlan) => addon.spawn(plan)),
    spawnJoin: wrapped((plan: SpawnPlan, fds: number[]) => addon.spawn(plan, fds)),
    monitorExecutable: () => path.join(path.dirname(addonPath()), 'tsrun-monitor'),
    initExecutable: () => path.join(path.dirname(addonPath()), 'tsrun-init'),
    compileSeccomp: wrapped((filter: SeccompFilterInput) => addon.compileSeccomp(filter)),
    seccompVersion: () => addon.seccompVersion(),
    attachDeviceFilter: wrapped((dir: string, insns: Buffer) => addon.attachDeviceFilter(dir, insns)),
    waitExit: wrapped((pid: number) => addon.waitpid(pid)),
    flock: wrapped((fd: number, mode: 'shared' | 'exclusive' | 'unlock') => addon.flock(fd, mode)),
    mknod: wrapped((p: string, mode: number, major: number, minor: number) => addon.mknod(p, mode, major, minor)),
    lsetxattr: wrapped((p: string, name: string, value: Buffer) => addon.lsetxattr(p, name, value)),
    lgetxattr: wrapped((p: string, name: string) => addon.lgetxattr(p, name)),
    llistxattr: wrapped((p: string) => addon.llistxattr(p)),
    mount: wrapped((s: string, t: string, f: string, flags: number, d: string) => addon.mount(s, t, f, flags, d)),
    umount: wrapped((t: string, flags: number) => addon.umount(t, flags)),
    openPty: wrapped((root?: string) => (root === undefined ? addon.openpty() : addon.openpty(root))),
    setWindowSize: wrapped((fd: number, cols: number, rows: number) => addon.setWinsize(fd, cols, rows)),
    close: (fd: number) => closeSync(fd),
    sendFd: wrapped((p: string, fd: number, name: string) => addon.sendFd(p, fd, name)),
  };
}
