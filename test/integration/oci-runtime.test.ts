import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCgroupLayout } from '../../src/runtime/cgroups/index.js';
import { cgroupDir } from '../../src/runtime/cgroups/paths.js';
import { removeTestCgroupParent, TEST_CGROUP_PARENT } from '../helpers/cgroups.js';
import { defaultSpec, makeBundle, oci, ociRoot, writeConfig } from '../helpers/oci.js';
import { poll } from '../helpers/poll.js';
import { requiresRoot } from '../helpers/requires.js';

const stateOf = (root: string, id: string) => JSON.parse(oci(root, ['state', id]).stdout) as { status: string; pid: number; id: string; bundle: string };

if (requiresRoot(t)) {
  t.teardown(removeTestCgroupParent);
  const root = ociRoot(t);

  t.test('create leaves the program unstarted; start, kill and delete move it along', async (t) => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'tsrun-oci-mark-'));
    t.teardown(() => rmSync(out, { recursive: true, force: true }));
    const spec = defaultSpec(['sh', '-c', 'echo ran > /out/ran; exec sleep 600']);
    spec.mounts.push({ destination: '/out', type: 'bind', source: out, options: ['rbind', 'rw'] });
    const bundle = makeBundle(t, spec);
    const pidFile = path.join(out, 'pid');

    const created = oci(root, ['create', '--bundle', bundle, '--pid-file', pidFile, 'life']);
    t.equal(created.code, 0, created.stderr);
    const state = stateOf(root, 'life');
    t.equal(state.status, 'created');
    t.equal(state.bundle, bundle);
    t.equal(Number(readFileSync(pidFile, 'utf8')), state.pid, 'the pid file holds the init pid');
    t.notOk(existsSync(path.join(out, 'ran')), 'the program has not run yet');
    t.match(oci(root, ['list']).stdout, /life\s+\d+\s+created/);

    t.equal(oci(root, ['create', '--bundle', bundle, 'life']).code, 1, 'an ID is taken once');

    const started = oci(root, ['start', 'life']);
    t.equal(started.code, 0, started.stderr);
    t.ok(await poll(() => existsSync(path.join(out, 'ran'))), 'the program ran after start');
    t.equal(stateOf(root, 'life').status, 'running');
    t.match(oci(root, ['start', 'life']).stderr, /already running/);
    t.same(JSON.parse(oci(root, ['ps', '--format', 'json', 'life']).stdout), [state.pid], 'ps lists the init');

    const refused = oci(root, ['delete', 'life']);
    t.equal(refused.code, 1);
    t.match(refused.stderr, /not stopped: running/);

    const layout = await readCgroupLayout();
    const dirs = layout.hierarchies.map((h) => cgroupDir(h, TEST_CGROUP_PARENT, `oci-${process.pid}`));
    t.ok(dirs.every((d) => existsSync(d)), 'the cgroup exists in every hierarchy');

    t.equal(oci(root, ['kill', 'life', 'KILL']).code, 0);
    t.ok(await poll(() => stateOf(root, 'life').status === 'stopped'), 'stopped after kill');
    t.equal(stateOf(root, 'life').pid, 0);
    t.match(oci(root, ['kill', 'life']).stderr, /not running/);

    t.equal(oci(root, ['delete', 'life']).code, 0);
    t.notOk(existsSync(path.join(root, 'life')), 'the state is gone');
    t.ok(dirs.every((d) => !existsSync(d)), 'the cgroup is gone');
    t.match(oci(root, ['state', 'life']).stderr, /does not exist/);
    t.equal(oci(root, ['delete', '--force', 'life']).code, 0, 'delete --force of nothing succeeds');
  });

  t.test('run passes the exit code and output; exec joins the container', async (t) => {
    const bundle = makeBundle(t, defaultSpec(['sh', '-c', 'echo out-$(hostname); exit 3']));
    const r = oci(root, ['run', '--bundle', bundle, 'runner']);
    t.equal(r.code, 3, r.stderr);
    t.equal(r.stdout, 'out-oci-test\n');
    t.notOk(existsSync(path.join(root, 'runner')), 'run deletes the container afterwards');

    writeConfig(bundle, defaultSpec(['sleep', '600']));
    t.equal(oci(root, ['run', '--detach', '--bundle', bundle, 'bg']).code, 0);
    t.equal(stateOf(root, 'bg').status, 'running');
    const e = oci(root, ['exec', 'bg', 'sh', '-c', 'hostname; echo $$; id -u']);
    t.equal(e.code, 0, e.stderr);
    const [hostname, pid, uid] = e.stdout.trim().split('\n');
    t.equal(hostname, 'oci-test', 'the UTS namespace is the container\'s');
    t.not(pid, '1', 'a new process in the PID namespace');
    t.equal(uid, '0');
    const processFile = path.join(bundle, 'process.json');
    writeFileSync(processFile, JSON.stringify({ args: ['sh', '-c', 'id -u; exit 4'], cwd: '/', user: { uid: 1000, gid: 1000 }, env: ['PATH=/bin'] }));
    const p = oci(root, ['exec', '--process', processFile, 'bg']);
    t.equal(p.code, 4, 'exec returns the exit code of its process');
    t.equal(p.stdout, '1000\n', '--process sets the user');
    t.equal(oci(root, ['delete', '--force', 'bg']).code, 0);
  });

  t.test('a missing program fails create, and nothing is left', async (t) => {
    const bundle = makeBundle(t, defaultSpec(['no-such-program']));
    const log = path.join(bundle, 'log.json');
    const r = oci(root, ['--log', log, '--log-format', 'json', 'create', '--bundle', bundle, 'missing']);
    t.equal(r.code, 127);
    t.match(r.stderr, /exec: "no-such-program": executable file not found in \$PATH/);
    const line = JSON.parse(readFileSync(log, 'utf8').trim().split('\n').pop()!) as { level: string; msg: string; time: string };
    t.equal(line.level, 'error', 'the log gets a JSON error line, as containerd-shim reads it');
    t.match(line.msg, /executable file not found/);
    t.notOk(existsSync(path.join(root, 'missing')), 'no state left');
  });

  t.test('config errors name the problem', async (t) => {
    const spec = defaultSpec(['true']);
    spec.process.cwd = 'relative';
    const bundle = makeBundle(t, spec);
    const r = oci(root, ['create', '--bundle', bundle, 'bad']);
    t.equal(r.code, 1);
    t.match(r.stderr, /process.cwd must be an absolute path/);
    t.match(oci(root, ['create', '--bundle', '/nonexistent', 'bad']).stderr, /config.json not found/);
    t.match(oci(root, ['--systemd-cgroup', 'create', '--bundle', bundle, 'bad']).stderr, /--systemd-cgroup is not supported/);
  });

  t.test('rlimits above the host hard limit are clamped, not refused', async (t) => {
    const hostHard = /Max open files\s+\S+\s+(\S+)/.exec(readFileSync('/proc/self/limits', 'utf8'))![1];
    const spec = defaultSpec(['sh', '-c', 'ulimit -Sn; ulimit -Hn']);
    spec.process.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 512, hard: 1 << 30 }];
    const bundle = makeBundle(t, spec);
    const r = oci(root, ['run', '--bundle', bundle, 'limits']);
    t.equal(r.code, 0, r.stderr);
    const [soft, hard] = r.stdout.trim().split('\n');
    t.equal(soft, '512');
    t.ok(hostHard === 'unlimited' ? hard === String(1 << 30) : Number(hard) <= Number(hostHard), `hard ${hard} within the host's ${hostHard}`);
  });

  t.test('hooks get the state on stdin', async (t) => {
    const spec = defaultSpec(['true']);
    const bundle = makeBundle(t, spec);
    const hook = (name: string) => ({ path: '/bin/sh', args: ['sh', '-c', `cat > ${bundle}/${name}.json`] });
    spec.hooks = { createRuntime: [hook('createRuntime')], prestart: [hook('prestart')], poststart: [hook('poststart')], poststop: [hook('poststop')] };
    writeConfig(bundle, spec);
    const r = oci(root, ['run', '--bundle', bundle, 'hooked']);
    t.equal(r.code, 0, r.stderr);
    for (const [name, status] of [['createRuntime', 'creating'], ['prestart', 'creating'], ['poststart', 'running'], ['poststop', 'stopped']]) {
      const state = JSON.parse(readFileSync(path.join(bundle, `${name}.json`), 'utf8')) as { id: string; status: string; bundle: string };
      t.equal(state.id, 'hooked', `${name} got the state`);
      t.equal(state.status, status, `${name} status`);
      t.equal(state.bundle, bundle);
    }
    spec.hooks = { prestart: [{ path: '/bin/false' }] };
    writeConfig(bundle, spec);
    const failed = oci(root, ['run', '--bundle', bundle, 'hook-fails']);
    t.equal(failed.code, 1);
    t.match(failed.stderr, /prestart hook \/bin\/false: exit status 1/);
    t.notOk(existsSync(path.join(root, 'hook-fails')));
  });

  t.test('namespaces given by path are joined, the others made', async (t) => {
    const first = defaultSpec(['sleep', '600']);
    first.hostname = 'alpha';
    const bundleA = makeBundle(t, first);
    t.equal(oci(root, ['run', '--detach', '--bundle', bundleA, 'ns-a']).code, 0);
    const pidA = stateOf(root, 'ns-a').pid;
    const second = defaultSpec(['sh', '-c', 'hostname; for n in uts ipc net; do readlink /proc/self/ns/$n; done']);
    delete second.hostname;
    second.linux.cgroupsPath += '-b'; // a cgroup of its own: deleting it must not touch the first container's
    second.linux.namespaces = second.linux.namespaces.map((n) => (n.type === 'uts' || n.type === 'ipc' ? { type: n.type, path: `/proc/${pidA}/ns/${n.type}` } : n));
    const bundleB = makeBundle(t, second);
    const r = oci(root, ['run', '--bundle', bundleB, 'ns-b']);
    t.equal(r.code, 0, r.stderr);
    const [hostname, uts, ipc, net] = r.stdout.trim().split('\n');
    const inode = (ns: string) => readlinkSync(`/proc/${pidA}/ns/${ns}`);
    t.equal(hostname, 'alpha', "the joined UTS namespace's hostname");
    t.equal(uts, inode('uts'));
    t.equal(ipc, inode('ipc'));
    t.not(net, inode('net'), 'a network namespace of its own');
    t.not(net, readlinkSync('/proc/self/ns/net'), 'not the host\'s either');
    t.equal(oci(root, ['delete', '--force', 'ns-a']).code, 0);
  });

  t.test('features and --version', async (t) => {
    const f = JSON.parse(oci(root, ['features']).stdout) as { ociVersionMax: string; linux: { namespaces: string[] } };
    t.ok(f.linux.namespaces.includes('pid'));
    t.match(oci(root, ['--version']).stdout, /^tsrun-oci version /);
  });
}
