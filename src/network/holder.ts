/**
 * Who keeps a lease alive: a process, named by pid and start time (a pid alone
 * may be reused). First the tsrun that sets the network up, then the
 * container's monitor; once that process is gone the lease is stale and the
 * next network operation tears it down (a crashed tsrun or monitor leaks nothing).
 */
import { liveStartTime } from '../core/proc-stat.js';

export interface Holder {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot. */
  start: number;
}

export function holderOf(pid: number): Holder {
  return { pid, start: liveStartTime(pid) ?? 0 };
}

export function holderAlive(h: Holder): boolean {
  const start = liveStartTime(h.pid);
  return start !== undefined && start === h.start;
}
