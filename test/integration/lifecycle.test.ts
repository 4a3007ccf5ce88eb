import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requiresRoot } from '../helpers/requires.js';
import { poll, rssKb } from '../helpers/poll.js';
import { cliPath, importBusybox, tmpStore, tsrun, tsrunAsync } from '../helpers/tsrun.js';

if (requiresRoot(t)) {
  const root = tmpStore(t);
  importBusybox(t, root);
  t.teardown(() => { tsrun(root, ['rm', '-f', ...tsrun(root, ['ps', '-aq']).stdout.split('\n').filter(Boolean)]); });
  const state = (id: string) => JSON.parse(readFileSync(path.join(root, 'containers', id, 'state.json'), 'utf8'));
  const alive = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0] !== 'Z';
    } catch {
      return false;
    }
  };
  const mounted = () => readFileSync('/proc/self/mountinfo', 'utf8').includes(root);

  t.test('run -d prints the full id, returns at once, and ps shows it Up', async (t) => {
    const r = tsrun(root, ['run', '-d', '--name', 'sleeper', 'busybox', 'sleep', '60']);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /^[0-9a-f]{64}\n$/);
    const id = r.stdout.trim();
    t.equal(state(id).Running, true, 'returns while the container runs');
    const ps = tsrun(root, ['ps']).stdout.split('\n');
    t.match(ps[0], /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    t.match(ps[1], new RegExp(`^${id.slice(0, 12)}\\s+busybox\\s+"sleep 60"\\s+.+ago\\s+Up .+\\s+sleeper$`));
    t.equal(tsrun(root, ['ps', '-q', '--no-trunc']).stdout, `${id}\n`);
    t.equal(tsrun(root, ['inspect', '-f', '{{.State.Status}} {{.State.Running}} {{.Name}}', id.slice(0, 5)]).stdout, 'running true /sleeper\n');
    const monitor = state(id).MonitorPid;
    const rss = rssKb(monitor, (f) => readFileSync(f, 'utf8'));
    t.ok(rss > 0 && rss < 10 * 1024, `the monitor is small: ${rss} kB resident`);
    t.equal(tsrun(root, ['rm', 'sleeper']).code, 1, 'rm refuses a running container');
    t.match(tsrun(root, ['rm', 'sleeper']).stderr, /container is running: stop the container before removing or force remove/);
    t.equal(tsrun(root, ['rm', '-f', 'sleeper']).stdout, 'sleeper\n');
    t.equal(tsrun(root, ['ps', '-aq']).stdout, '');
    t.notOk(mounted(), 'no mount left after rm');
  });

  t.test('create, start, wait, restart, kill, ps -a status', async (t) => {
    const id = tsrun(root, ['create', '--name', 'job', 'busybox', 'sh', '-c', 'echo run; exit 3']).stdout.trim();
    t.match(id, /^[0-9a-f]{64}$/);
    t.match(tsrun(root, ['ps', '-a']).stdout, /Created\s+job/);
    t.equal(tsrun(root, ['ps', '-q']).stdout, '', 'not running: not in ps without -a');
    t.equal(tsrun(root, ['start', 'job']).stdout, 'job\n');
    t.equal(tsrun(root, ['wait', 'job']).stdout, '3\n');
    t.match(tsrun(root, ['ps', '-a', '-f', 'status=exited']).stdout, /Exited \(3\) .+ ago\s+job/);
    t.equal(tsrun(root, ['ps', '-a', '-q', '-f', 'status=running']).stdout, '');
    const attached = tsrun(root, ['start', '-a', 'job']);
    t.equal(attached.stdout, 'run\n');
    t.equal(attached.code, 3, 'start -a exits with the container');
    t.equal(tsrun(root, ['logs', 'job']).stdout, 'run\nrun\n', 'the log keeps both runs');
    const kill = tsrun(root, ['kill', 'job']);
    t.equal(kill.code, 1);
    t.match(kill.stderr, /is not running/);

    tsrun(root, ['run', '-d', '--name', 'loop', 'busybox', 'sh', '-c', 'trap "exit 7" USR1; while true; do sleep 0.1; done']);
    t.equal(tsrun(root, ['kill', '-s', 'USR1', 'loop']).stdout, 'loop\n');
    t.equal(tsrun(root, ['wait', 'loop']).stdout, '7\n');
    const pidBefore = state(tsrun(root, ['inspect', '-f', '{{.Id}}', 'loop']).stdout.trim()).Pid;
    t.equal(tsrun(root, ['restart', '-t', '1', 'loop']).stdout, 'loop\n');
    t.match(tsrun(root, ['ps']).stdout, /Up .+loop/);
    t.not(tsrun(root, ['inspect', '-f', '{{.State.Pid}}', 'loop']).stdout.trim(), String(pidBefore));
    const many = tsrun(root, ['stop', '-t', '1', 'loop', 'no-such']);
    t.equal(many.stdout, 'loop\n');
    t.equal(many.code, 1);
    t.match(many.stderr, /No such container: no-such/);
    t.equal(tsrun(root, ['rm', 'job', 'loop']).code, 0);
  });

  t.test('wait on a created container blocks until it has run and exited', async (t) => {
    const id = tsrun(root, ['create', 'busybox', 'sh', '-c', 'exit 5']).stdout.trim();
    const waiter = tsrunAsync(root, ['wait', id]);
    let out = '';
    waiter.stdout.on('data', (d) => { out += d; });
    const exited = new Promise<number | null>((resolve) => waiter.on('exit', resolve));
    let done = false;
    void exited.then(() => { done = true; });
    // wait must still be blocked once it had every chance to read the state
    t.notOk(await poll(() => done, 1500), 'wait does not return for a container that never ran');
    t.equal(tsrun(root, ['start', id]).code, 0);
    t.equal(await exited, 0);
    t.equal(out, '5\n', 'the exit code of the run that followed');
    tsrun(root, ['rm', id]);
  });

  t.test('start of a container whose command does not exist fails, and wait reports it', async (t) => {
    const id = tsrun(root, ['create', 'busybox', 'no-such-command']).stdout.trim();
    const start = tsrun(root, ['start', id]);
    t.equal(start.code, 1, 'start fails (it used to exit 0 without a word)');
    t.match(start.stderr, /executable file not found in \$PATH/);
    t.match(tsrun(root, ['ps', '-a', '--no-trunc']).stdout, new RegExp(`${id}.+Exited \\(127\\)`));
    t.equal(tsrun(root, ['wait', id], { timeout: 30_000 }).stdout, '127\n');
    tsrun(root, ['rm', id]);
  });

  /** `tsrun attach ARGS` in the background, its output gathered as it comes. */
  const attach = (args: string[], input?: string) => {
    const child = spawn(process.execPath, [cliPath, 'attach', ...args], { env: { ...process.env, TSRUN_ROOT: root }, stdio: ['pipe', 'pipe', 'pipe'] });
    const seen = { out: '', err: '' };
    child.stdout.on('data', (d) => { seen.out += d; });
    child.stderr.on('data', (d) => { seen.err += d; });
    if (input !== undefined) child.stdin.end(input);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, seen, exited };
  };

  t.test('attach: output of a detached container from now on, apart, until it exits with its code', async (t) => {
    const id = tsrun(root, ['run', '-d', 'busybox', 'sh', '-c',
      'while [ ! -e /tmp/go ]; do echo tick; sleep 0.1; done; echo out; echo err >&2; exit 6']).stdout.trim();
    const a = attach([id]);
    t.ok(await poll(() => a.seen.out.includes('tick')), 'attached: the output streams');
    t.equal(tsrun(root, ['exec', id, 'touch', '/tmp/go']).code, 0);
    t.equal(await a.exited, 6, 'exits with the container\'s code');
    t.match(a.seen.out, /tick\nout\n$/);
    t.equal(a.seen.err, 'err\n', 'stderr stays stderr');
    const stopped = tsrun(root, ['attach', id]);
    t.equal(stopped.code, 1);
    t.match(stopped.stderr, 'You cannot attach to a stopped container, start it first');
    tsrun(root, ['rm', id]);
    t.notOk(existsSync(`/run/tsrun/attach/${id}`), 'no socket left');
  });

  t.test('attach: stdin reaches a run -di container; --no-stdin keeps it out', async (t) => {
    const id = tsrun(root, ['run', '-di', 'busybox', 'sh', '-c', 'while read line; do echo got:$line; done; echo eof']).stdout.trim();
    // the monitor's sockets: its attach socket and one per client
    const sockets = () => readdirSync(`/proc/${state(id).MonitorPid}/fd`).filter((fd) => {
      try { return readlinkSync(`/proc/${state(id).MonitorPid}/fd/${fd}`).startsWith('socket:'); } catch { return false; }
    }).length;
    const before = sockets();
    const quiet = attach(['--no-stdin', id], 'kept-out\n');
    t.ok(await poll(() => sockets() === before + 1), 'the first client is attached');
    const typing = attach([id], 'hello\n');
    t.ok(await poll(() => typing.seen.out.includes('got:hello') && quiet.seen.out.includes('got:hello')), 'both see the answer');
    t.notMatch(typing.seen.out, /kept-out/, '--no-stdin sends nothing');
    t.equal(tsrun(root, ['inspect', '-f', '{{.State.Running}}', id]).stdout, 'true\n', 'the end of an attach\'s stdin does not close the container\'s');
    tsrun(root, ['kill', id]);
    t.equal(await typing.exited, 137);
    t.equal(await quiet.exited, 137);
    tsrun(root, ['rm', id]);
  });

  t.test('attach --sig-proxy: signals to tsrun go to the container; --sig-proxy=false keeps them', async (t) => {
    const id = tsrun(root, ['run', '-d', 'busybox', 'sh', '-c', 'trap "echo caught; exit 9" TERM; while true; do echo tick; sleep 0.1; done']).stdout.trim();
    const unproxied = attach(['--sig-proxy=false', id]);
    t.ok(await poll(() => unproxied.seen.out.includes('tick')));
    unproxied.child.kill('SIGTERM');
    await unproxied.exited;
    t.equal(tsrun(root, ['inspect', '-f', '{{.State.Running}}', id]).stdout, 'true\n', 'the container did not get it');
    const proxied = attach([id]);
    t.ok(await poll(() => proxied.seen.out.includes('tick')));
    proxied.child.kill('SIGTERM');
    t.equal(await proxied.exited, 9, 'the container trapped it and exited');
    t.match(proxied.seen.out, /caught\n$/);
    tsrun(root, ['rm', id]);
  });

  t.test('stop: SIGTERM ignored, so the timeout passes, then SIGKILL', async (t) => {
    tsrun(root, ['run', '-d', '--name', 'stubborn', 'busybox', 'sh', '-c', 'trap "" TERM; while true; do sleep 0.1; done']);
    const started = Date.now();
    t.equal(tsrun(root, ['stop', '-t', '2', 'stubborn']).code, 0);
    const took = Date.now() - started;
    t.ok(took >= 2000 && took < 20_000, `took ${took} ms: the 2 s timeout, then the kill`);
    t.equal(tsrun(root, ['inspect', '-f', '{{.State.ExitCode}}', 'stubborn']).stdout, '137\n');
    tsrun(root, ['run', '-d', '--name', 'polite', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done']);
    const quick = Date.now();
    tsrun(root, ['stop', '-t', '60', 'polite']);
    t.ok(Date.now() - quick < 30_000, 'a process that handles SIGTERM stops without waiting for the timeout');
    t.equal(tsrun(root, ['inspect', '-f', '{{.State.ExitCode}}', 'polite']).stdout, '0\n');
    tsrun(root, ['rm', 'stubborn', 'polite']);
  });

  t.test('a monitor killed with SIGKILL: the container dies, ps -a shows it exited, rm cleans up', async (t) => {
    const id = tsrun(root, ['run', '-d', 'busybox', 'sleep', '60']).stdout.trim();
    const { Pid, MonitorPid } = state(id);
    process.kill(MonitorPid, 'SIGKILL');
    t.ok(await poll(() => !tsrun(root, ['ps', '-q', '--no-trunc']).stdout.includes(id), 30_000), 'not running');
    t.match(tsrun(root, ['ps', '-a', '-f', `id=${id}`]).stdout, /Exited \(137\)/);
    t.ok(await poll(() => !alive(Pid)), 'the kernel killed the container with its monitor');
    t.equal(tsrun(root, ['rm', id.slice(0, 8)]).code, 0);
    t.notOk(mounted());
  });

  t.test('after a reboot (no monitor, a stale pid in state.json) the container shows as exited', async (t) => {
    const id = tsrun(root, ['create', 'busybox', 'true']).stdout.trim();
    const file = path.join(root, 'containers', id, 'state.json');
    // what a crash leaves: "running", with a pid that no longer belongs to a monitor (create writes no state.json)
    writeFileSync(file, JSON.stringify({ Status: 'running', Running: true, Pid: 1, ExitCode: 0, StartedAt: new Date().toISOString(), FinishedAt: '', MonitorPid: process.pid, MonitorStartTime: 1 }));
    t.match(tsrun(root, ['ps', '-a', '-f', `id=${id}`]).stdout, /Exited \(137\)/);
    t.equal(state(id).Running, false, 'the state was corrected');
    t.equal(tsrun(root, ['rm', id]).code, 0);
  });

  t.test('two tsruns starting containers at once both succeed with distinct names', async (t) => {
    const run = () => new Promise<string>((resolve) => {
      const child = tsrunAsync(root, ['run', '-d', 'busybox', 'sleep', '30']);
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      child.on('exit', (code) => resolve(code === 0 ? out.trim() : `failed ${code}`));
    });
    const ids = await Promise.all([run(), run(), run()]);
    ids.forEach((id) => t.match(id, /^[0-9a-f]{64}$/));
    const names = tsrun(root, ['ps']).stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/).at(-1));
    t.equal(new Set(names).size, 3, `distinct names: ${names.join(' ')}`);
    t.equal(tsrun(root, ['rm', '-f', ...ids]).code, 0);
    t.notOk(mounted());
  });

  t.test('run -d --rm: the monitor removes the container when it exits', async (t) => {
    tsrun(root, ['run', '-d', '--rm', '--name', 'ephemeral', 'busybox', 'true']);
    t.ok(await poll(() => !tsrun(root, ['ps', '-a']).stdout.includes('ephemeral')), 'gone');
  });
}
