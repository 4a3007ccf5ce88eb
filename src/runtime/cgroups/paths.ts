/** Where a container's cgroup lives in each hierarchy. */
import path from 'node:path';
import { TsrunError } from '../../core/errors.js';
import type { CgroupHierarchy, CgroupLayout } from './hierarchy.js';

/**
 * runc's cgroupfs rule, which Docker's --cgroup-parent follows: an absolute
 * parent starts at each hierarchy's root, a relative one at this process's
 * own cgroup there (so tests stay under the test's cgroup).
 */
export function cgroupDir(h: CgroupHierarchy, parent: string, name: string): string {
  const base = parent.startsWith('/') ? h.mountPoint : h.ownDir;
  const dir = path.join(base, parent, name);
  if (!dir.startsWith(h.mountPoint + '/') || name.includes('/')) {
    throw new TsrunError('INVALID_ARGUMENT', `invalid cgroup parent "${parent}": it leaves the cgroup hierarchy`);
  }
  return dir;
}

/** The parent's directory in each hierarchy (where container cgroups appear). */
export function cgroupParentDirs(layout: CgroupLayout, parent: string): string[] {
  return layout.hierarchies.map((h) => path.join(parent.startsWith('/') ? h.mountPoint : h.ownDir, parent));
}

/** One directory per hierarchy (v1: every mounted one; hybrid: plus the unified one). */
export function containerCgroupDirs(layout: CgroupLayout, parent: string, name: string): string[] {
  return layout.hierarchies.map((h) => cgroupDir(h, parent, name));
}

/** The hierarchy a container cgroup dir belongs to. */
export function hierarchyOf(layout: CgroupLayout, dir: string): CgroupHierarchy | undefined {
  return layout.hierarchies.find((h) => dir.startsWith(h.mountPoint + '/'));
}
