/**
 * Which cgroup hierarchies this host has and where this process sits in each:
 * pure v2 (one cgroup2 mount), v1, or hybrid (v1 controllers plus a cgroup2
 * mount without controllers, like systemd's /sys/fs/cgroup/unified).
 */
import { promises as fs } from 'node:fs';

export interface CgroupHierarchy {
  version: 1 | 2;
  /** v1: the controllers of the hierarchy (memory; cpu,cpuacct; name=systemd). v2: []. */
  controllers: string[];
  mountPoint: string;
  /** This process's cgroup, as a directory under mountPoint. */
  ownDir: string;
}

export interface CgroupLayout {
  mode: 'v1' | 'hybrid' | 'v2' | 'none';
  hierarchies: CgroupHierarchy[];
}

interface CgroupMount { fstype: string; root: string; mountPoint: string; options: string[] }

function parseMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!right) continue;
    const [fstype, , superOptions = ''] = right.split(' ');
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const fields = left.split(' ');
    mounts.push({ fstype, root: unescape(fields[3]), mountPoint: unescape(fields[4]), options: superOptions.split(',') });
  }
  return mounts;
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

function join(mountPoint: string, root: string, own: string): string {
  const rel = root !== '/' && own.startsWith(root) ? own.slice(root.length) : own;
  return (mountPoint + '/' + rel).replace(/\/+/g, '/').replace(/\/$/, '');
}

/** /proc/self/mountinfo + /proc/self/cgroup -> the layout (pure, for tests). */
export function parseCgroupLayout(mountinfo: string, procCgroup: string): CgroupLayout {
  const mounts = parseMounts(mountinfo);
  const hierarchies: CgroupHierarchy[] = [];
  for (const line of procCgroup.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const [, id, list, own] = m;
    if (id === '0' && list === '') {
      const mount = mounts.find((x) => x.fstype === 'cgroup2');
      if (mount) hierarchies.push({ version: 2, controllers: [], mountPoint: mount.mountPoint, ownDir: join(mount.mountPoint, mount.root, own) });
      continue;
    }
    const controllers = list.split(',');
    const mount = mounts.find((x) => x.fstype === 'cgroup' && controllers.every((c) => x.options.includes(c)));
    if (mount) hierarchies.push({ version: 1, controllers, mountPoint: mount.mountPoint, ownDir: join(mount.mountPoint, mount.root, own) });
  }
  const v1 = hierarchies.some((h) => h.version === 1);
  const v2 = hierarchies.some((h) => h.version === 2);
  return { mode: v1 && v2 ? 'hybrid' : v1 ? 'v1' : v2 ? 'v2' : 'none', hierarchies };
}

export async function readCgroupLayout(): Promise<CgroupLayout> {
  const [mountinfo, cgroup] = await Promise.all([
    fs.readFile('/proc/self/mountinfo', 'utf8'),
    fs.readFile('/proc/self/cgroup', 'utf8'),
  ]);
  return parseCgroupLayout(mountinfo, cgroup);
}

/** The v1 hierarchy holding a controller (memory, cpu, pids ...), or the v2 one. */
export function hierarchyFor(layout: CgroupLayout, controller: string): CgroupHierarchy | undefined {
  if (layout.mode === 'v2') return layout.hierarchies[0];
  return layout.hierarchies.find((h) => h.version === 1 && h.controllers.includes(controller));
}
