/**
 * The nft backend: everything in one table of tsrun's own, `ip tsrun`, so
 * nothing else is touched; rules carry the same comments as the iptables ones
 * and are deleted by handle. A drop in another table still wins over an accept
 * here (nftables evaluates every base chain): on hosts whose forward policy is
 * drop through iptables, the iptables backend is the one to use (the default
 * whenever iptables is installed).
 */
import type { BridgeNetwork, Firewall } from './firewall.js';
import { mustRun, runCommand } from './host-command.js';
import type { PortMapping } from './port-spec.js';

const TABLE = 'ip tsrun';
const netTag = (bridge: string) => `tsrun:net:${bridge}`;
const ctrTag = (id: string) => `tsrun:ctr:${id}`;

const BASE = [
  `add table ${TABLE}`,
  `add chain ${TABLE} ports`,
  `add chain ${TABLE} prerouting { type nat hook prerouting priority dstnat; policy accept; }`,
  `add chain ${TABLE} output { type nat hook output priority -100; policy accept; }`,
  `add chain ${TABLE} postrouting { type nat hook postrouting priority srcnat; policy accept; }`,
  `add chain ${TABLE} forward { type filter hook forward priority filter; policy accept; }`,
  `add chain ${TABLE} raw { type filter hook prerouting priority raw; policy accept; }`,
];

async function listing(): Promise<string> {
  const r = await runCommand('nft', ['-a', 'list', 'table', ...TABLE.split(' ')]);
  return r.code === 0 ? r.stdout : '';
}

async function apply(lines: string[]): Promise<void> {
  if (lines.length) await mustRun('nft', ['-f', '-'], lines.join('\n') + '\n');
}

async function ensureNetwork(net: BridgeNetwork): Promise<void> {
  const text = await listing();
  const lines: string[] = [];
  if (!text.includes('jump ports')) {
    lines.push(...BASE,
      `add rule ${TABLE} prerouting fib daddr type local jump ports comment "tsrun"`,
      `add rule ${TABLE} output fib daddr type local jump ports comment "tsrun"`);
  }
  const tag = netTag(net.bridge);
  const br = `"${net.bridge}"`;
  if (!text.includes(`comment "${tag}"`)) {
    lines.push(
      `add rule ${TABLE} postrouting ip saddr ${net.subnet} oifname != ${br} masquerade comment "${tag}"`,
      `add rule ${TABLE} postrouting oifname ${br} fib saddr type local masquerade comment "${tag}"`,
      `add rule ${TABLE} forward iifname ${br} accept comment "${tag}"`,
      `add rule ${TABLE} forward oifname ${br} ct state established,related accept comment "${tag}"`,
      `add rule ${TABLE} forward oifname ${br} ct status dnat accept comment "${tag}"`,
      `add rule ${TABLE} raw iifname ${br} ip daddr 127.0.0.0/8 drop comment "${tag}"`);
  }
  await apply(lines);
}

async function publish(id: string, ip: string, ports: PortMapping[]): Promise<void> {
  await apply(ports.map((p) => {
    const dest = p.hostIp && p.hostIp !== '0.0.0.0' ? `ip daddr ${p.hostIp} ` : '';
    return `add rule ${TABLE} ports ${dest}${p.protocol} dport ${p.hostPort} dnat to ${ip}:${p.containerPort} comment "${ctrTag(id)}"`;
  }));
}

async function remove(opts: { containers?: string[]; bridges?: string[] }): Promise<void> {
  const tags = [...(opts.containers ?? []).map(ctrTag), ...(opts.bridges ?? []).map(netTag)].map((t) => `comment "${t}"`);
  if (tags.length === 0) return;
  const deletions: string[] = [];
  let chain = '';
  for (const line of (await listing()).split('\n')) {
    const c = /^\s*chain (\S+) \{/.exec(line);
    if (c) chain = c[1];
    const handle = /# handle (\d+)$/.exec(line)?.[1];
    if (handle && tags.some((t) => line.includes(`${t} `))) deletions.push(`delete rule ${TABLE} ${chain} handle ${handle}`);
  }
  await apply(deletions);
}

export const nftables: Firewall = { name: 'nftables', program: 'nft', ensureNetwork, publish, remove };
