import t from 'tap';
import { containerSpec } from '../../../src/container/spec.js';
import { encodePlan } from '../../../src/runtime/plan-codec.js';
import { CLONE, spawnPlanFor, splitNamespaces } from '../../../src/runtime/plan.js';
import { DOCKER_DEFAULT_CAPS } from '../../../src/runtime/capabilities.js';

const input = {
  rootfs: '/s/c/merged', args: ['sh'], env: ['PATH=/bin'], cwd: '/', hostname: 'h',
  user: { uid: 0, gid: 0, additionalGids: [], home: '/root' }, terminal: false,
  etcFiles: { hostname: '/s/hn', hosts: '/s/hosts', resolvConf: '/s/rc' },
  capabilities: DOCKER_DEFAULT_CAPS, noNewPrivileges: true, readonlyRoot: false,
};
const rootfsMount = { type: 'overlay', source: 'overlay', options: ['lowerdir=l/a', 'upperdir=/s/u', 'workdir=/s/w'], cwd: '/s' };

t.test('without a user namespace only the cgroup namespace waits for the cgroup join', async (t) => {
  const all = CLONE.NEWNS | CLONE.NEWPID | CLONE.NEWNET | CLONE.NEWCGROUP;
  t.same(splitNamespaces(all), { first: CLONE.NEWNS | CLONE.NEWPID | CLONE.NEWNET, later: CLONE.NEWCGROUP });
  const withUser = all | CLONE.NEWUSER | CLONE.NEWUTS;
  t.same(splitNamespaces(withUser), { first: CLONE.NEWUSER | CLONE.NEWPID, later: CLONE.NEWNS | CLONE.NEWNET | CLONE.NEWCGROUP | CLONE.NEWUTS });
});

t.test('a user-namespaced plan: maps for the monitor, its overlay, bound devices', async (t) => {
  const spec = containerSpec({ ...input, idMappings: { uid: [{ containerID: 0, hostID: 100000, size: 65536 }], gid: [{ containerID: 0, hostID: 200000, size: 1000 }] } });
  const plan = spawnPlanFor({ spec, rootfsMount, stdio: [0, 1, 2], pdeathsig: 9, idmapLowers: true });
  t.equal(plan.cloneFlags, CLONE.NEWUSER | CLONE.NEWPID);
  t.equal(plan.unshareFlags, CLONE.NEWNS | CLONE.NEWNET | CLONE.NEWIPC | CLONE.NEWUTS);
  t.equal(plan.uidMap, '0 100000 65536\n');
  t.equal(plan.gidMap, '0 200000 1000\n');
  t.equal(plan.idmapLowers, true);
  t.equal(plan.mounts[0].fromParent, true, 'the monitor makes the rootfs');
  t.same(plan.devices, [], 'no mknod in a user namespace');
  t.same(plan.mounts.filter((m) => m.target === '/dev/null').map((m) => [m.source, m.flags, m.isFile]), [['/dev/null', 0x1000, true]], 'the host node is bound');
  t.equal(plan.hostname, 'h', 'the UTS namespace still gets its hostname');
  const tokens = encodePlan(plan).toString().split('\0');
  t.equal(tokens[tokens.indexOf('mount') + 8], 'fromParent', 'right after its mount');
  t.same(tokens.slice(tokens.indexOf('uidMap'), tokens.indexOf('uidMap') + 4), ['uidMap', '0 100000 65536\n', 'gidMap', '0 200000 1000\n']);
  t.same(tokens.slice(tokens.indexOf('idmapLowers'), tokens.indexOf('idmapLowers') + 2), ['idmapLowers', '1']);
});

t.test('cgroup, seccomp and device directories reach the plan', async (t) => {
  const spec = containerSpec({ ...input, devices: [{ path: '/dev/cpu/0/msr', type: 'c', major: 202, minor: 0 }] });
  const plan = spawnPlanFor({
    spec, rootfsMount, stdio: [0, 1, 2], pdeathsig: 9,
    cgroup: { procs: ['/sys/fs/cgroup/x/cgroup.procs'], oomFile: '/sys/fs/cgroup/x/memory.events' }, seccomp: Buffer.from([1, 2, 255]),
  });
  t.same(plan.cgroupProcs, ['/sys/fs/cgroup/x/cgroup.procs']);
  t.equal(plan.oomFile, '/sys/fs/cgroup/x/memory.events');
  t.same(plan.mkdirs.slice(0, 3), ['/dev/cpu', '/dev/cpu/0'], 'device parents before the nodes');
  t.equal(plan.unshareFlags, undefined);
  const tokens = encodePlan(plan).toString().split('\0');
  t.same(tokens.slice(tokens.indexOf('seccomp'), tokens.indexOf('seccomp') + 2), ['seccomp', '0102ff'], 'the BPF program as hex');
  t.same(tokens.slice(tokens.indexOf('cgroupProcs'), tokens.indexOf('cgroupProcs') + 3), ['cgroupProcs', '1', '/sys/fs/cgroup/x/cgroup.procs']);
});
