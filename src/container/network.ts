/**
 * A container's networking, between its record and src/network: the flags
 * checked and recorded at create (Docker's HostConfig.NetworkMode and
 * PortBindings), the namespace prepared at every start, released at stop/rm.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { TsrunError } from '../core/errors.js';
import {
  adopt, attach, DEFAULT_NETWORK_CONFIG, detach, hostsFile, isBridge, isIPv4, isStale, LeaseTable, NetworkStore,
  parseExpose, parsePublish, readContainerResolvConf, readHostResolvConf, requestedPorts, toPortBindings,
  type Lease, type NetworkConfig, type PortBindings, type PortMapping,
} from '../network/index.js';
import type { ContainerDeps } from './deps.js';
import { currentState } from './liveness.js';
import type { ContainerRecord } from './store.js';

export interface NetworkOptions {
  /** --network: bridge (default), host, none, container:NAME, or a user network. */
  network?: string;
  publish: string[];
  publishAll: boolean;
  expose: string[];
  ip?: string;
  hostname?: string;
}

export interface NetworkFields {
  NetworkMode: string;
  PortBindings: PortBindings;
  PublishAllPorts: boolean;
  ExposedPorts: Record<string, object>;
  IPv4Address?: string;
  /** Set when the mode decides the hostname (host: the host's, container: the other's). */
  Hostname?: string;
}

export function networkConfig(deps: ContainerDeps): Promise<NetworkConfig> {
  return deps.networkConfig ? deps.networkConfig() : Promise.resolve(DEFAULT_NETWORK_CONFIG);
}

export async function networkStore(deps: ContainerDeps): Promise<NetworkStore> {
  return new NetworkStore(deps.paths.networksDir, deps.lock, await networkConfig(deps));
}

export const leaseTable = (deps: ContainerDeps) => new LeaseTable(deps.sys.flock, deps.sys.umount);

const conflict = (what: string) => new TsrunError('INVALID_ARGUMENT', `conflicting options: ${what}`);

/** create: the flags -> what the record keeps (names resolved, conflicts refused with Docker's words). */
export async function networkFields(deps: ContainerDeps, opts: NetworkOptions, imageExposed: Record<string, object> = {}): Promise<NetworkFields> {
  const requests = opts.publish.flatMap(parsePublish);
  const exposed: Record<string, object> = { ...imageExposed };
  for (const e of opts.expose.flatMap(parseExpose)) exposed[e] = {};
  for (const r of requests) exposed[`${r.containerPort}/${r.protocol}`] = {};
  const fields: NetworkFields = { NetworkMode: 'bridge', PortBindings: toPortBindings(requests), PublishAllPorts: opts.publishAll, ExposedPorts: exposed };
  const mode = opts.network && opts.network !== 'default' ? opts.network : 'bridge';
  if (opts.ip !== undefined && !isIPv4(opts.ip)) throw new TsrunError('INVALID_ARGUMENT', `invalid IPv4 address: ${opts.ip}`);
  if (mode.startsWith('container:')) {
    if (requests.length || opts.publishAll) throw conflict('port publishing and the container type network mode');
    if (opts.hostname) throw conflict('hostname and the network mode');
    const target = await deps.containers.require(mode.slice('container:'.length));
    return { ...fields, NetworkMode: `container:${target.Id}`, PortBindings: {}, Hostname: target.Config.Hostname };
  }
  const def = await (await networkStore(deps)).require(mode);
  if (opts.ip !== undefined && (!isBridge(def) || def.Name === 'bridge')) {
    throw new TsrunError('INVALID_ARGUMENT', 'user specified IP address is supported on user defined networks only');
  }
  fields.NetworkMode = def.Name;
  if (opts.ip !== undefined) fields.IPv4Address = opts.ip;
  if (def.Driver === 'host') return { ...fields, PortBindings: {}, PublishAllPorts: false, Hostname: opts.hostname ?? os.hostname() }; // Docker discards ports there
  if (def.Driver === 'null' && (requests.length || opts.publishAll)) throw conflict('port publishing and the none network mode');
  return fields;
}

/** What a start needs from the network: where the child is born, and the contents of its /etc files. */
export interface LaunchNetwork {
  /** A namespace to join; undefined with hostNetwork, or for a new one of the container's own (--network none). */
  netnsPath?: string;
  hostNetwork: boolean;
  /** /etc/hosts contents; undefined when the network layer wrote the file (it keeps it current). */
  hosts?: string;
  resolvConf: string;
  /** Port reservations the monitor must hold. */
  heldFds: number[];
  /** The monitor now keeps the network; tsrun's copies of the sockets close. */
  started(monitorPid: number): Promise<void>;
  /** Start failed: undo. */
  abort(): Promise<void>;
}

const shortId = (id: string) => id.slice(0, 12);

async function joinContainer(deps: ContainerDeps, record: ContainerRecord, targetId: string): Promise<LaunchNetwork> {
  const target = await deps.containers.require(targetId);
  const state = await currentState(deps.containers, target.Id);
  if (!state.Running) {
    throw new TsrunError('FAILED_PRECONDITION', `cannot join network namespace of a non running container: container ${target.Id} is ${state.Status}`);
  }
  const file = (name: string) => fs.readFile(deps.paths.containerFile(target.Id, name), 'utf8').catch(() => '');
  const lease = (await leaseTable(deps).read()).find((l) => l.id === target.Id);
  const hostNetwork = target.HostConfig.NetworkMode === 'host';
  return {
    // a target started without a prepared namespace still has one: its process's
    netnsPath: hostNetwork ? undefined : lease?.netns ?? `/proc/${state.Pid}/ns/net`,
    hostNetwork, hosts: await file('hosts'), resolvConf: await file('resolv.conf'), heldFds: [],
    started: async () => undefined, abort: async () => undefined,
  };
}

