/**
 * Layer compression by magic bytes (media types lie or are missing):
 * plain tar, gzip and zstd are read; xz and bzip2 are refused clearly.
 */
import { Readable, type Duplex } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TsrunError } from '../core/errors.js';
import { zstdDecompressor } from './zstd.js';

export type Compression = 'none' | 'gzip' | 'zstd' | 'xz' | 'bzip2';

const MAGIC: Array<[Compression, number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['bzip2', [0x42, 0x5a, 0x68]],
];
const SNIFF_BYTES = 6;

export function detectCompression(head: Buffer): Compression {
  for (const [kind, magic] of MAGIC) {
    if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return kind;
  }
  return 'none';
}

async function* replay(head: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* head;
  try {
    for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield next.value;
  } finally {
    await rest.return?.();
  }
}

export interface LayerInput {
  compression: Compression;
  /** The stream exactly as it came in, magic bytes included. */
  raw: Readable;
  /** The decompressor to pipe `raw` through, if any. */
  decompressor?: Duplex;
}

/** Peeks at the first bytes of `tar` without losing them. */
export async function openLayerInput(tar: Readable): Promise<LayerInput> {
  const source = tar[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let have = 0;
  try {
    while (have < SNIFF_BYTES) {
      const next = await source.next();
      if (next.done === true) break;
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      head.push(chunk);
      have += chunk.length;
    }
  } catch (err) {
    tar.destroy();
    throw err;
  }
  const compression = detectCompression(Buffer.concat(head));
  if (compression === 'xz' || compression === 'bzip2') {
    await source.return?.();
    throw new TsrunError('INVALID_ARGUMENT', `${compression}-compressed layers are not supported (only plain tar, gzip and zstd)`);
  }
  const raw = Readable.from(replay(head, source), { objectMode: false });
  if (compression === 'gzip') return { compression, raw, decompressor: createGunzip({ chunkSize: 64 * 1024 }) };
  if (compression === 'zstd') return { compression, raw, decompressor: zstdDecompressor() };
  return { compression, raw };
}

/** zlib errors carry codes like Z_DATA_ERROR; they mean a corrupt layer, not a bug. */
export function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
