/**
 * `tsrun stats`: CPU, memory, network, block I/O and pids of running
 * containers, computed as Docker's CLI does (two samples; CPU % is the
 * container's share of all CPUs' time in between, times the CPU count).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { readCgroupLayout, readCgroupUsage, type CgroupUsage } from '../runtime/index.js';
import type { ContainerDeps } from './deps.js';
import { currentState } from './liveness.js';
import type { ContainerRecord } from './store.js';

export interface ContainerStats {
  id: string;
  name: string;
  cpuPercent: number;
  memoryUsage: number;
  memoryLimit: number;
  memoryPercent: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
}

/** Nanoseconds all CPUs spent since boot (/proc/stat's "cpu" line, Docker's system_cpu_usage). */
export function systemCpuNanos(procStat: string, ticksPerSecond = 100): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  const ticks = (line ?? '').trim().split(/\s+/).slice(1, 8).reduce((sum, v) => sum + Number(v), 0);
  return (ticks * 1e9) / ticksPerSecond;
}

/** Bytes received and sent on every interface but lo (/proc/PID/net/dev). */
export function netTotals(netDev: string): { rx: number; tx: number } {
  let rx = 0, tx = 0;
  for (const line of netDev.split('\n').slice(2)) {
    const [name, rest] = line.split(':');
    if (!rest || name.trim() === 'lo') continue;
    const f = rest.trim().split(/\s+/).map(Number);
    rx += f[0];
    tx += f[8];
  }
  return { rx, tx };
}

interface Sample { usage: CgroupUsage; system: number }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function containerStats(deps: ContainerDeps, records: ContainerRecord[], intervalMs = 500): Promise<ContainerStats[]> {
  const layout = await readCgroupLayout();
  const sample = async (r: ContainerRecord): Promise<Sample | undefined> => {
    const dirs = r.Isolation?.CgroupDirs ?? [];
    if (!dirs.length || !(await currentState(deps.containers, r.Id)).Running) return undefined;
    return { usage: await readCgroupUsage(layout, dirs), system: systemCpuNanos(await fs.readFile('/proc/stat', 'utf8')) };
  };
  const first = await Promise.all(records.map(sample));
  await sleep(intervalMs);
  const second = await Promise.all(records.map(sample));
  const hostMemory = os.totalmem();
  const cpus = os.cpus().length;
  return Promise.all(records.map(async (r, i) => {
    const a = first[i], b = second[i];
    const state = await currentState(deps.containers, r.Id);
    const net = b && state.Running ? netTotals(await fs.readFile(`/proc/${state.Pid}/net/dev`, 'utf8').catch(() => '')) : { rx: 0, tx: 0 };
    const cpuDelta = a && b ? b.usage.cpuNanos - a.usage.cpuNanos : 0;
    const systemDelta = a && b ? b.system - a.system : 0;
    const limit = b ? Math.min(b.usage.memoryLimit ?? hostMemory, hostMemory) : 0;
    return {
      id: r.Id,
      name: r.Name,
      cpuPercent: cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0,
      memoryUsage: b?.usage.memoryBytes ?? 0,
      memoryLimit: limit,
      memoryPercent: b && limit ? (b.usage.memoryBytes / limit) * 100 : 0,
      netRx: net.rx,
      netTx: net.tx,
      blockRead: b?.usage.blockRead ?? 0,
      blockWrite: b?.usage.blockWrite ?? 0,
      pids: b?.usage.pids ?? 0,
    };
  }));
}
