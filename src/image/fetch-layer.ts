/**
 * Downloads one layer blob and unpacks it in the same pass: the verified
 * byte stream is teed into a scratch file (committed to the content store
 * only once the digest matched) and into the layer store's unpacker. The
 * verifier fails the stream before its end on a mismatch, so the unpacker
 * never registers a layer from wrong bytes. A lost connection is resumed
 * where it broke (Range); only a registry without range support restarts it.
 */
import { createWriteStream, promises as fs } from 'node:fs';
import type { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { scratchPath } from '../core/scratch.js';
import { VerifyingStream } from '../oci/digest.js';
import type { Descriptor } from '../oci/image.js';
import { backoffDelay, isTransient, type Repository, type RetryPolicy } from '../registry/index.js';
import { markMidStream, openResumableBlob } from './resumable-blob.js';
import type { ImageDeps } from './image-service.js';
import { shortDigest, throttledBytes, type ProgressSink } from './progress.js';
import { tee } from './tee.js';

export interface LayerJob {
  descriptor: Descriptor;
  diffID: string;
}

/** `blobOnly`: the layer is unpacked already but no blob of it is in the store (push and save need one). */
export async function fetchLayer(deps: ImageDeps, repository: Repository, job: LayerJob, retry: RetryPolicy, progress: ProgressSink, blobOnly = false): Promise<void> {
  const id = shortDigest(job.descriptor.digest);
  for (let attempt = 0; ; attempt++) {
    try {
      await downloadAndUnpack(deps, repository, job, retry, progress, blobOnly);
      return;
    } catch (err) {
      // only failures in mid-stream are retried here; opening the blob already retried its own
      if (!(err as { midStream?: boolean }).midStream || attempt >= retry.retries || !isTransient(err)) throw err;
      const delay = backoffDelay(retry, attempt);
      progress({ id, status: retryingIn(delay) });
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

function retryingIn(delay: number): string {
  return `Retrying in ${Math.max(1, Math.round(delay / 1000))} second${delay >= 1500 ? 's' : ''}`;
}

async function downloadAndUnpack(deps: ImageDeps, repository: Repository, job: LayerJob, retry: RetryPolicy, progress: ProgressSink, blobOnly: boolean): Promise<void> {
  const { digest, size } = job.descriptor;
  const id = shortDigest(digest);
  // a lost connection resumes with a Range request; what came already stays in the pipes below
  const source = await openResumableBlob(repository, digest, retry, { retrying: (delay) => progress({ id, status: retryingIn(delay) }) });
  const tmp = await scratchPath(deps.paths.tmpDir, 'blob');
  const onBytes = throttledBytes(progress, id, 'Downloading', size);
  const verifier = new VerifyingStream(digest, size, `filesystem layer verification failed for digest ${digest}`, onBytes);
  source.on('error', (err) => verifier.destroy(err));
  source.pipe(verifier);
  const [toFile, toUnpack] = (blobOnly ? [verifier] : tee(verifier, 2)) as [PassThrough, PassThrough?];
  try {
    const saved = pipeline(toFile, createWriteStream(tmp)).then(() => {
      progress({ id, status: 'Download complete' });
      if (toUnpack) progress({ id, status: 'Extracting' });
    });
    const unpacked = toUnpack ? deps.layers.unpack(toUnpack, job.diffID) : Promise.resolve();
    const [file, layer] = await Promise.allSettled([saved, unpacked]);
    // the download's verdict first: wrong bytes explain any unpack error
    if (file.status === 'rejected') throw markMidStream(file.reason);
    if (layer.status === 'rejected') throw layer.reason;
    if (!(await deps.content.has(digest))) await deps.content.commitFile(tmp, digest);
  } finally {
    source.destroy();
    await fs.rm(tmp, { force: true });
  }
}

/** A layer whose blob is already in the store (loaded, or pulled for another image) is unpacked from there. */
export async function unpackStoredLayer(deps: ImageDeps, job: LayerJob): Promise<void> {
  await deps.layers.unpack(deps.content.read(job.descriptor.digest), job.diffID);
}
