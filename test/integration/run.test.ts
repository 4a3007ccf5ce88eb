import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { requiresRoot } from '../helpers/requires.js';
import { importBusybox, tmpStore, tsrun, tsrunAsync } from '../helpers/tsrun.js';

if (requiresRoot(t)) {
  const root = tmpStore(t);
  importBusybox(t, root);

  t.test('output and exit code of the container', async (t) => {
    const r = tsrun(root, ['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    t.equal(r.stdout, 'out\n');
    t.equal(r.stderr, 'err\n');
    t.equal(r.code, 3);
  });

  t.test('exit codes: 127 not found, 126 not executable, 125 tsrun errors, 128+N killed', async (t) => {
    const notFound = tsrun(root, ['run', '--rm', 'busybox', 'no-such-cmd']);
    t.equal(notFound.code, 127);
    t.match(notFound.stderr, /exec: "no-such-cmd": executable file not found in \$PATH/);
    const notExec = tsrun(root, ['run', '--rm', 'busybox', '/etc/passwd']);
    t.equal(notExec.code, 126);
    t.match(notExec.stderr, /permission denied/);
    const noImage = tsrun(root, ['run', '--rm', 'no-such-image']);
    t.equal(noImage.code, 125);
    t.match(noImage.stderr, /Unable to find image 'no-such-image' locally/);
    const badFlag = tsrun(root, ['run', '--no-such-flag', 'busybox']);
    t.equal(badFlag.code, 125);
  });

  t.test('a container killed by signal N exits 128+N', async (t) => {
    const child = tsrunAsync(root, ['run', '--name', 'victim', 'busybox', 'sleep', '60']);
    const statePath = () => {
      const dir = path.join(root, 'containers');
      const id = readdirSync(dir).find((d) => existsSync(path.join(dir, d, 'config.json')) && JSON.parse(readFileSync(path.join(dir, d, 'config.json'), 'utf8')).Name === 'victim');
      return id && path.join(dir, id, 'state.json');
    };
    let pid = 0;
    for (let i = 0; i < 100 && !pid; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const p = statePath();
      if (p && existsSync(p)) pid = JSON.parse(readFileSync(p, 'utf8')).Pid;
    }
    t.ok(pid > 0, 'the state records the host pid');
    process.kill(pid, 'SIGKILL'); // PID 1 of a namespace only dies from outside
    const code = await new Promise((resolve) => child.on('exit', resolve));
    t.equal(code, 137);
  });

  t.test('the command is PID 1 and the host is invisible', async (t) => {
    const r = tsrun(root, ['run', '--rm', 'busybox', 'sh', '-c', 'echo $$; ps -o pid,comm > /tmp/ps; wc -l < /tmp/ps; ls /; hostname']);
    const [pid, psLines, ...rest] = r.stdout.trim().split('\n');
    t.equal(pid, '1');
    // ps alone (in a pipe, wc may not be forked yet when ps reads /proc)
    t.equal(psLines, '3', 'only the header, the shell and ps are visible');
    t.notOk(rest.includes('work'), 'host directories are not visible');
    t.notOk(rest.includes('old_root'));
    t.match(rest.at(-1), /^[0-9a-f]{12}$/, 'hostname is the short container id');
    const host = tsrun(root, ['run', '--rm', '--hostname', 'box', 'busybox', 'cat', '/etc/hostname']);
    t.equal(host.stdout, 'box\n');
    const mounts = tsrun(root, ['run', '--rm', 'busybox', 'cat', '/proc/mounts']);
    const mountPoints = mounts.stdout.trim().split('\n').map((l) => l.split(' ')[1]);
    t.notOk(mountPoints.some((m) => m.startsWith('/work') || m.startsWith('/tmp') || m.startsWith('/old_root')), 'host mounts are not visible');
  });

  t.test('ENTRYPOINT/CMD, env, workdir and user from flags', async (t) => {
    t.equal(tsrun(root, ['run', '--rm', '-e', 'A=1', '-e', 'B', 'busybox', 'sh', '-c', 'echo $A-${B:-unset}']).stdout, '1-unset\n');
    t.equal(tsrun(root, ['run', '--rm', '-e', 'B', 'busybox', 'sh', '-c', 'echo $B'], { env: { B: 'fromhost' } }).stdout, 'fromhost\n');
    t.equal(tsrun(root, ['run', '--rm', '-w', '/new/dir', 'busybox', 'pwd']).stdout, '/new/dir\n');
    t.equal(tsrun(root, ['run', '--rm', '-u', 'nobody', 'busybox', 'id']).stdout, 'uid=65534(nobody) gid=65534(nogroup) groups=50(staff)\n');
    t.equal(tsrun(root, ['run', '--rm', '-u', '1234:50', 'busybox', 'id', '-u']).stdout, '1234\n');
    const badUser = tsrun(root, ['run', '--rm', '-u', 'ghost', 'busybox', 'id']);
    t.equal(badUser.code, 125);
    t.match(badUser.stderr, /unable to find user ghost/);
    t.equal(tsrun(root, ['run', '--rm', '--entrypoint', 'echo', 'busybox', 'a', 'b']).stdout, 'a b\n');
  });

  t.test('copy-on-write: writes never change the image', async (t) => {
    const first = tsrun(root, ['run', '--name', 'cow', 'busybox', 'sh', '-c', 'echo changed > /etc/issue; rm /bin/vi; mkdir /made; cat /etc/issue']);
    t.equal(first.stdout, 'changed\n');
    const second = tsrun(root, ['run', '--rm', 'busybox', 'sh', '-c', 'cat /etc/issue; ls /bin/vi; ls -d /made 2>&1']);
    t.match(second.stdout, /^tsrun busybox\n\/bin\/vi\n/);
    t.match(second.stdout, /No such file/);
    const containers = path.join(root, 'containers');
    const cow = readdirSync(containers).find((id) => JSON.parse(readFileSync(path.join(containers, id, 'config.json'), 'utf8')).Name === 'cow');
    t.ok(cow, 'without --rm the container record remains');
    t.ok(existsSync(path.join(containers, cow!, 'upper/etc/issue')), 'the change is in the upper dir');
  });

  t.test('after --rm nothing is left: no mount, no directory', async (t) => {
    const before = readdirSync(path.join(root, 'containers')).length;
    tsrun(root, ['run', '--rm', 'busybox', 'true']);
    t.equal(readdirSync(path.join(root, 'containers')).length, before);
    t.notMatch(readFileSync('/proc/self/mountinfo', 'utf8'), new RegExp(root), 'no mount of the store on the host');
  });

  t.test('SIGTERM to tsrun reaches the container', async (t) => {
    const child = tsrunAsync(root, ['run', '--rm', 'busybox', 'sh', '-c', 'trap "echo got TERM; exit 42" TERM; echo ready; while true; do sleep 0.1; done']);
    let out = '';
    await new Promise<void>((resolve) => child.stdout.on('data', (d) => { out += d; if (out.includes('ready')) resolve(); }));
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.on('exit', resolve));
    t.equal(code, 42);
    t.match(out, /got TERM/);
  });

  t.test('capabilities are Docker\'s default set', async (t) => {
    const status = tsrun(root, ['run', '--rm', 'busybox', 'grep', 'Cap', '/proc/self/status']).stdout;
    t.match(status, /CapBnd:\s+00000000a80425fb/);
    t.match(status, /CapEff:\s+00000000a80425fb/);
    const nobody = tsrun(root, ['run', '--rm', '-u', 'nobody', 'busybox', 'grep', 'CapEff', '/proc/self/status']).stdout;
    t.match(nobody, /CapEff:\s+0000000000000000/);
    t.not(tsrun(root, ['run', '--rm', 'busybox', 'mount', '-t', 'tmpfs', 'x', '/mnt']).code, 0, 'mount is refused');
  });

  t.test('an image symlink cannot redirect mountpoints to the host', async (t) => {
    const victim = path.join(root, 'victim');
    execFileSync('mkdir', ['-p', victim]);
    // The image's /etc is a symlink to a host path: /etc/hosts must land inside the rootfs.
    const rootfs = path.join(root, 'evil-rootfs');
    execFileSync('sh', ['-c', `mkdir -p ${rootfs}/bin && cp /bin/busybox ${rootfs}/bin/ && ln -s busybox ${rootfs}/bin/sh && ln -s ${victim} ${rootfs}/etc; tar -C ${rootfs} -cf ${root}/evil.tar .`]);
    t.equal(tsrun(root, ['import', `${root}/evil.tar`, 'evil']).code, 0);
    tsrun(root, ['run', '--rm', 'evil', '/bin/busybox', 'true']);
    t.same(readdirSync(victim), [], 'nothing was created in the host directory');
  });
}
