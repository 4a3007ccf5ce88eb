/**
 * A blob download that survives a lost connection: the bytes already
 * received stay with the consumer (verifier, file, unpacker), and the rest is
 * asked for with `Range: bytes=N-`. A registry that answers 200 instead (no
 * range support) makes the stream fail, marked `midStream`, so the caller
 * starts the layer over as before.
 */
import { PassThrough, type Readable } from 'node:stream';
import { backoffDelay, isTransient, type BlobStream, type Repository, type RetryPolicy } from '../registry/index.js';

export interface ResumeEvents {
  /** Before each new request, with the backoff delay (ms). */
  retrying(delayMs: number): void;
}

export function markMidStream(err: unknown): unknown {
  if (err && typeof err === 'object') (err as { midStream?: boolean }).midStream = true;
  return err;
}

export async function openResumableBlob(repository: Repository, digest: string, retry: RetryPolicy, events: ResumeEvents): Promise<Readable> {
  const out = new PassThrough();
  let received = 0;
  let resumes = 0;
  let current: Readable | undefined;
  out.once('close', () => current?.destroy());

  const follow = (blob: BlobStream) => {
    const stream = blob.stream;
    current = stream;
    stream.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (!out.write(chunk)) {
        stream.pause();
        out.once('drain', () => stream.resume());
      }
    });
    stream.once('end', () => out.end());
    stream.once('error', (err) => { stream.removeAllListeners('data'); void resume(err); });
  };

  const resume = async (err: unknown) => {
    if (out.destroyed) return;
    if (received === 0 || resumes >= retry.retries || !isTransient(err)) {
      out.destroy(markMidStream(err) as Error);
      return;
    }
    const delay = backoffDelay(retry, resumes++);
    events.retrying(delay);
    await new Promise((r) => setTimeout(r, delay));
    if (out.destroyed) return;
    try {
      const blob = await repository.openBlob(digest, received);
      if (blob.from !== received) {
        blob.stream.destroy();
        out.destroy(markMidStream(err) as Error); // no Range: the caller starts the layer over
        return;
      }
      follow(blob);
    } catch (e) {
      out.destroy(markMidStream(e) as Error);
    }
  };

  follow(await repository.openBlob(digest));
  return out;
}
