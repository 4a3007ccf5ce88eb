/**
 * The isolation keys of tsrun's settings file (/etc/tsrun/config.json, the
 * keys of Docker's daemon.json): "userns-remap", "cgroup-parent", plus
 * tsrun's "idmapped-mounts" (false: user namespaces use chowned copies of the
 * layers even where the kernel could idmap them).
 */
import { promises as fs } from 'node:fs';
import { isErrno, TsrunError } from '../core/errors.js';

export interface IsolationConfig {
  /** "default" (user tsrun), "USER", "USER:GROUP", "UID" or "UID:GID": whose /etc/subuid ranges to map. */
  usernsRemap?: string;
  cgroupParent?: string;
  idmappedMounts: boolean;
}

export function parseIsolationConfig(text: string, file: string): IsolationConfig {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new TsrunError('INVALID_ARGUMENT', `${file}: invalid JSON: ${(err as Error).message}`, { cause: err });
  }
  const str = (key: string) => {
    const v = obj?.[key];
    if (v !== undefined && typeof v !== 'string') throw new TsrunError('INVALID_ARGUMENT', `${file}: "${key}" must be a string`);
    return v === '' ? undefined : v;
  };
  const idmapped = obj?.['idmapped-mounts'];
  if (idmapped !== undefined && typeof idmapped !== 'boolean') throw new TsrunError('INVALID_ARGUMENT', `${file}: "idmapped-mounts" must be true or false`);
  return { usernsRemap: str('userns-remap'), cgroupParent: str('cgroup-parent'), idmappedMounts: idmapped !== false };
}

export async function loadIsolationConfig(file: string): Promise<IsolationConfig> {
  try {
    return parseIsolationConfig(await fs.readFile(file, 'utf8'), file);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return { idmappedMounts: true };
    throw err;
  }
}

/** /etc/subuid and /etc/subgid ($TSRUN_SUBUID / $TSRUN_SUBGID move them, for tests). */
export function subordinateIdFiles(env: NodeJS.ProcessEnv): { uid: string; gid: string } {
  return { uid: env.TSRUN_SUBUID || '/etc/subuid', gid: env.TSRUN_SUBGID || '/etc/subgid' };
}

export interface IdRange { start: number; count: number }

/** "name:start:count" lines of /etc/subuid for one user (by name or by numeric id). */
export function subordinateRanges(text: string, names: string[]): IdRange[] {
  const ranges: IdRange[] = [];
  for (const line of text.split('\n')) {
    const [who, start, count] = line.trim().split(':');
    if (!who || !names.includes(who) || !/^\d+$/.test(start ?? '') || !/^\d+$/.test(count ?? '')) continue;
    ranges.push({ start: Number(start), count: Number(count) });
  }
  return ranges;
}

const readText = (file: string) => fs.readFile(file, 'utf8').catch((err) => {
  if (isErrno(err, 'ENOENT')) return '';
  throw err;
});

/** A user or group given by name or id -> both spellings, as /etc/subuid may use either. */
function aliases(who: string, dbText: string): string[] {
  for (const line of dbText.split('\n')) {
    const [name, , id] = line.split(':');
    if (name === who || id === who) return [name, id];
  }
  return [who];
}

/**
 * The subordinate ranges of a "userns-remap" value ("default" is user
 * tsrun, Docker's dockremap): uids from /etc/subuid for the user, gids from
 * /etc/subgid for the group (the user's name when no group is given).
 */
export async function loadSubordinateRanges(remap: string, env: NodeJS.ProcessEnv): Promise<{ uid: IdRange[]; gid: IdRange[] }> {
  const [user, group] = (remap === 'default' ? 'tsrun' : remap).split(':');
  const files = subordinateIdFiles(env);
  const [passwd, groups, subuid, subgid] = await Promise.all(['/etc/passwd', '/etc/group', files.uid, files.gid].map(readText));
  const users = aliases(user, passwd);
  return {
    uid: subordinateRanges(subuid, users),
    gid: subordinateRanges(subgid, group ? aliases(group, groups) : users),
  };
}
