/**
 * What a crash can leave in the store: mounts under it, scratch of dead
 * processes, half-made containers, containers "running" without a monitor,
 * cgroups of removed containers; and pivot_root and idmapped layers on its
 * filesystem.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ContainerDeps } from '../deps.js';
import { probeKernel } from '../idmap-probe.js';
import { monitorAlive } from '../liveness.js';
import { ok, problem, type Check } from './check.js';

const isPidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
};

/** Mount points in mountinfo (field 5, octal escapes undone). */
export function mountPointsUnder(mountinfo: string, root: string): string[] {
  return mountinfo.split('\n').map((l) => l.split(' ')[4]).filter(Boolean)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === root || p.startsWith(root + '/'));
}

async function mountsCheck(root: string): Promise<Check> {
  const left = mountPointsUnder(await fs.readFile('/proc/self/mountinfo', 'utf8'), root);
  return left.length
    ? problem('store mounts', `${left.length} mount(s) left under ${root}: ${left.slice(0, 3).join(', ')}`, `umount -l ${left[0]} (each of them)`)
    : ok('store mounts', `none under ${root}`);
}

async function scratchCheck(tmpDir: string): Promise<Check> {
  const names = await fs.readdir(tmpDir).catch(() => [] as string[]);
  const dead = names.filter((n) => /^\d+-/.test(n) && !isPidAlive(Number(n.split('-')[0])));
  return dead.length
    ? problem('store temp dirs', `${dead.length} left by dead processes in ${tmpDir} (removal failed: something is mounted or busy inside)`, `check mounts, then rm -rf ${path.join(tmpDir, dead[0])}`)
    : ok('store temp dirs', 'none left behind');
}

async function containersCheck(deps: ContainerDeps): Promise<Check> {
  const ids = await fs.readdir(deps.paths.containersDir).catch(() => [] as string[]);
  const records = await deps.containers.list();
  const known = new Set(records.map((r) => r.Id));
  const half = ids.filter((id) => !known.has(id));
  const orphaned: string[] = [];
  for (const r of records) {
    const state = await deps.containers.state(r.Id);
    if (state.Running && !monitorAlive(state)) orphaned.push(r.Name);
  }
  if (half.length) return problem('containers', `${half.length} container dir(s) without a record: ${half[0]}`, `rm -rf ${path.join(deps.paths.containersDir, half[0])}`);
  if (orphaned.length) return problem('containers', `marked running but their monitor is gone: ${orphaned.join(', ')}`, `tsrun rm -f ${orphaned[0]}`);
  return ok('containers', `${records.length} recorded, all consistent`);
}

/** Container cgroups (64-hex names) under the parent whose container is gone. */
async function cgroupsCheck(deps: ContainerDeps, parentDirs: string[]): Promise<Check> {
  const known = new Set((await deps.containers.list()).map((r) => r.Id));
  const stale: string[] = [];
  for (const dir of parentDirs) {
    for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
      if (/^[0-9a-f]{64}$/.test(name) && !known.has(name)) stale.push(path.join(dir, name));
    }
  }
  return stale.length
    ? problem('cgroups left', `${stale.length} cgroup(s) of removed containers: ${stale[0]}`, `rmdir ${stale[0]} (after killing what is in its cgroup.procs)`)
    : ok('cgroups left', 'none');
}

export async function storeChecks(deps: ContainerDeps, cgroupParentDirs: string[]): Promise<Check[]> {
  const pivot = await probeKernel(deps, 'pivot_root');
  const idmap = await probeKernel(deps, 'idmap');
  return [
    pivot.ok ? ok('pivot_root', `works on the store's filesystem (${deps.paths.root})`)
      : problem('pivot_root', `fails in ${deps.paths.root}: ${pivot.detail}`, 'put the store (--root) on a real filesystem, not the initramfs rootfs'),
    idmap.ok ? ok('idmapped layers', 'user namespaces mount the layers idmapped')
      : problem('idmapped layers', `not available (${idmap.detail}): user namespaces use chowned copies of the layers`, 'Linux 5.19+ with the store on ext4, xfs or btrfs; or set "idmapped-mounts": false to stop probing'),
    await mountsCheck(deps.paths.root),
    await scratchCheck(deps.paths.tmpDir),
    await containersCheck(deps),
    await cgroupsCheck(deps, cgroupParentDirs),
  ];
}
