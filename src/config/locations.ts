/** Where configuration lives; the environment is passed in (only the CLI reads process.env). */
import os from 'node:os';
import path from 'node:path';

export const DEFAULT_DAEMON_CONFIG = '/etc/tsrun/config.json';
export const DEFAULT_CERTS_DIR = '/etc/docker/certs.d';

/** tsrun's own settings (registry-mirrors, insecure-registries): $TSRUN_CONFIG or /etc/tsrun/config.json. */
export function daemonConfigFile(env: NodeJS.ProcessEnv): string {
  return env.TSRUN_CONFIG || DEFAULT_DAEMON_CONFIG;
}

/** Registry CA and client certificates per host: $TSRUN_CERTS_D or Docker's /etc/docker/certs.d. */
export function certsDir(env: NodeJS.ProcessEnv): string {
  return env.TSRUN_CERTS_D || DEFAULT_CERTS_DIR;
}

/** Docker's client config directory (credentials): --config, else $DOCKER_CONFIG, else ~/.docker. */
export function clientConfigDir(env: NodeJS.ProcessEnv, flag?: string): string {
  return flag || env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker');
}
