/**
 * Who keeps a lease alive: a process, named by pid and start time (a pid alone
 * may be reused). First the tsrun that sets the network up, then the
 * container's monitor; once that process is gone the lease is stale and the
 * next network operation tears it down (a crashed tsrun or monitor leaks nothing).
 */
import { readFileSync } from 'node:fs';

export interface Holder {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot. */
  start: number;
}

function startTime(pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined; // dead, not yet reaped
  return Number(fields[19]);
}

export function holderOf(pid: number): Holder {
  return { pid, start: startTime(pid) ?? 0 };
}

export function holderAlive(h: Holder): boolean {
  const start = startTime(h.pid);
  return start !== undefined && start === h.start;
}
