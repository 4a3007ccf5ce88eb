import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requires, requiresRoot } from '../helpers/requires.js';
import { repoRoot } from '../helpers/tsrun.js';

/**
 * The VM runner itself (vm/qemu.sh, what `npm run test:vm` runs): it boots the
 * Debian guest, runs part of the integration suite in it as root, and must hand
 * back the suite's output and exit code. The first run builds the guest image
 * (minutes, then cached); each boot runs provisioning and the test command.
 * Where /dev/kvm only serves PVM guests (some cloud VMs), the runner emulates
 * with TCG and says so: slower, same result.
 */

/** A test file that always fails (outside test/unit and test/integration, so only this test runs it). */
const FAILING_FILE = 'test/fixtures/vm-failing.ts';

interface VmRun { code: number | null; output: string; seconds: number }

/** Runs vm/qemu.sh, echoing its console to stderr (prefixed, so no line reads as this file's TAP). */
function runVm(args: string[]): Promise<VmRun> {
  const start = Date.now();
  // test/run.sh has just built dist/ and build/: the runner need not build again.
  const child = spawn('bash', [path.join(repoRoot, 'vm/qemu.sh'), ...args], {
    env: { ...process.env, TSRUN_TEST_PREBUILT: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let echoed = 0;
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    const end = output.lastIndexOf('\n') + 1; // whole lines only
    if (end > echoed) process.stderr.write(output.slice(echoed, end).replace(/^/gm, 'vm| ').slice(0, -4));
    echoed = Math.max(echoed, end);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output, seconds: Math.round((Date.now() - start) / 1000) })));
}

if (requiresRoot(t) && requires(t, existsSync('/dev/kvm'), 'the VM runner test needs /dev/kvm (apt-get install qemu-system-x86, and KVM enabled)')) {
  // Image build (first run) plus a boot, emulated at worst.
  t.setTimeout(30 * 60_000);

  // One boot (minutes when emulated) checks both directions: a subset of the
  // integration suite passes in the guest, and a file that fails makes the
  // runner fail with the suite's exit code.
  t.test('the guest runs part of the integration suite as root and hands back its results', async (t) => {
    const subset = 'output and exit code|the command is PID 1';
    // tap's own per-file limit (300 s) is too short for an emulated guest.
    const r = await runVm(['--timeout=1800', `--grep=${subset}`, '--filter-quietly', 'test/integration/run.test.ts', FAILING_FILE]);
    t.comment(`vm/qemu.sh took ${r.seconds}s`);
    const guest = /guest-test: npm test -- .* \(as root on (\S+)\)/.exec(r.output);
    t.ok(guest, 'the test command ran in the guest, as root');
    t.not(guest?.[1], os.release(), 'under the guest kernel, not the host one');
    t.match(r.output, /^provision: ok/m, 'vm/provision.sh ran in the guest');
    t.match(r.output, /^ok \d+ - test\/integration\/run\.test\.ts/m, 'the integration test file passed');
    t.match(r.output, /^\s+ok \d+ - output and exit code of the container/m);
    t.match(r.output, /^\s+ok \d+ - the command is PID 1 and the host is invisible/m);
    t.match(r.output, /^not ok \d+ - test\/fixtures\/vm-failing\.ts/m, 'the failing file failed');
    const summary = /^(\d+) passed, (\d+) failed$/m.exec(r.output);
    t.ok(summary && +summary[1] > 0 && summary[2] === '1', `the summary line: ${summary?.[0]}`);
    t.equal(r.code, 1, "the runner's exit code is the suite's");
  });
}
