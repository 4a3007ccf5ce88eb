/**
 * A container's device nodes and device cgroup rules: the standard nodes
 * only, plus --device ones; with --privileged every node of the host's /dev
 * and no device restriction (Docker's WithDevices).
 */
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import type { LinuxDevice, LinuxDeviceCgroup } from '../oci/runtime-spec.js';
import { ALLOW_ALL_DEVICES, DEFAULT_DEVICE_RULES } from '../runtime/index.js';
import type { DeviceMapping } from './isolation-options.js';
import type { ContainerRecord } from './store.js';

export interface ContainerDevices {
  devices: LinuxDevice[];
  rules: LinuxDeviceCgroup[];
}

/** Linux's dev_t split (glibc's major()/minor()). */
export function majorMinor(rdev: number): { major: number; minor: number } {
  const dev = BigInt(rdev);
  return {
    major: Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn)),
    minor: Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn)),
  };
}

function nodeOf(st: Stats, hostPath: string, ctrPath: string): LinuxDevice {
  return {
    path: ctrPath, hostPath, type: st.isBlockDevice() ? 'b' : 'c', ...majorMinor(st.rdev),
    fileMode: st.mode & 0o7777, uid: st.uid, gid: st.gid,
  };
}

/** Not copied: the container has its own ptys, console, shm and mqueue (as runc's HostDevices). */
const SKIP = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev', 'console', 'ptmx']);

async function hostDevices(dir = '/dev'): Promise<LinuxDevice[]> {
  const out: LinuxDevice[] = [];
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    if (SKIP.has(name)) continue;
    const p = path.join(dir, name);
    const st = await fs.lstat(p).catch(() => undefined);
    if (st?.isDirectory()) out.push(...(await hostDevices(p)));
    else if (st && (st.isCharacterDevice() || st.isBlockDevice())) out.push(nodeOf(st, p, p));
  }
  return out;
}

async function mappedDevice(d: DeviceMapping): Promise<{ device: LinuxDevice; rule: LinuxDeviceCgroup }> {
  const device = nodeOf(await fs.stat(d.PathOnHost), d.PathOnHost, d.PathInContainer);
  return { device, rule: { allow: true, type: device.type as 'c' | 'b', major: device.major, minor: device.minor, access: d.CgroupPermissions } };
}

export async function containerDevices(record: ContainerRecord): Promise<ContainerDevices> {
  if (record.HostConfig.Privileged) return { devices: await hostDevices(), rules: ALLOW_ALL_DEVICES };
  const mapped = await Promise.all((record.HostConfig.Devices ?? []).map(mappedDevice));
  return { devices: mapped.map((m) => m.device), rules: [...DEFAULT_DEVICE_RULES, ...mapped.map((m) => m.rule)] };
}
