/**
 * EXPOSE values (go-connections nat.ParsePortSpecs for container ports) and
 * STOPSIGNAL names (moby signal.ParseSignal), pure.
 */
import { TsrunError } from '../core/errors.js';

const bad = (msg: string) => new TsrunError('INVALID_ARGUMENT', msg);

/** "80", "80/udp", "8000-8002/tcp" -> ["80/tcp"], ... */
export function exposedPorts(specs: readonly string[]): string[] {
  const out: string[] = [];
  for (const spec of specs) {
    const slash = spec.indexOf('/');
    const range = slash < 0 ? spec : spec.slice(0, slash);
    const proto = (slash < 0 ? 'tcp' : spec.slice(slash + 1)).toLowerCase();
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw bad(`invalid proto: ${proto}`);
    if (range.includes(':')) throw bad(`invalid containerPort: ${range}`);
    const m = /^(\d+)(?:-(\d+))?$/.exec(range);
    if (!m) throw bad(`invalid containerPort: ${range}`);
    const start = Number(m[1]);
    const end = m[2] === undefined ? start : Number(m[2]);
    if (start > 65535 || end > 65535 || end < start) throw bad(`invalid containerPort: ${range}`);
    for (let p = start; p <= end; p++) out.push(`${p}/${proto}`);
  }
  return out;
}

const SIGNALS = [
  'ABRT', 'ALRM', 'BUS', 'CHLD', 'CLD', 'CONT', 'FPE', 'HUP', 'ILL', 'INT', 'IO', 'IOT', 'KILL', 'PIPE', 'POLL',
  'PROF', 'PWR', 'QUIT', 'SEGV', 'STKFLT', 'STOP', 'SYS', 'TERM', 'TRAP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'USR1',
  'USR2', 'VTALRM', 'WINCH', 'XCPU', 'XFSZ',
];

/** Throws Docker's error for a signal Docker would not accept. */
export function checkStopSignal(signal: string): void {
  if (/^\d+$/.test(signal)) {
    const n = Number(signal);
    if (n >= 1 && n <= 64) return;
    throw bad(`Invalid signal: ${signal}`);
  }
  const name = signal.toUpperCase().replace(/^SIG/, '');
  if (SIGNALS.includes(name) || /^RTMIN(\+([1-9]|1[0-5]))?$/.test(name) || /^RTMAX(-([1-9]|1[0-4]))?$/.test(name)) return;
  throw bad(`Invalid signal: ${signal}`);
}
