/** `tsrun doctor`: every check, in the order a broken host would fail them. */
import { cgroupParentDirs, readCgroupLayout } from '../../runtime/index.js';
import type { ContainerDeps } from '../deps.js';
import { DEFAULT_ISOLATION_SETTINGS } from '../isolation-settings.js';
import { cgroupChecks } from './cgroup-checks.js';
import type { Check } from './check.js';
import { firewallCheck, kernelCheck, namespaceChecks, overlayCheck, seccompCheck } from './kernel-checks.js';
import { storeChecks } from './store-checks.js';

export type { Check } from './check.js';

export async function runDoctor(deps: ContainerDeps): Promise<Check[]> {
  const layout = await readCgroupLayout();
  const settings = deps.isolationSettings ? await deps.isolationSettings() : DEFAULT_ISOLATION_SETTINGS;
  const parents = cgroupParentDirs(layout, settings.cgroupParent);
  return [
    kernelCheck(),
    await overlayCheck(),
    ...(await namespaceChecks()),
    ...(await cgroupChecks(layout)),
    await seccompCheck(deps.sys),
    await firewallCheck(),
    ...(await storeChecks(deps, parents)),
  ];
}
