/**
 * `created_by` texts exactly as Docker's classic builder writes them, so
 * `history` of a tsrun-built image reads like Docker's:
 *   /bin/sh -c apt-get update                  (RUN)
 *   |1 V=2 /bin/sh -c make                     (RUN with build args)
 *   /bin/sh -c #(nop)  CMD ["nginx"]           (metadata: two-argument nop comment)
 *   /bin/sh -c #(nop) COPY file:<hex> in /app  (COPY/ADD/WORKDIR: one-argument nop comment)
 */
import { createHash } from 'node:crypto';
import { formatGoDuration } from './dockerfile/duration.js';
import { goQuote } from './dockerfile/gotext.js';
import type { HealthConfig } from '../oci/image.js';

export const DEFAULT_SHELL: readonly string[] = ['/bin/sh', '-c'];

/** Go's `%q` of a []string: `["a" "b"]`; nil prints `[]`. */
export function goQuoteList(list: readonly string[] | null | undefined): string {
  return `[${(list ?? []).map(goQuote).join(' ')}]`;
}

/** Go's `%v` of a []string: `[a b]`. */
export function goList(list: readonly string[]): string {
  return `[${list.join(' ')}]`;
}

/** withCmdComment: shell + "#(nop) " + comment, joined with spaces (hence two spaces). */
export function nopComment(shell: readonly string[], comment: string): string {
  return [...shell, '#(nop) ', comment].join(' ');
}

/** withCmdCommentString: the one-argument form used by COPY, ADD and WORKDIR. */
export function nopCommentString(shell: readonly string[], comment: string): string {
  return [...shell, `#(nop) ${comment}`].join(' ');
}

/**
 * RUN's history and cache text: the command, prefixed with `|N K=V...` when
 * the step has build args in its environment (prependEnvOnCmd). `recorded`
 * are the args that count (sorted here); `anyArgs` says whether the step had
 * any at all, as Docker prints `|0` when only unrecorded proxy args were set.
 */
export function runCreatedBy(cmd: readonly string[], recorded: ReadonlyMap<string, string>, anyArgs: boolean): string {
  if (!anyArgs) return cmd.join(' ');
  const env = [...recorded].map(([k, v]) => `${k}=${v}`).sort();
  return [`|${env.length}`, ...env, ...cmd].join(' ');
}

/** COPY/ADD: `COPY file:<hex> in /dest ` (trailing space included, like Docker). */
export function copyComment(cmd: 'COPY' | 'ADD', chown: string, sourceHash: string, dest: string): string {
  const chownPart = chown ? `--chown=${chown} ` : '';
  return `${cmd} ${chownPart}${sourceHash} in ${dest} `;
}

/** The source hash Docker shows: the one source's, or `multi:` over all of them. */
export function combinedSourceHash(hashes: readonly string[]): string {
  if (hashes.length === 1) return hashes[0];
  // hashStringSlice: sha256 of the hashes joined with commas
  return `multi:${sha256Hex(hashes.join(','))}`;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Go's `%q` of an int: a quoted rune literal ('\x03'). */
function goRune(n: number): string {
  if (n >= 0x20 && n < 0x7f && n !== 0x27 && n !== 0x5c) return `'${String.fromCharCode(n)}'`;
  return `'\\x${n.toString(16).padStart(2, '0')}'`;
}

/** Go's time.Duration.String (5m0s, 1h0m30s, 1.5s, 300ms). */
export function goDuration(ns: number): string {
  if (Math.abs(ns) < 1e9) return formatGoDuration(ns);
  const sign = ns < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ns));
  const h = Math.floor(rest / 3.6e12);
  rest -= h * 3.6e12;
  const m = Math.floor(rest / 6e10);
  rest -= m * 6e10;
  const whole = Math.floor(rest / 1e9);
  const frac = String(rest - whole * 1e9).padStart(9, '0').replace(/0+$/, '');
  const sec = `${whole}${frac ? '.' + frac : ''}s`;
  return sign + (h ? `${h}h${m}m${sec}` : m ? `${m}m${sec}` : sec);
}

/** `HEALTHCHECK %q` of Docker's *HealthConfig: `&{["CMD-SHELL" "curl x"] "5m0s" "3s" "0s" "0s" '\x03'}`. */
export function healthcheckComment(h: HealthConfig & { StartInterval?: number }): string {
  const d = (ns: number | undefined) => goQuote(goDuration(ns ?? 0));
  const fields = [goQuoteList(h.Test), d(h.Interval), d(h.Timeout), d(h.StartPeriod), d(h.StartInterval), goRune(h.Retries ?? 0)];
  return `HEALTHCHECK &{${fields.join(' ')}}`;
}
