import t from 'tap';
import { containerSpec, hostsFile, INIT_PATH } from '../../../src/container/spec.js';
import { DOCKER_DEFAULT_CAPS } from '../../../src/runtime/capabilities.js';

const input = {
  rootfs: '/r', args: ['sleep', '1'], env: [], cwd: '/', hostname: 'h', terminal: false,
  user: { uid: 0, gid: 0, additionalGids: [], home: '/root' },
  etcFiles: { hostname: '/hn', hosts: '/hosts', resolvConf: '/rc' },
  capabilities: DOCKER_DEFAULT_CAPS, noNewPrivileges: true, readonlyRoot: false,
};

t.test("capabilities as Docker's SetCapabilities sets them", async (t) => {
  const root = containerSpec(input).process.capabilities!;
  t.same([root.bounding, root.effective, root.permitted, root.inheritable, root.ambient], [DOCKER_DEFAULT_CAPS, DOCKER_DEFAULT_CAPS, DOCKER_DEFAULT_CAPS, [], []]);
  const user = containerSpec({ ...input, user: { ...input.user, uid: 1000 } }).process.capabilities!;
  t.same([user.bounding, user.effective, user.permitted], [DOCKER_DEFAULT_CAPS, [], []], 'a non-root user: the bounding set only');
});

t.test('--privileged: no masks, writable /sys; default: masked and read-only paths', async (t) => {
  const plain = containerSpec(input);
  t.ok(plain.linux.maskedPaths?.includes('/proc/kcore'));
  t.ok(plain.linux.readonlyPaths?.includes('/proc/sysrq-trigger'));
  t.ok(plain.mounts.find((m) => m.destination === '/sys')!.options!.includes('ro'));
  const priv = containerSpec({ ...input, privileged: true });
  t.same([priv.linux.maskedPaths, priv.linux.readonlyPaths], [[], []]);
  t.notOk(priv.mounts.find((m) => m.destination === '/sys')!.options!.includes('ro'));
});

t.test('--init wraps the command; v2 gets a cgroup namespace and cgroup2 mount; a user namespace', async (t) => {
  const spec = containerSpec({ ...input, init: '/opt/tsrun-init', cgroupNamespace: true, idMappings: { uid: [], gid: [] } });
  t.same(spec.process.args, [INIT_PATH, '--', 'sleep', '1']);
  t.same(spec.mounts.find((m) => m.destination === INIT_PATH), { destination: '/dev/init', type: 'bind', source: '/opt/tsrun-init', options: ['bind', 'ro', 'tsrun.file'] });
  t.ok(spec.mounts.some((m) => m.destination === '/sys/fs/cgroup' && m.type === 'cgroup2'));
  t.same(spec.linux.namespaces.map((n) => n.type).slice(-2), ['user', 'cgroup']);
});

t.test('extra devices after the standard ones, without duplicates', async (t) => {
  const spec = containerSpec({ ...input, devices: [{ path: '/dev/null', type: 'c', major: 1, minor: 3 }, { path: '/dev/xdisk', type: 'b', major: 7, minor: 0 }] });
  t.same(spec.linux.devices!.map((d) => d.path), ['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty', '/dev/xdisk']);
});

t.test('/etc/hosts of a container without a network of its own is Docker\'s', async (t) => {
  t.equal(hostsFile('c0ffee'), [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
    '127.0.1.1\tc0ffee',
    '',
  ].join('\n'));
});
