/**
 * tsrun's settings file, with the keys and meanings of Docker's daemon.json:
 * {"registry-mirrors": ["https://mirror.example"], "insecure-registries": ["host:5000", "10.0.0.0/8"],
 *  "max-concurrent-downloads": 3, "max-concurrent-uploads": 5, "bip": "10.201.0.1/16",
 *  "default-address-pools": [{"base": "10.202.0.0/16", "size": 24}]}. Unknown keys are ignored.
 */
import { promises as fs } from 'node:fs';
import { isErrno, TsrunError } from '../core/errors.js';

export interface DaemonConfig {
  registryMirrors: string[];
  insecureRegistries: string[];
  maxConcurrentDownloads?: number;
  maxConcurrentUploads?: number;
  /** The default bridge's gateway/prefix, e.g. "10.201.0.1/16" (tsrun0). */
  bip?: string;
  /** Where `network create` without --subnet takes subnets from. */
  defaultAddressPools?: Array<{ base: string; size: number }>;
  /** "iptables" or "nftables": which tool programs the bridges' NAT (default: iptables when installed). */
  firewallBackend?: 'iptables' | 'nftables';
}

export const EMPTY_DAEMON_CONFIG: DaemonConfig = { registryMirrors: [], insecureRegistries: [] };

export function parseDaemonConfig(text: string, file: string): DaemonConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TsrunError('INVALID_ARGUMENT', `${file}: invalid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TsrunError('INVALID_ARGUMENT', `${file}: expected a JSON object`);
  const obj = raw as Record<string, unknown>;
  const config: DaemonConfig = {
    registryMirrors: stringList(obj, 'registry-mirrors', file).map((m) => validMirror(m, file)),
    insecureRegistries: stringList(obj, 'insecure-registries', file),
  };
  const downloads = positiveInt(obj, 'max-concurrent-downloads', file);
  const uploads = positiveInt(obj, 'max-concurrent-uploads', file);
  if (downloads !== undefined) config.maxConcurrentDownloads = downloads;
  if (uploads !== undefined) config.maxConcurrentUploads = uploads;
  if (obj.bip !== undefined) {
    if (typeof obj.bip !== 'string') throw new TsrunError('INVALID_ARGUMENT', `${file}: "bip" must be a string like "10.201.0.1/16"`);
    config.bip = obj.bip;
  }
  const pools = obj['default-address-pools'];
  if (pools !== undefined) {
    if (!Array.isArray(pools) || pools.some((p) => typeof p?.base !== 'string' || !Number.isInteger(p?.size))) {
      throw new TsrunError('INVALID_ARGUMENT', `${file}: "default-address-pools" must be a list of {"base": CIDR, "size": prefix length}`);
    }
    config.defaultAddressPools = pools.map((p: { base: string; size: number }) => ({ base: p.base, size: p.size }));
  }
  const backend = obj['firewall-backend'];
  if (backend !== undefined) {
    if (backend !== 'iptables' && backend !== 'nftables') throw new TsrunError('INVALID_ARGUMENT', `${file}: "firewall-backend" must be "iptables" or "nftables"`);
    config.firewallBackend = backend;
  }
  return config;
}

/** The file's settings; no file means no mirrors and no insecure registries. */
export async function loadDaemonConfig(file: string): Promise<DaemonConfig> {
  try {
    return parseDaemonConfig(await fs.readFile(file, 'utf8'), file);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return EMPTY_DAEMON_CONFIG;
    throw err;
  }
}

function stringList(obj: Record<string, unknown>, key: string, file: string): string[] {
  const v = obj[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new TsrunError('INVALID_ARGUMENT', `${file}: "${key}" must be a list of strings`);
  }
  return v as string[];
}

function positiveInt(obj: Record<string, unknown>, key: string, file: string): number | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new TsrunError('INVALID_ARGUMENT', `${file}: "${key}" must be a positive integer`);
  return v;
}

/** A mirror is a URL with a scheme and no path beyond "/" (Docker's ValidateMirror). */
function validMirror(m: string, file: string): string {
  let u: URL;
  try {
    u = new URL(m);
  } catch {
    throw new TsrunError('INVALID_ARGUMENT', `${file}: invalid mirror: "${m}" is not a valid URI`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TsrunError('INVALID_ARGUMENT', `${file}: invalid mirror: unsupported scheme "${u.protocol.slice(0, -1)}" in "${m}"`);
  if (u.pathname !== '/' && u.pathname !== '' || u.search || u.hash || u.username) throw new TsrunError('INVALID_ARGUMENT', `${file}: invalid mirror: path, query or credentials not allowed in "${m}"`);
  return `${u.protocol}//${u.host}`;
}
