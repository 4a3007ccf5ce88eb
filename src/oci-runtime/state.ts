/**
 * What tsrun-oci remembers about a container: ROOT/ID/state.json, written
 * atomically (tmp + rename). The status is never stored: it is derived from
 * the process (alive, with the start time recorded, so a reused pid is not
 * mistaken for it) and the exec FIFO (present until `start`), as runc does.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TsrunError } from '../core/errors.js';
import { readProcStat as readCoreProcStat } from '../core/proc-stat.js';
import type { Hooks } from '../oci/runtime-spec.js';

export type Status = 'creating' | 'created' | 'running' | 'stopped';

export interface ContainerState {
  id: string;
  /** The container's first process, as seen from the host. */
  pid: number;
  /** Field 22 of /proc/PID/stat when created. */
  startTime: string;
  bundle: string;
  rootfs: string;
  /** RFC 3339. */
  created: string;
  annotations: Record<string, string>;
  /** The container's directory in each cgroup hierarchy (removed by delete). */
  cgroupDirs: string[];
  /** Kept for start (poststart) and delete (poststop): the bundle may change meanwhile. */
  hooks?: Hooks;
  /** Namespace types the container made itself (exec joins these). */
  ownNamespaces: string[];
}

/** The OCI state (what `state` prints and hooks get on stdin). */
export interface OciState {
  ociVersion: string;
  id: string;
  status: Status;
  pid: number;
  bundle: string;
  rootfs: string;
  created: string;
  owner: string;
  annotations?: Record<string, string>;
}

export const OCI_VERSION = '1.0.2';

export class StateDir {
  constructor(readonly root: string) {}

  dir(id: string): string {
    return path.join(this.root, id);
  }

  fifo(id: string): string {
    return path.join(this.dir(id), 'exec.fifo');
  }

  /** Makes ROOT/ID; fails when the ID is taken (runc's message). */
  claim(id: string): void {
    mkdirSync(this.root, { recursive: true, mode: 0o711 });
    try {
      mkdirSync(this.dir(id), { mode: 0o711 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new TsrunError('ALREADY_EXISTS', `container with id exists: ${id}`);
      throw err;
    }
  }

  write(state: ContainerState): void {
    const file = path.join(this.dir(state.id), 'state.json');
    writeFileSync(file + '.tmp', JSON.stringify(state));
    renameSync(file + '.tmp', file);
  }

  read(id: string): ContainerState {
    try {
      return JSON.parse(readFileSync(path.join(this.dir(id), 'state.json'), 'utf8')) as ContainerState;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new TsrunError('NOT_FOUND', `container does not exist: ${id}`);
      throw err;
    }
  }

  exists(id: string): boolean {
    return existsSync(path.join(this.dir(id), 'state.json'));
  }

  remove(id: string): void {
    rmSync(this.dir(id), { recursive: true, force: true });
  }
}

/** Field 22 (starttime, as state.json keeps it) and field 3 (state) of /proc/PID/stat; undefined when the process is gone. */
export function readProcStat(pid: number): { startTime: string; state: string } | undefined {
  const stat = readCoreProcStat(pid);
  return stat && { state: stat.state, startTime: String(stat.startTime) };
}

/** The rule, pure: a live process (not a zombie, same start time) is created while the FIFO exists, then running. */
export function deriveStatus(proc: { startTime: string; state: string } | undefined, recordedStart: string, fifoExists: boolean): Status {
  if (!proc || proc.startTime !== recordedStart || proc.state === 'Z' || proc.state === 'X') return 'stopped';
  return fifoExists ? 'created' : 'running';
}

export function statusOf(dir: StateDir, state: ContainerState): Status {
  return deriveStatus(readProcStat(state.pid), state.startTime, existsSync(dir.fifo(state.id)));
}

export function ociState(state: ContainerState, status: Status): OciState {
  return {
    ociVersion: OCI_VERSION,
    id: state.id,
    status,
    pid: status === 'stopped' ? 0 : state.pid,
    bundle: state.bundle,
    rootfs: state.rootfs,
    created: state.created,
    owner: '',
    ...(Object.keys(state.annotations).length ? { annotations: state.annotations } : {}),
  };
}
