import t from 'tap';
import { parseArgs, requireId } from '../../../src/oci-runtime/args.js';

t.test("containerd's create command line", async (t) => {
  const a = parseArgs(['--root', '/run/containerd/runc/default', '--log', '/b/log.json', '--log-format', 'json',
    'create', '--bundle', '/b', '--pid-file', '/b/init.pid', '--console-socket=/tmp/pty.sock', 'c1']);
  t.same(a.global, { root: '/run/containerd/runc/default', log: '/b/log.json', 'log-format': 'json' });
  t.equal(a.command, 'create');
  t.same(a.flags, { bundle: '/b', 'pid-file': '/b/init.pid', 'console-socket': '/tmp/pty.sock' });
  t.same(a.positionals, ['c1']);
});

t.test('short and single-dash forms, booleans, repeated flags', async (t) => {
  t.same(parseArgs(['create', '-b', '/b', 'x']).flags, { bundle: '/b' });
  t.same(parseArgs(['create', '-bundle', '/b', 'x']).flags, { bundle: '/b' }, 'urfave accepts -name for long flags');
  t.same(parseArgs(['delete', '-f', 'x']).flags, { force: true });
  t.same(parseArgs(['kill', '--all', 'x', 'KILL']).positionals, ['x', 'KILL']);
  t.same(parseArgs(['exec', '-e', 'A=1', '--env', 'B=2', 'x', 'sh']).flags, { env: ['A=1', 'B=2'] });
  t.same(parseArgs(['--systemd-cgroup', 'state', 'x']).global, { 'systemd-cgroup': true });
});

t.test('flags stop at the first positional: exec keeps the command\'s own flags', async (t) => {
  const a = parseArgs(['exec', '--detach', 'x', 'sh', '-c', 'echo -d']);
  t.same(a.flags, { detach: true });
  t.same(a.positionals, ['x', 'sh', '-c', 'echo -d']);
  t.same(parseArgs(['exec', '--', '-x', 'a']).positionals, ['-x', 'a'], '-- ends the flags');
});

t.test('errors in runc words', async (t) => {
  t.throws(() => parseArgs(['create', '--nope', 'x']), /flag provided but not defined: -nope/);
  t.throws(() => parseArgs(['create', '--bundle']), /flag needs an argument: -bundle/);
  t.throws(() => parseArgs(['frobnicate']), /No help topic for 'frobnicate'/);
  t.throws(() => requireId([], 'start'), /"start" requires a minimum of 1 argument/);
  t.throws(() => requireId(['../x'], 'start'), /invalid container id format/);
  t.equal(requireId(['abc-1.2_x'], 'start'), 'abc-1.2_x');
  t.same(parseArgs([]), { global: {}, flags: {}, positionals: [] });
});
