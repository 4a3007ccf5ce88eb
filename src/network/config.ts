/**
 * The default bridge and the pool user networks take their subnets from, as
 * Docker's daemon.json says them: "bip": "10.201.0.1/16" (gateway/prefix of
 * tsrun0) and "default-address-pools": [{"base": "10.202.0.0/16", "size": 24}].
 * 10.201/16 and 10.202/16 are used by no common tool (Docker: 172.17/16,
 * podman: 10.88/16, Kubernetes services: 10.96/12, Weave: 10.32/12).
 */
import { TsrunError } from '../core/errors.js';
import { formatCidr, formatIPv4, isHostAddress, networkOf, parseCidr, parseIPv4, type Cidr } from './cidr.js';

export interface AddressPool {
  base: string;
  size: number;
}

export interface NetworkConfig {
  /** The default bridge's gateway address with its prefix (Docker's "bip"). */
  bip: string;
  defaultAddressPools: AddressPool[];
  /** "iptables" | "nftables" (Docker's "firewall-backend"); unset: iptables when installed, else nft. */
  firewallBackend?: 'iptables' | 'nftables';
}

export const DEFAULT_NETWORK_CONFIG: NetworkConfig = {
  bip: '10.201.0.1/16',
  defaultAddressPools: [{ base: '10.202.0.0/16', size: 24 }],
};

export const DEFAULT_BRIDGE = 'tsrun0';

/** "10.201.0.1/16" -> subnet 10.201.0.0/16 and gateway 10.201.0.1. */
export function parseBip(bip: string): { subnet: Cidr; gateway: string } {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(bip);
  if (!m) throw new TsrunError('INVALID_ARGUMENT', `invalid "bip": ${bip} (expected gateway/prefix, e.g. 10.201.0.1/16)`);
  const addr = parseIPv4(m[1]);
  const prefix = Number(m[2]);
  const subnet = { base: networkOf(addr, prefix), prefix };
  if (prefix > 30 || !isHostAddress(subnet, addr)) throw new TsrunError('INVALID_ARGUMENT', `invalid "bip": ${bip}`);
  return { subnet, gateway: formatIPv4(addr) };
}

/** Every candidate subnet of the pools, in order. */
export function* poolSubnets(pools: AddressPool[]): Generator<string> {
  for (const pool of pools) {
    const base = parseCidr(pool.base);
    if (pool.size < base.prefix || pool.size > 30) throw new TsrunError('INVALID_ARGUMENT', `invalid address pool ${pool.base} size ${pool.size}`);
    const step = 2 ** (32 - pool.size);
    for (let n = 0; n < 2 ** (pool.size - base.prefix); n++) yield formatCidr({ base: base.base + n * step, prefix: pool.size });
  }
}
