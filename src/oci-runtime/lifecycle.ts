/** start, kill, delete: the steps after create, each checked against the derived status. */
import { closeSync, constants, openSync, readFileSync, readSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { TsrunError } from '../core/errors.js';
import { removeCgroup } from '../runtime/cgroups/index.js';
import { runHooks } from './hooks.js';
import { ociState, readProcStat, statusOf, type ContainerState, type StateDir } from './state.js';

const sleepMs = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const alive = (st: ContainerState) => {
  const proc = readProcStat(st.pid);
  return proc !== undefined && proc.startTime === st.startTime && proc.state !== 'Z' && proc.state !== 'X';
};

/** Opens the FIFO for reading: the child's blocked open returns, it writes one byte, then execs. */
export function startContainer(dir: StateDir, id: string, warn: (m: string) => void): ContainerState {
  const st = dir.read(id);
  const status = statusOf(dir, st);
  if (status === 'stopped') throw new TsrunError('FAILED_PRECONDITION', 'cannot start a container that has stopped');
  if (status === 'running') throw new TsrunError('FAILED_PRECONDITION', 'cannot start an already running container');
  const fd = openSync(dir.fifo(id), constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const buf = Buffer.alloc(1);
    for (;;) {
      let n = 0;
      try {
        n = readSync(fd, buf, 0, 1, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      }
      if (n === 1) break;
      // 0 (no writer yet) or EAGAIN (writer, no byte yet): wait while the child lives
      if (!alive(st)) throw new TsrunError('FAILED_PRECONDITION', `container ${id} exited before it was started`);
      sleepMs(1);
    }
  } finally {
    closeSync(fd);
  }
  unlinkSync(dir.fifo(id));
  try {
    runHooks('poststart', st.hooks?.poststart, ociState(st, 'running'));
  } catch (err) {
    warn((err as Error).message);
  }
  return st;
}

const SIGNALS: Record<string, number> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12,
  PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22, URG: 23,
  XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, POLL: 29, PWR: 30, SYS: 31,
};

/** "9", "KILL", "SIGKILL", "sigkill" -> 9; RTMIN+n too. */
export function parseSignal(text: string | undefined): number {
  if (text === undefined || text === '') return 15;
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n >= 1 && n <= 64) return n;
  }
  const name = text.toUpperCase().replace(/^SIG/, '');
  if (SIGNALS[name]) return SIGNALS[name];
  const rt = /^RTMIN(?:\+(\d+))?$/.exec(name);
  if (rt && 34 + Number(rt[1] ?? 0) <= 64) return 34 + Number(rt[1] ?? 0);
  throw new TsrunError('INVALID_ARGUMENT', `unknown signal "${text}"`);
}

/** The container's processes, from its cgroup (all hierarchies hold the same set). */
export function containerPids(st: ContainerState): number[] {
  for (const d of st.cgroupDirs) {
    try {
      return readFileSync(path.join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    } catch { /* try the next hierarchy */ }
  }
  return alive(st) ? [st.pid] : [];
}

export function killContainer(dir: StateDir, id: string, signal: number, all: boolean): void {
  const st = dir.read(id);
  const status = statusOf(dir, st);
  if (status === 'stopped' && !all) throw new TsrunError('FAILED_PRECONDITION', 'container not running');
  const pids = all ? containerPids(st) : [st.pid];
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
}

/** Waits until the init is gone (a zombie counts: its parent, the shim, reaps it). */
function waitGone(st: ContainerState, timeoutMs: number): boolean {
  for (let waited = 0; waited < timeoutMs; waited += 5) {
    if (!alive(st)) return true;
    sleepMs(5);
  }
  return !alive(st);
}

export async function deleteContainer(dir: StateDir, id: string, force: boolean, warn: (m: string) => void): Promise<void> {
  if (!dir.exists(id)) {
    if (force) return dir.remove(id);
    throw new TsrunError('NOT_FOUND', `container does not exist: ${id}`);
  }
  const st = dir.read(id);
  const status = statusOf(dir, st);
  if (status === 'running' && !force) throw new TsrunError('FAILED_PRECONDITION', `cannot delete container ${id} that is not stopped: running`);
  if (status !== 'stopped') {
    // a created container is deleted without --force, as runc does
    try { process.kill(st.pid, 'SIGKILL'); } catch { /* gone */ }
    if (!waitGone(st, 10_000)) throw new TsrunError('INTERNAL', `container ${id} (pid ${st.pid}) did not die after SIGKILL`);
  }
  await removeCgroup(st.cgroupDirs); // kills what is left in it (processes of exec -d)
  try {
    runHooks('poststop', st.hooks?.poststop, ociState(st, 'stopped'));
  } catch (err) {
    warn((err as Error).message);
  }
  dir.remove(id);
}
