import t from 'tap';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requiresRoot } from '../helpers/requires.js';
import { tmpStore, tsrun } from '../helpers/tsrun.js';
import { importProbeImage, loopDevice, probeResults, probeRootfs } from '../helpers/confinement/image.js';
import { peerRuntime, peerSpec, runPeer } from '../helpers/confinement/peer.js';

const DOCKER_CAPS = '00000000a80425fb';
/** Sizes of masked paths that exist on this host: a file and two directories. */
const MASKED_SIZES = 'echo masked $(cat /proc/timer_list | wc -c) $(ls /proc/acpi | wc -l) $(ls /sys/firmware | wc -l)';
const capLine = (status: string, set: string) => new RegExp(`^${set}:\\s+(\\w+)$`, 'm').exec(status)?.[1];

if (requiresRoot(t)) {
  const root = tmpStore(t);
  const rootfs = probeRootfs(t);
  importProbeImage(t, root, rootfs);
  const dev = loopDevice(t);
  const probeArgs = ['probe', String(process.pid), String(dev.major), String(dev.minor)];
  const run = (...args: string[]) => tsrun(root, ['run', '--rm', ...args]);

  let status = '';
  let probed: Record<string, string> = {};

  t.test("capability sets are Docker's defaults", async (t) => {
    status = run('probe', 'cat', '/proc/self/status').stdout;
    for (const set of ['CapBnd', 'CapEff', 'CapPrm']) t.equal(capLine(status, set), DOCKER_CAPS, set);
    t.equal(capLine(status, 'CapInh'), '0000000000000000');
    t.equal(capLine(status, 'CapAmb'), '0000000000000000');
    t.equal(capLine(status, 'NoNewPrivs'), '1');
    t.equal(capLine(status, 'Seccomp'), '2', 'a seccomp filter is installed');
    const nobody = run('-u', 'nobody', 'probe', 'cat', '/proc/self/status').stdout;
    t.equal(capLine(nobody, 'CapBnd'), DOCKER_CAPS, 'a non-root user keeps the bounding set');
    t.equal(capLine(nobody, 'CapEff'), '0000000000000000', 'and nothing effective');
  });

  t.test('--cap-add and --cap-drop', async (t) => {
    const statusThen = (flags: string[], cmd: string) => run(...flags, 'probe', 'sh', '-c', `cat /proc/self/status; ${cmd}`).stdout;
    t.equal(capLine(statusThen(['--cap-drop', 'ALL'], 'true'), 'CapEff'), '0000000000000000');
    t.equal(capLine(statusThen(['--cap-drop', 'ALL', '--cap-add', 'net_bind_service'], 'true'), 'CapEff'), '0000000000000400');
    const dropped = statusThen(['--cap-drop', 'CHOWN', '--cap-drop', 'cap_kill'], 'chown nobody /etc/issue 2>/dev/null; echo "chown $?"');
    t.equal(capLine(dropped, 'CapEff'), '00000000a80425da');
    t.match(dropped, /^chown 1$/m, 'chown fails without CAP_CHOWN');
    const admin = statusThen(['--cap-add', 'SYS_ADMIN'], 'mount -t tmpfs x /tmp && echo mounted');
    t.equal(capLine(admin, 'CapEff'), '00000000a82425fb');
    t.match(admin, /^mounted$/m, 'CAP_SYS_ADMIN opens mount in the seccomp profile too');
    const bad = run('--cap-add', 'NOT_A_CAP', 'probe', 'true');
    t.equal(bad.code, 125);
    t.match(bad.stderr, /unknown capability: "CAP_NOT_A_CAP"/);
  });

  t.test('escape attempts fail', async (t) => {
    const r = run('probe', 'sh', '-c', `${probeArgs.join(' ')}; unshare -U true; echo "unshare $?"; reboot -f; echo "reboot $?"; mount -t proc proc /tmp; echo "mount $?"`);
    const res = probeResults(r.stdout);
    probed = res;
    t.equal(res.mount, 'EPERM', 'mount');
    t.equal(res['unshare-user'], 'EPERM', 'unshare(CLONE_NEWUSER)');
    t.equal(res['unshare-mount'], 'EPERM', 'unshare(CLONE_NEWNS)');
    t.equal(res.reboot, 'EPERM', 'reboot');
    t.equal(res.kexec_load, 'EPERM', 'kexec_load');
    t.equal(res.keyctl, 'EPERM', 'keyctl');
    t.equal(res.add_key, 'EPERM', 'add_key');
    t.equal(res.init_module, 'EPERM', 'init_module');
    // this VM's kernel has neither sysrq nor kcore; where they exist they are read-only / masked
    t.match(res['sysrq-trigger'], existsSync('/proc/sysrq-trigger') ? /^E(ROFS|ACCES|PERM)$/ : /^ENOENT$/, '/proc/sysrq-trigger cannot be written');
    t.match(res['proc-sys-kernel'], /^E(ROFS|ACCES|PERM)$/, '/proc/sys is read-only');
    t.equal(res.kcore, existsSync('/proc/kcore') ? 'ENODATA' : 'ENOENT', '/proc/kcore cannot be read (masked)');
    t.match(res['ptrace-host-pid'], /^E(SRCH|PERM)$/, 'a host pid cannot be traced');
    t.equal(res['mknod-block'], 'OK', 'CAP_MKNOD makes the node (as in Docker)');
    t.equal(res['open-block'], 'EPERM', 'but the device cgroup refuses to open it (the host can read it)');
    t.equal(readFileSync(dev.path).subarray(0, 6).toString(), 'tsrun\n');
    t.match(r.stdout, /^unshare 1\nreboot 1\nmount (255|1)$/m, 'the busybox applets fail too');
    t.equal(readFileSync('/proc/sys/kernel/domainname', 'utf8').trim() === 'escaped', false, 'the host is untouched');
  });

  t.test("masked and read-only paths are Docker's", async (t) => {
    const r = run('probe', 'sh', '-c', `${MASKED_SIZES}; grep -E ' /proc/(sys|bus|fs|irq) ' /proc/mounts | cut -d' ' -f2,4 | cut -c1-20`);
    t.match(r.stdout, /^masked 0 0 0$/m, '/proc/timer_list, /proc/acpi and /sys/firmware are empty');
    for (const p of ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys']) t.match(r.stdout, new RegExp(`^${p} ro,`, 'm'), `${p} is read-only`);
  });

  t.test('the host is invisible: processes, mounts, hostname, addresses', async (t) => {
    const r = run('probe', 'sh', '-c', 'ps -o pid | wc -l; echo ---; cat /proc/mounts; echo ---; hostname; echo ---; cat /proc/net/fib_trie; ip -o addr 2>/dev/null');
    const [ps, mounts, hostname, net] = r.stdout.split('---\n');
    t.ok(Number(ps) <= 4, `only the container's processes (${ps.trim()} lines)`);
    // overlay's own options name the upper dir, as in Docker; no host mount point is there
    const points = mounts.trim().split('\n').map((l) => l.split(' ')[1]);
    const hostPoints = readFileSync('/proc/self/mountinfo', 'utf8').trim().split('\n').map((l) => l.split(' ')[4]).filter((p) => p !== '/');
    t.same(points.filter((p) => hostPoints.includes(p) && !/^\/(proc|sys|dev)(\/|$)/.test(p)), [], 'no host mount point is visible');
    t.notOk(points.some((p) => p.startsWith('/sys/fs/cgroup/') || p.startsWith('/tmp/') || p === '/old_root'), 'nor the host\'s cgroups, temp dirs or old root');
    t.not(hostname.trim(), os.hostname());
    const hostAddrs = Object.values(os.networkInterfaces()).flat().filter((a) => a && !a.internal).map((a) => a!.address);
    for (const a of hostAddrs) t.notOk(net.includes(a), `host address ${a} is not visible`);
  });

  t.test('--privileged: every capability tsrun has, no seccomp, no masks, host devices', async (t) => {
    const own = capLine(readFileSync('/proc/self/status', 'utf8'), 'CapBnd');
    const r = run('--privileged', 'probe', 'sh', '-c', `cat /proc/self/status; ${MASKED_SIZES}; ls /dev`);
    t.equal(capLine(r.stdout, 'CapEff'), own);
    t.equal(capLine(r.stdout, 'Seccomp'), '0');
    t.equal(capLine(r.stdout, 'NoNewPrivs'), '0');
    t.notMatch(r.stdout, /^masked 0 0 0$/m, 'nothing is masked');
    t.match(r.stdout, new RegExp(`^${path.basename(dev.path)}$`, 'm'), "the host's block devices are there");
  });

  t.test('seccomp: unconfined, and a profile in Docker\'s format', async (t) => {
    t.equal(capLine(run('--security-opt', 'seccomp=unconfined', 'probe', 'cat', '/proc/self/status').stdout, 'Seccomp'), '0');
    const profile = path.join(root, 'deny-mkdir.json');
    writeFileSync(profile, JSON.stringify({
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }],
    }));
    const r = run('--security-opt', `seccomp=${profile}`, 'probe', 'sh', '-c', 'mkdir /tmp/x; echo "mkdir $?"; touch /tmp/y && echo touched');
    t.match(r.stderr, /Permission denied/, 'mkdir gets the profile\'s errno (EACCES)');
    t.match(r.stdout, /mkdir 1\ntouched/);
    const missing = run('--security-opt', 'seccomp=/nonexistent.json', 'probe', 'true');
    t.equal(missing.code, 125);
    t.match(missing.stderr, /opening seccomp profile \(\/nonexistent.json\) failed/);
  });

  t.test('no-new-privileges', async (t) => {
    // without no_new_privs the filter is loaded before the capabilities drop: it still holds
    const r = run('--security-opt', 'no-new-privileges=false', 'probe', 'sh', '-c', `cat /proc/self/status; ${probeArgs.join(' ')}`);
    t.equal(capLine(r.stdout, 'NoNewPrivs'), '0');
    t.equal(capLine(r.stdout, 'Seccomp'), '2');
    t.equal(probeResults(r.stdout).mount, 'EPERM');
    t.equal(capLine(run('--privileged', '--security-opt', 'no-new-privileges', 'probe', 'cat', '/proc/self/status').stdout, 'NoNewPrivs'), '1', 'the option wins over --privileged');
  });

  t.test('devices: the standard nodes only; --device adds one', async (t) => {
    const r = run('--device', `${dev.path}:/dev/xdisk:r`, 'probe', 'sh', '-c', 'ls /dev; head -c 6 /dev/xdisk; echo x > /dev/xdisk; echo "write $?"');
    const nodes = r.stdout.split('tsrun\n')[0].trim().split('\n').sort();
    t.same(nodes, ['fd', 'full', 'mqueue', 'null', 'ptmx', 'pts', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'tty', 'urandom', 'xdisk', 'zero']);
    t.match(r.stdout, /^tsrun$/m, 'the mapped device reads');
    t.match(r.stdout, /write 1/, 'but only with the permissions given (r)');
    const bad = run('--device', '/etc/passwd', 'probe', 'true');
    t.equal(bad.code, 125);
    t.match(bad.stderr, /not a device node/);
  });

  t.test('--read-only root filesystem', async (t) => {
    const r = run('--read-only', 'probe', 'sh', '-c', 'touch /etc/x; echo "root $?"; touch /tmp/y; echo "tmp $?"; echo z > /dev/shm/z && echo shm');
    t.match(r.stdout, /root 1\ntmp 1\nshm/);
  });

  t.test('the same spec under crun/runc confines the probe the same way', async (t) => {
    const peer = await peerRuntime();
    t.ok(peer, 'crun or runc is installed (vm/provision.sh installs both)');
    if (!peer) return;
    const args = ['/bin/probe', ...probeArgs.slice(1)];
    const theirs = runPeer(peer, path.join(path.dirname(rootfs), 'bundle'), peerSpec(rootfs, args));
    t.equal(theirs.code, 0, `${peer}: ${theirs.stderr}`);
    t.same(probeResults(theirs.stdout), probed, `${peer} and tsrun agree on every attempt`);
    const caps = runPeer(peer, path.join(path.dirname(rootfs), 'bundle'), peerSpec(rootfs, ['cat', '/proc/self/status']));
    for (const key of ['CapBnd', 'CapEff', 'CapPrm', 'CapInh', 'NoNewPrivs', 'Seccomp']) t.equal(capLine(status, key), capLine(caps.stdout, key), key);
  });
}
