/**
 * Which URLs serve a registry domain: mirrors first for docker.io, then the
 * origin. Pure: TLS material is handed in by the caller (registry/ never reads disk).
 */
import { TsrunError } from '../core/errors.js';

export const DOCKER_HUB_DOMAIN = 'docker.io';
export const DOCKER_HUB_HOST = 'registry-1.docker.io';
/** The key Docker Hub credentials are stored under in ~/.docker/config.json. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

export interface TlsMaterial {
  ca?: Buffer[];
  cert?: Buffer;
  key?: Buffer;
}

export interface RegistryEndpoint {
  /** `https://host:port`: no path, no trailing slash. */
  base: string;
  /** host[:port] as written in references and certs.d. */
  host: string;
  mirror: boolean;
  /** Listed in insecure-registries: TLS errors are ignored and plain HTTP is tried. */
  insecure: boolean;
  tls?: TlsMaterial;
  /** Where this endpoint's credentials live in the client config. */
  authKey: string;
}

export interface EndpointOptions {
  mirrors: string[];
  insecure: string[];
  /** CA and client certificates for a host (certs.d), if any. */
  tlsFor?: (host: string) => TlsMaterial | undefined;
}

/** The endpoints to try for a reference's domain, in order. */
export function endpointsFor(domain: string, opts: EndpointOptions): RegistryEndpoint[] {
  const out: RegistryEndpoint[] = [];
  if (domain === DOCKER_HUB_DOMAIN) {
    for (const m of opts.mirrors) out.push(mirrorEndpoint(m, opts));
    out.push(endpoint(`https://${DOCKER_HUB_HOST}`, DOCKER_HUB_HOST, false, DOCKER_HUB_AUTH_KEY, opts));
    return out;
  }
  const insecure = isInsecure(domain, opts.insecure);
  out.push(endpoint(`https://${domain}`, domain, false, domain, opts, insecure));
  return out;
}

/** The endpoint pushes and logins go to (never a mirror). */
export function originEndpoint(domain: string, opts: EndpointOptions): RegistryEndpoint {
  return endpointsFor(domain, { ...opts, mirrors: [] })[0]!;
}

function mirrorEndpoint(url: string, opts: EndpointOptions): RegistryEndpoint {
  let u: URL;
  try {
    u = new URL(url.includes('://') ? url : `https://${url}`);
  } catch (err) {
    throw new TsrunError('INVALID_ARGUMENT', `invalid registry mirror ${JSON.stringify(url)}`, { cause: err });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new TsrunError('INVALID_ARGUMENT', `invalid registry mirror ${JSON.stringify(url)}: scheme must be http or https`);
  }
  const base = `${u.protocol}//${u.host}`;
  return endpoint(base, u.host, true, u.host, opts, isInsecure(u.host, opts.insecure));
}

function endpoint(base: string, host: string, mirror: boolean, authKey: string, opts: EndpointOptions, insecure = false): RegistryEndpoint {
  const tls = base.startsWith('https:') ? opts.tlsFor?.(host) : undefined;
  return { base, host, mirror, insecure, authKey, ...(tls ? { tls } : {}) };
}

/** host[:port] listed literally, or an IPv4 host inside a listed CIDR. */
export function isInsecure(host: string, insecure: string[]): boolean {
  const hostname = host.replace(/:\d+$/, '');
  for (const entry of insecure) {
    const e = entry.replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
    if (e === host || e === hostname) return true;
    if (e.includes('/') && inCidr(hostname, e)) return true;
  }
  return false;
}

function ipv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

function inCidr(host: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split('/');
  const ip = ipv4(host);
  const base = ipv4(net ?? '');
  const bits = Number(bitsText);
  if (ip === undefined || base === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ip & mask) === (base & mask);
}
