/**
 * One conversation with registries: shared connections, pings (which learn
 * the auth challenges, and fall back to plain HTTP for insecure registries)
 * and authorized requests that retry transient failures.
 */
import { Authorizer, type CredentialLookup } from './auth.js';
import type { RegistryEndpoint } from './endpoints.js';
import { networkError, RegistryError, responseError } from './errors.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.js';
import { Transport, type HttpRequest, type HttpResponse } from './transport.js';
import { parseChallenges, type Challenge } from './www-authenticate.js';

export interface SessionOptions {
  credentials: CredentialLookup;
  userAgent?: string;
  retry?: RetryPolicy;
}

interface PingResult {
  /** The scheme+host that answered (http:// when an insecure registry has no TLS). */
  base: string;
  challenges: Challenge[];
}

/** A request relative to the endpoint's base (`/v2/...`) or absolute (an upload Location). */
export interface RegistryRequest extends Omit<HttpRequest, 'url'> {
  path: string;
}

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export class RegistrySession {
  readonly transport: Transport;
  readonly auth: Authorizer;
  readonly retry: RetryPolicy;
  private readonly pings = new Map<string, Promise<PingResult>>();

  constructor(opts: SessionOptions) {
    this.transport = new Transport(opts.userAgent ?? 'tsrun/0.1.0');
    this.auth = new Authorizer(this.transport, opts.credentials);
    this.retry = opts.retry ?? DEFAULT_RETRY;
  }

  close(): void {
    this.transport.close();
  }

  /** GET /v2/ once per endpoint: is it a registry, and what auth does it want? */
  ping(endpoint: RegistryEndpoint): Promise<PingResult> {
    let p = this.pings.get(endpoint.base);
    if (!p) {
      p = this.doPing(endpoint);
      p.catch(() => this.pings.delete(endpoint.base));
      this.pings.set(endpoint.base, p);
    }
    return p;
  }

  private async doPing(endpoint: RegistryEndpoint): Promise<PingResult> {
    try {
      return await this.pingAt(endpoint, endpoint.base);
    } catch (err) {
      // Docker's rule for insecure registries: HTTPS first (unverified), then plain HTTP.
      if (!endpoint.insecure || !endpoint.base.startsWith('https:') || err instanceof RegistryError) throw err;
      return this.pingAt(endpoint, endpoint.base.replace(/^https:/, 'http:'));
    }
  }

  private async pingAt(endpoint: RegistryEndpoint, base: string): Promise<PingResult> {
    const url = `${base}/v2/`;
    // a mirror that does not answer hands over to the next endpoint at once: that is its retry
    const policy = endpoint.mirror ? { ...this.retry, retries: 0 } : this.retry;
    const res = await withRetry(policy, async () => {
      let r: HttpResponse;
      try {
        r = await this.transport.send(endpoint, { method: 'GET', url });
      } catch (err) {
        throw networkError('GET', url, err);
      }
      if (TRANSIENT_STATUS.has(r.status)) throw await responseError(r, `Get "${url}"`);
      return r;
    });
    res.body.resume();
    if (res.status === 200) return { base, challenges: [] };
    if (res.status === 401) return { base, challenges: parseChallenges(res.headers['www-authenticate']) };
    throw new RegistryError('UNAVAILABLE', `Get "${url}": ${endpoint.host} does not speak the registry v2 API (status ${res.status})`, res.status);
  }

  /**
   * Sends with the Authorization the scopes need. A 401 carrying a new
   * challenge (e.g. insufficient_scope) gets one fresh token and one more try;
   * transient failures are retried when the body can be sent again.
   */
  async request(endpoint: RegistryEndpoint, scopes: string[], req: RegistryRequest): Promise<HttpResponse> {
    const ping = await this.ping(endpoint);
    const url = /^https?:\/\//.test(req.path) ? req.path : `${ping.base}${req.path}`;
    const replayable = req.body === undefined || Buffer.isBuffer(req.body);
    const attempt = async (): Promise<HttpResponse> => {
      let challenges = ping.challenges;
      let res = await this.sendAuthorized(endpoint, challenges, scopes, { ...req, url }, false);
      if (res.status === 401 && replayable) {
        const fresh = parseChallenges(res.headers['www-authenticate']);
        if (fresh.length) {
          res.body.resume();
          challenges = fresh;
          res = await this.sendAuthorized(endpoint, challenges, scopes, { ...req, url }, true);
        }
      }
      if (replayable && TRANSIENT_STATUS.has(res.status)) throw await responseError(res, `${req.method} ${url}`);
      return res;
    };
    return replayable ? withRetry(this.retry, attempt) : attempt();
  }

  private async sendAuthorized(endpoint: RegistryEndpoint, challenges: Challenge[], scopes: string[], req: HttpRequest, fresh: boolean): Promise<HttpResponse> {
    const authorization = await this.auth.header(endpoint, challenges, scopes, fresh);
    const headers = { ...req.headers, ...(authorization ? { Authorization: authorization } : {}) };
    try {
      return await this.transport.send(endpoint, { ...req, headers });
    } catch (err) {
      throw networkError(req.method, req.url, err);
    }
  }
}

