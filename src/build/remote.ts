/**
 * ADD <url>: downloads over http(s) into scratch space. The file is named
 * after the URL's last path component (or Content-Disposition), gets mode
 * 0600 and the Last-Modified time (the epoch without one), as in Docker.
 * Its content hash goes into the cache key: a changed download reruns the step.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TsrunError } from '../core/errors.js';

export interface Download {
  file: string;
  /** The name the file gets when the destination is a directory ('' when the URL has none). */
  name: string;
  mtimeMs: number;
  /** sha256 hex of the bytes. */
  digest: string;
}

export function isRemoteUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

function fileNameOf(url: URL, disposition: string | null): string {
  const m = disposition && /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  if (m) return path.posix.basename(decodeURIComponent(m[1]));
  const last = url.pathname.split('/').pop() ?? '';
  return decodeURIComponent(last);
}

const MAX_REDIRECTS = 10;

/** GET with redirects followed (node's http: much quicker to load than fetch). */
async function get(url: URL, redirects = 0): Promise<IncomingMessage> {
  const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    request(url, { method: 'GET' }, resolve).on('error', reject).end();
  });
  const status = res.statusCode ?? 0;
  if (status >= 300 && status < 400 && res.headers.location) {
    res.resume();
    if (redirects >= MAX_REDIRECTS) throw new TsrunError('UNAVAILABLE', `failed to GET ${url}: stopped after ${MAX_REDIRECTS} redirects`);
    return get(new URL(res.headers.location, url), redirects + 1);
  }
  return res;
}

/** GET `source` into `dir`; `checksum` (ADD --checksum=sha256:...) is verified when given. */
export async function download(source: string, dir: string, checksum = ''): Promise<Download> {
  const url = new URL(source);
  let res: IncomingMessage;
  try {
    res = await get(url);
  } catch (err) {
    if (err instanceof TsrunError) throw err;
    throw new TsrunError('UNAVAILABLE', `failed to GET ${source}: ${(err as Error).message}`, { cause: err });
  }
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 299) {
    res.resume();
    throw new TsrunError('UNAVAILABLE', `failed to GET ${source} with status ${status} ${res.statusMessage ?? ''}`.trimEnd());
  }
  const file = path.join(dir, 'download');
  const hash = createHash('sha256');
  const hasher = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(res, hasher, createWriteStream(file, { mode: 0o600 }));
  const digest = hash.digest('hex');
  if (checksum && checksum !== `sha256:${digest}`) {
    throw new TsrunError('INVALID_ARGUMENT', `digest mismatch for ${source}: expected ${checksum}, got sha256:${digest}`);
  }
  const modified = Date.parse(res.headers['last-modified'] ?? '');
  const disposition = res.headers['content-disposition'] ?? null;
  return { file, name: fileNameOf(url, disposition), mtimeMs: Number.isNaN(modified) ? 0 : modified, digest };
}
