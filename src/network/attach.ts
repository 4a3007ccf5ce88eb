/**
 * Attaching a container to a network before it starts, CNI-style: the
 * namespace is made and wired while nothing runs in it, and the container is
 * then born inside it (the spawn plan names it). Detaching undoes everything
 * the lease names; so does the sweep, for leases whose holder died.
 */
import { promises as fs } from 'node:fs';
import { macFor, parseIPv4 } from './cidr.js';
import { chooseFirewall, enableRouting, ensureNetworkOnce, firewallNamed, type FirewallName } from './firewall.js';
import { holderOf } from './holder.js';
import { hostsFile, type HostEntry } from './hosts-file.js';
import { netnsPath, vethName } from './host-paths.js';
import { reservePorts, type HeldPort } from './host-ports.js';
import { allocateAddress, isStale, type Lease, type LeaseTable } from './leases.js';
import { createEndpoint, createNamespace, destroyEndpoint, ensureBridge } from './links.js';
import { isBridge, type NetworkDef } from './network-store.js';
import type { PortRequest } from './port-spec.js';

export interface AttachRequest {
  id: string;
  network: NetworkDef;
  /** --ip */
  ip?: string;
  ports: PortRequest[];
  /** The names in its own /etc/hosts line (hostname, name). */
  selfNames: string[];
  /** The names peers on a user network know it by (name, short id, aliases). */
  names: string[];
  /** Its /etc/hosts on the host: written here, and again whenever peers come and go. */
  hostsFile?: string;
  /** "NAME (ID)", for Docker's port error wording. */
  endpoint: string;
  /** The settings' "firewall-backend"; else iptables when installed, else nft. */
  firewall?: FirewallName;
}

export interface Attachment {
  netnsPath: string;
  lease: Lease;
  /** Sockets reserving the published ports: hand them to the monitor, then close(). */
  held: HeldPort[];
  close(): void;
}

/** Only user-defined networks resolve each other's names (Docker's default bridge does not either). */
const resolvesPeers = (l: Lease) => l.network !== 'bridge';

function hostsFor(lease: Lease, leases: Lease[]): string {
  const self: HostEntry | undefined = lease.ip ? { ip: lease.ip, names: lease.selfNames ?? [] } : undefined;
  const peers = resolvesPeers(lease)
    ? leases.filter((l) => l.id !== lease.id && l.bridge === lease.bridge && l.ip).map((l) => ({ ip: l.ip as string, names: l.names }))
    : [];
  return hostsFile(self, peers);
}

/** Rewrites /etc/hosts of every member of a user network, in place (the file is bind-mounted: keep its inode). */
async function refreshHosts(leases: Lease[], bridge: string | undefined): Promise<void> {
  for (const l of leases) {
    if (!l.hostsFile || l.bridge !== bridge || !resolvesPeers(l)) continue;
    await fs.writeFile(l.hostsFile, hostsFor(l, leases)).catch(() => undefined); // a container removed meanwhile
  }
}

async function teardown(table: LeaseTable, lease: Lease): Promise<void> {
  if (lease.ports.length > 0) await firewallNamed(lease.firewall ?? 'iptables').remove({ containers: [lease.id] });
  await destroyEndpoint(lease.id, lease.veth, table.umount);
}

/** Tears down leases whose holder is gone (a crashed tsrun, a killed monitor, an exited container). */
async function sweepLocked(table: LeaseTable, leases: Lease[]): Promise<void> {
  const stale = leases.filter(isStale);
  for (const lease of stale) {
    await teardown(table, lease);
    leases.splice(leases.indexOf(lease), 1);
  }
  for (const bridge of new Set(stale.map((l) => l.bridge))) await refreshHosts(leases, bridge);
}

export async function sweep(table: LeaseTable): Promise<void> {
  if ((await table.read()).some(isStale)) await table.with((leases) => sweepLocked(table, leases));
}

export async function attach(table: LeaseTable, req: AttachRequest): Promise<Attachment> {
  const live = (await table.read()).filter((l) => !isStale(l));
  const held = await reservePorts(req.ports, req.endpoint, (r) => live.some((l) => l.ports.some((p) =>
    p.hostPort === r.hostPort && p.protocol === r.protocol && (!p.hostIp || !r.hostIp || p.hostIp === r.hostIp))));
  const close = () => held.forEach((h) => h.close());
  let lease: Lease | undefined;
  try {
    lease = await table.with(async (leases) => {
      await sweepLocked(table, leases);
      const l: Lease = {
        id: req.id, names: req.names, selfNames: req.selfNames, network: req.network.Name, networkId: req.network.Id,
        netns: netnsPath(req.id), ports: held.map((h) => h.mapping), hostsFile: req.hostsFile,
        holder: holderOf(process.pid), created: new Date().toISOString(),
      };
      const old = leases.findIndex((x) => x.id === req.id);
      if (old >= 0) { // this container's own leftover (a start that died half-way)
        await teardown(table, leases[old]);
        leases.splice(old, 1);
      }
      if (isBridge(req.network)) {
        const { Bridge: bridge, Subnet: subnet, Gateway: gateway } = req.network;
        await ensureBridge({ bridge, subnet, gateway });
        const firewall = await chooseFirewall(req.firewall);
        await enableRouting(bridge);
        await ensureNetworkOnce(firewall, { bridge, subnet });
        l.firewall = firewall.name;
        const ip = allocateAddress(leases, subnet, gateway, req.ip);
        Object.assign(l, { bridge, subnet, gateway, ip, mac: macFor(parseIPv4(ip)), veth: vethName(req.id) });
      }
      leases.push(l);
      if (req.hostsFile) await fs.writeFile(req.hostsFile, hostsFor(l, leases));
      await refreshHosts(leases.filter((x) => x.id !== l.id).concat(l), l.bridge);
      return l;
    });
    if (lease.ip && lease.veth && lease.bridge && lease.subnet && lease.gateway && lease.mac) {
      await createEndpoint({ id: req.id, veth: lease.veth, bridge: lease.bridge, subnet: lease.subnet, gateway: lease.gateway, ip: lease.ip, mac: lease.mac });
      const ip = lease.ip;
      const firewall = firewallNamed(lease.firewall ?? 'iptables');
      if (lease.ports.length) await table.with(async () => firewall.publish(req.id, ip, held.map((h) => h.mapping)));
    } else {
      await createNamespace(req.id);
    }
    return { netnsPath: lease.netns, lease, held, close };
  } catch (err) {
    close();
    if (lease) await detach(table, req.id);
    throw err;
  }
}

/** The monitor keeps the lease from now on: it lives as long as the container. */
export async function adopt(table: LeaseTable, id: string, pid: number): Promise<void> {
  await table.with(async (leases) => {
    const l = leases.find((x) => x.id === id);
    if (l) l.holder = holderOf(pid);
  });
}

/**
 * Releases everything the container's lease names (rules, veth, namespace,
 * address); idempotent. `heldBy`: only if that process holds it (a monitor's
 * exit command must not release the lease of the container's next start).
 */
export async function detach(table: LeaseTable, id: string, heldBy?: number): Promise<void> {
  const mine = (l: Lease) => l.id === id && (heldBy === undefined || l.holder.pid === heldBy);
  if (!(await table.read()).some(mine)) return;
  await table.with(async (leases) => {
    const i = leases.findIndex(mine);
    if (i < 0) return;
    const [lease] = leases.splice(i, 1);
    await teardown(table, lease);
    await refreshHosts(leases, lease.bridge);
  });
}
