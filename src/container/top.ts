/** `tsrun top`: the host's ps, limited to the container's processes (what Docker does). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TsrunError } from '../core/errors.js';
import type { ContainerDeps } from './deps.js';
import { currentState } from './liveness.js';
import { containerPids } from './processes.js';
import type { ContainerRecord } from './store.js';

const execFileAsync = promisify(execFile);

export interface TopResult {
  titles: string[];
  processes: string[][];
}

export async function topContainer(deps: ContainerDeps, record: ContainerRecord, psArgs: string[]): Promise<TopResult> {
  const state = await currentState(deps.containers, record.Id);
  if (!state.Running) throw new TsrunError('FAILED_PRECONDITION', `container ${record.Id} is not running`, { exitCode: 1 });
  const pids = new Set(await containerPids(state.Pid));
  const args = psArgs.length ? psArgs : ['-ef'];
  const { stdout } = await execFileAsync('ps', args).catch((err) => {
    throw new TsrunError('INVALID_ARGUMENT', `ps: ${String(err.stderr ?? err.message).trim()}`, { exitCode: 1 });
  });
  const [header, ...lines] = stdout.trimEnd().split('\n');
  const titles = header.trim().split(/\s+/);
  const pidCol = titles.indexOf('PID');
  if (pidCol < 0) throw new TsrunError('INVALID_ARGUMENT', `Couldn't find PID field in ps output`, { exitCode: 1 });
  // the last column (the command) may hold spaces: split only as many times as there are titles
  const processes = lines.map((l) => {
    const fields = l.trim().split(/\s+/);
    return [...fields.slice(0, titles.length - 1), fields.slice(titles.length - 1).join(' ')];
  }).filter((f) => pids.has(Number(f[pidCol])));
  return { titles, processes };
}
