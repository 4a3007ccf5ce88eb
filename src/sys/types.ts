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
  /** Absolute paths inside the container tried in order with execve (execvp semantics without allocation). */
  candidates: string[];
  argv: string[];
  env: string[];
  cwd: string;
  /** Set in a new UTS namespace; omitted to leave it. */
  hostname?: string;
  uid: number;
  gid: number;
  groups: number[];
  /** Fds in the parent that become 0/1/2 in the child. */
  stdio: [number, number, number];
  /** Make fd 0 the controlling terminal (after setsid). */
  setControllingTty: boolean;
  /** Mounts done in the child before pivot_root, in order; targets are host paths under rootfs. */
  mounts: PlannedMount[];
  /** Device nodes made with mknod after pivot_root (container paths). */
  devices: PlannedDevice[];
  /** Pairs [target, linkPath] of symlinks made after pivot_root (container paths). */
  symlinks: string[];
  /** chdir here before the mounts, so overlay lowerdirs can be short relative paths. */
  mountCwd?: string;
  /** The merged root to pivot_root into; omitted: stay on the host root. */
  rootfs?: string;
  /** Directories made after pivot_root, in order (each prefix of the working dir). */
  mkdirs: string[];
  /** Container paths hidden under /dev/null or an empty read-only tmpfs. */
  maskedPaths: string[];
  readonlyPaths: string[];
  readonlyRoot: boolean;
  /** Bring up `lo` in a new network namespace. */
  loopbackUp: boolean;
  /** Signal the child gets when this process dies (PR_SET_PDEATHSIG); 0 for none. */
  parentDeathSignal: number;
  noNewPrivileges: boolean;
  /** Capability sets as 64-bit masks; omitted to keep the caller's. */
  capabilities?: CapabilitySets;
  /** Upper bound for the close-on-exec loop on kernels without close_range. */
  maxFd: number;
  /** Namespaces made after GO: after the cgroup join and the user namespace (CLONE_NEWUSER in cloneFlags). */
  unshareFlags?: number;
  /** cgroup.procs files the child writes "0" to, first thing after GO. */
  cgroupProcs?: string[];
  /** A compiled seccomp filter (struct sock_filter[]), installed right before execve. */
  seccomp?: Buffer;
  /** The monitor writes these to /proc/PID/{uid,gid}_map between clone and GO. */
  uidMap?: string;
  gidMap?: string;
  /** The monitor mounts the fromParent overlay on idmapped mounts of its lowers. */
  idmapLowers?: boolean;
  /** Read by the monitor when the container exits, for State.OOMKilled. */
  oomFile?: string;
  /** A prepared network namespace (nsfs file) the child is born in, instead of CLONE_NEWNET. */
  netnsPath?: string;
  /** setrlimit before the credential change; values already clamped to what this process may set. */
  rlimits?: PlannedRlimit[];
  /**
   * An O_PATH fd on the exec FIFO (OCI create/start): after its setup the child finds its
   * program, answers 'R' on the sync socket, then blocks opening the FIFO until `start` reads it.
   * Addon only (the monitor never creates such containers).
   */
  execFifoFd?: number;
}

export interface PlannedRlimit {
  /** RLIMIT_* number (RLIMIT_NOFILE = 7). */
  resource: number;
  /** 2^64-1 is RLIM_INFINITY. */
  soft: bigint;
  hard: bigint;
}

export interface CapabilitySets {
  bounding: bigint;
  effective: bigint;
  permitted: bigint;
  inheritable: bigint;
  ambient: bigint;
}

export interface PlannedDevice {
  path: string;
  /** File type and permission bits (S_IFCHR | 0o666). */
  mode: number;
  major: number;
  minor: number;
  uid: number;
  gid: number;
}

export interface PlannedMount {
  source: string;
  target: string;
  fstype: string;
  flags: number;
  data: string;
  /** Create the target as a file rather than a directory when missing. */
  isFile?: boolean;
  /** target is a container path, resolved inside the rootfs (openat2 RESOLVE_IN_ROOT) so image symlinks cannot lead out. */
  inRoot?: boolean;
  /** Made by the monitor as a detached mount and sent to the child with GO (user namespaces). */
  fromParent?: boolean;
}

/** A seccomp filter as libseccomp takes it: names, SCMP_ACT_* values, SCMP_CMP_* operators. */
export interface SeccompFilterInput {
  defaultAction: number;
  /** libseccomp arch names: x86_64, x86, x32, aarch64, arm ... */
  architectures: string[];
  syscalls: Array<{ name: string; action: number; args: Array<{ index: number; op: number; value: bigint; valueTwo: bigint }> }>;
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
  /** The slave's path, e.g. /dev/pts/3: on the host, or in the root it was opened in. */
  path: string;
}

export interface Sys extends FsOps, MountOps {
  /** Connects to a unix socket and sends fd with SCM_RIGHTS, name as the payload (runc's console socket). */
  sendFd(socketPath: string, fd: number, name: string): void;
  spawn(plan: SpawnPlan): SpawnedChild;
  /**
   * `exec`: a child that setns()es into each fd (opened by the caller), then
   * clones once more so the process is inside the PID namespace. pid is -1
   * when joining failed (the record waits on errFd).
   */
  spawnJoin(plan: SpawnPlan, namespaceFds: number[]): SpawnedChild;
  /** The tsrun-monitor executable built beside the addon. */
  monitorExecutable(): string;
  /** The static tsrun-init built beside it (`run --init`). */
  initExecutable(): string;
  /** libseccomp: the filter as a BPF program (struct sock_filter[]). */
  compileSeccomp(filter: SeccompFilterInput): Buffer;
  /** The libseccomp version compileSeccomp uses ("2.5.4"): part of a compiled program's cache key. */
  seccompVersion(): string;
  /** Loads a BPF_PROG_TYPE_CGROUP_DEVICE program and attaches it to a cgroup v2 directory. */
  attachDeviceFilter(cgroupDir: string, instructions: Buffer): void;
  /** Resolves when the child exits (a native thread waits for it). */
  waitExit(pid: number): Promise<ExitStatus>;
  /** A pty from the host's devpts, or from the one mounted at ROOT/dev/pts when root is given. */
  openPty(root?: string): Pty;
  setWindowSize(fd: number, cols: number, rows: number): void;
  /** flock(2) on an open fd; blocking locks run off the JS thread. */
  flock(fd: number, mode: 'shared' | 'exclusive' | 'unlock'): Promise<void>;
  close(fd: number): void;
}
