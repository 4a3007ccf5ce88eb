/**
 * Telling a running container from one whose monitor died (SIGKILL, a host
 * reboot): state.json says "running" but the monitor is gone. The kernel then
 * killed the container too (its parent-death signal), so it has exited.
 */
import { liveStartTime } from '../core/proc-stat.js';
import type { ContainerState, ContainerStore } from './store.js';

export function monitorAlive(state: ContainerState): boolean {
  if (!state.MonitorPid) return false;
  const started = liveStartTime(state.MonitorPid);
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
