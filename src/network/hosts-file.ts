/** /etc/hosts of a container on a bridge: Docker's header, itself, then its peers on a user network (pure). */

export interface HostEntry {
  ip: string;
  names: string[];
}

const HEADER = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

/** `self` names the container (hostname, name, short id); peers are the other members of its user network. */
export function hostsFile(self: HostEntry | undefined, peers: HostEntry[] = []): string {
  const line = (e: HostEntry) => `${e.ip}\t${[...new Set(e.names.filter(Boolean))].join(' ')}`;
  return [...HEADER, ...(self ? [line(self)] : []), ...peers.map(line), ''].join('\n');
}
