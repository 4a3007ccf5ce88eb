import t from 'tap';
import { containerSpec } from '../../../src/container/spec.js';
import { dirPrefixes, execCandidates, spawnPlanFor, CLONE } from '../../../src/runtime/plan.js';
import { capabilityMask, capabilityName, ownBoundingSet, DOCKER_DEFAULT_CAPS } from '../../../src/runtime/capabilities.js';
import { parseMountOptions, MS } from '../../../src/runtime/mount-options.js';
import { childSetupError } from '../../../src/runtime/spawn.js';

t.test('execvp candidates come from the container PATH', async (t) => {
  t.same(execCandidates('sh', ['PATH=/usr/bin:/bin']), ['/usr/bin/sh', '/bin/sh']);
  t.same(execCandidates('./run.sh', ['PATH=/bin']), ['./run.sh']);
  t.same(execCandidates('/bin/ls', []), ['/bin/ls']);
  t.equal(execCandidates('x', []).length, 6, 'Docker\'s default PATH');
  t.throws(() => execCandidates('', []), /no command specified/);
  t.same(dirPrefixes('/a/b//c/'), ['/a', '/a/b', '/a/b/c']);
  t.same(dirPrefixes('/'), []);
});

t.test('mount options map to flags and data like runc', async (t) => {
  t.same(parseMountOptions(['nosuid', 'noexec', 'mode=755', 'size=65536k']), { flags: MS.NOSUID | MS.NOEXEC, data: 'mode=755,size=65536k' });
  t.same(parseMountOptions(['rbind', 'ro']), { flags: MS.BIND | MS.REC | MS.RDONLY, data: '' });
  t.same(parseMountOptions(['rw', 'rprivate']), { flags: 0, data: '' });
});

t.test('capabilities', async (t) => {
  t.equal(capabilityMask(DOCKER_DEFAULT_CAPS), 0xa80425fbn, "Docker's default set is a80425fb");
  t.equal(capabilityName('net_admin'), 'CAP_NET_ADMIN');
  t.equal(capabilityName('CAP_SYS_ADMIN'), 'CAP_SYS_ADMIN');
  t.equal(capabilityName('nope'), undefined);
  t.same(ownBoundingSet('Name:\tx\nCapBnd:\t0000000000000003\n'), ['CAP_CHOWN', 'CAP_DAC_OVERRIDE']);
});

t.test('a container spec becomes a spawn plan', async (t) => {
  const spec = containerSpec({
    rootfs: '/store/c/merged', args: ['sh'], env: ['PATH=/bin'], cwd: '/w/x', hostname: 'h',
    user: { uid: 1, gid: 2, additionalGids: [3], home: '/' }, terminal: false,
    etcFiles: { hostname: '/s/hn', hosts: '/s/hosts', resolvConf: '/s/rc' },
    capabilities: DOCKER_DEFAULT_CAPS, noNewPrivileges: true, readonlyRoot: false,
  });
  const plan = spawnPlanFor({ spec, rootfsMount: { type: 'overlay', source: 'overlay', options: ['lowerdir=l/a'], cwd: '/store' }, stdio: [0, 1, 2], pdeathsig: 9 });
  t.equal(plan.cloneFlags, CLONE.NEWPID | CLONE.NEWNET | CLONE.NEWIPC | CLONE.NEWUTS | CLONE.NEWNS);
  t.same(plan.mounts[0], { source: 'overlay', target: '/store/c/merged', fstype: 'overlay', flags: 0, data: 'lowerdir=l/a' }, 'the rootfs first, by host path');
  t.ok(plan.mounts.slice(1).every((m) => m.inRoot), 'every other mount resolves inside the rootfs');
  t.same(plan.mounts.find((m) => m.target === '/etc/hosts'), { source: '/s/hosts', target: '/etc/hosts', fstype: '', flags: MS.BIND | MS.REC, data: '', isFile: true, inRoot: true });
  t.same(plan.candidates, ['/bin/sh']);
  t.same(plan.mkdirs, ['/w', '/w/x']);
  t.equal(plan.hostname, 'h');
  t.equal(plan.mountCwd, '/store');
  t.same([plan.uid, plan.gid, plan.groups], [1, 2, [3]]);
  t.equal(plan.capabilities?.bounding, 0xa80425fbn);
  t.equal(plan.capabilities?.inheritable, 0n);
  t.ok(plan.loopbackUp);
  t.ok(plan.maskedPaths.includes('/proc/kcore'));
});

t.test('child errors read like Docker', async (t) => {
  const plan = { argv: ['foo'], candidates: ['/bin/foo'], mounts: [{ target: '/proc' }], devices: [], mkdirs: [], maskedPaths: [], readonlyPaths: [] } as never;
  const nf = childSetupError({ stage: 31, errno: 2, index: -1 }, plan);
  t.equal(nf.message, 'container start failed: exec: "foo": executable file not found in $PATH');
  t.equal(nf.exitCode, 127);
  t.equal(childSetupError({ stage: 31, errno: 13, index: -1 }, plan).exitCode, 126);
  const mount = childSetupError({ stage: 8, errno: 1, index: 0 }, plan);
  t.equal(mount.message, 'container start failed: mount /proc: Operation not permitted');
  t.equal(mount.code, 'CHILD_SETUP');
});
