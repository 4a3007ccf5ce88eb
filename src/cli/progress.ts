/**
 * Renders pull/push progress as Docker does: on a terminal one line per layer,
 * redrawn in place (status, bar, bytes); when piped, one plain line per change
 * of status and no byte counts.
 */
import type { ProgressEvent, ProgressSink } from '../image/index.js';
import { humanSize } from './format.js';

const BAR_WIDTH = 50;

export function progressBar(current: number, total: number): string {
  const filled = total > 0 ? Math.min(BAR_WIDTH, Math.floor((current / total) * BAR_WIDTH)) : 0;
  const bar = filled >= BAR_WIDTH ? '='.repeat(BAR_WIDTH) : '='.repeat(filled) + '>' + ' '.repeat(BAR_WIDTH - filled - 1);
  return `[${bar}]  ${humanSize(current)}/${humanSize(total)}`;
}

export function formatEvent(e: ProgressEvent, withBytes: boolean): string {
  const detail = withBytes && e.current !== undefined && e.total ? ` ${progressBar(e.current, e.total)}` : '';
  return e.id ? `${e.id}: ${e.status}${detail}` : e.status;
}

export function createProgress(write: (text: string) => void, tty: boolean): ProgressSink {
  if (!tty) {
    const last = new Map<string, string>();
    return (e) => {
      const key = e.id ?? '';
      if (e.id && last.get(key) === e.status) return; // byte updates only on a terminal
      last.set(key, e.status);
      write(formatEvent(e, false) + '\n');
    };
  }
  const lines: string[] = []; // ids in display order; the cursor sits below the last line
  return (e) => {
    const text = formatEvent(e, true);
    const at = e.id ? lines.indexOf(e.id) : -1;
    if (at < 0) {
      if (e.id) lines.push(e.id);
      else lines.push(`\0${lines.length}`); // a whole-image line never updates
      write(`${text}\n`);
      return;
    }
    const up = lines.length - at;
    write(`\x1b[${up}A\r\x1b[2K${text}\x1b[${up}B\r`);
  };
}
