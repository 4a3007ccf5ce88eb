/** linux.cgroupsPath + linux.resources -> the container's cgroup directories (cgroupfs rules, as runc without --systemd-cgroup). */
import path from 'node:path';
import { TsrunError } from '../core/errors.js';
import type { LinuxDeviceCgroup, RuntimeSpec } from '../oci/runtime-spec.js';
import { cgroupDir, type CgroupLayout } from '../runtime/cgroups/index.js';
import { DEFAULT_DEVICE_RULES } from '../runtime/cgroups/device-rules.js';

/** runc: "/a/b" from each hierarchy's root, "a/b" from this process's own cgroup; none: ID under our own. */
export function containerCgroupDirsFor(layout: CgroupLayout, cgroupsPath: string | undefined, id: string): string[] {
  const p = cgroupsPath || id;
  if (/^[^/:]*:[^:]*:[^:]*$/.test(p)) {
    throw new TsrunError('INVALID_ARGUMENT', `cgroupsPath "${p}" is a systemd slice:prefix:name; tsrun-oci manages cgroupfs paths only (do not use --systemd-cgroup / SystemdCgroup = true)`);
  }
  const parent = path.posix.dirname(p);
  const name = path.posix.basename(p);
  return layout.hierarchies.map((h) => cgroupDir(h, parent === '.' ? '' : parent, name));
}

/** The spec's device rules, then the ones every container needs and its own nodes (runc appends the same). */
export function deviceRules(spec: RuntimeSpec): LinuxDeviceCgroup[] {
  const own = spec.linux.resources?.devices ?? [];
  if (own.length === 0) return [];
  const nodes = (spec.linux.devices ?? []).map((d): LinuxDeviceCgroup => ({
    allow: true, type: d.type === 'b' ? 'b' : 'c', major: d.major, minor: d.minor, access: 'rwm',
  }));
  return [...own, ...DEFAULT_DEVICE_RULES.slice(1), ...nodes.filter((n) => n.type === 'c' || n.type === 'b')];
}
