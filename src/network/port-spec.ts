/**
 * `-p`/`--publish` and `--expose` as Docker reads them (pure):
 *   -p 8080:80  -p 127.0.0.1:8080:80/udp  -p 127.0.0.1::80  -p 80  -p 8000-8001:80-81
 * and the texts `ps` (0.0.0.0:8080->80/tcp) and `port` (80/tcp -> 0.0.0.0:8080) show.
 */
import { TsrunError } from '../core/errors.js';
import { isIPv4 } from './cidr.js';

export type Protocol = 'tcp' | 'udp';

/** One requested mapping; hostPort 0 means "any free port". */
export interface PortRequest {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: Protocol;
}

/** Docker's HostConfig.PortBindings: "80/tcp" -> [{HostIp, HostPort}]. */
export type PortBindings = Record<string, Array<{ HostIp: string; HostPort: string }>>;

/** A mapping in force (host port chosen). */
export type PortMapping = PortRequest;

const invalid = (msg: string) => new TsrunError('INVALID_ARGUMENT', msg);

function portRange(text: string, what: string, spec: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || lo < 1 || hi > 65535 || hi < lo) throw invalid(`invalid ${what} port: ${text} (in "${spec}")`);
  return [lo, hi];
}

function splitProto(spec: string): [string, Protocol] {
  const slash = spec.lastIndexOf('/');
  if (slash < 0) return [spec, 'tcp'];
  const proto = spec.slice(slash + 1).toLowerCase();
  if (proto !== 'tcp' && proto !== 'udp') throw invalid(`invalid proto: ${proto}`);
  return [spec.slice(0, slash), proto];
}

export function parsePublish(spec: string): PortRequest[] {
  const [rest, protocol] = splitProto(spec);
  if (rest.startsWith('[')) throw invalid(`IPv6 host addresses are not supported: "${spec}"`);
  const parts = rest.split(':');
  if (parts.length > 3) throw invalid(`invalid publish spec: "${spec}"`);
  const containerText = parts[parts.length - 1];
  const hostText = parts.length >= 2 ? parts[parts.length - 2] : '';
  const hostIp = parts.length === 3 ? parts[0] : '';
  if (hostIp && !isIPv4(hostIp)) throw invalid(`invalid IP address: ${hostIp}`);
  const [cLo, cHi] = portRange(containerText, 'container', spec);
  const [hLo, hHi] = hostText ? portRange(hostText, 'host', spec) : [0, 0];
  const count = cHi - cLo + 1;
  if (hostText && hHi - hLo + 1 !== count && count !== 1) {
    throw invalid(`invalid ranges specified for container and host Ports: ${containerText} and ${hostText}`);
  }
  const out: PortRequest[] = [];
  for (let i = 0; i < count; i++) {
    out.push({ hostIp, hostPort: hostText ? hLo + i : 0, containerPort: cLo + i, protocol });
  }
  return out;
}

/** `--expose 80`, `--expose 7000-7001/udp`, and image ExposedPorts keys ("80/tcp"). */
export function parseExpose(spec: string): string[] {
  const [rest, protocol] = splitProto(spec);
  const [lo, hi] = portRange(rest, 'exposed', spec);
  return Array.from({ length: hi - lo + 1 }, (_, i) => `${lo + i}/${protocol}`);
}

export function toPortBindings(requests: PortRequest[]): PortBindings {
  const out: PortBindings = {};
  for (const r of requests) {
    const key = `${r.containerPort}/${r.protocol}`;
    (out[key] ??= []).push({ HostIp: r.hostIp, HostPort: r.hostPort ? String(r.hostPort) : '' });
  }
  return out;
}

/** What the container asks for: its bindings, plus every exposed port on a random host port with -P. */
export function requestedPorts(bindings: PortBindings, exposed: string[], publishAll: boolean): PortRequest[] {
  const out: PortRequest[] = [];
  for (const [key, list] of Object.entries(bindings)) {
    const [port, proto] = key.split('/');
    for (const b of list) out.push({ hostIp: b.HostIp, hostPort: Number(b.HostPort) || 0, containerPort: Number(port), protocol: proto as Protocol });
  }
  if (publishAll) {
    for (const key of exposed) {
      if (bindings[key]) continue;
      const [port, proto] = key.split('/');
      out.push({ hostIp: '', hostPort: 0, containerPort: Number(port), protocol: (proto ?? 'tcp') as Protocol });
    }
  }
  return out;
}

const hostOf = (m: PortMapping) => m.hostIp || '0.0.0.0';

/** The PORTS column of `ps`: "0.0.0.0:8080->80/tcp, 443/tcp". */
export function portsColumn(mappings: PortMapping[], exposed: string[]): string {
  const shown = mappings.map((m) => `${hostOf(m)}:${m.hostPort}->${m.containerPort}/${m.protocol}`);
  const published = new Set(mappings.map((m) => `${m.containerPort}/${m.protocol}`));
  const bare = exposed.filter((e) => !published.has(e));
  return [...shown, ...bare].join(', ');
}

/** `tsrun port`: "80/tcp -> 0.0.0.0:8080" per mapping, sorted by container port. */
export function portLines(mappings: PortMapping[]): string[] {
  return [...mappings]
    .sort((a, b) => a.containerPort - b.containerPort || a.protocol.localeCompare(b.protocol))
    .map((m) => `${m.containerPort}/${m.protocol} -> ${hostOf(m)}:${m.hostPort}`);
}
