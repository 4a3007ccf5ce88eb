/** Registry settings from tsrun's config file, certs.d and Docker's client config (the files the issue names). */
import {
  certsDir, ClientConfig, clientConfigDir, daemonConfigFile, loadDaemonConfig, loadHostCerts,
} from '../config/index.js';
import type { RegistrySettings } from '../image/index.js';

export async function registrySettings(configDir?: string): Promise<RegistrySettings> {
  const daemon = await loadDaemonConfig(daemonConfigFile(process.env));
  const certs = certsDir(process.env);
  const client = new ClientConfig(clientConfigDir(process.env, configDir));
  return {
    mirrors: daemon.registryMirrors,
    insecure: daemon.insecureRegistries,
    tlsFor: (host) => loadHostCerts(certs, host),
    credentials: (key) => client.get(key),
    ...(daemon.maxConcurrentDownloads ? { maxConcurrentDownloads: daemon.maxConcurrentDownloads } : {}),
    ...(daemon.maxConcurrentUploads ? { maxConcurrentUploads: daemon.maxConcurrentUploads } : {}),
  };
}

export function clientConfig(configDir?: string): ClientConfig {
  return new ClientConfig(clientConfigDir(process.env, configDir));
}
