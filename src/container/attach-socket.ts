/**
 * Where a container's monitor listens for `tsrun attach` (native/monitor-attach.c).
 * Under /run (host-wide, root only, gone at reboot with the monitors), not in
 * the store: a unix socket path must fit in 108 bytes, and a store's path
 * plus a 64-character id may not.
 */
import { promises as fs } from 'node:fs';

export const ATTACH_RUN_DIR = '/run/tsrun/attach';

export function attachSocketPath(id: string): string {
  return `${ATTACH_RUN_DIR}/${id}`;
}

export async function ensureAttachDir(): Promise<void> {
  await fs.mkdir(ATTACH_RUN_DIR, { recursive: true, mode: 0o700 });
}

/** Frames the monitor sends: [stream 1|2][u32 BE length][bytes]. */
export const STREAM_STDOUT = 1;
export const STREAM_STDERR = 2;
/** Frames a client sends: [type][u32 BE length][payload]. */
export const FRAME_STDIN = 0;
export const FRAME_RESIZE = 1;
/** The monitor's limit for one payload. */
export const MAX_PAYLOAD = 16384;

export function frame(type: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = type;
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}
