/** `tsrun network create|ls|inspect|rm`: user-defined bridges, with the containers on them. */
import { TsrunError } from '../core/errors.js';
import { ensureBridge, isBridge, isStale, removeBridge, removeEverywhere, type NetworkDef } from '../network/index.js';
import type { ContainerDeps } from './deps.js';
import { leaseTable, networkStore } from './network.js';

export async function createNetwork(deps: ContainerDeps, name: string, opts: { subnet?: string; gateway?: string; labels?: Record<string, string> }): Promise<NetworkDef> {
  const store = await networkStore(deps);
  const def = await store.create(name, opts);
  try {
    // made now, as Docker does: its route then keeps other stores' networks off this subnet
    if (isBridge(def)) await ensureBridge({ bridge: def.Bridge, subnet: def.Subnet, gateway: def.Gateway });
  } catch (err) {
    await store.remove(def);
    throw err;
  }
  return def;
}

export async function listNetworks(deps: ContainerDeps): Promise<NetworkDef[]> {
  return (await networkStore(deps)).list();
}

/** Docker's shape, with the running containers attached to it. */
export async function inspectNetwork(deps: ContainerDeps, ref: string): Promise<Record<string, unknown>> {
  const def = await (await networkStore(deps)).require(ref);
  const leases = (await leaseTable(deps).read()).filter((l) => l.networkId === def.Id && !isStale(l));
  const records = await deps.containers.list();
  const containers: Record<string, unknown> = {};
  for (const l of leases) {
    const record = records.find((r) => r.Id === l.id);
    if (!record) continue;
    const prefix = l.subnet?.split('/')[1];
    containers[l.id] = { Name: record.Name, EndpointID: l.id, MacAddress: l.mac ?? '', IPv4Address: l.ip ? `${l.ip}/${prefix}` : '', IPv6Address: '' };
  }
  return {
    Name: def.Name, Id: def.Id, Created: def.Created, Scope: 'local', Driver: def.Driver, EnableIPv6: false,
    IPAM: { Driver: 'default', Options: {}, Config: def.Subnet ? [{ Subnet: def.Subnet, Gateway: def.Gateway }] : [] },
    Internal: false, Attachable: false, Ingress: false, ConfigOnly: false,
    Containers: containers,
    Options: def.Bridge ? { 'com.docker.network.bridge.name': def.Bridge } : {},
    Labels: def.Labels,
  };
}

export async function removeNetwork(deps: ContainerDeps, ref: string): Promise<NetworkDef> {
  const store = await networkStore(deps);
  const def = await store.require(ref);
  if (store.builtins().some((b) => b.Id === def.Id)) {
    throw new TsrunError('PERMISSION_DENIED', `${def.Name} is a pre-defined network and cannot be removed`);
  }
  const live = (await leaseTable(deps).read()).filter((l) => l.networkId === def.Id && !isStale(l));
  if (live.length > 0) {
    throw new TsrunError('FAILED_PRECONDITION', `error while removing network: network ${def.Name} id ${def.Id} has active endpoints`);
  }
  if (isBridge(def)) {
    await removeEverywhere({ bridges: [def.Bridge] });
    await removeBridge(def.Bridge);
  }
  await store.remove(def);
  return def;
}
