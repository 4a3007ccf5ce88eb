/** stop, kill, wait and rm: signals to the container's pid, state read back from its monitor. */
import { promises as fs } from 'node:fs';
import { constants } from 'node:os';
import { TsrunError } from '../core/errors.js';
import { attachSocketPath } from './attach-socket.js';
import type { ContainerDeps } from './deps.js';
import { removeIsolation } from './isolation.js';
import { currentState } from './liveness.js';
import { releaseNetwork } from './network.js';
import type { ContainerRecord, ContainerState } from './store.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `KILL`, `SIGKILL`, `kill` or `9` -> 9. */
export function parseSignal(value: string): number {
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    if (n > 0 && n < 65) return n;
  } else {
    const name = value.toUpperCase().startsWith('SIG') ? value.toUpperCase() : `SIG${value.toUpperCase()}`;
    const n = (constants.signals as Record<string, number>)[name];
    if (n !== undefined) return n;
  }
  throw new TsrunError('INVALID_ARGUMENT', `Invalid signal: ${value}`);
}

function signalPid(pid: number, signal: number): void {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Resolves with the final state once the monitor has recorded the exit; undefined on timeout. */
export async function waitForExit(deps: ContainerDeps, id: string, timeoutMs = Infinity): Promise<ContainerState | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 100)) {
    const state = await currentState(deps.containers, id);
    if (!state.Running) return state;
    if (Date.now() >= deadline) return undefined;
    await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
  }
}

/**
 * `tsrun wait`: like waitForExit, but a container that was created and never
 * started is waited for too, until it has run and exited (Docker 28, moby#49627;
 * Podman alike), rather than reporting an exit that never happened.
 */
export async function waitForNextExit(deps: ContainerDeps, id: string): Promise<ContainerState> {
  for (let delay = 10; ; delay = Math.min(delay * 2, 100)) {
    const state = await currentState(deps.containers, id);
    if (!state.Running && state.Status !== 'created') return state;
    await sleep(delay);
  }
}

export async function killContainer(deps: ContainerDeps, record: ContainerRecord, signal: number): Promise<void> {
  const state = await currentState(deps.containers, record.Id);
  if (!state.Running) {
    throw new TsrunError('FAILED_PRECONDITION', `cannot kill container: ${record.Name}: container ${record.Id} is not running`, { exitCode: 1 });
  }
  signalPid(state.Pid, signal);
}

/** The image's STOPSIGNAL (or SIGTERM), then SIGKILL after `timeoutSec`. */
export async function stopContainer(deps: ContainerDeps, record: ContainerRecord, timeoutSec: number): Promise<void> {
  const state = await currentState(deps.containers, record.Id);
  if (state.Running) {
    signalPid(state.Pid, parseSignal(record.Config.StopSignal || 'SIGTERM'));
    if (!(await waitForExit(deps, record.Id, Math.max(0, timeoutSec) * 1000))) {
      signalPid(state.Pid, 9);
      await waitForExit(deps, record.Id);
    }
  }
  await releaseNetwork(deps, record.Id); // the monitor's exit command does it too; whoever comes first
}

/** Waits for all, then throws the first failure. */
async function settleAll(work: Promise<unknown>[]): Promise<void> {
  for (const r of await Promise.allSettled(work)) if (r.status === 'rejected') throw r.reason;
}

/** Removes the record, the upper dir and (with `volumes`) its anonymous volumes. */
export async function removeContainer(deps: ContainerDeps, record: ContainerRecord, opts: { force: boolean; volumes: boolean }): Promise<void> {
  const state = await currentState(deps.containers, record.Id);
  if (state.Running) {
    if (!opts.force) {
      throw new TsrunError('FAILED_PRECONDITION',
        `cannot remove container "/${record.Name}": container is running: stop the container before removing or force remove`, { exitCode: 1 });
    }
    signalPid(state.Pid, 9);
    await waitForExit(deps, record.Id); // its mounts live in its mount namespace: gone with it
  }
  // independent, and the network mostly waits on the kernel (deleting a veth takes ~30 ms): at once.
  // A release that fails leaves a lease whose holder is dead: the next command's sweep retries it.
  await settleAll([
    releaseNetwork(deps, record.Id),
    removeIsolation(deps, record),
    fs.rm(attachSocketPath(record.Id), { force: true }), // left behind by a monitor killed with SIGKILL
    deps.containers.remove(record.Id),
  ]);
  if (!opts.volumes) return;
  for (const m of record.Mounts ?? []) {
    if (m.Type === 'volume' && m.Anonymous && m.Name) await deps.volumes.remove(m.Name);
  }
}
