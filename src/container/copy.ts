/**
 * `tsrun cp` both ways, with Docker's rules: into an existing directory the
 * source keeps its name, otherwise it takes the destination's; `SRC/.`
 * copies a directory's contents. Container paths are resolved inside the
 * container's root (its symlinks never reach the host's files).
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { FileLock } from '../core/lock.js';
import { TsrunError } from '../core/errors.js';
import type { ContainerDeps } from './deps.js';
import { containerRootView } from './export.js';
import { currentState } from './liveness.js';
import { resolveInRoot, withRootView } from './root-view.js';
import type { ContainerRecord } from './store.js';

const execFileAsync = promisify(execFile);

/** `-a`-style copy preserving ownership out of a container; into one, files belong to root like Docker's. */
async function copy(src: string, dest: string, keepOwner: boolean): Promise<void> {
  const preserve = keepOwner ? ['-a'] : ['-R', '--no-dereference', '--preserve=mode,timestamps,links', '--no-preserve=ownership'];
  try {
    await execFileAsync('cp', [...preserve, '--', src, dest]);
  } catch (err) {
    throw new TsrunError('INVALID_ARGUMENT', String((err as { stderr?: string }).stderr ?? err).trim(), { exitCode: 1 });
  }
}

/** A container path resolved in root; `/.` at the end (copy the contents) is kept. */
async function containerSide(root: string, p: string): Promise<string> {
  const contents = p.endsWith('/.') || p === '.';
  const resolved = await resolveInRoot(root, p);
  return contents ? `${resolved}/.` : resolved;
}

export async function copyFromContainer(deps: ContainerDeps, record: ContainerRecord, from: string, to: string): Promise<void> {
  await withRootView(await containerRootView(deps, record, { running: true, volumes: true }), async (root) => {
    const src = await containerSide(root, from);
    if (!(await fs.lstat(src.replace(/\/\.$/, '')).catch(() => undefined))) {
      throw new TsrunError('NOT_FOUND', `Could not find the file ${from} in container ${record.Name}`, { exitCode: 1 });
    }
    await copy(src, path.resolve(to), true);
  });
}

export async function copyToContainer(deps: ContainerDeps, record: ContainerRecord, from: string, to: string): Promise<void> {
  if (!(await fs.lstat(from).catch(() => undefined))) {
    throw new TsrunError('NOT_FOUND', `stat ${from}: no such file or directory`, { exitCode: 1 });
  }
  // a stopped container's upper dir is mounted writable here: keep `start` out meanwhile
  const lock = new FileLock(deps.paths.containerFile(record.Id, 'start.lock'), deps.sys.flock);
  await lock.with('exclusive', async () => {
    const running = (await currentState(deps.containers, record.Id)).Running;
    await withRootView(await containerRootView(deps, record, { running, writable: !running, volumes: true }), async (root) => {
      const dest = await resolveInRoot(root, to);
      const parent = to.endsWith('/') ? dest : path.dirname(dest);
      const st = await fs.stat(parent).catch(() => undefined);
      if (!st?.isDirectory()) throw new TsrunError('NOT_FOUND', `Could not find the file ${to} in container ${record.Name}`, { exitCode: 1 });
      await copy(from, dest, false);
    });
  });
}
