/**
 * COPY/ADD --chown and --chmod values. Names are looked up in the image's
 * /etc/passwd and /etc/group; a user without a group gets the user's
 * primary group (a bare number: the same number), as BuildKit does.
 */
import { TsrunError } from '../core/errors.js';
import { parseGroup, parsePasswd } from '../container/user.js';
import type { Owner } from './upper-writer.js';

const numeric = (s: string) => /^\d+$/.test(s);

export function parseChown(chown: string, passwd: string | undefined, group: string | undefined): Owner {
  const parts = chown.split(':');
  if (parts.length > 2 || parts[0] === '') throw new TsrunError('INVALID_ARGUMENT', `invalid chown string format: ${chown}`);
  const [userPart, groupPart] = parts;
  const users = parsePasswd(passwd);
  const entry = numeric(userPart) ? users.find((u) => u.uid === Number(userPart)) : users.find((u) => u.name === userPart);
  if (!entry && !numeric(userPart)) {
    throw new TsrunError('INVALID_ARGUMENT', `unable to convert uid/gid chown string to host mapping: can't find uid for user ${userPart}: no such user: ${userPart}`);
  }
  const uid = entry?.uid ?? Number(userPart);
  if (groupPart === undefined || groupPart === '') return { uid, gid: entry?.gid ?? uid };
  if (numeric(groupPart)) return { uid, gid: Number(groupPart) };
  const g = parseGroup(group).find((e) => e.name === groupPart);
  if (!g) {
    throw new TsrunError('INVALID_ARGUMENT', `unable to convert uid/gid chown string to host mapping: can't find gid for group ${groupPart}: no such group: ${groupPart}`);
  }
  return { uid, gid: g.gid };
}

/** Octal --chmod (644, 0755). */
export function parseChmod(chmod: string): number {
  if (!/^[0-7]{3,4}$/.test(chmod)) throw new TsrunError('INVALID_ARGUMENT', `invalid chmod parameter: ${chmod}`);
  return Number.parseInt(chmod, 8);
}
