/**
 * One repository on one endpoint: the distribution API calls for manifests
 * and blobs. Blobs come back as streams; nothing here touches the disk.
 */
import type { Readable } from 'node:stream';
import { TsrunError } from '../core/errors.js';
import { sha256 } from '../oci/digest.js';
import { MediaType } from '../oci/image.js';
import { pullScope, pushScope } from './auth.js';
import type { RegistryEndpoint } from './endpoints.js';
import { responseError } from './errors.js';
import type { RegistrySession } from './session.js';
import { readBody, type HttpResponse } from './transport.js';

/** Everything we can read; schema1 is accepted only to name it in a clear error. */
export const MANIFEST_ACCEPT = [
  MediaType.OciIndex, MediaType.DockerManifestList, MediaType.OciManifest, MediaType.DockerManifest,
  MediaType.DockerSchema1Signed, MediaType.DockerSchema1,
].join(', ');

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

export interface BlobStream {
  stream: Readable;
  /** Content-Length, when the registry sent it. */
  size?: number;
  /** The blob offset the stream starts at: the one asked for when the registry honoured the Range, else 0. */
  from: number;
}

export type UploadResult = 'exists' | 'mounted' | 'pushed';

export class Repository {
  constructor(
    readonly session: RegistrySession,
    readonly endpoint: RegistryEndpoint,
    /** The repository path on this registry: `library/ubuntu`. */
    readonly name: string,
    /** Extra scopes (pull of mount sources) to ask for with push tokens. */
    private readonly push = false,
  ) {}

  private scopes(extra: string[] = []): string[] {
    return [this.push ? pushScope(this.name) : pullScope(this.name), ...extra];
  }

  private send(method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH', path: string, opts: { headers?: Record<string, string>; body?: Buffer | Readable; scopes?: string[] } = {}): Promise<HttpResponse> {
    return this.session.request(this.endpoint, opts.scopes ?? this.scopes(), { method, path, headers: opts.headers, body: opts.body });
  }

  /** GET a manifest by tag or digest; a digest reference is verified against the bytes. */
  async getManifest(reference: string): Promise<FetchedManifest> {
    const res = await this.send('GET', `/v2/${this.name}/manifests/${reference}`, { headers: { Accept: MANIFEST_ACCEPT } });
    if (res.status !== 200) throw await responseError(res);
    const bytes = await readBody(res, MAX_MANIFEST_BYTES);
    const digest = sha256(bytes);
    if (reference.includes(':') && reference !== digest) {
      throw new TsrunError('INVALID_ARGUMENT', `manifest verification failed for digest ${reference}: got ${digest}`);
    }
    const header = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
    let mediaType = header;
    try {
      const parsed = JSON.parse(bytes.toString('utf8')) as { mediaType?: string; schemaVersion?: number; manifests?: unknown; config?: unknown };
      // the body's own mediaType wins; registries often send application/json
      if (parsed.mediaType) mediaType = parsed.mediaType;
      else if (parsed.schemaVersion === 1) mediaType = header === MediaType.DockerSchema1Signed ? header : MediaType.DockerSchema1;
      else if (!Object.values(MediaType).includes(header as never)) mediaType = parsed.manifests ? MediaType.OciIndex : MediaType.OciManifest;
    } catch (err) {
      throw new TsrunError('INVALID_ARGUMENT', `manifest ${this.name}:${reference} is not valid JSON`, { cause: err });
    }
    return { bytes, mediaType, digest };
  }

  /**
   * GET a blob as a stream (the caller verifies it as it reads); from `from`
   * on with a Range request, which a registry may ignore (then `from` is 0).
   */
  async openBlob(digest: string, from = 0): Promise<BlobStream> {
    const res = await this.send('GET', `/v2/${this.name}/blobs/${digest}`, from > 0 ? { headers: { Range: `bytes=${from}-` } } : {});
    const length = Number(res.headers['content-length']);
    const size = Number.isFinite(length) && res.headers['content-length'] !== undefined ? { size: length } : {};
    if (from > 0 && res.status === 206) {
      const start = Number(/^bytes (\d+)-/.exec(String(res.headers['content-range'] ?? ''))?.[1]);
      if (start === from) return { stream: res.body, from, ...size };
      res.body.destroy();
      return this.openBlob(digest); // a range we did not ask for: start over
    }
    if (res.status !== 200) throw await responseError(res, `blob ${digest}`);
    return { stream: res.body, from: 0, ...size };
  }

