/**
 * `tsrun pull`: manifest (platform from an index), config, then the layers
 * (3 at a time, each verified, stored and unpacked as it streams; layers
 * already unpacked are skipped whatever image brought them), and finally the
 * names: NAME:TAG and the repo digest NAME@DIGEST, as containerd records them.
 */
import { TsrunError } from '../core/errors.js';
import { hostPlatform, type ImageConfig, type Platform } from '../oci/image.js';
import { formatPlatform, normalizePlatform } from '../oci/platform.js';
import { familiarString, parseDockerReference, referenceName, type NamedReference } from '../oci/reference.js';
import { fetchLayer, unpackStoredLayer, type LayerJob } from './fetch-layer.js';
import { findLayerBlob } from './layer-blobs.js';
import { takeLease } from './lease.js';
import type { ImageDeps } from './image-service.js';
import { runLimited } from './limit.js';
import { shortDigest, silentProgress, type ProgressSink } from './progress.js';
import type { RegistryAccess } from './registry-access.js';
import { resolveRemoteImage, type RemoteImage } from './remote-manifest.js';
import type { Image } from './store.js';

export interface PullDeps extends ImageDeps {
  registry: RegistryAccess;
}

export interface PullOptions {
  /** Given with --platform: the image must match it even without an index. */
  platform?: Platform;
  progress?: ProgressSink;
}

export interface PullResult {
  image: Image;
  /** The full name pulled: docker.io/library/ubuntu:16.04 or …@sha256:… */
  name: string;
  repoDigest: string;
  /** False when the name already pointed at this image. */
  updated: boolean;
}

export async function pullImage(deps: PullDeps, refText: string, opts: PullOptions = {}): Promise<PullResult> {
  const ref = parseDockerReference(refText);
  const progress = opts.progress ?? silentProgress;
  const wanted = normalizePlatform(opts.platform ?? hostPlatform());
  const remote = await resolveRemoteImage(deps.registry, ref, wanted);
  progress({ id: ref.digest ?? ref.tag, status: `Pulling from ${ref.path}` });
  const { manifest, repository } = remote;

  const configBytes = await repository.fetchBlob(manifest.config.digest);
  const config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
  if (opts.platform) checkPlatform(ref, config, wanted);
  const diffIDs = config.rootfs?.diff_ids ?? [];
  if (diffIDs.length !== manifest.layers.length) {
    throw new TsrunError('INVALID_ARGUMENT', `${familiarString(ref)}: ${manifest.layers.length} layers but ${diffIDs.length} diff_ids in the config`);
  }

  const jobs: LayerJob[] = manifest.layers.map((descriptor, i) => ({ descriptor, diffID: diffIDs[i]! }));
  // from here until the names are written, rmi's GC must keep what we find or add
  const lease = await deps.lock.with('exclusive', () => takeLease(deps, {
    blobs: [remote.manifestDigest, manifest.config.digest, ...manifest.layers.map((l) => l.digest)],
    diffIDs,
  }));
  try {
    const todo = await planLayers(deps, jobs, progress);
    const limit = deps.registry.maxConcurrentDownloads ?? 3;
    await runLimited(todo, limit, async ({ job, blobOnly }) => {
      const id = shortDigest(job.descriptor.digest);
      if (!blobOnly && (await deps.content.has(job.descriptor.digest))) {
        progress({ id, status: 'Extracting' });
        await unpackStoredLayer(deps, job);
      } else {
        await fetchLayer(deps, repository, job, deps.registry.session.retry, progress, blobOnly);
      }
      if (!blobOnly) progress({ id, status: 'Pull complete' });
    }, ({ job }) => progress({ id: shortDigest(job.descriptor.digest), status: 'Waiting' }));

    await deps.content.putBytes(configBytes);
    await deps.content.putBytes(remote.manifestBytes);
    const repoName = referenceName(ref);
    const digestName = `${repoName}@${remote.repoDigest}`;
    const name = ref.digest ? digestName : `${repoName}:${ref.tag}`;
    const updated = await deps.lock.with('exclusive', async () => {
      const before = await deps.images.resolve(name);
      const size = remote.manifestBytes.length;
      await deps.images.tag(digestName, remote.manifestDigest, size, remote.mediaType);
      if (!ref.digest) await deps.images.tag(name, remote.manifestDigest, size, remote.mediaType);
      return before?.manifestDigest !== remote.manifestDigest;
    });
    return await finish(deps, ref, remote, name, updated, progress);
  } finally {
    await lease.release();
  }
}

interface PlannedLayer {
  job: LayerJob;
  /** Unpacked already, but no blob of it is in the store: download the blob alone. */
  blobOnly: boolean;
}

/**
 * Layers already unpacked are not downloaded again ("Already exists"). When
 * this image's blob of such a layer is absent, the blob the layer came with
 * is recorded beside it (push and save use it, GC keeps it); only when no
 * blob of that layer is left at all is this image's blob fetched.
 */
async function planLayers(deps: PullDeps, jobs: LayerJob[], progress: ProgressSink): Promise<PlannedLayer[]> {
  const todo: PlannedLayer[] = [];
  const seen = new Set<string>();
  for (const job of jobs) {
    const id = shortDigest(job.descriptor.digest);
    if (seen.has(job.diffID)) continue;
    seen.add(job.diffID);
    if (!(await deps.layers.has(job.diffID))) {
      progress({ id, status: 'Pulling fs layer' });
      todo.push({ job, blobOnly: false });
      continue;
    }
    progress({ id, status: 'Already exists' });
    if (await deps.content.has(job.descriptor.digest)) continue;
    const other = await findLayerBlob(deps, job.diffID);
    if (other) await deps.lock.with('exclusive', () => deps.layers.addBlob(job.diffID, other));
    else todo.push({ job, blobOnly: true });
  }
  return todo;
}

async function finish(deps: PullDeps, ref: NamedReference, remote: RemoteImage, name: string, updated: boolean, progress: ProgressSink): Promise<PullResult> {
  progress({ status: `Digest: ${remote.repoDigest}` });
  const image = await deps.images.load(remote.manifestDigest, [name]);
  const shown = familiarString(ref.digest ? { domain: ref.domain, path: ref.path, digest: ref.digest } : ref);
  progress({ status: updated ? `Status: Downloaded newer image for ${shown}` : `Status: Image is up to date for ${shown}` });
  return { image, name, repoDigest: remote.repoDigest, updated };
}

function checkPlatform(ref: NamedReference, config: ImageConfig, wanted: Platform): void {
  const actual = normalizePlatform({ os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) });
  if (actual.os !== wanted.os || actual.architecture !== wanted.architecture || (wanted.variant && actual.variant && actual.variant !== wanted.variant)) {
    throw new TsrunError('NOT_FOUND', `image with reference ${familiarString(ref)} was found but does not match the specified platform: wanted ${formatPlatform(wanted)}, actual: ${formatPlatform(actual)}`);
  }
}
