import type { LinuxDevice, LinuxIdMapping, LinuxResources, LinuxSeccomp, Mount, RuntimeSpec } from '../oci/runtime-spec.js';
import { hostsFile as networkHostsFile } from '../network/hosts-file.js';
import { FILE_MOUNT_OPTION } from '../runtime/index.js';
import type { ResolvedUser } from './user.js';

export interface ContainerSpecInput {
  rootfs: string;
  args: string[];
  env: string[];
  cwd: string;
  user: ResolvedUser;
  hostname: string;
  terminal: boolean;
  /** Host files bind-mounted over /etc/hostname, /etc/hosts, /etc/resolv.conf. */
  etcFiles: { hostname: string; hosts: string; resolvConf: string };
  /** The pty slave's host path, bound on /dev/console when terminal. */
  consolePath?: string;
  /** Capabilities the process gets (already checked against what the host allows). */
  capabilities: string[];
  noNewPrivileges: boolean;
  readonlyRoot: boolean;
  /** Volumes, binds and tmpfs mounts of the container, after the defaults. */
  extraMounts?: Mount[];
  /** --privileged: no masked or read-only paths, /sys writable. */
  privileged?: boolean;
  /** Device nodes beyond the standard ones (--device; every host device with --privileged). */
  devices?: LinuxDevice[];
  seccomp?: LinuxSeccomp;
  /** Limits and the device cgroup rules. */
  resources?: LinuxResources;
  /** A user namespace with these maps. */
  idMappings?: { uid: LinuxIdMapping[]; gid: LinuxIdMapping[] };
  /** A private cgroup namespace with cgroup2 at /sys/fs/cgroup (cgroup v2 hosts, as Docker). */
  cgroupNamespace?: boolean;
  /** Host path of tsrun-init: bound read-only at /dev/init, which runs the command (--init). */
  init?: string;
}

/** Docker's default mounts (moby oci/defaults.go). */
const DEFAULT_MOUNTS: Mount[] = [
  { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
  { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
  { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
  { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
  { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864'] },
];

const char = (path: string, major: number, minor: number): LinuxDevice => ({ path, type: 'c', major, minor, fileMode: 0o666 });

export const DEFAULT_DEVICES: LinuxDevice[] = [
  char('/dev/null', 1, 3), char('/dev/zero', 1, 5), char('/dev/full', 1, 7),
  char('/dev/random', 1, 8), char('/dev/urandom', 1, 9), char('/dev/tty', 5, 0),
];

export const DEFAULT_MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];

export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** Where `--init` puts tsrun-init (Docker uses /sbin/docker-init; /dev leaves the image alone). */
export const INIT_PATH = '/dev/init';

const CGROUP2_MOUNT: Mount = { destination: '/sys/fs/cgroup', type: 'cgroup2', source: 'cgroup2', options: ['ro', 'nosuid', 'noexec', 'nodev'] };

function fileBind(destination: string, source: string): Mount {
  return { destination, type: 'bind', source, options: ['rbind', 'rprivate', FILE_MOUNT_OPTION] };
}

/** The OCI runtime spec of a container started by `tsrun run` (pure: no I/O). */
export function containerSpec(input: ContainerSpecInput): RuntimeSpec {
  const mounts: Mount[] = [
    ...DEFAULT_MOUNTS,
    fileBind('/etc/resolv.conf', input.etcFiles.resolvConf),
    fileBind('/etc/hostname', input.etcFiles.hostname),
    fileBind('/etc/hosts', input.etcFiles.hosts),
  ];
  if (input.terminal && input.consolePath) mounts.push(fileBind('/dev/console', input.consolePath));
  if (input.privileged) mounts.find((m) => m.destination === '/sys')!.options = ['nosuid', 'noexec', 'nodev'];
  if (input.cgroupNamespace) mounts.push(CGROUP2_MOUNT);
  if (input.init) mounts.push({ destination: INIT_PATH, type: 'bind', source: input.init, options: ['bind', 'ro', FILE_MOUNT_OPTION] });
  mounts.push(...(input.extraMounts ?? []));
  const caps = input.capabilities;
  // Docker's SetCapabilities: a non-root user gets the bounding set only, like execve gives it
  const granted = input.user.uid === 0 ? caps : [];
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: input.terminal,
      user: { uid: input.user.uid, gid: input.user.gid, additionalGids: input.user.additionalGids },
      args: input.init ? [INIT_PATH, '--', ...input.args] : input.args,
      env: input.env,
      cwd: input.cwd,
      capabilities: { bounding: caps, effective: granted, permitted: granted, inheritable: [], ambient: [] },
      noNewPrivileges: input.noNewPrivileges,
    },
    root: { path: input.rootfs, readonly: input.readonlyRoot },
    hostname: input.hostname,
    mounts,
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' },
        ...(input.idMappings ? [{ type: 'user' as const }] : []), ...(input.cgroupNamespace ? [{ type: 'cgroup' as const }] : [])],
      devices: [...DEFAULT_DEVICES, ...(input.devices ?? []).filter((d) => !DEFAULT_DEVICES.some((x) => x.path === d.path))],
      maskedPaths: input.privileged ? [] : DEFAULT_MASKED_PATHS,
      readonlyPaths: input.privileged ? [] : DEFAULT_READONLY_PATHS,
      ...(input.seccomp ? { seccomp: input.seccomp } : {}),
      ...(input.resources ? { resources: input.resources } : {}),
      ...(input.idMappings ? { uidMappings: input.idMappings.uid, gidMappings: input.idMappings.gid } : {}),
    },
  };
}

/** /etc/hosts as Docker writes it for a container without a network of its own. */
export function hostsFile(hostname: string): string {
  return networkHostsFile({ ip: '127.0.1.1', names: [hostname] });
}
