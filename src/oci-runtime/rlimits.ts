/**
 * process.rlimits -> setrlimit calls the child can make. Raising a hard limit
 * needs CAP_SYS_RESOURCE, which root may lack (a container host, or this VM):
 * then each limit is clamped to the current hard one instead of failing, as
 * Docker and Podman do with their defaults.
 */
import { readFileSync } from 'node:fs';
import { TsrunError } from '../core/errors.js';
import type { PlannedRlimit } from '../sys/index.js';

/** RLIMIT_* numbers (asm-generic; the same on x86_64 and arm64), in /proc/PID/limits order. */
export const RLIMITS = [
  'RLIMIT_CPU', 'RLIMIT_FSIZE', 'RLIMIT_DATA', 'RLIMIT_STACK', 'RLIMIT_CORE', 'RLIMIT_RSS', 'RLIMIT_NPROC',
  'RLIMIT_NOFILE', 'RLIMIT_MEMLOCK', 'RLIMIT_AS', 'RLIMIT_LOCKS', 'RLIMIT_SIGPENDING', 'RLIMIT_MSGQUEUE',
  'RLIMIT_NICE', 'RLIMIT_RTPRIO', 'RLIMIT_RTTIME',
] as const;

export const RLIM_INFINITY = 0xffffffffffffffffn;
const CAP_SYS_RESOURCE = 24n;

/** Hard limits per resource from /proc/self/limits text (pure). */
export function parseHardLimits(text: string): bigint[] {
  const lines = text.split('\n').slice(1).filter((l) => l.trim());
  return lines.map((line) => {
    const cols = line.slice(25).trim().split(/\s+/);
    return cols[1] === 'unlimited' ? RLIM_INFINITY : BigInt(cols[1] ?? '0');
  });
}

function mayRaiseHardLimits(): boolean {
  const status = readFileSync('/proc/self/status', 'utf8');
  const eff = /^CapEff:\s*([0-9a-f]+)/m.exec(status)?.[1] ?? '0';
  return ((BigInt('0x' + eff) >> CAP_SYS_RESOURCE) & 1n) === 1n;
}

const toLimit = (n: number) => (n < 0 || n >= Number.MAX_SAFE_INTEGER ? RLIM_INFINITY : BigInt(Math.floor(n)));

/** Pure: one spec entry -> a planned limit, clamped when hard limits cannot be raised. */
export function planRlimit(entry: { type: string; soft: number; hard: number }, hostHard: bigint[] | undefined): PlannedRlimit {
  const resource = RLIMITS.indexOf(entry.type as (typeof RLIMITS)[number]);
  if (resource < 0) throw new TsrunError('INVALID_ARGUMENT', `config.json: unknown rlimit type "${entry.type}"`);
  let hard = toLimit(entry.hard);
  let soft = toLimit(entry.soft);
  const ceiling = hostHard?.[resource];
  if (ceiling !== undefined && hard > ceiling) hard = ceiling;
  if (soft > hard) soft = hard;
  return { resource, soft, hard };
}

export function planRlimits(entries: Array<{ type: string; soft: number; hard: number }> | undefined): PlannedRlimit[] {
  if (!entries?.length) return [];
  const hostHard = mayRaiseHardLimits() ? undefined : parseHardLimits(readFileSync('/proc/self/limits', 'utf8'));
  return entries.map((e) => planRlimit(e, hostHard));
}