/** start: prepares the namespace (bridge, user network, none) or finds the one to share (host, container:). */
export async function prepareNetwork(deps: ContainerDeps, record: ContainerRecord): Promise<LaunchNetwork> {
  const mode = record.HostConfig.NetworkMode ?? 'none'; // records from before networking had loopback only
  if (mode.startsWith('container:')) return joinContainer(deps, record, mode.slice('container:'.length));
  const def = await (await networkStore(deps)).find(mode);
  if (!def) throw new TsrunError('NOT_FOUND', `network ${mode} not found`);
  if (def.Driver === 'host') {
    return { hostNetwork: true, hosts: await fs.readFile('/etc/hosts', 'utf8').catch(() => ''), resolvConf: await readHostResolvConf(), heldFds: [], started: async () => undefined, abort: async () => undefined };
  }
  const hostname = record.Config.Hostname;
  if (def.Driver === 'null' && !record.HostConfig.Runtime) {
    // loopback only: the container's own new namespace, made by its clone (lo brought up there), so no
    // `ip` process, lease or file in /run/netns; it goes with the container, and `container:` joins it by pid.
    // (Another OCI runtime, --runtime, gets the prepared namespace: whether it brings lo up is its own choice.)
    return { hostNetwork: false, hosts: hostsFile(undefined) + `127.0.1.1\t${hostname}\n`, resolvConf: await readContainerResolvConf(), heldFds: [], started: async () => undefined, abort: async () => undefined };
  }
  const table = leaseTable(deps);
  const attachment = await attach(table, {
    firewall: (await networkConfig(deps)).firewallBackend,
    id: record.Id,
    network: def,
    ip: record.NetworkingConfig?.IPv4Address,
    ports: requestedPorts(record.HostConfig.PortBindings ?? {}, Object.keys(record.Config.ExposedPorts ?? {}), record.HostConfig.PublishAllPorts === true),
    selfNames: [hostname, record.Name],
    names: [record.Name, shortId(record.Id), hostname],
    hostsFile: isBridge(def) ? deps.paths.containerFile(record.Id, 'hosts') : undefined,
    endpoint: `${record.Name} (${record.Id})`,
  });
  return {
    netnsPath: attachment.netnsPath,
    hostNetwork: false,
    hosts: isBridge(def) ? undefined : hostsFile(undefined) + `127.0.1.1\t${hostname}\n`,
    resolvConf: await readContainerResolvConf(),
    heldFds: attachment.held.map((h) => h.fd).filter((fd) => fd >= 0),
    started: async (monitorPid) => {
      try {
        await adopt(table, record.Id, monitorPid);
      } finally {
        attachment.close();
      }
    },
    abort: async () => {
      attachment.close();
      await detach(table, record.Id);
    },
  };
}

/** stop, rm, the monitor's exit command (heldBy: its pid): the address, ports, veth and namespace go. */
export async function releaseNetwork(deps: ContainerDeps, id: string, heldBy?: number): Promise<void> {
  await detach(leaseTable(deps), id, heldBy);
}

/** The container's live lease (its address and published ports), if it runs with one. */
export async function containerLease(deps: ContainerDeps, id: string, leases?: Lease[]): Promise<Lease | undefined> {
  return (leases ?? (await leaseTable(deps).read())).find((l) => l.id === id && !isStale(l));
}

export async function publishedPorts(deps: ContainerDeps, id: string, leases?: Lease[]): Promise<PortMapping[]> {
  return (await containerLease(deps, id, leases))?.ports ?? [];
}

/** `inspect`'s NetworkSettings: Docker's shape, from the live lease (empty once the container stopped). */
export async function networkSettings(deps: ContainerDeps, record: ContainerRecord): Promise<Record<string, unknown>> {
  const lease = await containerLease(deps, record.Id);
  const ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = {};
  for (const key of Object.keys(record.Config.ExposedPorts ?? {})) ports[key] = null;
  for (const m of lease?.ports ?? []) (ports[`${m.containerPort}/${m.protocol}`] ??= []).push({ HostIp: m.hostIp || '0.0.0.0', HostPort: String(m.hostPort) });
  const endpoint = {
    IPAddress: lease?.ip ?? '', IPPrefixLen: lease?.subnet ? Number(lease.subnet.split('/')[1]) : 0,
    Gateway: lease?.gateway ?? '', MacAddress: lease?.mac ?? '',
  };
  const mode = record.HostConfig.NetworkMode ?? 'none';
  const networks = mode.startsWith('container:') ? {} : {
    [mode]: { ...endpoint, NetworkID: lease?.networkId ?? '', EndpointID: lease ? lease.id : '', IPAMConfig: record.NetworkingConfig?.IPv4Address ? { IPv4Address: record.NetworkingConfig.IPv4Address } : null },
  };
  return { SandboxKey: lease?.netns ?? '', Ports: lease ? ports : {}, ...endpoint, Networks: networks };
}
