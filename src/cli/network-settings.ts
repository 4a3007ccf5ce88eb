/** The network keys of tsrun's settings file ("bip", "default-address-pools"), defaults for what it lacks. */
import { loadDaemonConfig } from '../config/daemon-config.js';
import { daemonConfigFile } from '../config/locations.js';
import { DEFAULT_NETWORK_CONFIG, type NetworkConfig } from '../network/index.js';

export async function networkConfigFrom(env: NodeJS.ProcessEnv): Promise<NetworkConfig> {
  const config = await loadDaemonConfig(daemonConfigFile(env));
  return {
    bip: config.bip ?? DEFAULT_NETWORK_CONFIG.bip,
    defaultAddressPools: config.defaultAddressPools ?? DEFAULT_NETWORK_CONFIG.defaultAddressPools,
    ...(config.firewallBackend ? { firewallBackend: config.firewallBackend } : {}),
  };
}
