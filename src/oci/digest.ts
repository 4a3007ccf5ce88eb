import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { TsrunError } from '../core/errors.js';

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(s: string): boolean {
  return DIGEST_RE.test(s);
}

export function assertDigest(s: string): string {
  if (!isDigest(s)) throw new TsrunError('INVALID_ARGUMENT', `invalid digest: ${JSON.stringify(s)}`);
  return s;
}

export function sha256(data: string | Uint8Array): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

export function hexOf(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

/** Hashes bytes as they pass; `digest` is known once the stream has ended. */
export class DigestingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;
  digest = '';

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    this.digest = 'sha256:' + this.hash.digest('hex');
    cb();
  }
}

/**
 * Passes bytes on while hashing them and fails the stream, before it ends,
 * when they do not match `expected` (or exceed `size`): a consumer never sees
 * a clean end of wrong bytes.
 */
export class VerifyingStream extends DigestingStream {
  constructor(
    readonly expected: string,
    private readonly size: number | undefined,
    private readonly failure: string,
    private readonly onBytes?: (bytes: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, enc: BufferEncoding, cb: TransformCallback): void {
    if (this.size !== undefined && this.bytes + chunk.length > this.size) {
      cb(new TsrunError('INVALID_ARGUMENT', `${this.failure} (more than ${this.size} bytes)`));
      return;
    }
    super._transform(chunk, enc, cb);
    this.onBytes?.(this.bytes);
  }

  override _flush(cb: TransformCallback): void {
    super._flush((err) => {
      if (err) cb(err);
      else if (this.digest !== this.expected || (this.size !== undefined && this.bytes !== this.size)) {
        cb(new TsrunError('INVALID_ARGUMENT', this.failure));
      } else cb();
    });
  }
}
