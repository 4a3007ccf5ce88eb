/** What pull and push report as they go; the CLI renders it (bars on a TTY, lines when piped). */
export interface ProgressEvent {
  /** Short layer id (12 hex) or a tag; absent for whole-image lines (Digest:, Status:). */
  id?: string;
  status: string;
  current?: number;
  total?: number;
}

export type ProgressSink = (event: ProgressEvent) => void;

export const silentProgress: ProgressSink = () => {};

export function shortDigest(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
}

/** Byte progress events at most every `intervalMs`, and always the last one. */
export function throttledBytes(sink: ProgressSink, id: string, status: string, total: number | undefined, intervalMs = 100): (bytes: number) => void {
  let last = 0;
  return (bytes) => {
    const now = Date.now();
    if (now - last < intervalMs && bytes !== total) return;
    last = now;
    sink({ id, status, current: bytes, ...(total !== undefined ? { total } : {}) });
  };
}
