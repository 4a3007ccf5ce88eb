/** Volume commands that need the containers: what uses a volume, rm refusing a used one, prune. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TsrunError } from '../core/errors.js';
import type { ContainerDeps } from './deps.js';
import type { Volume } from './volume-store.js';

const execFileAsync = promisify(execFile);

/** volume name -> ids of the containers (any state) that mount it. */
export async function volumeUsers(deps: ContainerDeps): Promise<Map<string, string[]>> {
  const users = new Map<string, string[]>();
  for (const c of await deps.containers.list()) {
    for (const m of c.Mounts ?? []) {
      if (m.Type === 'volume' && m.Name) users.set(m.Name, [...(users.get(m.Name) ?? []), c.Id]);
    }
  }
  return users;
}

export async function removeVolume(deps: ContainerDeps, name: string, force: boolean): Promise<void> {
  const volume = await deps.volumes.get(name);
  if (!volume) {
    if (force) return;
    throw new TsrunError('NOT_FOUND', `get ${name}: no such volume`);
  }
  const users = (await volumeUsers(deps)).get(name);
  if (users) throw new TsrunError('CONFLICT', `remove ${name}: volume is in use - [${users.join(', ')}]`);
  await deps.volumes.remove(name);
}

async function diskUsage(dir: string): Promise<number> {
  const { stdout } = await execFileAsync('du', ['-sb', dir]).catch(() => ({ stdout: '0' }));
  return Number(stdout.split('\t')[0]) || 0;
}

/** Removes unused anonymous volumes (all unused ones with `all`); returns what went and the bytes freed. */
export async function pruneVolumes(deps: ContainerDeps, all: boolean): Promise<{ deleted: string[]; reclaimed: number }> {
  const users = await volumeUsers(deps);
  const doomed: Volume[] = (await deps.volumes.list()).filter((v) => !users.has(v.Name) && (all || v.Anonymous));
  let reclaimed = 0;
  for (const v of doomed) {
    reclaimed += await diskUsage(v.Mountpoint);
    await deps.volumes.remove(v.Name);
  }
  return { deleted: doomed.map((v) => v.Name), reclaimed };
}
