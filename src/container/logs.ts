/** Reading the json-file log the monitor writes (containers/<id>/ctr.log), and following it. */
import { promises as fs } from 'node:fs';
import { isErrno, TsrunError } from '../core/errors.js';
import type { ContainerDeps } from './deps.js';
import { currentState } from './liveness.js';
import type { ContainerRecord } from './store.js';

export interface LogEntry {
  log: string;
  stream: 'stdout' | 'stderr';
  time: string;
}

export interface LogOptions {
  follow: boolean;
  /** Only the last N lines of what is there already. */
  tail?: number;
  /** Only entries at or after this time (ms since the epoch). */
  since?: number;
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `--since`: a Go duration before now (`10m`, `1h30m`), unix seconds, or an RFC 3339 time. */
export function parseSince(value: string, now = Date.now()): number {
  if (/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) {
    let ms = 0;
    for (const m of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * UNITS[m[2]];
    return now - ms;
  }
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new TsrunError('INVALID_ARGUMENT', `invalid value for "since": failed to parse value as time or duration: "${value}"`, { exitCode: 1 });
  return t;
}

function parseLines(text: string): LogEntry[] {
  const out: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as LogEntry);
    } catch {
      /* a torn last line after a crash: skip it */
    }
  }
  return out;
}

async function readFrom(file: string, offset: number): Promise<{ text: string; next: number }> {
  let fh;
  try {
    fh = await fs.open(file, 'r');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return { text: '', next: offset };
    throw err;
  }
  try {
    const { size } = await fh.stat();
    if (size <= offset) return { text: '', next: offset };
    const buf = Buffer.alloc(size - offset);
    const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
    const text = buf.subarray(0, bytesRead).toString('utf8');
    const complete = text.lastIndexOf('\n') + 1; // keep a half-written line for the next read
    return { text: text.slice(0, complete), next: offset + Buffer.byteLength(text.slice(0, complete)) };
  } finally {
    await fh.close();
  }
}

export async function* readLogs(deps: ContainerDeps, record: ContainerRecord, opts: LogOptions): AsyncGenerator<LogEntry> {
  const file = deps.paths.containerFile(record.Id, 'ctr.log');
  const since = opts.since ?? 0;
  let { text, next } = await readFrom(file, 0);
  let entries = parseLines(text).filter((e) => Date.parse(e.time) >= since);
  if (opts.tail !== undefined) entries = opts.tail === 0 ? [] : entries.slice(-opts.tail);
  yield* entries;
  while (opts.follow) {
    const running = (await currentState(deps.containers, record.Id)).Running;
    ({ text, next } = await readFrom(file, next));
    yield* parseLines(text);
    if (!running) return; // read once more after it stopped: nothing is lost
    await new Promise((r) => setTimeout(r, 100));
  }
}
