/**
 * Runs a command under an installed OCI runtime with tsrun's own spec for
 * the same rootfs: crun, or runc where crun refuses (hybrid cgroup hosts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { containerSpec } from '../../../src/container/spec.js';
import type { RuntimeSpec } from '../../../src/oci/runtime-spec.js';
import {
  DEFAULT_DEVICE_RULES, DOCKER_DEFAULT_CAPS, DOCKER_DEFAULT_PROFILE, goArch, readCgroupLayout, resolveSeccompProfile,
} from '../../../src/runtime/index.js';
import { TEST_CGROUP_PARENT } from '../cgroups.js';

export async function peerRuntime(): Promise<string | undefined> {
  const installed = (name: string) => spawnSync(name, ['--version']).status === 0;
  const hybrid = (await readCgroupLayout()).mode === 'hybrid';
  if (installed('crun') && !hybrid) return 'crun';
  return installed('runc') ? 'runc' : undefined;
}

/** What tsrun would run (Docker's defaults), minus the mounts of files in tsrun's store. */
export function peerSpec(rootfs: string, args: string[]): RuntimeSpec {
  const spec = containerSpec({
    rootfs, args, env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], cwd: '/',
    user: { uid: 0, gid: 0, additionalGids: [], home: '/root' }, hostname: 'peer', terminal: false,
    etcFiles: { hostname: '', hosts: '', resolvConf: '' },
    capabilities: DOCKER_DEFAULT_CAPS, noNewPrivileges: true, readonlyRoot: false,
    seccomp: resolveSeccompProfile(DOCKER_DEFAULT_PROFILE, { arch: goArch(process.arch), capabilities: DOCKER_DEFAULT_CAPS, kernel: os.release() }),
    resources: { devices: DEFAULT_DEVICE_RULES },
  });
  spec.mounts = spec.mounts.filter((m) => m.type !== 'bind');
  spec.linux.cgroupsPath = `${TEST_CGROUP_PARENT}/peer-${process.pid}`; // under our own cgroup, never at the root
  return spec;
}

export function runPeer(runtime: string, bundle: string, spec: RuntimeSpec): { code: number; stdout: string; stderr: string } {
  mkdirSync(bundle, { recursive: true });
  writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
  const id = `tsrun-peer-${process.pid}`;
  const r = spawnSync(runtime, ['run', '--bundle', bundle, id], { encoding: 'utf8', timeout: 30_000 });
  spawnSync(runtime, ['delete', '-f', id]);
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
