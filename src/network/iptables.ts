/**
 * NAT and forwarding with iptables (iptables-nft on current distributions:
 * the rules land in nftables all the same). Every rule tsrun adds carries a
 * comment: "tsrun" for the jumps into its chains, "tsrun:net:<bridge>" for a
 * network's rules, "tsrun:ctr:<id>" for a container's published ports, so
 * tsrun removes exactly its own rules and never touches anyone else's.
 * Changes go through iptables-restore --noflush: one process, one transaction.
 *
 *   nat    PREROUTING/OUTPUT (to a local address) -> TSRUN: DNAT host port -> container
 *          POSTROUTING -> TSRUN-POSTROUTING: MASQUERADE the subnet going out; and
 *          local sources going into the bridge (127.0.0.1 -> published port, with route_localnet)
 *   filter FORWARD -> TSRUN-FORWARD: accept to and from the bridges (hosts whose policy is DROP)
 *   raw    PREROUTING: drop 127.0.0.0/8 arriving from a bridge (route_localnet must not open loopback)
 */
import type { BridgeNetwork, Firewall } from './firewall.js';
import { mustRun } from './host-command.js';
import type { PortMapping } from './port-spec.js';

const JUMP_TAG = 'tsrun';
const netTag = (bridge: string) => `tsrun:net:${bridge}`;
const ctrTag = (id: string) => `tsrun:ctr:${id}`;
const comment = (tag: string) => `-m comment --comment ${tag}`;

type Table = 'nat' | 'filter' | 'raw';

/** iptables-save output split by table: chain names and rule lines. */
interface Ruleset {
  chains: Record<Table, Set<string>>;
  rules: Record<Table, string[]>;
}

async function readRuleset(): Promise<Ruleset> {
  const out: Ruleset = { chains: { nat: new Set(), filter: new Set(), raw: new Set() }, rules: { nat: [], filter: [], raw: [] } };
  let table: Table | undefined;
  for (const line of (await mustRun('iptables-save', [])).split('\n')) {
    if (line.startsWith('*')) table = (['nat', 'filter', 'raw'] as const).find((t) => t === line.slice(1));
    else if (!table) continue;
    else if (line.startsWith(':')) out.chains[table].add(line.slice(1).split(' ')[0]);
    else if (line.startsWith('-A ')) out.rules[table].push(line);
  }
  return out;
}

const hasTag = (line: string, tag: string) => line.includes(`--comment ${tag} `) || line.includes(`--comment "${tag}"`) || line.endsWith(`--comment ${tag}`);

async function restore(changes: Partial<Record<Table, string[]>>): Promise<void> {
  const text = (Object.entries(changes) as Array<[Table, string[]]>)
    .filter(([, lines]) => lines.length > 0)
    .map(([table, lines]) => [`*${table}`, ...lines, 'COMMIT'].join('\n'))
    .join('\n');
  if (text) await mustRun('iptables-restore', ['-w', '--noflush'], text + '\n');
}

/** Deletes every rule carrying one of the tags (the saved line with -A turned into -D). */
function deletions(rules: string[], tags: string[]): string[] {
  return rules.filter((l) => tags.some((t) => hasTag(l, t))).map((l) => '-D' + l.slice(2));
}

/** Chains, jumps and the network's own rules; a no-op when they are there (a network's rules are added in one go). */
async function ensureNetworkRules(net: BridgeNetwork): Promise<void> {
  const rs = await readRuleset();
  const nat: string[] = [];
  const filter: string[] = [];
  const raw: string[] = [];
  for (const chain of ['TSRUN', 'TSRUN-POSTROUTING']) if (!rs.chains.nat.has(chain)) nat.push(`:${chain} - [0:0]`);
  if (!rs.chains.filter.has('TSRUN-FORWARD')) filter.push(':TSRUN-FORWARD - [0:0]');
  const jumps = (table: Table, chain: string, target: string) => rs.rules[table].some((l) => l.startsWith(`-A ${chain} `) && l.includes(`-j ${target}`) && hasTag(l, JUMP_TAG));
  if (!jumps('nat', 'PREROUTING', 'TSRUN')) nat.push(`-A PREROUTING -m addrtype --dst-type LOCAL ${comment(JUMP_TAG)} -j TSRUN`);
  if (!jumps('nat', 'OUTPUT', 'TSRUN')) nat.push(`-A OUTPUT -m addrtype --dst-type LOCAL ${comment(JUMP_TAG)} -j TSRUN`);
  if (!jumps('nat', 'POSTROUTING', 'TSRUN-POSTROUTING')) nat.push(`-A POSTROUTING ${comment(JUMP_TAG)} -j TSRUN-POSTROUTING`);
  if (!jumps('filter', 'FORWARD', 'TSRUN-FORWARD')) filter.push(`-I FORWARD 1 ${comment(JUMP_TAG)} -j TSRUN-FORWARD`);
  const tag = netTag(net.bridge);
  const { bridge, subnet } = net;
  if (!rs.rules.nat.some((l) => hasTag(l, tag))) {
    nat.push(`-A TSRUN-POSTROUTING -s ${subnet} ! -o ${bridge} ${comment(tag)} -j MASQUERADE`);
    nat.push(`-A TSRUN-POSTROUTING -o ${bridge} -m addrtype --src-type LOCAL ${comment(tag)} -j MASQUERADE`);
  }
  if (!rs.rules.filter.some((l) => hasTag(l, tag))) {
    filter.push(`-A TSRUN-FORWARD -i ${bridge} ${comment(tag)} -j ACCEPT`);
    filter.push(`-A TSRUN-FORWARD -o ${bridge} -m conntrack --ctstate RELATED,ESTABLISHED,DNAT ${comment(tag)} -j ACCEPT`);
  }
  if (!rs.rules.raw.some((l) => hasTag(l, tag))) raw.push(`-A PREROUTING -i ${bridge} -d 127.0.0.0/8 ${comment(tag)} -j DROP`);
  await restore({ nat, filter, raw });
}

/** DNAT for each published port: the host port (on hostIp, or any local address) -> ip:containerPort. */
async function publishPorts(id: string, ip: string, ports: PortMapping[]): Promise<void> {
  const tag = ctrTag(id);
  const nat = ports.map((p) => {
    const dest = p.hostIp && p.hostIp !== '0.0.0.0' ? `-d ${p.hostIp}/32 ` : '';
    return `-A TSRUN ${dest}-p ${p.protocol} -m ${p.protocol} --dport ${p.hostPort} ${comment(tag)} -j DNAT --to-destination ${ip}:${p.containerPort}`;
  });
  await restore({ nat });
}

/** Removes the published ports of these containers and the rules of these networks. */
async function removeRules(opts: { containers?: string[]; bridges?: string[] }): Promise<void> {
  const tags = [...(opts.containers ?? []).map(ctrTag), ...(opts.bridges ?? []).map(netTag)];
  if (tags.length === 0) return;
  const rs = await readRuleset();
  await restore({ nat: deletions(rs.rules.nat, tags), filter: deletions(rs.rules.filter, tags), raw: deletions(rs.rules.raw, tags) });
}

export const iptables: Firewall = { name: 'iptables', program: 'iptables-restore', ensureNetwork: ensureNetworkRules, publish: publishPorts, remove: removeRules };
