/**
 * OCI linux.resources -> the files to write, for v1 and v2 (pure). Docker's
 * flags arrive here already in OCI units: bytes, CFS microseconds, shares.
 */
import type { LinuxResources } from '../../oci/runtime-spec.js';

/** A write: controller (v1 hierarchy to find), file, value. Order matters (memsw after memory). */
export interface CgroupWrite {
  controller: string;
  file: string;
  value: string;
}

const limit = (n: number) => (n < 0 ? '-1' : String(n));

export function v1Writes(r: LinuxResources, swapAccounting: boolean): CgroupWrite[] {
  const w: CgroupWrite[] = [];
  const { memory, cpu, pids } = r;
  if (memory?.limit !== undefined) w.push({ controller: 'memory', file: 'memory.limit_in_bytes', value: limit(memory.limit) });
  if (memory?.swap !== undefined && swapAccounting) w.push({ controller: 'memory', file: 'memory.memsw.limit_in_bytes', value: limit(memory.swap) });
  if (cpu?.shares !== undefined) w.push({ controller: 'cpu', file: 'cpu.shares', value: String(cpu.shares) });
  if (cpu?.period !== undefined) w.push({ controller: 'cpu', file: 'cpu.cfs_period_us', value: String(cpu.period) });
  if (cpu?.quota !== undefined) w.push({ controller: 'cpu', file: 'cpu.cfs_quota_us', value: String(cpu.quota) });
  if (pids) w.push({ controller: 'pids', file: 'pids.max', value: pids.limit > 0 ? String(pids.limit) : 'max' });
  return w;
}

/** cpu.shares (2..262144) -> cpu.weight (1..10000), runc's conversion. */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 100;
  return 1 + Math.floor(((Math.min(Math.max(shares, 2), 262144) - 2) * 9999) / 262142);
}

export function v2Writes(r: LinuxResources): CgroupWrite[] {
  const w: CgroupWrite[] = [];
  const { memory, cpu, pids } = r;
  const max = (n: number) => (n < 0 ? 'max' : String(n));
  if (memory?.limit !== undefined) w.push({ controller: 'memory', file: 'memory.max', value: max(memory.limit) });
  // v2 counts swap apart from memory; OCI's swap is memory+swap
  if (memory?.swap !== undefined) {
    const swap = memory.swap < 0 ? -1 : Math.max(0, memory.swap - (memory.limit ?? 0));
    w.push({ controller: 'memory', file: 'memory.swap.max', value: max(swap) });
  }
  if (cpu?.shares !== undefined) w.push({ controller: 'cpu', file: 'cpu.weight', value: String(sharesToWeight(cpu.shares)) });
  if (cpu?.quota !== undefined) w.push({ controller: 'cpu', file: 'cpu.max', value: `${cpu.quota > 0 ? cpu.quota : 'max'} ${cpu.period ?? 100000}` });
  if (pids) w.push({ controller: 'pids', file: 'pids.max', value: pids.limit > 0 ? String(pids.limit) : 'max' });
  return w;
}
