import path from 'node:path';
import { TsrunError } from '../core/errors.js';
import type { LinuxIdMapping, RootfsMount, RuntimeSpec } from '../oci/runtime-spec.js';
import type { PlannedDevice, PlannedMount, SpawnPlan } from '../sys/index.js';
import { capabilityMask } from './capabilities.js';
import { parseMountOptions } from './mount-options.js';

export const CLONE = {
  NEWNS: 0x00020000, NEWCGROUP: 0x02000000, NEWUTS: 0x04000000, NEWIPC: 0x08000000,
  NEWUSER: 0x10000000, NEWPID: 0x20000000, NEWNET: 0x40000000,
} as const;

const NAMESPACE_FLAGS: Record<string, number> = {
  mount: CLONE.NEWNS, pid: CLONE.NEWPID, uts: CLONE.NEWUTS, ipc: CLONE.NEWIPC,
  network: CLONE.NEWNET, user: CLONE.NEWUSER, cgroup: CLONE.NEWCGROUP,
};

/** Marks a bind mount whose missing target must be created as a file (tsrun's own option word). */
export const FILE_MOUNT_OPTION = 'tsrun.file';

const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;

export interface PlanInputs {
  spec: RuntimeSpec;
  rootfsMount?: RootfsMount;
  stdio: [number, number, number];
  /** Where PATH lookups happen: the container's PATH from spec.process.env. */
  pdeathsig: number;
  /** The container's cgroup, made by tsrun; the child joins it right after GO. */
  cgroup?: { procs: string[]; oomFile?: string };
  /** spec.linux.seccomp compiled to BPF (sys.compileSeccomp). */
  seccomp?: Buffer;
  /** With user namespaces: mount the image layers idmapped (else they are chowned copies). */
  idmapLowers?: boolean;
}

function containerPath(p: string): string {
  return path.posix.normalize('/' + p);
}

/** execvp's search, done before clone: every PATH entry joined with the command. */
export function execCandidates(command: string, env: readonly string[]): string[] {
  if (command === '') throw new TsrunError('INVALID_ARGUMENT', 'no command specified');
  if (command.includes('/')) return [command];
  const pathVar = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  return pathVar.split(':').map((dir) => path.posix.join(dir || '.', command));
}

/** Every prefix of an absolute directory, so the child can mkdir -p without allocating. */
export function dirPrefixes(dir: string): string[] {
  const parts = path.posix.normalize(dir).split('/').filter(Boolean);
  return parts.map((_, i) => '/' + parts.slice(0, i + 1).join('/'));
}

function planMounts(spec: RuntimeSpec, rootfsMount: RootfsMount | undefined): PlannedMount[] {
  const rootfs = spec.root.path;
  const mounts: PlannedMount[] = [];
  if (rootfsMount) {
    const { flags, data } = parseMountOptions(rootfsMount.options);
    // in a user namespace the monitor makes the overlay (idmapped layers need the host's privileges)
    const fromParent = hasUserNamespace(spec) ? { fromParent: true } : {};
    mounts.push({ source: rootfsMount.source, target: rootfs, fstype: rootfsMount.type, flags, data, ...fromParent });
  }
  for (const m of spec.mounts) {
    const options = m.options ?? [];
    const { flags, data } = parseMountOptions(options.filter((o) => o !== FILE_MOUNT_OPTION));
    const isBind = (flags & 0x1000) !== 0;
    mounts.push({
      source: m.source ?? m.type ?? 'none',
      target: containerPath(m.destination),
      inRoot: true,
      fstype: isBind ? '' : m.type ?? '',
      flags,
      data,
      isFile: isBind && options.includes(FILE_MOUNT_OPTION),
    });
  }
  return mounts;
}

function planDevices(spec: RuntimeSpec): PlannedDevice[] {
  return (spec.linux.devices ?? []).map((d) => ({
    path: containerPath(d.path),
    mode: (d.type === 'b' ? S_IFBLK : d.type === 'p' ? S_IFIFO : S_IFCHR) | (d.fileMode ?? 0o666),
    major: d.major,
    minor: d.minor,
    uid: d.uid ?? 0,
    gid: d.gid ?? 0,
  }));
}

