import { spawnSync, spawn, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { removeTestCgroupParent, useTestCgroupParent } from './cgroups.js';

useTestCgroupParent(); // container cgroups go under this test's own cgroup

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cliPath = path.join(repoRoot, 'dist/tsrun.cjs');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** A private store for one test file, removed at the end. */
export function tmpStore(t: Test): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tsrun-test-'));
  t.teardown(async () => {
    rmSync(root, { recursive: true, force: true });
    await removeTestCgroupParent();
  });
  return root;
}

/** Runs the built CLI against a store, like a user would. */
export function tsrun(root: string, args: string[], opts: { input?: string | Buffer; env?: Record<string, string>; timeout?: number } = {}): Result {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [cliPath, ...args], {
    input: opts.input,
    env: { ...process.env, TSRUN_ROOT: root, ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeout ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? 128 + (r.signal ? os.constants.signals[r.signal] : 0), stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI without waiting (signals, terminals). */
export function tsrunAsync(root: string, args: string[]) {
  return spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, TSRUN_ROOT: root }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A busybox rootfs tar built once per run from the host's busybox-static. */
export function busyboxRootfsTar(): string {
  const dir = path.join(os.tmpdir(), 'tsrun-fixtures');
  const file = path.join(dir, `busybox-rootfs-${process.pid}.tar`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const r = spawnSync(path.join(repoRoot, 'scripts/busybox-rootfs.sh'), [file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`busybox-rootfs.sh failed: ${r.stderr}`);
  }
  return file;
}

/** Imports the busybox fixture as `name` into the store. */
export function importBusybox(t: Test, root: string, name = 'busybox'): void {
  const r = tsrun(root, ['import', busyboxRootfsTar(), name]);
  t.equal(r.code, 0, `import busybox: ${r.stderr}`);
}
