/**
 * The kernel objects of one attachment, made with iproute2: a named network
 * namespace (ip netns add: a bind-mounted nsfs file on a shared mount, so it
 * outlives no one and shows in `ip netns ls`), a bridge per network, and a
 * veth pair per container with its host end on the bridge and `eth0` inside.
 */
import { existsSync, rmSync } from 'node:fs';
import { TsrunError } from '../core/errors.js';
import { formatCidr, overlaps, parseCidr } from './cidr.js';
import { ipBatch, runCommand } from './host-command.js';
import { netnsName, netnsPath } from './host-paths.js';
import type { Umount } from './leases.js';
import { hostRoutes } from './routes.js';

export interface BridgeSpec {
  bridge: string;
  subnet: string;
  gateway: string;
}

export interface EndpointSpec extends BridgeSpec {
  id: string;
  veth: string;
  ip: string;
  mac: string;
}

/** Creates the bridge with the gateway address unless it exists; refuses a subnet the host already routes elsewhere. */
export async function ensureBridge(b: BridgeSpec): Promise<void> {
  if (existsSync(`/sys/class/net/${b.bridge}`)) return;
  const cidr = parseCidr(b.subnet);
  const clash = (await hostRoutes(b.bridge)).map(parseCidr).find((r) => overlaps(r, cidr));
  if (clash) {
    throw new TsrunError('CONFLICT', `cannot create bridge ${b.bridge}: subnet ${b.subnet} overlaps the host route ${formatCidr(clash)}`, {
      hint: 'choose another subnet ("bip" in /etc/tsrun/config.json, or network create --subnet)',
    });
  }
  // nf_call_*: br_netfilter (loaded by Docker and others) would run every bridged frame through iptables
  // again; tsrun's rules see the routed traffic, so this bridge opts out (per bridge, the sysctl stays as it is)
  await ipBatch([
    `link add ${b.bridge} type bridge nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0`,
    `addr add ${b.gateway}/${cidr.prefix} dev ${b.bridge}`,
    `link set ${b.bridge} up`,
  ]);
}

export async function removeBridge(bridge: string): Promise<void> {
  if (existsSync(`/sys/class/net/${bridge}`)) await runCommand('ip', ['link', 'del', bridge]);
}

/** A new network namespace with only `lo`, up (--network none). */
export async function createNamespace(id: string): Promise<void> {
  await ipBatch([`netns add ${netnsName(id)}`]);
  await ipBatch(['link set lo up'], netnsName(id));
}

/**
 * The namespace and a veth pair: host end on the bridge, `eth0` inside with
 * its address, MAC and default route. Two processes: the host's side, then the inside.
 */
export async function createEndpoint(e: EndpointSpec): Promise<void> {
  const ns = netnsName(e.id);
  await ipBatch([`netns add ${ns}`, `link add ${e.veth} type veth peer name eth0 netns ${ns}`, `link set ${e.veth} master ${e.bridge}`, `link set ${e.veth} up`]);
  const prefix = parseCidr(e.subnet).prefix;
  await ipBatch([
    'link set lo up',
    `link set eth0 address ${e.mac}`,
    `addr add ${e.ip}/${prefix} dev eth0`,
    'link set eth0 up',
    `route add default via ${e.gateway} dev eth0`,
  ], ns);
}

const MNT_DETACH = 2;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Drops the namespace (what `ip netns del` does: a lazy unmount of its file, then unlink), and with
 * it the veth: once nothing holds the namespace the kernel destroys it, eth0 and so the pair, some
 * ms later; `ip link del` would wait ~30 ms for RCU instead. The veth is waited for (the lease, and
 * so the address and MAC, must not be handed out while the old pair is on the bridge) and deleted
 * when it outlives the wait (another container shares the namespace). Whatever is gone is fine.
 */
export async function destroyEndpoint(id: string, veth?: string, umount?: Umount): Promise<void> {
  const ns = netnsPath(id);
  if (!umount) {
    const commands = [...(veth && existsSync(`/sys/class/net/${veth}`) ? [`link del ${veth}`] : []), `netns del ${netnsName(id)}`];
    await runCommand('ip', ['-force', '-batch', '-'], commands.join('\n') + '\n');
    return;
  }
  if (existsSync(ns)) {
    try {
      umount(ns, MNT_DETACH);
    } catch { /* not mounted (a half-made namespace): the file alone goes */ }
    rmSync(ns, { force: true });
  }
  if (!veth) return;
  const link = `/sys/class/net/${veth}`;
  for (let waited = 0; existsSync(link) && waited < 200; waited += 2) await sleep(2);
  if (existsSync(link)) await runCommand('ip', ['link', 'del', veth]);
}
