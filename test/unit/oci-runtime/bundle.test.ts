import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { concreteSpec, validateSpec } from '../../../src/oci-runtime/bundle.js';
import { containerCgroupDirsFor, deviceRules } from '../../../src/oci-runtime/cgroup.js';
import type { RuntimeSpec } from '../../../src/oci/runtime-spec.js';
import type { CgroupLayout } from '../../../src/runtime/cgroups/index.js';

const spec = (): RuntimeSpec => ({
  ociVersion: '1.0.2',
  process: { user: { uid: 0, gid: 0 }, args: ['sh'], cwd: '/' },
  root: { path: 'rootfs' },
  mounts: [{ destination: '/proc', type: 'proc', source: 'proc' }],
  linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }] },
});

t.test('validation names the field', async (t) => {
  t.doesNotThrow(() => validateSpec(spec()));
  const broken: Array<[string, (s: RuntimeSpec) => void, RegExp]> = [
    ['no args', (s) => { s.process.args = []; }, /process.args must not be empty/],
    ['relative cwd', (s) => { s.process.cwd = 'x'; }, /process.cwd must be an absolute path/],
    ['no root', (s) => { (s as { root?: unknown }).root = undefined; }, /root.path is required/],
    ['unknown namespace', (s) => { s.linux.namespaces.push({ type: 'time' as 'pid' }); }, /unknown namespace type "time"/],
    ['twice', (s) => { s.linux.namespaces.push({ type: 'pid' }); }, /namespace "pid" listed twice/],
    ['hostname without uts', (s) => { s.hostname = 'h'; }, /without a private UTS namespace/],
    ['maps without userns', (s) => { s.linux.uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }]; }, /without a user namespace/],
    ['userns without maps', (s) => { s.linux.namespaces.push({ type: 'user' }); }, /needs uidMappings/],
    ['relative mount', (s) => { s.mounts.push({ destination: 'tmp', type: 'tmpfs' }); }, /mount destination "tmp" is not absolute/],
  ];
  for (const [name, change, message] of broken) {
    const s = spec();
    change(s);
    t.throws(() => validateSpec(s), message, name);
  }
});

t.test('the concrete spec: absolute paths, file binds marked, default devices, cgroup mount', async (t) => {
  const bundle = mkdtempSync(path.join(os.tmpdir(), 'tsrun-oci-bundle-'));
  t.teardown(() => rmSync(bundle, { recursive: true, force: true }));
  writeFileSync(path.join(bundle, 'hosts'), '');
  const s = spec();
  s.mounts.push({ destination: '/etc/hosts', type: 'bind', source: 'hosts', options: ['ro'] });
  s.mounts.push({ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'ro'] });
  s.linux.devices = [{ path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o600 }];
  const c = concreteSpec(s, bundle, { pureCgroupV2: false });
  t.equal(c.root.path, path.join(bundle, 'rootfs'));
  t.same(c.mounts[1], { destination: '/etc/hosts', type: 'bind', source: path.join(bundle, 'hosts'), options: ['ro', 'rbind', 'tsrun.file'] });
  t.same(c.mounts[2], { destination: '/sys/fs/cgroup', type: 'bind', source: '/sys/fs/cgroup', options: ['rbind', 'nosuid', 'ro'] }, 'v1/hybrid: the host tree bound read-only');
  t.equal(concreteSpec(s, bundle, { pureCgroupV2: true }).mounts[2].type, 'cgroup2');
  t.equal(c.linux.devices!.filter((d) => d.path === '/dev/null').length, 1, "the spec's own /dev/null wins");
  t.same(c.linux.devices!.map((d) => d.path).sort(), ['/dev/full', '/dev/null', '/dev/random', '/dev/tty', '/dev/urandom', '/dev/zero']);
  s.mounts = [{ destination: '/x', type: 'bind', source: '/nonexistent-source' }];
  t.throws(() => concreteSpec(s, bundle, { pureCgroupV2: false }), /mount source \/nonexistent-source for \/x/);
});

t.test('cgroup paths follow runc\'s cgroupfs rules', async (t) => {
  const layout: CgroupLayout = {
    mode: 'hybrid',
    hierarchies: [
      { version: 1, controllers: ['memory'], mountPoint: '/sys/fs/cgroup/memory', ownDir: '/sys/fs/cgroup/memory/user' },
      { version: 2, controllers: [], mountPoint: '/sys/fs/cgroup/unified', ownDir: '/sys/fs/cgroup/unified/user' },
    ],
  };
  t.same(containerCgroupDirsFor(layout, '/default/c1', 'c1'), ['/sys/fs/cgroup/memory/default/c1', '/sys/fs/cgroup/unified/default/c1']);
  t.same(containerCgroupDirsFor(layout, 'k/c1', 'c1'), ['/sys/fs/cgroup/memory/user/k/c1', '/sys/fs/cgroup/unified/user/k/c1'], 'relative: under our own');
  t.same(containerCgroupDirsFor(layout, undefined, 'c1'), ['/sys/fs/cgroup/memory/user/c1', '/sys/fs/cgroup/unified/user/c1']);
  t.throws(() => containerCgroupDirsFor(layout, 'system.slice:cri:c1', 'c1'), /systemd slice:prefix:name/);
  t.throws(() => containerCgroupDirsFor(layout, '/../../etc', 'c1'), /leaves the cgroup hierarchy/);
});

t.test('device rules: the spec\'s, then the standard nodes, then its own devices', async (t) => {
  const s = spec();
  t.same(deviceRules(s), [], 'no rules: nothing restricted');
  s.linux.resources = { devices: [{ allow: false, access: 'rwm' }] };
  s.linux.devices = [{ path: '/dev/fuse', type: 'c', major: 10, minor: 229 }];
  const rules = deviceRules(s);
  t.same(rules[0], { allow: false, access: 'rwm' });
  t.ok(rules.some((r) => r.allow && r.major === 1 && r.minor === 3), '/dev/null allowed');
  t.same(rules.at(-1), { allow: true, type: 'c', major: 10, minor: 229, access: 'rwm' });
});
