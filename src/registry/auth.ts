/**
 * Registry authorization: the challenges learnt from /v2/ decide between a
 * Bearer token (fetched from the realm with service and scope, anonymous or
 * with credentials, cached until it expires) and Basic credentials.
 */
import { TsrunError } from '../core/errors.js';
import type { RegistryEndpoint } from './endpoints.js';
import { networkError, responseError } from './errors.js';
import { readBody, type Transport } from './transport.js';
import type { Challenge } from './www-authenticate.js';

export interface Credentials {
  username?: string;
  password?: string;
  /** A refresh token (Docker's `identitytoken`), exchanged by OAuth POST. */
  identityToken?: string;
}

/** Finds credentials by their client-config key (`https://index.docker.io/v1/`, `host:port`). */
export type CredentialLookup = (authKey: string) => Promise<Credentials | undefined>;

interface CachedToken {
  token: string;
  expiresAt: number;
}

interface TokenResponse {
  token?: string;
  access_token?: string;
  expires_in?: number;
}

const MIN_TOKEN_LIFETIME_S = 60;

export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

export function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`;
}

export class Authorizer {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly credentialCache = new Map<string, Promise<Credentials | undefined>>();

  constructor(
    private readonly transport: Transport,
    private readonly lookup: CredentialLookup,
    private readonly now: () => number = Date.now,
  ) {}

  credentials(endpoint: RegistryEndpoint): Promise<Credentials | undefined> {
    let c = this.credentialCache.get(endpoint.authKey);
    if (!c) {
      c = this.lookup(endpoint.authKey);
      this.credentialCache.set(endpoint.authKey, c);
    }
    return c;
  }

  /** The Authorization header for these scopes, or undefined when the registry asked for none. */
  async header(endpoint: RegistryEndpoint, challenges: Challenge[], scopes: string[], fresh = false): Promise<string | undefined> {
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer) return `Bearer ${await this.token(endpoint, bearer, scopes, fresh)}`;
    const basic = challenges.find((c) => c.scheme === 'basic');
    if (basic) {
      const creds = await this.credentials(endpoint);
      if (!creds?.username) {
        throw new TsrunError('UNAUTHORIZED', `no basic auth credentials for ${endpoint.host}`, { hint: `tsrun login ${endpoint.host}` });
      }
      return basicHeader(creds.username, creds.password ?? '');
    }
    return undefined;
  }

  /** A token for the challenge's realm and service; from the cache while it lives. */
  async token(endpoint: RegistryEndpoint, challenge: Challenge, scopes: string[], fresh = false): Promise<string> {
    const realm = challenge.params.realm;
    if (!realm) throw new TsrunError('UNAVAILABLE', `${endpoint.host}: Bearer challenge without a realm`);
    const creds = await this.credentials(endpoint);
    const key = JSON.stringify([realm, challenge.params.service ?? '', [...scopes].sort(), creds?.username ?? '']);
    const cached = this.tokens.get(key);
    if (!fresh && cached && cached.expiresAt > this.now()) return cached.token;
    const { token, expiresIn } = await this.fetchToken(endpoint, realm, challenge.params.service, scopes, creds);
    // expire a little early so a token never dies in flight
    this.tokens.set(key, { token, expiresAt: this.now() + Math.max(expiresIn - 10, 1) * 1000 });
    return token;
  }

  private async fetchToken(endpoint: RegistryEndpoint, realm: string, service: string | undefined, scopes: string[], creds?: Credentials) {
    const url = new URL(realm);
    let res;
    try {
      if (creds?.identityToken) {
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: 'tsrun' });
        if (service) form.set('service', service);
        if (scopes.length) form.set('scope', scopes.join(' '));
        res = await this.transport.send(endpoint, {
          method: 'POST', url: url.toString(), body: Buffer.from(form.toString()),
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        });
      } else {
        if (service) url.searchParams.set('service', service);
        for (const s of scopes) url.searchParams.append('scope', s);
        const headers: Record<string, string> = {};
        if (creds?.username) {
          url.searchParams.set('account', creds.username);
          headers.Authorization = basicHeader(creds.username, creds.password ?? '');
        }
        res = await this.transport.send(endpoint, { method: 'GET', url: url.toString(), headers });
      }
    } catch (err) {
      throw networkError(creds?.identityToken ? 'POST' : 'GET', url.toString(), err);
    }
    if (res.status !== 200) throw await responseError(res, `Get "${url.origin}${url.pathname}"`);
    const body = JSON.parse((await readBody(res, 1024 * 1024)).toString('utf8')) as TokenResponse;
    const token = body.token ?? body.access_token;
    if (!token) throw new TsrunError('UNAVAILABLE', `${realm}: the token response holds no token`);
    return { token, expiresIn: Math.max(body.expires_in ?? MIN_TOKEN_LIFETIME_S, 1) };
  }
}

export function basicHeader(username: string, password: string): string {
  return 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
}
