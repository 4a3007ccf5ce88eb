/**
 * `tsrun push`: every blob the registry lacks (HEAD first, then a
 * cross-repository mount from a repository of the same registry we know holds
 * it, else an upload), then the manifest by tag. Records NAME@DIGEST.
 */
import { isTsrunError, TsrunError } from '../core/errors.js';
import type { Descriptor } from '../oci/image.js';
import {
  familiarString, formatReference, parseDockerReference, parseReference, referenceName, type NamedReference,
} from '../oci/reference.js';
import { Repository } from '../registry/index.js';
import { manifestToShip } from './layer-blobs.js';
import { runLimited } from './limit.js';
import { shortDigest, silentProgress, throttledBytes, type ProgressSink } from './progress.js';
import { DEFAULT_CHUNK_SIZE, uploadBlob } from './push-blob.js';
import type { PullDeps } from './pull.js';

export interface PushOptions {
  progress?: ProgressSink;
  chunkSize?: number;
}

export interface PushResult {
  tag: string;
  digest: string;
  size: number;
}

export async function pushImage(deps: PullDeps, refText: string, opts: PushOptions = {}): Promise<PushResult> {
  const ref = parseDockerReference(refText);
  try {
    return await pushTo(deps, ref, opts);
  } catch (err) {
    // the registry's words ("authentication required") do not say which push failed
    if (isTsrunError(err, 'UNAUTHORIZED') || isTsrunError(err, 'PERMISSION_DENIED')) {
      throw new TsrunError(err.code, `push access denied for ${familiarString({ domain: ref.domain, path: ref.path })}: ${err.message}`, {
        cause: err, hint: `tsrun login ${ref.domain === 'docker.io' ? '' : ref.domain}`.trimEnd(),
      });
    }
    throw err;
  }
}

async function pushTo(deps: PullDeps, ref: NamedReference, opts: PushOptions): Promise<PushResult> {
  const refText = formatReference(ref);
  if (ref.digest) throw new TsrunError('INVALID_ARGUMENT', `cannot push a digest reference: ${refText}`);
  const name = `${referenceName(ref)}:${ref.tag}`;
  const image = await deps.images.resolve(name);
  if (!image) throw new TsrunError('NOT_FOUND', `An image does not exist locally with the tag: ${familiarString({ domain: ref.domain, path: ref.path })}`);
  const progress = opts.progress ?? silentProgress;
  progress({ status: `The push refers to repository [${referenceName(ref)}]` });
  const repository = new Repository(deps.registry.session, deps.registry.pushEndpoint(ref.domain), ref.path, true);
  const sources = await mountSources(deps, ref.domain, ref.path);
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;

  const pushBlob = async (blob: Descriptor, show: boolean) => {
    const id = shortDigest(blob.digest);
    const say = show ? progress : silentProgress;
    if (await repository.hasBlob(blob.digest)) return say({ id, status: 'Layer already exists' });
    for (const from of sources.get(blob.digest) ?? []) {
      if (await repository.mountBlob(blob.digest, from)) return say({ id, status: `Mounted from ${from}` });
    }
    await uploadBlob(deps, repository, blob, chunkSize, throttledBytes(say, id, 'Pushing', blob.size));
    say({ id, status: 'Pushed' });
  };
  // layers skipped at pull as "Already exists" go as the blob we hold, under a rewritten manifest
  const ship = await manifestToShip(deps, image, familiarString(ref));
  const layers = [...ship.manifest.layers].reverse();
  for (const l of layers) progress({ id: shortDigest(l.digest), status: 'Preparing' });
  await runLimited(layers, deps.registry.maxConcurrentUploads ?? 5, (l) => pushBlob(l, true),
    (l) => progress({ id: shortDigest(l.digest), status: 'Waiting' }));
  await pushBlob(image.manifest.config, false);

  const { bytes, mediaType } = ship;
  const digest = await repository.putManifest(ref.tag!, bytes, mediaType);
  // the repo digest names this image even when the pushed manifest was rewritten (same config, same layers)
  const storedSize = ship.rewritten ? await deps.content.size(image.manifestDigest) : bytes.length;
  await deps.lock.with('exclusive', () => deps.images.tag(`${referenceName(ref)}@${digest}`, image.manifestDigest, storedSize, mediaType));
  return { tag: ref.tag!, digest, size: bytes.length };
}

/** Blob -> other repositories of the same registry that hold it, from the names of local images. */
async function mountSources(deps: PullDeps, domain: string, path: string): Promise<Map<string, string[]>> {
  const sources = new Map<string, string[]>();
  for (const image of await deps.images.list()) {
    for (const n of image.names) {
      let r;
      try {
        r = parseReference(n);
      } catch {
        continue;
      }
      // only a repo digest proves the registry has the blobs; a tag may never have been pushed
      if (r.domain !== domain || r.path === path || !r.digest) continue;
      for (const b of [...image.manifest.layers, image.manifest.config]) {
        const list = sources.get(b.digest) ?? [];
        if (!list.includes(r.path)) list.push(r.path);
        sources.set(b.digest, list);
      }
    }
  }
  return sources;
}
