import t from 'tap';
import { requiresRoot } from '../helpers/requires.js';
import { poll } from '../helpers/poll.js';
import { spawnSync } from 'node:child_process';
import { cliPath, importBusybox, tmpStore, tsrun, tsrunAsync } from '../helpers/tsrun.js';

if (requiresRoot(t)) {
  const root = tmpStore(t);
  importBusybox(t, root);
  t.teardown(() => { tsrun(root, ['rm', '-f', ...tsrun(root, ['ps', '-aq']).stdout.split('\n').filter(Boolean)]); });

  t.test('logs: stdout and stderr apart, --tail, -t, --since, after exit', async (t) => {
    tsrun(root, ['run', '--name', 'talker', 'busybox', 'sh', '-c', 'echo one; echo two >&2; printf "three\\nfour"']);
    const all = tsrun(root, ['logs', 'talker']);
    t.equal(all.stdout, 'one\nthree\nfour');
    t.equal(all.stderr, 'two\n');
    t.equal(tsrun(root, ['logs', '--tail', '1', 'talker']).stdout, 'four');
    t.equal(tsrun(root, ['logs', '-n', '0', 'talker']).stdout, '');
    t.match(tsrun(root, ['logs', '-t', 'talker']).stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z one\n/);
    t.equal(tsrun(root, ['logs', '--since', '1h', 'talker']).stdout, 'one\nthree\nfour');
    t.equal(tsrun(root, ['logs', '--since', '2099-01-01T00:00:00Z', 'talker']).stdout, '');
    const missing = tsrun(root, ['logs', 'nobody-here']);
    t.equal(missing.code, 1);
    t.match(missing.stderr, /No such container: nobody-here/);
  });

  t.test('logs -f | head -1: a reader that goes away ends logs at once and quietly', async (t) => {
    tsrun(root, ['run', '-d', '--name', 'chatty', 'busybox', 'sh', '-c', 'seq 1 20000; sleep 120']);
    t.ok(await poll(() => tsrun(root, ['logs', '--tail', '1', 'chatty']).stdout === '20000\n'), 'the output is logged');
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${cliPath}" logs -f chatty | head -1`], {
      env: { ...process.env, TSRUN_ROOT: root }, encoding: 'utf8', timeout: 60_000,
    });
    t.equal(r.status, 0, 'ends while the container still runs');
    t.equal(r.stdout, '1\n');
    t.equal(r.stderr, '', 'no EPIPE stack trace');
    tsrun(root, ['rm', '-f', 'chatty']);
  });

  t.test('logs -f follows a live container and ends when it exits', async (t) => {
    tsrun(root, ['run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', 'echo first; while [ ! -e /tmp/go ]; do sleep 0.05; done; echo last >&2']);
    const follower = tsrunAsync(root, ['logs', '-f', 'ticker']);
    let out = '';
    let err = '';
    follower.stdout.on('data', (d) => { out += d; });
    follower.stderr.on('data', (d) => { err += d; });
    const exited = new Promise((resolve) => follower.on('exit', resolve));
    t.ok(await poll(() => out.includes('first')), 'sees the output so far');
    t.equal(err, '', 'nothing more yet');
    t.equal(tsrun(root, ['exec', 'ticker', 'touch', '/tmp/go']).code, 0);
    t.equal(await exited, 0, 'ends with the container');
    t.equal(out, 'first\n');
    t.equal(err, 'last\n', 'then follows what comes');
  });

  t.test('exec: in the container\'s namespaces, root, env, user and workdir', async (t) => {
    tsrun(root, ['run', '-d', '--name', 'host', '-e', 'GREETING=hi', '-w', '/tmp', 'busybox', 'sh', '-c', 'echo made > /tmp/mark; sleep 60']);
    t.ok(await poll(() => tsrun(root, ['exec', 'host', 'cat', '/tmp/mark']).stdout === 'made\n'), 'sees the container\'s files');
    const ps = tsrun(root, ['exec', 'host', 'ps', '-o', 'pid,args']).stdout;
    t.match(ps, /^\s*1 sleep 60$/m, 'sees the container\'s PID 1');
    t.notMatch(ps, /tsrun|node/, 'not the host\'s processes');
    t.equal(tsrun(root, ['exec', 'host', 'sh', '-c', 'echo $GREETING $(pwd) $(hostname)']).stdout,
      `hi /tmp ${tsrun(root, ['inspect', '-f', '{{.Config.Hostname}}', 'host']).stdout.trim()}\n`);
    t.equal(tsrun(root, ['exec', '-u', 'nobody', '-w', '/', '-e', 'GREETING=yo', 'host', 'sh', '-c', 'id -u; pwd; echo $GREETING']).stdout, '65534\n/\nyo\n');
    t.equal(tsrun(root, ['exec', '-i', 'host', 'tr', 'a-z', 'A-Z'], { input: 'piped\n' }).stdout, 'PIPED\n');
    t.equal(tsrun(root, ['exec', 'host', 'sh', '-c', 'exit 4']).code, 4);
    const notFound = tsrun(root, ['exec', 'host', 'no-such-cmd']);
    t.equal(notFound.code, 127);
    t.match(notFound.stderr, /executable file not found/);
    const top = tsrun(root, ['top', 'host']).stdout;
    t.match(top, /^UID\s+PID\s+PPID/);
    t.match(top, /sleep 60/);
    t.equal(top.trim().split('\n').length, 2, 'the header and the one process');
    tsrun(root, ['stop', '-t', '0', 'host']);
    const stopped = tsrun(root, ['exec', 'host', 'true']);
    t.equal(stopped.code, 1);
    t.match(stopped.stderr, /is not running/);
  });

  t.test('inspect: Docker-shaped JSON for containers and images, -f templates', async (t) => {
    const [c] = JSON.parse(tsrun(root, ['inspect', 'talker']).stdout);
    t.match(c, {
      Name: '/talker', Path: 'sh', State: { Status: 'exited', Running: false, ExitCode: 0 },
      Config: { Cmd: ['sh', '-c', String], Tty: false }, GraphDriver: { Name: 'overlay', Data: { UpperDir: /upper$/ } },
    });
    const [image] = JSON.parse(tsrun(root, ['inspect', '--type', 'image', 'busybox']).stdout);
    t.match(image, { Id: /^sha256:/, RepoTags: ['busybox:latest'], RootFS: { Type: 'layers', Layers: [/^sha256:/] } });
    t.equal(tsrun(root, ['inspect', '-f', '{{.State.ExitCode}} {{json .Config.Cmd}}', 'talker']).stdout, '0 ["sh","-c","echo one; echo two >&2; printf \\"three\\\\nfour\\""]\n');
    t.match(tsrun(root, ['inspect', '-f', '{{range .Config.Env}}[{{.}}]{{end}}', 'talker']).stdout, /^\[PATH=[^\]]+\]\[HOSTNAME=[0-9a-f]{12}\]\[HOME=\/root\]\n$/);
    const missing = tsrun(root, ['inspect', 'talker', 'nothing']);
    t.equal(missing.code, 1);
    t.match(missing.stderr, /No such object: nothing/);
  });
}
