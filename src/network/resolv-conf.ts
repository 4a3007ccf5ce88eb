/**
 * /etc/resolv.conf for a container with its own network namespace: the
 * host's, without loopback nameservers (127.0.0.53 of systemd-resolved is not
 * reachable from inside). Like Docker: systemd-resolved's upstream list
 * replaces its stub, and Google's public servers are the last resort.
 */
import { promises as fs } from 'node:fs';

export const FALLBACK_NAMESERVERS = ['8.8.8.8', '8.8.4.4'];
const RESOLVED_UPSTREAM = '/run/systemd/resolve/resolv.conf';

function isLoopback(ns: string): boolean {
  return ns.startsWith('127.') || ns === '::1';
}

function nameservers(text: string): string[] {
  return text.split('\n').map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1]).filter((x): x is string => !!x);
}

/** Pure: the host's file (and systemd-resolved's upstream file, when the host uses its stub) -> the container's. */
export function containerResolvConf(host: string, resolvedUpstream?: string): string {
  const others = host.split('\n').filter((l) => l.trim() && !/^\s*nameserver\s/.test(l));
  let servers = nameservers(host).filter((ns) => !isLoopback(ns));
  if (servers.length === 0 && resolvedUpstream) servers = nameservers(resolvedUpstream).filter((ns) => !isLoopback(ns));
  if (servers.length === 0) servers = FALLBACK_NAMESERVERS;
  return [...others, ...servers.map((ns) => `nameserver ${ns}`), ''].join('\n');
}

export async function readContainerResolvConf(hostFile = '/etc/resolv.conf'): Promise<string> {
  const host = await fs.readFile(hostFile, 'utf8').catch(() => '');
  const upstream = await fs.readFile(RESOLVED_UPSTREAM, 'utf8').catch(() => undefined);
  return containerResolvConf(host, upstream);
}

/** With the host's network the host's own file works as it is (its stub resolver is reachable). */
export async function readHostResolvConf(hostFile = '/etc/resolv.conf'): Promise<string> {
  return fs.readFile(hostFile, 'utf8').catch(() => '');
}
