/** state, list, ps, features: what the runtime prints (runc's formats). */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TsrunError } from '../core/errors.js';
import { containerPids } from './lifecycle.js';
import { OCI_VERSION, ociState, statusOf, type OciState, type StateDir } from './state.js';

export const VERSION = '0.1.0';

export function stateOf(dir: StateDir, id: string): OciState {
  const st = dir.read(id);
  return ociState(st, statusOf(dir, st));
}

export function listContainers(dir: StateDir): OciState[] {
  let ids: string[] = [];
  try {
    ids = readdirSync(dir.root).sort();
  } catch { /* no root yet: nothing */ }
  return ids.filter((id) => dir.exists(id)).map((id) => stateOf(dir, id));
}

/** Columns padded like Go's tabwriter (minwidth 12, padding 1), as runc list prints. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(Math.max(widths[c] + 1, 12)))).join('')).join('\n') + '\n';
}

export function listText(states: OciState[], format: string | undefined, quiet: boolean): string {
  if (quiet) return states.map((s) => s.id + '\n').join('');
  if (format === 'json') return JSON.stringify(states.map(({ ociVersion, id, pid, status, bundle, rootfs, created, owner, annotations }) => ({ ociVersion, id, pid, status, bundle, rootfs, created, owner, annotations }))) + '\n';
  if (format && format !== 'table') throw new TsrunError('INVALID_ARGUMENT', `invalid format option "${format}"`);
  return table([['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER'], ...states.map((s) => [s.id, String(s.pid), s.status, s.bundle, s.created, s.owner || 'root'])]);
}

/** `ps`: json is the pid list containerd reads; table filters `ps` output (default -ef) by those pids. */
export function psText(dir: StateDir, id: string, format: string | undefined, psArgs: string[]): string {
  const pids = containerPids(dir.read(id));
  if (format === 'json') return JSON.stringify(pids) + '\n';
  if (format && format !== 'table') throw new TsrunError('INVALID_ARGUMENT', `invalid format option "${format}"`);
  const { spawnSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  const r = spawnSync('ps', psArgs.length ? psArgs : ['-ef'], { encoding: 'utf8' });
  if (r.status !== 0) throw new TsrunError('INTERNAL', `ps: ${r.error?.message ?? r.stderr.trim()}`);
  const [header, ...lines] = r.stdout.trimEnd().split('\n');
  const pidCol = header.trim().split(/\s+/).indexOf('PID');
  if (pidCol < 0) throw new TsrunError('INVALID_ARGUMENT', 'couldn\'t find PID field in ps output');
  const wanted = new Set(pids);
  return [header, ...lines.filter((l) => wanted.has(Number(l.trim().split(/\s+/)[pidCol])))].join('\n') + '\n';
}

/** `features` (runc 1.1's JSON): what this runtime understands. */
export function features(): unknown {
  return {
    ociVersionMin: '1.0.0',
    ociVersionMax: OCI_VERSION,
    hooks: ['prestart', 'createRuntime', 'poststart', 'poststop'],
    mountOptions: ['bind', 'rbind', 'ro', 'rw', 'nosuid', 'suid', 'nodev', 'dev', 'noexec', 'exec', 'sync', 'dirsync',
      'noatime', 'nodiratime', 'relatime', 'strictatime', 'remount', 'mand', 'defaults', 'private', 'rprivate', 'slave',
      'rslave', 'shared', 'rshared', 'unbindable', 'runbindable'],
    linux: {
      namespaces: ['cgroup', 'ipc', 'mount', 'network', 'pid', 'user', 'uts'],
      capabilities: CAP_NAMES,
      cgroup: { v1: true, v2: true, systemd: false, systemdUser: false },
      seccomp: { enabled: true },
      apparmor: { enabled: false },
      selinux: { enabled: false },
    },
    annotations: { 'org.opencontainers.runc.version': `tsrun-oci ${VERSION}` },
  };
}

const CAP_NAMES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW',
  'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD',
  'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];
