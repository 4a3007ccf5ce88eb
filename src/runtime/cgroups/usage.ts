/**
 * What a container's cgroup has used so far, read the way Docker's stats do:
 * memory excludes the inactive page cache, CPU is cumulative nanoseconds.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { CgroupLayout } from './hierarchy.js';
import { hierarchyOf } from './paths.js';

export interface CgroupUsage {
  cpuNanos: number;
  memoryBytes: number;
  /** undefined: no limit below the host's memory */
  memoryLimit?: number;
  pids: number;
  blockRead: number;
  blockWrite: number;
}

const read = (file: string) => fs.readFile(file, 'utf8').catch(() => '');

/** "key value" lines -> a map of numbers. */
export function keyValues(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out.set(k, Number(v));
  }
  return out;
}

/** v2 io.stat: "8:0 rbytes=1 wbytes=2 ..." per device, summed. */
export function ioStatTotals(text: string): { read: number; write: number } {
  let r = 0, w = 0;
  for (const m of text.matchAll(/rbytes=(\d+)/g)) r += Number(m[1]);
  for (const m of text.matchAll(/wbytes=(\d+)/g)) w += Number(m[1]);
  return { read: r, write: w };
}

/** v1 blkio.throttle.io_service_bytes: "8:0 Read 123" lines, summed. */
export function blkioTotals(text: string): { read: number; write: number } {
  let r = 0, w = 0;
  for (const line of text.split('\n')) {
    const [, op, v] = line.trim().split(/\s+/);
    if (op === 'Read') r += Number(v);
    if (op === 'Write') w += Number(v);
  }
  return { read: r, write: w };
}

const number = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined);

async function v2Usage(dir: string): Promise<CgroupUsage> {
  const [cpu, current, max, stat, pids, io] = await Promise.all(
    ['cpu.stat', 'memory.current', 'memory.max', 'memory.stat', 'pids.current', 'io.stat'].map((f) => read(path.join(dir, f))));
  const mem = number(current) ?? 0;
  const blk = ioStatTotals(io);
  return {
    cpuNanos: (keyValues(cpu).get('usage_usec') ?? 0) * 1000,
    memoryBytes: Math.max(0, mem - (keyValues(stat).get('inactive_file') ?? 0)),
    memoryLimit: number(max),
    pids: number(pids) ?? 0,
    blockRead: blk.read,
    blockWrite: blk.write,
  };
}

async function v1Usage(layout: CgroupLayout, dirs: readonly string[]): Promise<CgroupUsage> {
  const dirOf = (c: string) => dirs.find((d) => hierarchyOf(layout, d)?.controllers.includes(c)) ?? '/nonexistent';
  const [cpu, usage, limit, stat, pids, blkio] = await Promise.all([
    read(path.join(dirOf('cpuacct'), 'cpuacct.usage')),
    read(path.join(dirOf('memory'), 'memory.usage_in_bytes')),
    read(path.join(dirOf('memory'), 'memory.limit_in_bytes')),
    read(path.join(dirOf('memory'), 'memory.stat')),
    read(path.join(dirOf('pids'), 'pids.current')),
    read(path.join(dirOf('blkio'), 'blkio.throttle.io_service_bytes')),
  ]);
  const blk = blkioTotals(blkio);
  return {
    cpuNanos: number(cpu) ?? 0,
    memoryBytes: Math.max(0, (number(usage) ?? 0) - (keyValues(stat).get('total_inactive_file') ?? 0)),
    memoryLimit: number(limit),
    pids: number(pids) ?? 0,
    blockRead: blk.read,
    blockWrite: blk.write,
  };
}

export async function readCgroupUsage(layout: CgroupLayout, dirs: readonly string[]): Promise<CgroupUsage> {
  if (layout.mode === 'v2') return v2Usage(dirs[0]);
  return v1Usage(layout, dirs);
}
