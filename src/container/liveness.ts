/**
 * Telling a running container from one whose monitor died (SIGKILL, a host
 * reboot): state.json says "running" but the monitor is gone. The kernel then
 * killed the container too (its parent-death signal), so it has exited.
 */
import { readFileSync } from 'node:fs';
import { isErrno } from '../core/errors.js';
import type { ContainerState, ContainerStore } from './store.js';

/** Field 22 of /proc/<pid>/stat (clock ticks after boot); undefined when the pid is gone or a zombie. */
export function processStartTime(pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ESRCH')) return undefined;
    throw err;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined; // killed, not yet reaped by whoever adopted it
  return Number(fields[19]); // fields[0] is field 3
}

export function monitorAlive(state: ContainerState): boolean {
  if (!state.MonitorPid) return false;
  const started = processStartTime(state.MonitorPid);
  return started !== undefined && (!state.MonitorStartTime || started === state.MonitorStartTime);
}

/** The state, corrected (and saved) when it claims a container whose monitor is dead is running. */
export async function currentState(containers: ContainerStore, id: string): Promise<ContainerState> {
  const state = await containers.state(id);
  if (!state.Running || monitorAlive(state)) return state;
  return containers.lock.with('exclusive', async () => {
    const again = await containers.state(id);
    if (!again.Running || monitorAlive(again)) return again;
    return containers.setState(id, {
      Status: 'exited', Running: false, Pid: 0, ExitCode: 137,
      FinishedAt: new Date().toISOString(), Error: 'the container monitor died',
    });
  });
}
