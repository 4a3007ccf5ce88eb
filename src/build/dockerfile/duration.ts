/**
 * Go time.ParseDuration ("1m30s", "1.5h", "300ms"), for HEALTHCHECK's
 * --interval & co. Returns nanoseconds.
 */

const UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5 micro sign
  'μs': 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

export class DurationError extends Error {}

export function parseGoDuration(orig: string): number {
  const invalid = () => new DurationError(`time: invalid duration "${orig}"`);
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s) as RegExpExecArray;
    const [whole, intPart, frac] = m;
    if (intPart === '' && (frac === undefined || frac === '')) throw invalid();
    s = s.slice(whole.length);
    const u = /^[^0-9.]*/.exec(s) as RegExpExecArray;
    const unit = u[0];
    if (unit === '') throw new DurationError(`time: missing unit in duration "${orig}"`);
    const scale = UNITS[unit];
    if (scale === undefined) throw new DurationError(`time: unknown unit "${unit}" in duration "${orig}"`);
    s = s.slice(unit.length);
    total += Number(`${intPart || '0'}.${frac ?? ''}0`) * scale;
  }
  if (total > 2 ** 63 - 1) throw invalid();
  return neg ? -Math.round(total) : Math.round(total);
}

/** Go's Duration.String for the small values we print in errors (1ms -> "1ms"). */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  if (Math.abs(ns) < 1e3) return `${ns}ns`;
  if (Math.abs(ns) < 1e6) return `${ns / 1e3}µs`;
  if (Math.abs(ns) < 1e9) return `${ns / 1e6}ms`;
  return `${ns / 1e9}s`;
}
