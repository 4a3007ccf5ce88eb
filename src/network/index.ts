export { attach, adopt, detach, sweep, type AttachRequest, type Attachment } from './attach.js';
export { parseCidr, formatCidr, isIPv4 } from './cidr.js';
export { DEFAULT_NETWORK_CONFIG, DEFAULT_BRIDGE, type NetworkConfig, type AddressPool } from './config.js';
export { removeEverywhere, type FirewallName } from './firewall.js';
export { hostsFile } from './hosts-file.js';
export { netnsPath, vethName } from './host-paths.js';
export { LeaseTable, isStale, type Lease } from './leases.js';
export { ensureBridge, removeBridge } from './links.js';
export { NetworkStore, defaultBridge, isBridge, type NetworkDef } from './network-store.js';
export {
  parsePublish, parseExpose, toPortBindings, requestedPorts, portsColumn, portLines,
  type PortBindings, type PortMapping, type PortRequest, type Protocol,
} from './port-spec.js';
export { readContainerResolvConf, readHostResolvConf, containerResolvConf } from './resolv-conf.js';
