import t from 'tap';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hasContainerd, startContainerd } from '../helpers/containerd.js';
import { dockerSaveArchive } from '../helpers/image-archive.js';
import { ociPath } from '../helpers/oci.js';
import { removeTestCgroupParent, TEST_CGROUP_PARENT } from '../helpers/cgroups.js';
import { poll } from '../helpers/poll.js';
import { requires, requiresRoot } from '../helpers/requires.js';
import { busyboxRootfsTar, repoRoot } from '../helpers/tsrun.js';

const IMAGE = 'docker.io/library/busybox:tsrun-oci';

if (requiresRoot(t)) {
  t.teardown(removeTestCgroupParent);
  // vm/provision.sh installs it
  if (requires(t, hasContainerd(), 'containerd and ctr are needed (apt-get install containerd)')) {
    t.test('containerd runs containers through tsrun-oci', async (t) => {
      const cd = await startContainerd(t);
      const archive = path.join(cd.dir, 'busybox.tar');
      writeFileSync(archive, await dockerSaveArchive([readFileSync(busyboxRootfsTar())], IMAGE, { Cmd: ['sh'] }));
      const imported = cd.ctr(['images', 'import', archive]);
      t.equal(imported.code, 0, imported.stderr);
      // cgroups under the test's own (the shim runs in it, so a relative path lands there), never at the root
      const runtime = (id: string) => ['--runc-binary', ociPath, '--runc-root', cd.runcRoot, '--fifo-dir', cd.fifoDir, '--cgroup', `${TEST_CGROUP_PARENT}/${id}`];
      const ociRoot = path.join(cd.runcRoot, 'default');
      const task = (id: string) => cd.ctr(['task', 'ls']).stdout.split('\n').find((l) => l.startsWith(id + ' '))?.trim().split(/\s+/);

      t.test('ctr run --rm prints the output', async (t) => {
        const r = cd.ctr(['run', '--rm', ...runtime('hello'), IMAGE, 'hello', 'echo', 'hi']);
        t.equal(r.code, 0, r.stderr);
        t.equal(r.stdout, 'hi\n');
        t.notOk(existsSync(path.join(ociRoot, 'hello')), 'tsrun-oci state removed by the shim\'s delete');
      });

      t.test('a failing create reaches ctr with tsrun-oci\'s message', async (t) => {
        const r = cd.ctr(['run', '--rm', ...runtime('nope'), IMAGE, 'nope', 'no-such-program']);
        t.not(r.code, 0);
        t.match(r.stderr, /executable file not found in \$PATH/);
      });

      t.test('ctr run -d, task exec, kill and delete', async (t) => {
        const r = cd.ctr(['run', '-d', ...runtime('bg'), IMAGE, 'bg', 'sleep', '600']);
        t.equal(r.code, 0, r.stderr);
        t.equal(task('bg')?.[2], 'RUNNING');
        const state = JSON.parse(readFileSync(path.join(ociRoot, 'bg', 'state.json'), 'utf8')) as { pid: number };
        t.equal(Number(task('bg')?.[1]), state.pid, 'containerd sees the pid tsrun-oci wrote');
        const e = cd.ctr(['task', 'exec', '--exec-id', 'e1', 'bg', 'sh', '-c', 'echo in-$$']);
        t.equal(e.code, 0, e.stderr);
        t.match(e.stdout, /^in-\d+\n$/);
        t.equal(cd.ctr(['task', 'kill', '-s', 'SIGKILL', 'bg']).code, 0);
        t.ok(await poll(() => task('bg')?.[2] === 'STOPPED'), 'the task stops');
        const d = cd.ctr(['task', 'delete', 'bg']);
        t.equal(d.code, 0, d.stderr);
        t.equal(cd.ctr(['container', 'delete', 'bg']).code, 0);
        t.notOk(existsSync(path.join(ociRoot, 'bg')), 'tsrun-oci state removed');
      });

      t.test('ctr run -t gets a terminal through the console socket', async (t) => {
        const r = cd.ctr(['run', '--rm', '-t', ...runtime('tty'), IMAGE, 'tty', 'sh', '-c', 'test -t 0 && test -t 1 && echo is-a-tty; tty'], { tty: true });
        t.equal(r.code, 0, r.stderr);
        t.match(r.stdout, /is-a-tty/);
        t.match(r.stdout, /\/dev\/(pts\/\d+|console)/, 'tty names the pty');
      });

      t.test('the C entry (build/Release/tsrun-oci-fast) as the runc binary', async (t) => {
        const fastRuntime = ['--runc-binary', path.join(repoRoot, 'build/Release/tsrun-oci-fast'), ...runtime('fast').slice(2)];
        const r = cd.ctr(['run', '--rm', ...fastRuntime, IMAGE, 'fast', 'echo', 'fast-hi']);
        t.equal(r.code, 0, r.stderr);
        t.equal(r.stdout, 'fast-hi\n');
        const d = cd.ctr(['run', '-d', ...fastRuntime, IMAGE, 'fast-bg', 'sleep', '600']);
        t.equal(d.code, 0, d.stderr);
        t.equal(task('fast-bg')?.[2], 'RUNNING');
        t.equal(cd.ctr(['task', 'kill', '-s', 'SIGKILL', 'fast-bg']).code, 0);
        t.ok(await poll(() => task('fast-bg')?.[2] === 'STOPPED'), 'the task stops');
        t.equal(cd.ctr(['task', 'delete', 'fast-bg']).code, 0);
        t.equal(cd.ctr(['container', 'delete', 'fast-bg']).code, 0);
      });

      t.test('nothing is left in tsrun-oci\'s root', async (t) => {
        t.same(existsSync(ociRoot) ? readdirSync(ociRoot) : [], []);
      });
    });
  }
}
