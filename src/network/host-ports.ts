/**
 * Published host ports are reserved with real sockets, bound here and then
 * kept open by the container's monitor for the container's life (Docker
 * reserves them the same way). The kernel then refuses the port to anyone
 * else, tsrun containers of any store included, and frees it by itself when
 * the monitor goes. No packet reaches these sockets: the DNAT rules take the
 * traffic to the container before local delivery.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { TsrunError } from '../core/errors.js';
import type { PortMapping, PortRequest } from './port-spec.js';

export interface HeldPort {
  mapping: PortMapping;
  /** The socket's fd, to hand to the monitor; -1 when Node keeps it out of reach. */
  fd: number;
  close(): void;
}

function listenTcp(host: string, port: number): Promise<{ port: number; fd: number; close(): void }> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host, port, backlog: 1 }, () => {
      const handle = (server as unknown as { _handle?: { fd?: number } })._handle;
      resolve({ port: (server.address() as net.AddressInfo).port, fd: handle?.fd ?? -1, close: () => server.close() });
    });
  });
}

function bindUdp(host: string, port: number): Promise<{ port: number; fd: number; close(): void }> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind({ address: host, port }, () => {
      // dgram has no public fd; its state sits under a private symbol
      const state = Object.getOwnPropertySymbols(socket).map((s) => (socket as unknown as Record<symbol, { handle?: { fd?: number } }>)[s])
        .find((v) => v && typeof v === 'object' && 'handle' in v);
      resolve({ port: socket.address().port, fd: state?.handle?.fd ?? -1, close: () => socket.close() });
    });
  });
}

export function describeEndpoint(m: PortRequest): string {
  return `${m.hostIp || '0.0.0.0'}:${m.hostPort}`;
}

/**
 * Binds every requested port (0: the kernel picks one). `takenBy` says whether
 * another tsrun container publishes it, for Docker's two wordings.
 */
export async function reservePorts(requests: PortRequest[], endpoint: string, takenBy: (r: PortRequest) => boolean): Promise<HeldPort[]> {
  const held: HeldPort[] = [];
  try {
    for (const r of requests) {
      const host = r.hostIp || '0.0.0.0';
      try {
        const s = await (r.protocol === 'udp' ? bindUdp(host, r.hostPort) : listenTcp(host, r.hostPort));
        held.push({ mapping: { ...r, hostPort: s.port }, fd: s.fd, close: s.close });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const what = `driver failed programming external connectivity on endpoint ${endpoint}`;
        if (code === 'EADDRINUSE' && takenBy(r)) {
          throw new TsrunError('CONFLICT', `${what}: Bind for ${describeEndpoint(r)} failed: port is already allocated`, { cause: err });
        }
        const reason = code === 'EADDRINUSE' ? 'address already in use' : code === 'EADDRNOTAVAIL' ? 'cannot assign requested address' : (err as Error).message;
        throw new TsrunError('CONFLICT', `${what}: Error starting userland proxy: listen ${r.protocol}4 ${describeEndpoint(r)}: bind: ${reason}`, { cause: err });
      }
    }
    return held;
  } catch (err) {
    held.forEach((h) => h.close());
    throw err;
  }
}
