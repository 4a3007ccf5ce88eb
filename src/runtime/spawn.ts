import { read, readSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { strerror } from './strerror.js';
import { TsrunError } from '../core/errors.js';
import type { ExitStatus, SpawnPlan, Sys } from '../sys/index.js';
import { errnoName } from '../sys/index.js';
import { CHILD_ERROR_SIZE, decodeChildError, STAGE_EXEC, stageName, type ChildError } from './protocol.js';

export interface StartedProcess {
  pid: number;
  exit: Promise<ExitStatus>;
}

/**
 * The parent side of the spawn protocol: the child waits on the sync socket
 * while `beforeStart` (cgroups, network) runs; then GO; then EOF on the error
 * pipe means execve succeeded, a record means it failed at a named step.
 */
export async function startProcess(
  sys: Sys,
  plan: SpawnPlan,
  beforeStart?: (pid: number) => Promise<void>,
  joinNamespaces?: number[],
): Promise<StartedProcess> {
  const child = joinNamespaces ? sys.spawnJoin(plan, joinNamespaces) : sys.spawn(plan);
  if (child.pid < 0) return failedJoin(sys, child.syncFd, child.errFd, plan);
  const exit = sys.waitExit(child.pid);
  try {
    if (beforeStart) await beforeStart(child.pid);
    writeSync(child.syncFd, 'G');
    const record = await readChildError(child.errFd);
    if (record) {
      await exit;
      throw childSetupError(record, plan);
    }
  } catch (err) {
    try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
    await exit.catch(() => undefined);
    throw err;
  } finally {
    sys.close(child.syncFd);
    sys.close(child.errFd);
  }
  return { pid: child.pid, exit };
}

/** The first child of an exec could not join the namespaces: its record says why. */
async function failedJoin(sys: Sys, syncFd: number, errFd: number, plan: SpawnPlan): Promise<never> {
  try {
    const record = await readChildError(errFd);
    throw record ? childSetupError(record, plan) : new TsrunError('CHILD_SETUP', 'exec failed: could not join the container');
  } finally {
    sys.close(syncFd);
    sys.close(errFd);
  }
}

const readAsync = promisify(read);

/** The child's error record, or undefined at EOF (it exec'd). Blocks: the child is quick (tsrun-oci, where nothing else runs meanwhile). */
export function readChildErrorSync(fd: number) {
  const buf = Buffer.alloc(CHILD_ERROR_SIZE);
  let got = 0;
  while (got < CHILD_ERROR_SIZE) {
    const n = readSync(fd, buf, got, CHILD_ERROR_SIZE - got, null);
    if (n === 0) break;
    got += n;
  }
  return got === CHILD_ERROR_SIZE ? decodeChildError(buf) : undefined;
}


/** Reads the child's error record; EOF before a whole record means execve happened. */
async function readChildError(fd: number): Promise<ChildError | undefined> {
  const buf = Buffer.alloc(CHILD_ERROR_SIZE);
  let got = 0;
  while (got < CHILD_ERROR_SIZE) {
    const { bytesRead } = await readAsync(fd, buf, got, CHILD_ERROR_SIZE - got, null);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === CHILD_ERROR_SIZE ? decodeChildError(buf) : undefined;
}

/** Docker's words and exit codes: 127 not found, 126 not executable, 125 anything else. */
export function childSetupError(rec: ChildError, plan: SpawnPlan): TsrunError {
  const name = errnoName(rec.errno);
  const text = strerror(rec.errno);
  if (rec.stage === STAGE_EXEC) {
    const cmd = plan.argv[0] ?? '';
    if (name === 'ENOENT') {
      const where = cmd.includes('/') ? 'no such file or directory' : 'executable file not found in $PATH';
      return new TsrunError('COMMAND_NOT_FOUND', `container start failed: exec: "${cmd}": ${where}`, { syscall: 'execve', errno: name, exitCode: 127 });
    }
    if (name === 'EACCES' || name === 'ENOEXEC' || name === 'EISDIR') {
      return new TsrunError('NOT_EXECUTABLE', `container start failed: exec: "${cmd}": permission denied`, { syscall: 'execve', errno: name, exitCode: 126 });
    }
  }
  const what = describeStage(rec, plan);
  return new TsrunError('CHILD_SETUP', `container start failed: ${what}: ${text}`, { syscall: what, errno: name });
}

function describeStage(rec: ChildError, plan: SpawnPlan): string {
  const stage = stageName(rec.stage);
  if (rec.index < 0) return stage;
  if (stage === 'mount' || stage === 'mountpoint' || stage === 'remount') {
    const m = plan.mounts[rec.index];
    return m ? `${stage} ${m.target}` : stage;
  }
  if (stage === 'mknod') return `${stage} ${plan.devices[rec.index]?.path ?? ''}`;
  if (stage === 'mkdir') return `${stage} ${plan.mkdirs[rec.index] ?? ''}`;
  if (stage === 'mask path') return `${stage} ${plan.maskedPaths[rec.index] ?? ''}`;
  if (stage === 'readonly path') return `${stage} ${plan.readonlyPaths[rec.index] ?? ''}`;
  if (stage === 'exec') return `exec ${plan.candidates[rec.index] ?? ''}`;
  if (stage === 'join cgroup') return `${stage} ${plan.cgroupProcs?.[rec.index] ?? ''}`;
  if (stage === 'idmapped layer') return `${stage} ${rec.index}`;
  return stage;
}
