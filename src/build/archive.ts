/**
 * ADD's local archives: a file is extracted when it is a tar, plain or
 * gzip-compressed (Docker's IsArchivePath: the first header must read).
 * Extraction reuses the layer extractor, which keeps every entry inside
 * the target directory.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { applyLayer } from '../snapshot/apply-layer.js';
import { detectCompression, type Compression } from '../snapshot/decompress.js';
import { decodeHeader } from '../snapshot/tar-format.js';
import type { FsOps } from '../sys/types.js';

const BLOCK = 512;

export type ArchiveKind = 'tar' | 'unsupported' | 'none';

function isTarHeader(block: Buffer): boolean {
  if (block.length < BLOCK) return false;
  try {
    return decodeHeader(block.subarray(0, BLOCK)) !== null;
  } catch {
    return false;
  }
}

async function head(file: string, bytes: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function gunzipHead(file: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let have = 0;
  const stream = createReadStream(file).pipe(createGunzip());
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      have += (chunk as Buffer).length;
      if (have >= BLOCK) break;
    }
  } catch {
    // not gzip after all, or truncated: not an archive
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

/** 'tar' when ADD must extract the file; 'unsupported' for xz/bzip2/zstd (copied as they are, with a warning). */
export async function archiveKind(file: string): Promise<{ kind: ArchiveKind; compression: Compression }> {
  const first = await head(file, BLOCK);
  const compression = detectCompression(first);
  if (compression === 'none') return { kind: isTarHeader(first) ? 'tar' : 'none', compression };
  if (compression === 'gzip') return { kind: isTarHeader(await gunzipHead(file)) ? 'tar' : 'none', compression };
  return { kind: 'unsupported', compression };
}

/** Extracts a tar (plain or gzip) into an empty directory. */
export async function extractArchive(file: string, dir: string, fsops: FsOps): Promise<void> {
  await applyLayer(createReadStream(file), dir, fsops);
}
