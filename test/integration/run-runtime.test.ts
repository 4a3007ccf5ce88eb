import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { testCgroupDirs, useTestCgroupParent } from '../helpers/cgroups.js';
import { ociPath } from '../helpers/oci.js';
import { poll } from '../helpers/poll.js';
import { requiresRoot } from '../helpers/requires.js';
import { importBusybox, tmpStore, tsrun } from '../helpers/tsrun.js';

/** What the container sees of its confinement (mount details differ between runtimes: not compared). */
const PROBE = "grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status; hostname; id; cat /etc/hostname";

if (requiresRoot(t)) {
  useTestCgroupParent();
  const root = tmpStore(t);
  importBusybox(t, root);
  const peers = [['runc', spawnSync('runc', ['--version']).status === 0], ['tsrun-oci', existsSync(ociPath)]] as const;

  for (const [name, installed] of peers) {
    const runtime = name === 'tsrun-oci' ? ociPath : name;
    t.test(`--runtime ${name}: the same spec gives the same confinement`, { skip: !installed && `${name} is not installed` }, async (t) => {
      const own = tsrun(root, ['run', '--rm', '--hostname', 'same', '-u', '1000:1000', '--group-add', '10', 'busybox', 'sh', '-c', PROBE]);
      t.equal(own.code, 0, own.stderr);
      const other = tsrun(root, ['run', '--rm', '--runtime', runtime, '--hostname', 'same', '-u', '1000:1000', '--group-add', '10', 'busybox', 'sh', '-c', PROBE]);
      t.equal(other.code, 0, other.stderr);
      t.equal(other.stdout, own.stdout, 'capability sets, no_new_privs, seccomp, hostname and ids');
      const asRoot = (extra: string[]) => tsrun(root, ['run', '--rm', '--hostname', 'same', ...extra, 'busybox', 'sh', '-c', PROBE]).stdout;
      t.equal(asRoot(['--runtime', runtime]), asRoot([]), "as root, with Docker's default capabilities");
      t.match(other.stdout, /^CapBnd:/m, 'the probe ran');
    });
  }

  t.test('--runtime passes the exit code and output, and cleans up after -d', async (t) => {
    const r = tsrun(root, ['run', '--rm', '--runtime', 'runc', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    t.equal(r.code, 3);
    t.equal(r.stdout, 'out\n');
    t.equal(r.stderr, 'err\n');

    const started = tsrun(root, ['run', '-d', '--runtime', 'runc', 'busybox', 'sleep', '600']);
    t.equal(started.code, 0, started.stderr);
    const id = started.stdout.trim();
    t.match(tsrun(root, ['inspect', '--format', '{{.HostConfig.Runtime}}', id]).stdout, /^runc\n$/, 'recorded as Docker records it');
    const exec = tsrun(root, ['exec', id, 'true']);
    t.equal(exec.code, 1, 'exec refused: the recorded pid is the runtime\'s, not the container\'s');
    t.match(exec.stderr, /exec is not supported in a container run with --runtime runc/);
    t.equal(tsrun(root, ['stop', '-t', '1', id]).code, 0);
    t.equal(tsrun(root, ['rm', id]).code, 0, 'the runtime\'s nested cgroup does not block rm');
    const dirs = await testCgroupDirs();
    t.ok(await poll(() => dirs.every((d) => !existsSync(`${d}/${id}`))), 'no cgroup left');
  });

  t.test('an unknown runtime is refused', async (t) => {
    const r = tsrun(root, ['run', '--rm', '--runtime', 'no-such-runtime', 'busybox', 'true']);
    t.equal(r.code, 125);
    t.match(r.stderr, /unknown or invalid runtime name: no-such-runtime/);
  });
}
