/**
 * Debian's containerd started for one test file: private socket, root and
 * state under a temp dir, no CRI plugin. `ctr` talks to it; tsrun-oci is
 * handed over with --runc-binary, its state under --runc-root.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';
import type { Result } from './tsrun.js';
import { poll } from './poll.js';

export interface Containerd {
  dir: string;
  socket: string;
  /** --runc-root for ctr: tsrun-oci's --root is this plus the namespace. */
  runcRoot: string;
  fifoDir: string;
  ctr(args: string[], opts?: { timeout?: number; tty?: boolean }): Result;
}

export const hasContainerd = () => spawnSync('containerd', ['--version']).status === 0 && spawnSync('ctr', ['--version']).status === 0;

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((m) => m?.startsWith(dir + '/'));
}

export async function startContainerd(t: Test): Promise<Containerd> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsrun-containerd-'));
  const socket = path.join(dir, 'containerd.sock');
  writeFileSync(path.join(dir, 'config.toml'), [
    'version = 2',
    `root = "${dir}/root"`,
    `state = "${dir}/state"`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]',
    `  address = "${socket}"`,
    '[ttrpc]',
    `  address = "${socket}.ttrpc"`,
  ].join('\n') + '\n');
  const daemon: ChildProcess = spawn('containerd', ['--config', path.join(dir, 'config.toml')], { stdio: ['ignore', 'ignore', 'ignore'] });
  const ctr = (args: string[], opts: { timeout?: number; tty?: boolean } = {}): Result => {
    const argv = ['-a', socket, ...args];
    // ctr -t needs a terminal on its stdin: script(1) gives it one
    const r = opts.tty
      ? spawnSync('script', ['-qec', ['ctr', ...argv].map((a) => `'${a}'`).join(' '), '/dev/null'], { encoding: 'utf8', timeout: opts.timeout ?? 60_000 })
      : spawnSync('ctr', argv, { encoding: 'utf8', timeout: opts.timeout ?? 60_000 });
    return { code: r.status ?? 128, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  t.teardown(async () => {
    daemon.kill('SIGTERM');
    await new Promise((r) => (daemon.exitCode !== null ? r(undefined) : daemon.once('exit', r)));
    for (const m of mountsUnder(dir).reverse()) spawnSync('umount', ['-l', m]);
    rmSync(dir, { recursive: true, force: true });
  });
  const up = await poll(() => existsSync(socket) && ctr(['version']).code === 0, 20_000, 100);
  if (!up) throw new Error('containerd did not start');
  return { dir, socket, runcRoot: path.join(dir, 'runc'), fifoDir: path.join(dir, 'fifo'), ctr };
}
