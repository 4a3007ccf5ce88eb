/**
 * Finds an image on a registry: tries each endpoint (mirrors before the
 * origin), follows an index to the manifest for the platform, refuses schema1.
 */
import { TsrunError, isTsrunError } from '../core/errors.js';
import {
  isIndexMediaType, MediaType, type Index, type Manifest, type Platform,
} from '../oci/image.js';
import { selectManifest } from '../oci/platform.js';
import { familiarString, referenceName, type NamedReference } from '../oci/reference.js';
import { Repository, type FetchedManifest, type RegistryEndpoint } from '../registry/index.js';
import type { RegistryAccess } from './registry-access.js';

export interface RemoteImage {
  repository: Repository;
  /** What the tag or digest names on the registry (an index or a manifest): the repo digest. */
  repoDigest: string;
  manifest: Manifest;
  manifestBytes: Buffer;
  manifestDigest: string;
  mediaType: string;
}

const SCHEMA1 = new Set<string>([MediaType.DockerSchema1, MediaType.DockerSchema1Signed]);

export async function resolveRemoteImage(access: RegistryAccess, ref: NamedReference, platform: Platform): Promise<RemoteImage> {
  const endpoints = access.pullEndpoints(ref.domain);
  let lastError: unknown;
  for (const endpoint of endpoints) {
    try {
      return await resolveAt(access, endpoint, ref, platform);
    } catch (err) {
      // a mirror that fails in any way hands over to the next endpoint; the origin's answer is final
      if (!endpoint.mirror || isPlatformMismatch(err)) throw explain(err, ref);
      lastError = err;
    }
  }
  throw explain(lastError, ref);
}

async function resolveAt(access: RegistryAccess, endpoint: RegistryEndpoint, ref: NamedReference, platform: Platform): Promise<RemoteImage> {
  const repository = new Repository(access.session, endpoint, ref.path);
  const top = await repository.getManifest(ref.digest ?? ref.tag ?? 'latest');
  let fetched: FetchedManifest = top;
  if (isIndexMediaType(top.mediaType)) {
    const index = JSON.parse(top.bytes.toString('utf8')) as Index;
    const chosen = selectManifest(index.manifests ?? [], platform);
    fetched = await repository.getManifest(chosen.digest);
  }
  if (SCHEMA1.has(fetched.mediaType)) {
    throw new TsrunError('INVALID_ARGUMENT', `${familiarString(ref)}: the image manifest is Docker schema1 (${fetched.mediaType}), which tsrun does not support`, {
      hint: 'push the image again with a current client (it writes schema2 or OCI manifests)',
    });
  }
  if (isIndexMediaType(fetched.mediaType)) {
    throw new TsrunError('INVALID_ARGUMENT', `${familiarString(ref)}: an index inside an index is not supported`);
  }
  const manifest = JSON.parse(fetched.bytes.toString('utf8')) as Manifest;
  if (!manifest.config?.digest || !Array.isArray(manifest.layers)) {
    throw new TsrunError('INVALID_ARGUMENT', `${familiarString(ref)}: manifest ${fetched.digest} has no config or layers`);
  }
  return { repository, repoDigest: top.digest, manifest, manifestBytes: fetched.bytes, manifestDigest: fetched.digest, mediaType: fetched.mediaType };
}

function isPlatformMismatch(err: unknown): boolean {
  return isTsrunError(err) && /no matching manifest/.test(err.message);
}

/** Docker's wording for what users hit most: a missing tag, a missing or private repository. */
function explain(err: unknown, ref: NamedReference): unknown {
  if (!isTsrunError(err)) return err;
  const name = familiarString(ref);
  if (err.code === 'NOT_FOUND' && /manifest unknown|not found/.test(err.message) && !/no matching manifest/.test(err.message)) {
    return new TsrunError('NOT_FOUND', `manifest for ${name} not found: ${err.message}`, { cause: err });
  }
  if (err.code === 'NOT_FOUND' || err.code === 'UNAUTHORIZED' || err.code === 'PERMISSION_DENIED') {
    if (/no basic auth credentials|incorrect|authentication required/.test(err.message) && err.code !== 'NOT_FOUND') return err;
    return new TsrunError(err.code, `pull access denied for ${referenceName({ ...ref, domain: ref.domain }).replace(/^docker\.io\/(library\/)?/, '')}, repository does not exist or may require 'tsrun login': ${err.message}`, { cause: err });
  }
  return err;
}
