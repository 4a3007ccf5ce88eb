/** Isolation settings from tsrun's config file and the environment (container/isolation-settings.ts). */
import { daemonConfigFile, loadIsolationConfig, loadSubordinateRanges } from '../config/index.js';
import type { IsolationSettings } from '../container/isolation-settings.js';

export async function isolationSettings(env: NodeJS.ProcessEnv): Promise<IsolationSettings> {
  const config = await loadIsolationConfig(daemonConfigFile(env));
  const remapName = config.usernsRemap;
  const remap = remapName ? await loadSubordinateRanges(remapName, env) : undefined;
  return {
    cgroupParent: env.TSRUN_CGROUP_PARENT || config.cgroupParent || '/tsrun',
    ...(remap ? { remap, remapName } : {}),
    pool: remap ?? (await loadSubordinateRanges('default', env)),
    idmappedMounts: config.idmappedMounts,
  };
}
