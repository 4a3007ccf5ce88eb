/**
 * Tests put container cgroups under this test process's own cgroup (a
 * relative --cgroup-parent), never at the root of a hierarchy; each test
 * file gets its own parent, removed at the end.
 */
import { rmdirSync } from 'node:fs';
import { cgroupParentDirs, readCgroupLayout } from '../../src/runtime/cgroups/index.js';

export const TEST_CGROUP_PARENT = `tsrun-test-${process.pid}`;

/** Every container started through the helpers inherits it. */
export function useTestCgroupParent(): void {
  process.env.TSRUN_CGROUP_PARENT ??= TEST_CGROUP_PARENT;
}

/** The parent's dir in each hierarchy (for tests that look inside). */
export async function testCgroupDirs(): Promise<string[]> {
  return cgroupParentDirs(await readCgroupLayout(), TEST_CGROUP_PARENT);
}

/** rmdir of the (by then empty) parent dirs. */
export async function removeTestCgroupParent(): Promise<void> {
  for (const dir of await testCgroupDirs()) {
    try { rmdirSync(dir); } catch { /* never made, or a container still runs: not this helper's to force */ }
  }
}
