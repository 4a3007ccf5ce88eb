/** The subset of the OCI runtime spec (config.json) tsrun supports. */

export interface Mount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

export interface User {
  uid: number;
  gid: number;
  additionalGids?: number[];
}

export interface LinuxCapabilities {
  bounding?: string[];
  effective?: string[];
  permitted?: string[];
  inheritable?: string[];
  ambient?: string[];
}

export interface Process {
  terminal?: boolean;
  user: User;
  args: string[];
  env?: string[];
  cwd: string;
  capabilities?: LinuxCapabilities;
  noNewPrivileges?: boolean;
  /** RLIMIT_NOFILE ... (type names as in the OCI spec). */
  rlimits?: Array<{ type: string; soft: number; hard: number }>;
  consoleSize?: { height: number; width: number };
}

export interface Hook {
  path: string;
  args?: string[];
  env?: string[];
  /** Seconds. */
  timeout?: number;
}

export interface Hooks {
  prestart?: Hook[];
  createRuntime?: Hook[];
  createContainer?: Hook[];
  startContainer?: Hook[];
  poststart?: Hook[];
  poststop?: Hook[];
}

export type NamespaceType = 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup';

export interface LinuxDevice {
  path: string;
  type: 'c' | 'b' | 'p';
  major: number;
  minor: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
  /** tsrun's addition: the node on the host, bind-mounted instead of made in a user namespace. */
  hostPath?: string;
}

export interface LinuxSyscall {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: Array<{ index: number; value: number; valueTwo?: number; op: string }>;
}

export interface LinuxSeccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  syscalls?: LinuxSyscall[];
}

/** A device cgroup rule: type a (all), c or b; major/minor omitted = any. */
export interface LinuxDeviceCgroup {
  allow: boolean;
  type?: 'a' | 'c' | 'b';
  major?: number;
  minor?: number;
  access?: string;
}

export interface LinuxResources {
  devices?: LinuxDeviceCgroup[];
  /** Bytes; swap is memory + swap, as in the OCI spec (and Docker's --memory-swap); -1 = unlimited. */
  memory?: { limit?: number; swap?: number };
  /** shares: v1 cpu.shares; quota/period: CFS microseconds. */
  cpu?: { shares?: number; quota?: number; period?: number };
  pids?: { limit: number };
}

export interface LinuxIdMapping {
  containerID: number;
  hostID: number;
  size: number;
}

export interface RuntimeSpec {
  ociVersion: string;
  process: Process;
  root: { path: string; readonly?: boolean };
  hostname?: string;
  mounts: Mount[];
  linux: {
    namespaces: Array<{ type: NamespaceType; path?: string }>;
    devices?: LinuxDevice[];
    maskedPaths?: string[];
    readonlyPaths?: string[];
    seccomp?: LinuxSeccomp;
    resources?: LinuxResources;
    uidMappings?: LinuxIdMapping[];
    gidMappings?: LinuxIdMapping[];
    cgroupsPath?: string;
  };
  annotations?: Record<string, string>;
  hooks?: Hooks;
}

/**
 * How tsrun assembles the root filesystem before pivot_root: a mount made on
 * root.path inside the container's own mount namespace, so it disappears with
 * the container (containerd passes rootfs mounts beside the spec the same way).
 */
export interface RootfsMount {
  type: string;
  source: string;
  options: string[];
  /** Directory to resolve relative option paths from (short overlay lowerdirs). */
  cwd?: string;
}
