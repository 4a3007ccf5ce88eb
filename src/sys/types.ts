/**
 * The narrow, typed boundary to the native addon. Everything here takes and
 * returns plain data; failures throw TsrunError with syscall and errno.
 */

/** Syscalls on files that Node's fs lacks. Synchronous: each is one fast syscall. */
export interface FsOps {
  /** mknod(2); mode includes the file type bits (S_IFCHR, S_IFBLK, S_IFIFO). */
  mknod(path: string, mode: number, major: number, minor: number): void;
  lsetxattr(path: string, name: string, value: Buffer): void;
  /** undefined when the attribute is absent (ENODATA). */
  lgetxattr(path: string, name: string): Buffer | undefined;
  /** [] when the filesystem has no xattr support. */
  llistxattr(path: string): string[];
}

export interface MountOps {
  mount(source: string, target: string, fstype: string, flags: number, data: string): void;
  umount(target: string, flags: number): void;
}

/** Everything the child needs, prepared by the parent; see native/spawn.c. */
export interface SpawnPlan {
  /** CLONE_NEW* flags. */
  cloneFlags: number;
  /** Absolute path of the program inside the container (resolved in TS). */
  path: string;
  argv: string[];
  env: string[];
  cwd: string;
  hostname: string;
  uid: number;
  gid: number;
  groups: number[];
  /** stdin/stdout/stderr fds in the parent, dup'ed to 0/1/2 in the child. */
  stdio: [number, number, number];
  /** Make fd 0 the controlling terminal (setsid + TIOCSCTTY). */
  setControllingTty: boolean;
  /** Mounts done in the child before pivot_root, in order (targets absolute, under rootfs). */
  mounts: PlannedMount[];
  /** The merged root. */
  rootfs: string;
  /** Symlinks created after the mounts (e.g. /dev/fd -> /proc/self/fd), paths under rootfs. */
  symlinks: Array<[target: string, linkPath: string]>;
  /** Device nodes created under rootfs/dev by bind-mounting the host's node. */
  devices: string[];
  /** Paths (inside the container) to mask with /dev/null or an empty read-only tmpfs. */
  maskedPaths: string[];
  readonlyPaths: string[];
  /** Remount the root read-only after pivot_root. */
  readonlyRoot: boolean;
  /** Kill the container when this tsrun process dies (PR_SET_PDEATHSIG). */
  parentDeathSignal: number;
  /** Capability bounding set to keep (bit mask over 0..63), as two 32-bit halves. */
  noNewPrivileges: boolean;
}

export interface PlannedMount {
  source: string;
  target: string;
  fstype: string;
  flags: number;
  data: string;
  /** Create the target as a file rather than a directory when missing. */
  isFile?: boolean;
}

export interface SpawnedChild {
  pid: number;
  /** Parent end of the sync socket: write one byte to let the child go on. */
  syncFd: number;
  /** Read end of the CLOEXEC error pipe: EOF means execve succeeded. */
  errFd: number;
}

export interface ExitStatus {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: number | null;
}

export interface Pty {
  master: number;
  slave: number;
}

export interface Sys extends FsOps, MountOps {
  spawn(plan: SpawnPlan): SpawnedChild;
  /** Resolves when the child exits (a native thread waits for it). */
  waitExit(pid: number): Promise<ExitStatus>;
  openPty(): Pty;
  setWindowSize(fd: number, cols: number, rows: number): void;
  /** flock(2) on an open fd; blocking locks run off the JS thread. */
  flock(fd: number, mode: 'shared' | 'exclusive' | 'unlock'): Promise<void>;
  close(fd: number): void;
}
