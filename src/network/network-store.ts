/**
 * Network definitions: `bridge` (tsrun0, from the settings), `host` and
 * `none` always exist; user-defined bridges live in ROOT/networks/<id>.json.
 */
import { randomBytes, createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from '../core/atomic.js';
import { isErrno, TsrunError } from '../core/errors.js';
import type { FileLock } from '../core/lock.js';
import { formatCidr, formatIPv4, isHostAddress, overlaps, parseCidr, parseIPv4 } from './cidr.js';
import { DEFAULT_BRIDGE, parseBip, poolSubnets, type NetworkConfig } from './config.js';
import { hostRoutes } from './routes.js';

export interface NetworkDef {
  Name: string;
  Id: string;
  Created: string;
  /** bridge | host | null (Docker's driver names). */
  Driver: 'bridge' | 'host' | 'null';
  Subnet?: string;
  Gateway?: string;
  /** The host's bridge interface. */
  Bridge?: string;
  Labels: Record<string, string>;
}

export const isBridge = (n: NetworkDef): n is NetworkDef & { Subnet: string; Gateway: string; Bridge: string } => n.Driver === 'bridge';

const stableId = (name: string) => createHash('sha256').update(`tsrun-network:${name}`).digest('hex');
const EPOCH = '1970-01-01T00:00:00Z';
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** The default `bridge` network (tsrun0) as the settings describe it. */
export function defaultBridge(config: NetworkConfig): NetworkDef {
  const { subnet, gateway } = parseBip(config.bip);
  return { Name: 'bridge', Id: stableId('bridge'), Created: EPOCH, Driver: 'bridge', Subnet: formatCidr(subnet), Gateway: gateway, Bridge: DEFAULT_BRIDGE, Labels: {} };
}

export class NetworkStore {
  constructor(private readonly dir: string, private readonly lock: FileLock, private readonly config: NetworkConfig) {}

  builtins(): NetworkDef[] {
    return [
      defaultBridge(this.config),
      { Name: 'host', Id: stableId('host'), Created: EPOCH, Driver: 'host', Labels: {} },
      { Name: 'none', Id: stableId('none'), Created: EPOCH, Driver: 'null', Labels: {} },
    ];
  }

  private async userNetworks(): Promise<NetworkDef[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    const out: NetworkDef[] = [];
    for (const n of names.filter((f) => f.endsWith('.json'))) {
      const def = await readJsonIfExists<NetworkDef>(path.join(this.dir, n));
      if (def) out.push(def);
    }
    return out.sort((a, b) => a.Created.localeCompare(b.Created));
  }

  async list(): Promise<NetworkDef[]> {
    return [...this.builtins(), ...(await this.userNetworks())];
  }

  /** By name, full id or unique id prefix (Docker's lookup order). */
  async find(ref: string): Promise<NetworkDef | undefined> {
    const all = await this.list();
    const exact = all.find((n) => n.Name === ref || n.Id === ref);
    if (exact) return exact;
    const byPrefix = all.filter((n) => n.Id.startsWith(ref));
    if (byPrefix.length > 1) throw new TsrunError('INVALID_ARGUMENT', `network ${ref} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
    return byPrefix[0];
  }

  async require(ref: string): Promise<NetworkDef> {
    const n = await this.find(ref);
    if (!n) throw new TsrunError('NOT_FOUND', `network ${ref} not found`);
    return n;
  }

  async create(name: string, opts: { subnet?: string; gateway?: string; labels?: Record<string, string> }): Promise<NetworkDef> {
    if (!NAME.test(name)) throw new TsrunError('INVALID_ARGUMENT', `invalid network name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    return this.lock.with('exclusive', async () => {
      const all = await this.list();
      if (all.some((n) => n.Name === name)) throw new TsrunError('CONFLICT', `network with name ${name} already exists`);
      const taken = [...all.filter(isBridge).map((n) => n.Subnet), ...(await hostRoutes())].map(parseCidr);
      const subnet = opts.subnet ? checkSubnet(opts.subnet, taken) : freeSubnet(this.config, taken);
      const cidr = parseCidr(subnet);
      const gateway = opts.gateway ?? formatIPv4(cidr.base + 1);
      if (!isHostAddress(cidr, parseIPv4(gateway))) throw new TsrunError('INVALID_ARGUMENT', `no matching subnet for gateway ${gateway}`);
      const id = randomBytes(32).toString('hex');
      const def: NetworkDef = {
        Name: name, Id: id, Created: new Date().toISOString(), Driver: 'bridge', Subnet: subnet, Gateway: gateway,
        Bridge: `tsr-${id.slice(0, 11)}`, Labels: opts.labels ?? {},
      };
      await fs.mkdir(this.dir, { recursive: true });
      await writeJsonAtomic(path.join(this.dir, `${id}.json`), def);
      return def;
    });
  }

  async remove(def: NetworkDef): Promise<void> {
    await fs.rm(path.join(this.dir, `${def.Id}.json`), { force: true });
  }
}

function checkSubnet(subnet: string, taken: ReturnType<typeof parseCidr>[]): string {
  const cidr = parseCidr(subnet);
  if (cidr.prefix > 30) throw new TsrunError('INVALID_ARGUMENT', `invalid subnet ${subnet}: too small`);
  const clash = taken.find((t) => overlaps(t, cidr));
  if (clash) throw new TsrunError('CONFLICT', `Pool overlaps with other one on this address space (${formatCidr(clash)})`);
  return formatCidr(cidr);
}

function freeSubnet(config: NetworkConfig, taken: ReturnType<typeof parseCidr>[]): string {
  for (const candidate of poolSubnets(config.defaultAddressPools)) {
    const cidr = parseCidr(candidate);
    if (!taken.some((t) => overlaps(t, cidr))) return candidate;
  }
  throw new TsrunError('UNAVAILABLE', 'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
}
