import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { TsrunError } from '../core/errors.js';
import { DigestingStream } from '../oci/digest.js';

export interface ArchiveFile {
  /** Where the entry's bytes were written (a scratch file). */
  file: string;
  digest: string;
  size: number;
}

/**
 * Unpacks an image archive (docker save / OCI layout tar) into scratch files
 * named by number, hashing each on the way. Entry names are only used as map
 * keys, never as paths, so a hostile archive cannot write anywhere else.
 */
export async function readArchive(input: Readable, scratch: string): Promise<Map<string, ArchiveFile>> {
  await fs.mkdir(scratch, { recursive: true });
  const files = new Map<string, ArchiveFile>();
  const extract = tar.extract();
  let n = 0;
  extract.on('entry', (header, stream, next) => {
    const name = path.posix.normalize(header.name).replace(/^(\.\/)+/, '').replace(/\/$/, '');
    if (header.type !== 'file' && header.type !== 'contiguous-file') {
      stream.resume();
      stream.on('end', next);
      return;
    }
    const file = path.join(scratch, String(n++));
    const hasher = new DigestingStream();
    pipeline(stream, hasher, createWriteStream(file))
      .then(() => {
        files.set(name, { file, digest: hasher.digest, size: hasher.bytes });
        next();
      })
      .catch(next);
  });
  const source = await maybeGunzip(input);
  try {
    await pipeline(source, extract);
  } catch (err) {
    throw new TsrunError('INVALID_ARGUMENT', `invalid image archive: ${(err as Error).message}`, { cause: err });
  }
  return files;
}

/** `docker save | gzip` is common: accept a gzip-compressed archive too. */
async function maybeGunzip(input: Readable): Promise<Readable> {
  const first: Buffer | null = await new Promise((resolve, reject) => {
    const onReadable = () => {
      cleanup();
      resolve(input.read() as Buffer | null);
    };
    const onEnd = () => { cleanup(); resolve(null); };
    const onError = (e: Error) => { cleanup(); reject(e); };
    const cleanup = () => {
      input.off('readable', onReadable);
      input.off('end', onEnd);
      input.off('error', onError);
    };
    input.once('readable', onReadable);
    input.once('end', onEnd);
    input.once('error', onError);
  });
  if (!first) throw new TsrunError('INVALID_ARGUMENT', 'invalid image archive: empty input');
  input.unshift(first);
  return first[0] === 0x1f && first[1] === 0x8b ? input.pipe(createGunzip()) : input;
}
