/**
 * The host-wide lease table (/run/tsrun/net/leases.json): one entry per
 * network namespace tsrun made, with the address, veth and published ports
 * it holds. Every change happens under one flock, so concurrent `run`s get
 * distinct addresses and ports, and a lease is written BEFORE the resources it
 * names exist: a crash at any point leaves an entry the next sweep undoes.
 */
import { promises as fs } from 'node:fs';
import { writeJsonAtomic } from '../core/atomic.js';
import { TsrunError } from '../core/errors.js';
import { FileLock, type Flock } from '../core/lock.js';
import { formatIPv4, isHostAddress, parseCidr, parseIPv4 } from './cidr.js';
import { holderAlive, type Holder } from './holder.js';
import { LEASES_FILE, LEASES_LOCK, NET_RUN_DIR } from './host-paths.js';
import type { PortMapping } from './port-spec.js';

export interface Lease {
  /** The container (or build step) id. */
  id: string;
  /** Names other members of a user network find it by (container name, hostname, short id). */
  names: string[];
  network: string;
  networkId: string;
  /** Absent for --network none (loopback only). */
  bridge?: string;
  subnet?: string;
  ip?: string;
  gateway?: string;
  mac?: string;
  netns: string;
  veth?: string;
  ports: PortMapping[];
  /** The container's /etc/hosts on the host, rewritten when peers come and go (user networks). */
  hostsFile?: string;
  /** Its own line in /etc/hosts. */
  selfNames?: string[];
  holder: Holder;
  created: string;
  /** The backend that holds its rules. */
  firewall?: 'iptables' | 'nftables';
}

export type Umount = (target: string, flags: number) => void;

export class LeaseTable {
  private readonly lock: FileLock;

  /** `umount`: sys.umount, to drop a namespace without an `ip` process (else `ip netns del`). */
  constructor(flock: Flock, readonly umount?: Umount) {
    this.lock = new FileLock(LEASES_LOCK, flock);
  }

  /** Runs fn with the table under the host-wide lock; what fn leaves in `leases` is saved. */
  async with<T>(fn: (leases: Lease[]) => Promise<T>): Promise<T> {
    await fs.mkdir(NET_RUN_DIR, { recursive: true, mode: 0o700 });
    return this.lock.with('exclusive', async () => {
      const leases = await readLeases();
      const before = JSON.stringify(leases);
      try {
        return await fn(leases);
      } finally {
        if (JSON.stringify(leases) !== before) await writeJsonAtomic(LEASES_FILE, leases, 'rebuilt');
      }
    });
  }

  /** A snapshot without the lock (ps, port, inspect): the file is replaced atomically. */
  async read(): Promise<Lease[]> {
    return readLeases();
  }
}

/**
 * The table is written without fsync: everything a lease names (namespaces, veths, rules, the
 * holders) ends with the boot, and within one boot a rename shows the old table or the new one.
 * So a file that does not parse can only be what a power loss left of a past boot: it names nothing.
 */
async function readLeases(): Promise<Lease[]> {
  const text = await fs.readFile(LEASES_FILE, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '[]';
    throw err;
  });
  try {
    const leases = JSON.parse(text) as unknown;
    return Array.isArray(leases) ? (leases as Lease[]) : [];
  } catch {
    return [];
  }
}

export function isStale(lease: Lease): boolean {
  return !holderAlive(lease.holder);
}

/** The requested address if free, else the next free one after the gateway (Docker allocates in order too). */
export function allocateAddress(leases: Lease[], subnet: string, gateway: string, requested?: string): string {
  const cidr = parseCidr(subnet);
  const used = new Set(leases.filter((l) => l.subnet === subnet && l.ip).map((l) => l.ip));
  used.add(gateway);
  if (requested) {
    if (!isHostAddress(cidr, parseIPv4(requested))) {
      throw new TsrunError('INVALID_ARGUMENT', `Address ${requested} does not belong to the subnet ${subnet} of the network`);
    }
    if (used.has(requested)) throw new TsrunError('CONFLICT', `Address already in use: ${requested}`);
    return requested;
  }
  const first = cidr.base + 1;
  const count = 2 ** (32 - cidr.prefix) - 2;
  for (let i = 0; i < count; i++) {
    const ip = formatIPv4(first + i);
    if (!used.has(ip)) return ip;
  }
  throw new TsrunError('UNAVAILABLE', `no available IPv4 addresses on network ${subnet}`);
}
