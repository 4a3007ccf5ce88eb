import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs, type ReadStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { syncDir } from '../core/atomic.js';
import { isErrno, TsrunError } from '../core/errors.js';
import type { StorePaths } from '../core/paths.js';
import { DigestingStream, sha256 } from '../oci/digest.js';

export interface IngestResult {
  digest: string;
  size: number;
}

/**
 * Content-addressed blobs under ROOT/blobs/sha256 (the OCI image layout).
 * put = write to tmp while hashing -> verify -> fsync -> rename: a blob on
 * disk always matches its name.
 */
export class ContentStore {
  constructor(private readonly paths: StorePaths) {}

  path(digest: string): string {
    return this.paths.blob(digest);
  }

  async has(digest: string): Promise<boolean> {
    try {
      await fs.access(this.path(digest));
      return true;
    } catch {
      return false;
    }
  }

  async size(digest: string): Promise<number> {
    return (await fs.stat(this.path(digest))).size;
  }

  read(digest: string): ReadStream {
    return createReadStream(this.path(digest));
  }

  async readBytes(digest: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.path(digest));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new TsrunError('NOT_FOUND', `blob ${digest} not found in the store`, { cause: err });
      throw err;
    }
  }

  async readJson<T>(digest: string): Promise<T> {
    return JSON.parse((await this.readBytes(digest)).toString('utf8')) as T;
  }

  async putBytes(data: string | Uint8Array): Promise<IngestResult> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    const digest = sha256(bytes);
    if (!(await this.has(digest))) {
      const tmp = await this.tempFile();
      await fs.writeFile(tmp, bytes);
      await this.commit(tmp, digest);
    }
    return { digest, size: bytes.length };
  }

  async putJson(value: unknown): Promise<IngestResult> {
    return this.putBytes(JSON.stringify(value));
  }

  /** Streams into the store; refuses (and leaves nothing) when `expected` does not match. */
  async ingest(stream: Readable, expected?: string): Promise<IngestResult> {
    const tmp = await this.tempFile();
    const hasher = new DigestingStream();
    try {
      await pipeline(stream, hasher, createWriteStream(tmp));
      if (expected && hasher.digest !== expected) {
        throw new TsrunError('INVALID_ARGUMENT', `digest mismatch: expected ${expected}, got ${hasher.digest}`);
      }
      await this.commit(tmp, hasher.digest);
    } finally {
      await fs.rm(tmp, { force: true });
    }
    return { digest: hasher.digest, size: hasher.bytes };
  }

  /** Moves a file whose digest the caller has verified into the store. */
  async commitFile(file: string, digest: string): Promise<void> {
    await this.commit(file, digest);
  }

  async delete(digest: string): Promise<void> {
    await fs.rm(this.path(digest), { force: true });
  }

  async list(): Promise<string[]> {
    try {
      return (await fs.readdir(this.paths.blobsDir)).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => 'sha256:' + n);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
  }

  private async tempFile(): Promise<string> {
    await fs.mkdir(this.paths.tmpDir, { recursive: true });
    return path.join(this.paths.tmpDir, `${process.pid}-blob-${randomBytes(8).toString('hex')}`);
  }

  private async commit(tmp: string, digest: string): Promise<void> {
    const fh = await fs.open(tmp, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.mkdir(this.paths.blobsDir, { recursive: true });
    await fs.chmod(tmp, 0o644);
    await fs.rename(tmp, this.path(digest));
    await syncDir(this.paths.blobsDir);
  }
}
