/**
 * tsrun-oci as containerd drives it: an OCI bundle (config.json + busybox
 * rootfs) and the bin run with a private --root. Output goes to files, not
 * pipes: a created container inherits the runtime's stdio and outlives it,
 * so a pipe would never reach EOF.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';
import type { RuntimeSpec } from '../../src/oci/runtime-spec.js';
import { busyboxRootfsTar, repoRoot, type Result } from './tsrun.js';
import { TEST_CGROUP_PARENT } from './cgroups.js';

export const ociPath = path.join(repoRoot, 'dist/tsrun-oci.cjs');

/** Runs `tsrun-oci --root ROOT ARGS...`; stdin is /dev/null unless given. */
export function oci(root: string, args: string[], opts: { cwd?: string; timeout?: number } = {}): Result {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsrun-oci-out-'));
  const outFile = path.join(dir, 'out');
  const errFile = path.join(dir, 'err');
  const out = openSync(outFile, 'w');
  const err = openSync(errFile, 'w');
  try {
    const r = spawnSync(process.execPath, [ociPath, '--root', root, ...args], {
      stdio: ['ignore', out, err], cwd: opts.cwd, timeout: opts.timeout ?? 60_000,
    });
    if (r.error) throw r.error;
    return { code: r.status ?? 128, stdout: readFileSync(outFile, 'utf8'), stderr: readFileSync(errFile, 'utf8') };
  } finally {
    closeSync(out);
    closeSync(err);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The spec `crun spec` / `runc spec` write, without a terminal; args replaced. */
export function defaultSpec(args: string[]): RuntimeSpec {
  const caps = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false, user: { uid: 0, gid: 0 }, args, cwd: '/',
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: caps },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'oci-test',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    ],
    linux: {
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      maskedPaths: ['/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/proc/scsi'],
      readonlyPaths: ['/proc/asound', '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
      cgroupsPath: `${TEST_CGROUP_PARENT}/oci-${process.pid}`,
    },
  };
}

/** A bundle dir with the busybox rootfs (extracted once per bundle) and the given config. */
export function makeBundle(t: Test, spec: RuntimeSpec): string {
  const bundle = mkdtempSync(path.join(os.tmpdir(), 'tsrun-oci-bundle-'));
  t.teardown(() => rmSync(bundle, { recursive: true, force: true }));
  mkdirSync(path.join(bundle, 'rootfs'));
  const r = spawnSync('tar', ['-C', path.join(bundle, 'rootfs'), '-xf', busyboxRootfsTar()]);
  if (r.status !== 0) throw new Error(`tar: ${r.stderr}`);
  chmodSync(path.join(bundle, 'rootfs'), 0o755); // the fixture's root is 0700: other users could not reach their cwd
  writeConfig(bundle, spec);
  return bundle;
}

export function writeConfig(bundle: string, spec: RuntimeSpec): void {
  writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec, null, 2));
}

/** A private --root, removed at the end (after deleting what is left in it). */
export function ociRoot(t: Test): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tsrun-oci-root-'));
  t.teardown(() => {
    for (const id of oci(root, ['list', '-q']).stdout.split('\n').filter(Boolean)) oci(root, ['delete', '--force', id]);
    rmSync(root, { recursive: true, force: true });
  });
  return root;
}