export function spawnPlanFor(inputs: PlanInputs): SpawnPlan {
  const { spec } = inputs;
  const env = spec.process.env ?? [];
  let cloneFlags = 0;
  // a namespace with a path is joined, not created (OCI); only the network one may be (prepared by tsrun)
  for (const ns of spec.linux.namespaces) if (!ns.path) cloneFlags |= NAMESPACE_FLAGS[ns.type] ?? 0;
  const netnsPath = spec.linux.namespaces.find((ns) => ns.type === 'network' && ns.path)?.path;
  const caps = spec.process.capabilities;
  const { first, later } = splitNamespaces(cloneFlags);
  const hasMountNs = (cloneFlags & CLONE.NEWNS) !== 0;
  const userns = hasUserNamespace(spec);
  return {
    cloneFlags: first,
    candidates: execCandidates(spec.process.args[0] ?? '', env),
    argv: spec.process.args,
    env,
    cwd: spec.process.cwd,
    hostname: spec.hostname && cloneFlags & CLONE.NEWUTS ? spec.hostname : undefined,
    uid: spec.process.user.uid,
    gid: spec.process.user.gid,
    groups: spec.process.user.additionalGids ?? [],
    stdio: inputs.stdio,
    setControllingTty: spec.process.terminal === true,
    mounts: hasMountNs ? [...planMounts(spec, inputs.rootfsMount), ...(userns ? deviceBinds(spec) : [])] : [],
    devices: hasMountNs && !userns ? planDevices(spec) : [],
    symlinks: hasMountNs ? DEV_SYMLINKS : [],
    mountCwd: inputs.rootfsMount?.cwd,
    rootfs: hasMountNs ? spec.root.path : undefined,
    mkdirs: hasMountNs ? [...deviceDirs(spec, userns), ...dirPrefixes(spec.process.cwd)] : [],
    maskedPaths: spec.linux.maskedPaths ?? [],
    readonlyPaths: spec.linux.readonlyPaths ?? [],
    readonlyRoot: spec.root.readonly === true,
    loopbackUp: (cloneFlags & CLONE.NEWNET) !== 0,
    parentDeathSignal: inputs.pdeathsig,
    noNewPrivileges: spec.process.noNewPrivileges === true,
    capabilities: caps && {
      bounding: capabilityMask(caps.bounding),
      effective: capabilityMask(caps.effective),
      permitted: capabilityMask(caps.permitted),
      inheritable: capabilityMask(caps.inheritable),
      ambient: capabilityMask(caps.ambient),
    },
    maxFd: 4096,
    ...(netnsPath ? { netnsPath } : {}),
    ...confinement(inputs, later),
  };
}

/** Pairs [target, link] every container gets in /dev, as runc makes them. */
const DEV_SYMLINKS = [
  '/proc/self/fd', '/dev/fd',
  '/proc/self/fd/0', '/dev/stdin',
  '/proc/self/fd/1', '/dev/stdout',
  '/proc/self/fd/2', '/dev/stderr',
  'pts/ptmx', '/dev/ptmx',
];

/** Directories under /dev that device nodes need (made before them). */
function deviceDirs(spec: RuntimeSpec, userns: boolean): string[] {
  if (userns) return []; // bind mounts make their own mountpoints
  const dirs = (spec.linux.devices ?? []).flatMap((d) => dirPrefixes(path.posix.dirname(containerPath(d.path))));
  return [...new Set(dirs)].filter((d) => d !== '/dev');
}

const hasUserNamespace = (spec: RuntimeSpec) => spec.linux.namespaces.some((ns) => ns.type === 'user' && !ns.path);

/**
 * With a new user namespace, clone makes only it (and the PID namespace, which
 * needs a fork) and the child unshares the rest once the parent wrote the
 * maps, so they belong to it (crun's and runc's order). The cgroup namespace
 * always comes after the cgroup join, so its root is the container's cgroup.
 */
export function splitNamespaces(flags: number): { first: number; later: number } {
  const later = flags & CLONE.NEWUSER ? flags & ~(CLONE.NEWUSER | CLONE.NEWPID) : flags & CLONE.NEWCGROUP;
  return { first: flags & ~later, later };
}

/** Device nodes cannot be made in a user namespace: bind the host's instead (runc does the same). */
function deviceBinds(spec: RuntimeSpec): PlannedMount[] {
  return (spec.linux.devices ?? []).map((d) => ({
    source: d.hostPath ?? d.path, target: containerPath(d.path), fstype: '', flags: 0x1000 /* MS_BIND */, data: '', isFile: true, inRoot: true,
  }));
}

const idMap = (maps: LinuxIdMapping[] | undefined) => maps?.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');

/** The plan fields for cgroups, seccomp and user namespaces (all optional). */
function confinement(inputs: PlanInputs, unshareFlags: number): Partial<SpawnPlan> {
  const { spec, cgroup } = inputs;
  const userns = hasUserNamespace(spec);
  return {
    ...(unshareFlags ? { unshareFlags } : {}),
    ...(cgroup ? { cgroupProcs: cgroup.procs, oomFile: cgroup.oomFile } : {}),
    ...(inputs.seccomp ? { seccomp: inputs.seccomp } : {}),
    ...(userns ? { uidMap: idMap(spec.linux.uidMappings), gidMap: idMap(spec.linux.gidMappings), idmapLowers: inputs.idmapLowers === true } : {}),
  };
}
