/**
 * HTTP(S) to registries with node:http/https: one keep-alive Agent per
 * endpoint carrying its CA / client certificate / insecure setting (fetch
 * cannot vary TLS per host without undici), redirects for GET/HEAD only.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import type { RegistryEndpoint } from './endpoints.js';

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: Buffer | Readable;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  /** The URL that answered, after redirects. */
  url: string;
}

const MAX_REDIRECTS = 5;
const IDLE_TIMEOUT_MS = 60_000;

export class Transport {
  private readonly agents = new Map<string, http.Agent>();

  constructor(private readonly userAgent: string) {}

  async send(endpoint: RegistryEndpoint, req: HttpRequest): Promise<HttpResponse> {
    let url = req.url;
    let headers = { ...req.headers };
    for (let hop = 0; ; hop++) {
      const res = await this.once(endpoint, { ...req, url, headers });
      const location = res.headers.location;
      const redirect = res.status >= 300 && res.status < 400 && location && (req.method === 'GET' || req.method === 'HEAD');
      if (!redirect || hop >= MAX_REDIRECTS) return res;
      res.body.resume();
      const next = new URL(location, url);
      // Blob storage (S3 and co) gets a pre-signed URL: never send it the registry's credentials.
      if (next.host !== new URL(url).host) {
        const { authorization: _drop, Authorization: _Drop, ...rest } = headers;
        headers = rest;
      }
      url = next.toString();
    }
  }

  private once(endpoint: RegistryEndpoint, req: HttpRequest): Promise<HttpResponse> {
    const u = new URL(req.url);
    const secure = u.protocol === 'https:';
    const sameHost = u.host === new URL(endpoint.base).host;
    const agent = this.agentFor(endpoint, secure, sameHost);
    const lib = secure ? https : http;
    const headers: Record<string, string | number> = { 'User-Agent': this.userAgent, ...req.headers };
    if (Buffer.isBuffer(req.body)) headers['Content-Length'] = req.body.length;
    return new Promise((resolve, reject) => {
      const r = lib.request(u, { method: req.method, headers, agent }, (res) => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url: u.toString() });
      });
      r.setTimeout(IDLE_TIMEOUT_MS, () => r.destroy(Object.assign(new Error(`${req.method} ${u}: timeout`), { code: 'ETIMEDOUT' })));
      r.on('error', reject);
      if (req.body === undefined) r.end();
      else if (Buffer.isBuffer(req.body)) r.end(req.body);
      else {
        req.body.on('error', (e) => r.destroy(e));
        req.body.pipe(r);
      }
    });
  }

  private agentFor(endpoint: RegistryEndpoint, secure: boolean, sameHost: boolean): http.Agent {
    const key = `${endpoint.base}|${secure}|${sameHost}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = secure
        ? new https.Agent({
            keepAlive: true,
            // certs.d and insecure-registries apply to the registry host only, not to redirect targets
            ...(sameHost && endpoint.tls?.ca ? { ca: endpoint.tls.ca } : {}),
            ...(sameHost && endpoint.tls?.cert && endpoint.tls.key ? { cert: endpoint.tls.cert, key: endpoint.tls.key } : {}),
            rejectUnauthorized: !(sameHost && endpoint.insecure),
          })
        : new http.Agent({ keepAlive: true });
      this.agents.set(key, agent);
    }
    return agent;
  }

  close(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }
}

/** Reads a whole (small) response body, refusing more than `limit` bytes. */
export async function readBody(res: HttpResponse, limit = 8 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > limit) {
      res.body.destroy();
      throw new Error(`response from ${res.url} is larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
