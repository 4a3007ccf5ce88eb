/**
 * Host-wide network state. Not in the store: the bridge, its subnet, the host
 * ports and the firewall belong to the host, and several stores (--root) may
 * share them. Under /run, so a reboot clears the leases together with every
 * namespace and veth they describe.
 */
export const NET_RUN_DIR = '/run/tsrun/net';
export const LEASES_FILE = `${NET_RUN_DIR}/leases.json`;
export const LEASES_LOCK = `${NET_RUN_DIR}/lock`;
/** `ip netns` keeps its namespaces here: /run/netns/tsrun-<id> is also visible to `ip netns ls`. */
export const NETNS_DIR = '/run/netns';

export function netnsName(id: string): string {
  return `tsrun-${id}`;
}

export function netnsPath(id: string): string {
  return `${NETNS_DIR}/${netnsName(id)}`;
}

/** The host end of a container's veth: 15 characters at most (IFNAMSIZ). */
export function vethName(id: string): string {
  return `tsr${id.slice(0, 12)}`;
}
