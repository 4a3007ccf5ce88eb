import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { requiresRoot } from '../helpers/requires.js';
import { testCgroupDirs } from '../helpers/cgroups.js';
import { importBusybox, tmpStore, tsrun } from '../helpers/tsrun.js';
import { deviceFilterProgram, DEFAULT_DEVICE_RULES, readCgroupLayout } from '../../src/runtime/cgroups/index.js';
import { loadNativeSys } from '../../src/sys/native.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (requiresRoot(t)) {
  const root = tmpStore(t);
  importBusybox(t, root);
  const record = (name: string) => {
    const id = tsrun(root, ['inspect', '-f', '{{.Id}}', name]).stdout.trim();
    return JSON.parse(readFileSync(path.join(root, 'containers', id, 'config.json'), 'utf8'));
  };
  // v1: the dir in the controller's hierarchy; v2: the one dir
  const cgroupDir = (dirs: string[], controller: string) => (dirs.length === 1 ? dirs[0] : dirs.find((d) => d.includes(`/${controller}/`))!);

  t.test('limits land in the container\'s own cgroup, under the test\'s cgroup', async (t) => {
    const r = tsrun(root, ['run', '-d', '--name', 'limited', '-m', '64m', '--memory-swap', '100m', '--cpus', '0.5', '--cpu-shares', '512',
      '--pids-limit', '50', 'busybox', 'sleep', '1000']);
    t.equal(r.code, 0, r.stderr);
    const dirs: string[] = record('limited').Isolation.CgroupDirs;
    const parents = await testCgroupDirs();
    t.ok(dirs.length > 0 && dirs.every((d) => parents.some((p) => d.startsWith(p + '/'))), 'every dir is under this test\'s own cgroup');
    const layout = await readCgroupLayout();
    const file = (controller: string, name: string) => readFileSync(path.join(cgroupDir(dirs, controller), name), 'utf8').trim();
    if (layout.mode === 'v2') {
      t.equal(file('memory', 'memory.max'), '67108864');
      t.equal(file('memory', 'memory.swap.max'), String(100 * 1024 * 1024 - 64 * 1024 * 1024));
      t.equal(file('cpu', 'cpu.max'), '50000 100000');
      t.equal(file('cpu', 'cpu.weight'), '20');
      t.equal(file('pids', 'pids.max'), '50');
    } else {
      t.equal(file('memory', 'memory.limit_in_bytes'), '67108864');
      t.equal(file('memory', 'memory.memsw.limit_in_bytes'), '104857600');
      t.equal(file('cpu', 'cpu.cfs_quota_us'), '50000');
      t.equal(file('cpu', 'cpu.cfs_period_us'), '100000');
      t.equal(file('cpu', 'cpu.shares'), '512');
      t.equal(file('pids', 'pids.max'), '50');
      t.match(file('devices', 'devices.list'), /^c 1:3 rwm$/m, 'the device allow-list');
      t.notMatch(file('devices', 'devices.list'), /^a /m, 'and nothing else');
    }
    const pid = Number(tsrun(root, ['inspect', '-f', '{{.State.Pid}}', 'limited']).stdout);
    const procs = readFileSync(path.join(dirs[0], 'cgroup.procs'), 'utf8');
    t.match(procs, new RegExp(`^${pid}$`, 'm'), 'the container joined it');
    const exec = tsrun(root, ['exec', 'limited', 'sh', '-c', 'cat /proc/self/cgroup']);
    // v2: the container has a cgroup namespace rooted at its cgroup, so a process that joined both sees "/"
    const joined = layout.mode === 'v2' ? /^0::\/$/m : new RegExp(path.basename(dirs[0]));
    t.match(exec.stdout, joined, 'an exec\'d process joins it too');
    const stats = tsrun(root, ['stats', '--no-stream']);
    t.equal(stats.code, 0, stats.stderr);
    t.match(stats.stdout, /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/m);
    t.match(stats.stdout, /^[0-9a-f]{12}\s+limited\s+\d+\.\d\d%\s+[\d.]+[KM]?i?B \/ 64MiB\s+\d+\.\d\d%\s+\S+ \/ \S+\s+\S+ \/ \S+\s+1$/m);
    t.equal(tsrun(root, ['rm', '-f', 'limited']).code, 0);
    t.notOk(dirs.some((d) => existsSync(d)), 'rm removes the cgroup');
  });

  t.test('a fork bomb is stopped by --pids-limit 50', async (t) => {
    t.equal(tsrun(root, ['run', '-d', '--name', 'bomb', '--pids-limit', '50', 'busybox', 'sh', '-c', 'bomb() { bomb | bomb & }; bomb; sleep 30']).code, 0);
    const pids = cgroupDir(record('bomb').Isolation.CgroupDirs, 'pids');
    let current = 0;
    let peak = 0;
    for (let i = 0; i < 50 && peak < 50; i++) {
      await sleep(100);
      current = Number(readFileSync(path.join(pids, 'pids.current'), 'utf8'));
      peak = Math.max(peak, current);
    }
    // Bomb processes die and respawn, so the count moves just under the limit; it never passes it.
    t.ok(peak >= 40 && peak <= 50, `the container fills its 50 processes (peak ${peak})`);
    for (let i = 0; i < 5; i++) {
      await sleep(60);
      t.ok(Number(readFileSync(path.join(pids, 'pids.current'), 'utf8')) <= 50, 'and never more');
    }
    t.match(readFileSync(path.join(pids, 'pids.events'), 'utf8'), /^max [1-9]/m, 'forks were refused');
    t.equal(tsrun(root, ['rm', '-f', 'bomb']).code, 0);
  });

  t.test('past --memory 64m the OOM killer ends it and inspect says so', async (t) => {
    const r = tsrun(root, ['run', '--name', 'hog', '-m', '64m', 'busybox', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=100M', 'count=1']);
    t.equal(r.code, 137, 'killed by SIGKILL');
    t.equal(tsrun(root, ['inspect', '-f', '{{.State.OOMKilled}}', 'hog']).stdout, 'true\n');
    tsrun(root, ['run', '--name', 'fine', '-m', '64m', 'busybox', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1M', 'count=1']);
    t.equal(tsrun(root, ['inspect', '-f', '{{.State.OOMKilled}} {{.HostConfig.Memory}}', 'fine']).stdout, 'false 67108864\n');
    tsrun(root, ['rm', 'hog', 'fine']);
  });

  t.test("limit flags are checked with Docker's messages", async (t) => {
    const cases: Array<[string[], RegExp]> = [
      [['-m', '4m'], /Minimum memory limit allowed is 6MB/],
      [['--memory-swap', '1g'], /You should always set the Memory limit when using Memoryswap limit/],
      [['-m', '1g', '--memory-swap', '512m'], /Minimum memoryswap limit should be larger than memory limit/],
      [['--cpus', '100000'], /Range of CPUs is from 0.01 to \d+\.00, as there are only \d+ CPUs available/],
      [['--security-opt', 'bogus'], /Invalid --security-opt: "bogus"/],
    ];
    for (const [flags, message] of cases) {
      const r = tsrun(root, ['run', '--rm', ...flags, 'busybox', 'true']);
      t.equal(r.code, 125, flags.join(' '));
      t.match(r.stderr, message);
    }
  });

  t.test('--init: PID 1 reaps orphans and passes signals on', async (t) => {
    // the orphaned sleep is reparented to PID 1; a sleep as PID 1 never reaps it
    const orphan = ['sh', '-c', '(sleep 0.1 &); exec sleep 1000'];
    t.equal(tsrun(root, ['run', '-d', '--name', 'with-init', '--init', 'busybox', ...orphan]).code, 0);
    t.equal(tsrun(root, ['run', '-d', '--name', 'without', 'busybox', ...orphan]).code, 0);
    await sleep(500);
    const ps = (name: string) => tsrun(root, ['exec', name, 'ps', '-o', 'pid,stat,args']).stdout;
    const withInit = ps('with-init');
    t.match(withInit, /^\s*1 \S+\s+\/dev\/init -- sh -c/m, 'tsrun-init is PID 1');
    t.notMatch(withInit, /^\s*\d+ Z/m, 'no zombie is left');
    t.match(ps('without'), /^\s*\d+ Z/m, 'without --init the orphan stays a zombie (the control)');
    t.equal(tsrun(root, ['stop', '-t', '10', 'with-init']).code, 0);
    // 143: sleep died of the SIGTERM init passed on; 137 would be stop's SIGKILL after the timeout
    t.equal(tsrun(root, ['inspect', '-f', '{{.State.ExitCode}}', 'with-init']).stdout, '143\n', 'SIGTERM reached sleep through init');
    tsrun(root, ['rm', '-f', 'with-init', 'without']);
  });

  t.test('the cgroup v2 device filter (eBPF) allows exactly its rules', async (t) => {
    const layout = await readCgroupLayout();
    const unified = layout.hierarchies.find((h) => h.version === 2);
    t.ok(unified, 'a cgroup2 hierarchy is mounted (hybrid or pure v2)');
    if (!unified) return;
    const dir = path.join(unified.ownDir, `tsrun-test-${process.pid}-bpf`);
    mkdirSync(dir, { recursive: true });
    t.teardown(() => rmdirSync(dir));
    const rules = [DEFAULT_DEVICE_RULES[0], { allow: true, type: 'c' as const, major: 1, minor: 5 }, { allow: true, type: 'c' as const, major: 1, minor: 9, access: 'r' }];
    loadNativeSys().attachDeviceFilter(dir, deviceFilterProgram(rules));
    const sh = (cmd: string) => spawnSync('sh', ['-c', `echo $$ > ${dir}/cgroup.procs; ${cmd}`], { encoding: 'utf8' });
    t.equal(sh('head -c 4 /dev/zero | wc -c').stdout.trim(), '4', '/dev/zero (c 1:5 rwm) opens');
    t.match(sh('echo x > /dev/null').stderr, /Operation not permitted/, '/dev/null (c 1:3) does not');
    t.equal(sh('head -c 4 /dev/urandom | wc -c').stdout.trim(), '4', '/dev/urandom (c 1:9 r) reads');
    t.match(sh('echo x > /dev/urandom').stderr, /Operation not permitted/, 'but is not writable');
    t.match(sh(`mknod ${dir}-node c 1 3`).stderr, /Operation not permitted/, 'and no rule says m');
  });
}
