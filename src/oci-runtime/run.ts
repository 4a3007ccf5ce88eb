/**
 * `run` = create + start (+ wait + delete unless --detach or --keep). The
 * container is this process's own child here, so its exit status is read
 * directly, and the error pipe tells whether the final execve worked.
 */
import { closeSync } from 'node:fs';
import { childSetupError, readChildErrorSync } from '../runtime/spawn.js';
import type { Sys } from '../sys/index.js';
import { createContainer, type CreateOptions } from './create.js';
import { deleteContainer, startContainer } from './lifecycle.js';
import type { StateDir } from './state.js';

export interface RunOptions extends CreateOptions {
  detach: boolean;
  keep: boolean;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

export async function runContainer(sys: Sys, dir: StateDir, opts: RunOptions): Promise<number> {
  const created = await createContainer(sys, dir, opts);
  const { pid } = created.state;
  const exit = opts.detach ? undefined : sys.waitExit(pid);
  try {
    startContainer(dir, opts.id, opts.warn);
    if (!opts.detach) {
      // EOF on the error pipe: execve happened; a record: the program could not start after all
      const record = readChildErrorSync(created.errFd);
      if (record) throw childSetupError(record, created.plan);
    }
  } catch (err) {
    await deleteContainer(dir, opts.id, true, opts.warn).catch(() => undefined);
    throw err;
  } finally {
    closeSync(created.errFd);
  }
  if (!exit) return 0;
  for (const sig of FORWARDED) process.on(sig, () => { try { process.kill(pid, sig); } catch { /* gone */ } });
  const status = await exit;
  if (!opts.keep) await deleteContainer(dir, opts.id, true, opts.warn);
  return status.code ?? 128 + (status.signal ?? 0);
}
