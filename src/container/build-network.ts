/**
 * `tsrun build --network bridge`: a RUN step on the default bridge, like a
 * container's but held by the building tsrun itself for the step's life (if
 * the build dies, the next tsrun command sweeps it). For the builder:
 *   const net = await attachStepNetwork(deps, id);
 *   spec.linux.namespaces = [...without network, { type: 'network', path: net.netnsPath }];
 *   write net.hosts and net.resolvConf as the step's /etc files; finally await net.release().
 */
import type { Sys } from '../sys/index.js';
import {
  attach, DEFAULT_NETWORK_CONFIG, defaultBridge, detach, hostsFile, LeaseTable, readContainerResolvConf, type NetworkConfig,
} from '../network/index.js';

export interface StepNetwork {
  /** The prepared namespace: the spec's network namespace path. */
  netnsPath: string;
  /** /etc/hosts and /etc/resolv.conf contents for the step. */
  hosts: string;
  resolvConf: string;
  /** Address, veth and namespace go (call once the step's process exited). */
  release(): Promise<void>;
}

export async function attachStepNetwork(deps: { sys: Sys; networkConfig?: () => Promise<NetworkConfig> }, id: string): Promise<StepNetwork> {
  const config = deps.networkConfig ? await deps.networkConfig() : DEFAULT_NETWORK_CONFIG;
  const table = new LeaseTable(deps.sys.flock, deps.sys.umount);
  const attached = await attach(table, { id, network: defaultBridge(config), ports: [], selfNames: [id], names: [id], endpoint: id, firewall: config.firewallBackend });
  attached.close();
  return {
    netnsPath: attached.netnsPath,
    hosts: hostsFile(attached.lease.ip ? { ip: attached.lease.ip, names: [id] } : undefined),
    resolvConf: await readContainerResolvConf(),
    release: () => detach(table, id),
  };
}
