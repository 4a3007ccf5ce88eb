/**
 * WWW-Authenticate parsing (RFC 7235): `Bearer realm="…",service="…",scope="…"`
 * and `Basic realm="…"`. Several challenges may share one header line.
 */
export interface Challenge {
  /** Lower-case scheme: 'bearer', 'basic', … */
  scheme: string;
  /** Parameter names lower-cased; values unquoted. */
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

export function parseChallenges(headers: string | string[] | undefined): Challenge[] {
  if (headers === undefined) return [];
  const out: Challenge[] = [];
  for (const h of Array.isArray(headers) ? headers : [headers]) out.push(...parseOne(h));
  return out;
}

function parseOne(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let s = header.trim();
  while (s.length) {
    const scheme = TOKEN.exec(s)?.[0];
    if (!scheme) break;
    const current: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(current);
    s = s.slice(scheme.length).trimStart();
    // params: name=value or name="quoted", separated by commas; a bare token after a comma starts the next challenge
    while (s.length) {
      const name = TOKEN.exec(s)?.[0];
      if (!name) {
        s = s.replace(/^,\s*/, '');
        if (!TOKEN.test(s)) s = '';
        break;
      }
      const rest = s.slice(name.length).trimStart();
      if (!rest.startsWith('=')) break; // next challenge's scheme
      let value: string;
      let after = rest.slice(1).trimStart();
      if (after.startsWith('"')) {
        const parsed = readQuoted(after);
        value = parsed.value;
        after = parsed.rest;
      } else {
        value = /^[^,\s]*/.exec(after)![0];
        after = after.slice(value.length);
      }
      current.params[name.toLowerCase()] = value;
      s = after.trimStart().replace(/^,\s*/, '');
    }
  }
  return challenges;
}

function readQuoted(s: string): { value: string; rest: string } {
  let value = '';
  let i = 1;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) value += s[++i];
    else if (c === '"') return { value, rest: s.slice(i + 1) };
    else value += c;
  }
  return { value, rest: '' };
}
