/**
 * NAT and forwarding for the bridges, through whichever tool the host has:
 * iptables (iptables-nft on current distributions writes nftables rules all
 * the same) when it is there, else nft with a table of tsrun's own. The
 * settings' "firewall-backend" (Docker's key) chooses explicitly.
 */
import { promises as fs } from 'node:fs';
import { TsrunError } from '../core/errors.js';
import { NET_RUN_DIR } from './host-paths.js';
import { iptables } from './iptables.js';
import { nftables } from './nftables.js';
import type { PortMapping } from './port-spec.js';

export interface BridgeNetwork {
  bridge: string;
  subnet: string;
}

export type FirewallName = 'iptables' | 'nftables';

export interface Firewall {
  name: FirewallName;
  /** The program that must be on PATH. */
  program: string;
  /** Outbound NAT, forwarding, loopback-to-bridge NAT for the network; idempotent. */
  ensureNetwork(net: BridgeNetwork): Promise<void>;
  /** DNAT host port -> ip:containerPort, tagged with the container id. */
  publish(id: string, ip: string, ports: PortMapping[]): Promise<void>;
  /** Deletes the rules tagged with these containers and networks. */
  remove(opts: { containers?: string[]; bridges?: string[] }): Promise<void>;
}

const BACKENDS: Record<FirewallName, Firewall> = { iptables, nftables };

async function onPath(program: string): Promise<boolean> {
  for (const dir of ['/usr/sbin', '/sbin', '/usr/bin', '/bin', '/usr/local/sbin']) {
    if (await fs.access(`${dir}/${program}`).then(() => true, () => false)) return true;
  }
  return false;
}

export function firewallNamed(name: FirewallName): Firewall {
  return BACKENDS[name];
}

/** The configured backend, else iptables when installed, else nft. */
export async function chooseFirewall(preferred?: FirewallName): Promise<Firewall> {
  if (preferred) return BACKENDS[preferred];
  for (const fw of [iptables, nftables]) if (await onPath(fw.program)) return fw;
  throw new TsrunError('FAILED_PRECONDITION', 'neither iptables nor nft found: bridge networking needs one', { hint: 'install iptables (or nftables)' });
}

const marker = (fw: Firewall, bridge: string) => `${NET_RUN_DIR}/rules-${fw.name}-${bridge}`;

/**
 * A network's rules once per boot and backend (Docker sets its rules up once,
 * at daemon start): listing the whole ruleset at every start costs more than
 * the rest of the attach. Removing the marker file makes the next start check again.
 */
export async function ensureNetworkOnce(fw: Firewall, net: BridgeNetwork): Promise<void> {
  if (await fs.access(marker(fw, net.bridge)).then(() => true, () => false)) return;
  await fw.ensureNetwork(net);
  await fs.writeFile(marker(fw, net.bridge), '');
}

/** Removes the tagged rules from every backend present (a network may have been served by either). */
export async function removeEverywhere(opts: { containers?: string[]; bridges?: string[] }): Promise<void> {
  for (const bridge of opts.bridges ?? []) for (const fw of [iptables, nftables]) await fs.rm(marker(fw, bridge), { force: true });
  for (const fw of [iptables, nftables]) if (await onPath(fw.program)) await fw.remove(opts);
}

async function writeSysctl(file: string, value: string): Promise<void> {
  const current = await fs.readFile(file, 'utf8').catch(() => '');
  if (current.trim() !== value) await fs.writeFile(file, value);
}

/** The kernel side, whatever the backend: forwarding on (as Docker does), loopback NAT into this bridge allowed. */
export async function enableRouting(bridge: string): Promise<void> {
  await writeSysctl('/proc/sys/net/ipv4/ip_forward', '1');
  await writeSysctl(`/proc/sys/net/ipv4/conf/${bridge}/route_localnet`, '1'); // 127.0.0.1:PORT -> DNAT -> bridge
}