  /** A small blob (config) in memory, verified. */
  async fetchBlob(digest: string, limit = MAX_MANIFEST_BYTES): Promise<Buffer> {
    const res = await this.send('GET', `/v2/${this.name}/blobs/${digest}`);
    if (res.status !== 200) throw await responseError(res, `blob ${digest}`);
    const bytes = await readBody(res, limit);
    if (sha256(bytes) !== digest) throw new TsrunError('INVALID_ARGUMENT', `blob verification failed for digest ${digest}`);
    return bytes;
  }

  async hasBlob(digest: string): Promise<boolean> {
    const res = await this.send('HEAD', `/v2/${this.name}/blobs/${digest}`);
    res.body.resume();
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw await responseError(res, `blob ${digest}`);
  }

  /** Cross-repository mount; returns false (after cancelling nothing) when the registry would rather we upload. */
  async mountBlob(digest: string, from: string): Promise<boolean> {
    const q = new URLSearchParams({ mount: digest, from });
    const res = await this.send('POST', `/v2/${this.name}/blobs/uploads/?${q}`, { scopes: this.scopes([pullScope(from)]), body: Buffer.alloc(0) });
    res.body.resume();
    if (res.status === 201) return true;
    if (res.status === 202) return false;
    throw await responseError(res, `mount ${digest} from ${from}`);
  }

  /** POST a new upload session: its Location. */
  async startUpload(): Promise<string> {
    const res = await this.send('POST', `/v2/${this.name}/blobs/uploads/`, { body: Buffer.alloc(0) });
    res.body.resume();
    if (res.status !== 202) throw await responseError(res, 'start upload');
    return this.location(res);
  }

  /** Monolithic upload: the whole blob in the closing PUT. */
  async putBlob(location: string, digest: string, data: Buffer): Promise<void> {
    const res = await this.send('PUT', withDigest(location, digest), { body: data, headers: { 'Content-Type': 'application/octet-stream' } });
    res.body.resume();
    if (res.status !== 201) throw await responseError(res, `upload ${digest}`);
  }

  /** One chunk of a chunked upload; returns the next Location. */
  async patchChunk(location: string, offset: number, data: Buffer): Promise<string> {
    const res = await this.send('PATCH', location, {
      body: data,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${offset}-${offset + data.length - 1}` },
    });
    res.body.resume();
    if (res.status !== 202) throw await responseError(res, `upload chunk at ${offset}`);
    return this.location(res);
  }

  /** Closes a chunked upload. */
  async finishUpload(location: string, digest: string): Promise<void> {
    const res = await this.send('PUT', withDigest(location, digest), { body: Buffer.alloc(0) });
    res.body.resume();
    if (res.status !== 201) throw await responseError(res, `upload ${digest}`);
  }

  async putManifest(reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    const res = await this.send('PUT', `/v2/${this.name}/manifests/${reference}`, { body: bytes, headers: { 'Content-Type': mediaType } });
    res.body.resume();
    if (res.status !== 201) throw await responseError(res);
    return String(res.headers['docker-content-digest'] ?? sha256(bytes));
  }

  private location(res: HttpResponse): string {
    const loc = res.headers.location;
    if (!loc) throw new TsrunError('UNAVAILABLE', `${this.endpoint.host}: upload response without a Location`);
    return new URL(loc, res.url).toString();
  }
}

function withDigest(location: string, digest: string): string {
  const u = new URL(location);
  u.searchParams.set('digest', digest);
  return u.toString();
}
