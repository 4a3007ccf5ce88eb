import { TsrunError } from '../core/errors.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

export function parsePasswd(text: string | undefined): PasswdEntry[] {
  return (text ?? '').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const f = l.split(':');
    return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] || '/' };
  }).filter((e) => Number.isInteger(e.uid) && Number.isInteger(e.gid));
}

export function parseGroup(text: string | undefined): GroupEntry[] {
  return (text ?? '').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const f = l.split(':');
    return { name: f[0], gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) };
  }).filter((e) => Number.isInteger(e.gid));
}

const isNumeric = (s: string) => /^\d+$/.test(s);

/**
 * `--user` / the image's USER: name|uid[:group|gid], looked up in the image's
 * passwd and group files like runc's user.GetExecUser.
 */
export function resolveUser(spec: string, passwdText?: string, groupText?: string): ResolvedUser {
  // No user given means uid 0, found in passwd or not (an image may have no /etc/passwd).
  const [userPart, groupPart] = spec === '' ? ['0', undefined] : spec.split(':', 2);
  const passwd = parsePasswd(passwdText);
  const groups = parseGroup(groupText);
  const entry = isNumeric(userPart) ? passwd.find((e) => e.uid === Number(userPart)) : passwd.find((e) => e.name === userPart);
  if (!entry && !isNumeric(userPart)) {
    throw new TsrunError('INVALID_ARGUMENT', `unable to find user ${userPart}: no matching entries in passwd file`);
  }
  const uid = entry?.uid ?? Number(userPart);
  let gid = entry?.gid ?? 0;
  if (groupPart !== undefined) {
    const g = isNumeric(groupPart) ? groups.find((e) => e.gid === Number(groupPart)) : groups.find((e) => e.name === groupPart);
    if (!g && !isNumeric(groupPart)) {
      throw new TsrunError('INVALID_ARGUMENT', `unable to find group ${groupPart}: no matching entries in group file`);
    }
    gid = g?.gid ?? Number(groupPart);
  }
  const additionalGids = groupPart !== undefined || !entry
    ? []
    : groups.filter((g) => g.members.includes(entry.name) && g.gid !== gid).map((g) => g.gid);
  return { uid, gid, additionalGids, home: entry?.home ?? '/' };
}
