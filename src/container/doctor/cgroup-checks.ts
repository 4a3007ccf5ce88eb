/** cgroups: which version, and the controllers limits need. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { hierarchyFor, type CgroupLayout } from '../../runtime/index.js';
import { ok, problem, type Check } from './check.js';

const V2_CONTROLLERS = ['cpu', 'memory', 'pids', 'io'];
const V1_CONTROLLERS = ['cpu', 'cpuacct', 'memory', 'pids', 'devices', 'blkio'];

export async function cgroupChecks(layout: CgroupLayout): Promise<Check[]> {
  if (layout.mode === 'none') return [problem('cgroups', 'no cgroup filesystem is mounted', 'mount cgroup2 on /sys/fs/cgroup (systemd does it at boot)')];
  const checks: Check[] = [ok('cgroups', layout.mode === 'hybrid' ? 'v1 controllers with a v2 hierarchy (hybrid)' : layout.mode)];
  if (layout.mode === 'v2') {
    const root = layout.hierarchies[0].mountPoint;
    const have = (await fs.readFile(path.join(root, 'cgroup.controllers'), 'utf8').catch(() => '')).trim().split(/\s+/);
    const missing = V2_CONTROLLERS.filter((c) => !have.includes(c));
    checks.push(missing.length
      ? problem('cgroup controllers', `missing ${missing.join(', ')} in ${root}/cgroup.controllers`, 'enable them on the kernel command line (e.g. cgroup_enable=memory) and reboot')
      : ok('cgroup controllers', have.join(' ')));
    return checks;
  }
  const missing = V1_CONTROLLERS.filter((c) => !hierarchyFor(layout, c));
  checks.push(missing.length
    ? problem('cgroup controllers', `no v1 hierarchy for ${missing.join(', ')}`, 'mount them under /sys/fs/cgroup (or boot with systemd.unified_cgroup_hierarchy=1 for v2)')
    : ok('cgroup controllers', V1_CONTROLLERS.join(' ')));
  const memory = hierarchyFor(layout, 'memory');
  const swap = memory && (await fs.access(path.join(memory.ownDir, 'memory.memsw.limit_in_bytes')).then(() => true, () => false));
  checks.push(swap
    ? ok('swap limit', 'memory.memsw.* present (--memory-swap works)')
    : problem('swap limit', 'no memory.memsw.* files: --memory-swap is ignored', 'boot with swapaccount=1'));
  return checks;
}
