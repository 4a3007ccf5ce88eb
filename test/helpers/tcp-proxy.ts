/**
 * A TCP proxy on 127.0.0.1 in front of a registry, to break things on cue:
 * `onBytes` sees the bytes sent back to the client so far (per connection
 * and in total) and may cut the connection or stop the registry. Optionally
 * throttled so a test can act in the middle of a transfer.
 */
import net from 'node:net';
import type { Test } from 'tap';

export interface ProxyControl {
  /** Destroys this connection now (client and upstream). */
  cut(): void;
}

export interface ProxyOptions {
  /** Pause after each chunk this long (ms): slows transfers so a test can act mid-way. */
  delayMs?: number;
  onBytes?: (connectionBytes: number, totalBytes: number, control: ProxyControl) => void;
}

export interface TcpProxy {
  host: string;
  port: number;
  connections: number;
  /** Bytes sent back to clients so far. */
  bytes: number;
  /** What clients sent (requests, as text), in order. */
  sent: string[];
}

export async function startProxy(t: Test, upstreamPort: number, opts: ProxyOptions = {}): Promise<TcpProxy> {
  let total = 0;
  const sockets = new Set<net.Socket>();
  const state: TcpProxy = { host: '', port: 0, connections: 0, bytes: 0, sent: [] };
  const server = net.createServer((client) => {
    state.connections++;
    sockets.add(client);
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    sockets.add(upstream);
    let bytes = 0;
    const cut = () => { client.destroy(); upstream.destroy(); };
    client.on('error', cut);
    upstream.on('error', cut);
    client.on('close', () => { upstream.destroy(); sockets.delete(client); });
    upstream.on('close', () => { client.destroy(); sockets.delete(upstream); });
    client.on('data', (chunk: Buffer) => { state.sent.push(chunk.toString('latin1')); });
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      total += chunk.length;
      state.bytes = total;
      if (!client.destroyed) client.write(chunk);
      opts.onBytes?.(bytes, total, { cut });
      if (opts.delayMs && !upstream.destroyed) {
        upstream.pause();
        setTimeout(() => upstream.resume(), opts.delayMs);
      }
    });
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  }));
  state.port = (server.address() as net.AddressInfo).port;
  state.host = `127.0.0.1:${state.port}`;
  return state;
}
