/** /proc/PID/stat, read synchronously: tells a live process from a dead one or a reused pid. */
import { readFileSync } from 'node:fs';
import { isErrno } from './errors.js';

export interface ProcStat {
  /** Field 3: R, S, D, ... Z (zombie), X (dead). */
  state: string;
  /** Field 22: clock ticks after boot; with the pid it names one process for good. */
  startTime: number;
}

/** undefined when the pid is gone. */
export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ESRCH')) return undefined;
    throw err;
  }
  // comm may hold spaces and parentheses: the fields after it start after the last ')'
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], startTime: Number(fields[19]) };
}

/** The start time of a live process; undefined when it is gone or a zombie (dead, not yet reaped). */
export function liveStartTime(pid: number): number | undefined {
  const stat = readProcStat(pid);
  return stat && stat.state !== 'Z' && stat.state !== 'X' ? stat.startTime : undefined;
}
