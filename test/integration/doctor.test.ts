import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { requiresRoot } from '../helpers/requires.js';
import { tmpStore, tsrun } from '../helpers/tsrun.js';

if (requiresRoot(t)) {
  const root = tmpStore(t);

  t.test('on a host with everything tsrun needs, every line is ok and it exits 0', async (t) => {
    const r = tsrun(root, ['doctor']);
    t.equal(r.code, 0, r.code ? r.stdout : 'exit 0');
    const lines = r.stdout.trim().split('\n');
    for (const name of ['kernel', 'overlayfs', 'pid namespace', 'user namespace', 'cgroups', 'cgroup controllers', 'seccomp', 'iptables/nft',
      'pivot_root', 'store mounts', 'store temp dirs', 'containers']) {
      t.ok(lines.some((l) => new RegExp(`^ok\\s+${name.replace('/', '\\/')}\\s`).test(l)), `${name} is checked`);
    }
    t.notMatch(r.stdout, /^problem/m);
  });

  t.test('what a crash leaves behind is a problem with a fix; exit 1', async (t) => {
    const leftover = path.join(root, 'leftover');
    mkdirSync(leftover);
    execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', leftover]);
    const halfMade = path.join(root, 'containers', 'f'.repeat(64));
    mkdirSync(halfMade, { recursive: true });
    t.teardown(() => {
      execFileSync('umount', [leftover]);
      rmSync(halfMade, { recursive: true, force: true });
    });
    const r = tsrun(root, ['doctor']);
    t.equal(r.code, 1);
    t.match(r.stdout, new RegExp(`^problem\\s+store mounts\\s+1 mount\\(s\\) left under ${root}: ${leftover}\\n\\s+fix: umount -l ${leftover}`, 'm'));
    t.match(r.stdout, /^problem\s+containers\s+1 container dir\(s\) without a record: f{64}\n\s+fix: rm -rf \S+f{64}$/m);
  });
}
