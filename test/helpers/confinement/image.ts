/**
 * A busybox image with the static confinement probe (probe.c) at /bin/probe,
 * and the runc/crun bundle of the same rootfs for differential checks.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { busyboxRootfsTar, tsrun } from '../tsrun.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Extracted busybox rootfs + /bin/probe, in a temp dir removed at teardown. */
export function probeRootfs(t: Test): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsrun-probe-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const rootfs = path.join(dir, 'rootfs');
  execFileSync('mkdir', ['-p', rootfs]);
  execFileSync('tar', ['-C', rootfs, '-xf', busyboxRootfsTar()]);
  execFileSync('gcc', ['-static', '-O2', '-o', path.join(rootfs, 'bin/probe'), path.join(here, 'probe.c')]);
  return rootfs;
}

export function importProbeImage(t: Test, root: string, rootfs: string, name = 'probe'): void {
  const tar = path.join(path.dirname(rootfs), 'probe.tar');
  execFileSync('tar', ['--numeric-owner', '-C', rootfs, '-cf', tar, '.']);
  const r = tsrun(root, ['import', tar, name]);
  t.equal(r.code, 0, `import ${name}: ${r.stderr}`);
}

/** "name: RESULT" lines -> a map. */
export function probeResults(stdout: string): Record<string, string> {
  return Object.fromEntries(stdout.trim().split('\n').filter((l) => l.includes(': ')).map((l) => l.split(': ') as [string, string]));
}

/**
 * A loop device over a small file: a block device the host can read (this
 * VM's own disk is not readable even by root) and that is in no container's
 * default allow-list. Detached at teardown.
 */
export function loopDevice(t: Test): { path: string; major: number; minor: number } {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tsrun-loop-')), 'disk.img');
  execFileSync('sh', ['-c', `yes tsrun | head -c 1048576 > ${file}`]);
  const dev = execFileSync('losetup', ['-f', '--show', file], { encoding: 'utf8' }).trim();
  t.teardown(() => {
    execFileSync('losetup', ['-d', dev]);
    rmSync(path.dirname(file), { recursive: true, force: true });
  });
  const [major, minor] = execFileSync('stat', ['-c', '%t %T', dev], { encoding: 'utf8' }).trim().split(' ').map((h) => parseInt(h, 16));
  return { path: dev, major, minor };
}
