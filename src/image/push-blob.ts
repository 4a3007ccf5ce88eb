/**
 * Uploads one blob from the content store: monolithic (one PUT) up to
 * `chunkSize`, else chunked (PATCH per chunk, then PUT with the digest).
 * Chunks are buffers, so a failed one can be sent again.
 */
import type { Descriptor } from '../oci/image.js';
import type { Repository } from '../registry/index.js';
import type { ImageDeps } from './image-service.js';

/** 5 MiB: the smallest part S3-backed registries accept, and small enough to retry cheaply. */
export const DEFAULT_CHUNK_SIZE = 5 * 1024 * 1024;

export async function uploadBlob(deps: ImageDeps, repository: Repository, blob: Descriptor, chunkSize: number, onBytes: (n: number) => void): Promise<void> {
  let location = await repository.startUpload();
  if (blob.size <= chunkSize) {
    await repository.putBlob(location, blob.digest, await deps.content.readBytes(blob.digest));
    onBytes(blob.size);
    return;
  }
  let offset = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    const chunk = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    location = await repository.patchChunk(location, offset, chunk);
    offset += chunk.length;
    onBytes(offset);
  };
  for await (const data of deps.content.read(blob.digest) as AsyncIterable<Buffer>) {
    let rest = data;
    while (rest.length) {
      const take = Math.min(rest.length, chunkSize - pendingBytes);
      pending.push(rest.subarray(0, take));
      pendingBytes += take;
      rest = rest.subarray(take);
      if (pendingBytes === chunkSize) await flush();
    }
  }
  if (pendingBytes) await flush();
  await repository.finishUpload(location, blob.digest);
}
