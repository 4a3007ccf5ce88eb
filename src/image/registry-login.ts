/**
 * `tsrun login`: proves credentials against the registry before they are
 * saved (a token from the realm, or Basic on /v2/), as `docker login` does.
 */
import { TsrunError } from '../core/errors.js';
import {
  basicHeader, DOCKER_HUB_AUTH_KEY, DOCKER_HUB_DOMAIN, readBody, RegistryError, type Credentials,
} from '../registry/index.js';
import { createRegistryAccess, type RegistrySettings } from './registry-setup.js';

const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** SERVER as given to login/logout -> the registry domain and the key credentials are saved under. */
export function loginServer(server: string | undefined): { domain: string; authKey: string } {
  if (!server) return { domain: DOCKER_HUB_DOMAIN, authKey: DOCKER_HUB_AUTH_KEY };
  const host = server.replace(/^https?:\/\//, '').split('/')[0]!;
  if (!host) throw new TsrunError('INVALID_ARGUMENT', `invalid registry address ${JSON.stringify(server)}`);
  if (HUB_ALIASES.has(host)) return { domain: DOCKER_HUB_DOMAIN, authKey: DOCKER_HUB_AUTH_KEY };
  return { domain: host, authKey: host };
}

export async function verifyLogin(settings: RegistrySettings, server: string | undefined, username: string, password: string): Promise<{ authKey: string }> {
  const { domain, authKey } = loginServer(server);
  const creds: Credentials = { username, password };
  const access = createRegistryAccess({ ...settings, mirrors: [], credentials: async () => creds });
  const endpoint = access.pushEndpoint(domain);
  try {
    const ping = await access.session.ping(endpoint);
    const bearer = ping.challenges.find((c) => c.scheme === 'bearer');
    if (bearer) {
      await access.session.auth.token(endpoint, bearer, [], true);
    } else if (ping.challenges.some((c) => c.scheme === 'basic')) {
      const url = `${ping.base}/v2/`;
      const res = await access.session.transport.send(endpoint, { method: 'GET', url, headers: { Authorization: basicHeader(username, password) } });
      if (res.status !== 200) {
        const text = (await readBody(res, 64 * 1024)).toString('utf8');
        const detail = /"message"\s*:\s*"([^"]*)"/.exec(text)?.[1] ?? `status ${res.status}`;
        throw new RegistryError(res.status === 401 ? 'UNAUTHORIZED' : 'UNAVAILABLE', `Get "${url}": unauthorized: ${detail}`, res.status);
      }
    }
  } finally {
    access.session.close();
  }
  return { authKey };
}
