/** Kernel features tsrun relies on: version, overlayfs, namespaces, seccomp, and tools for networking. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOCKER_DEFAULT_PROFILE, goArch, kernelAtLeast, resolveSeccompProfile, seccompFilterInput, DOCKER_DEFAULT_CAPS } from '../../runtime/index.js';
import type { Sys } from '../../sys/index.js';
import { ok, problem, type Check } from './check.js';

const read = (file: string) => fs.readFile(file, 'utf8').catch(() => '');

export function kernelCheck(release = os.release()): Check {
  // openat2 (5.6) keeps image symlinks from redirecting mountpoints to the host
  return kernelAtLeast(release, '5.6')
    ? ok('kernel', `Linux ${release}`)
    : problem('kernel', `Linux ${release} is older than 5.6 (no openat2)`, 'upgrade the kernel to 5.6 or newer');
}

export async function overlayCheck(): Promise<Check> {
  return /\toverlay$/m.test(await read('/proc/filesystems'))
    ? ok('overlayfs', 'supported')
    : problem('overlayfs', 'not in /proc/filesystems', 'modprobe overlay (and add it to /etc/modules)');
}

const NAMESPACES: Array<[string, string]> = [
  ['mnt', 'CONFIG_NAMESPACES'], ['pid', 'CONFIG_PID_NS'], ['uts', 'CONFIG_UTS_NS'], ['ipc', 'CONFIG_IPC_NS'],
  ['net', 'CONFIG_NET_NS'], ['user', 'CONFIG_USER_NS'], ['cgroup', 'CONFIG_CGROUPS'],
];

export async function namespaceChecks(): Promise<Check[]> {
  const checks: Check[] = [];
  for (const [ns, option] of NAMESPACES) {
    const there = await fs.access(`/proc/self/ns/${ns}`).then(() => true, () => false);
    checks.push(there ? ok(`${ns} namespace`, 'supported') : problem(`${ns} namespace`, `no /proc/self/ns/${ns}`, `build the kernel with ${option}=y`));
  }
  const max = Number((await read('/proc/sys/user/max_user_namespaces')).trim() || '0');
  checks.push(max > 0
    ? ok('userns limit', `up to ${max} user namespaces`)
    : problem('userns limit', 'user.max_user_namespaces is 0 (--userns and userns-remap cannot work)', 'sysctl -w user.max_user_namespaces=15000'));
  return checks;
}

/** Filter mode in the kernel, and libseccomp compiling Docker's default profile. */
export async function seccompCheck(sys: Pick<Sys, 'compileSeccomp'>): Promise<Check> {
  const status = await read('/proc/self/status');
  if (!/^Seccomp:/m.test(status)) return problem('seccomp', 'the kernel has no seccomp', 'build the kernel with CONFIG_SECCOMP_FILTER=y');
  const actions = (await read('/proc/sys/kernel/seccomp/actions_avail')).trim();
  try {
    const profile = resolveSeccompProfile(DOCKER_DEFAULT_PROFILE, { arch: goArch(process.arch), capabilities: DOCKER_DEFAULT_CAPS, kernel: os.release() });
    const bpf = sys.compileSeccomp(seccompFilterInput(profile));
    return ok('seccomp', `filter mode (${actions || 'actions unknown'}); default profile is ${bpf.length / 8} BPF instructions`);
  } catch (err) {
    return problem('seccomp', `libseccomp cannot compile the default profile: ${(err as Error).message}`, 'apt-get install libseccomp2 (and libseccomp-dev to build), then npm run build');
  }
}

async function onPath(name: string): Promise<string | undefined> {
  for (const dir of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    const file = path.join(dir, name);
    if (await fs.access(file, fs.constants.X_OK).then(() => true, () => false)) return file;
  }
  return undefined;
}

export async function firewallCheck(): Promise<Check> {
  const found = [await onPath('iptables'), await onPath('nft')].filter(Boolean);
  return found.length
    ? ok('iptables/nft', found.join(', '))
    : problem('iptables/nft', 'neither iptables nor nft found', 'apt-get install iptables (bridge networking and -p need it)');
}
