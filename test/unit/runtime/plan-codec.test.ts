import t from 'tap';
import { encodePlan } from '../../../src/runtime/plan-codec.js';
import type { SpawnPlan } from '../../../src/sys/types.js';

const plan: SpawnPlan = {
  cloneFlags: 0x20000, candidates: ['/bin/sh'], argv: ['sh', '-c', 'echo "a b"\nnext'], env: ['A=1'], cwd: '/',
  hostname: 'box', uid: 0, gid: 0, groups: [10, 20], stdio: [0, 1, 2], setControllingTty: false,
  mounts: [{ source: 'proc', target: '/proc', fstype: 'proc', flags: 14, data: '', inRoot: true }],
  devices: [{ path: '/dev/null', mode: 0o20666, major: 1, minor: 3, uid: 0, gid: 0 }],
  symlinks: [], mkdirs: ['/a'], maskedPaths: [], readonlyPaths: [], readonlyRoot: false, loopbackUp: true,
  parentDeathSignal: 9, noNewPrivileges: true, maxFd: 4096,
  capabilities: { bounding: 1n << 40n, effective: 1n, permitted: 1n, inheritable: 0n, ambient: 0n },
};

t.test('the plan as NUL-separated tokens the monitor decodes (native/plan-codec.c)', async (t) => {
  const tokens = encodePlan(plan).toString().split('\0');
  t.equal(tokens.pop(), '', 'ends with a NUL');
  t.equal(tokens.at(-1), 'end');
  const at = (key: string) => tokens.indexOf(key);
  t.same(tokens.slice(at('argv'), at('argv') + 5), ['argv', '3', 'sh', '-c', 'echo "a b"\nnext'], 'lists carry a count; bytes pass as they are');
  t.same(tokens.slice(at('hostname'), at('hostname') + 2), ['hostname', 'box']);
  t.same(tokens.slice(at('rootfs'), at('rootfs') + 2), ['rootfs', ''], 'absent optional strings are empty');
  t.same(tokens.slice(at('groups'), at('groups') + 4), ['groups', '2', '10', '20']);
  t.same(tokens.slice(at('mount'), at('mount') + 8), ['mount', 'proc', '/proc', 'proc', '14', '', '0', '1']);
  t.same(tokens.slice(at('device'), at('device') + 7), ['device', '/dev/null', String(0o20666), '1', '3', '0', '0']);
  t.same(tokens.slice(at('capabilities'), at('capabilities') + 6), ['capabilities', String(1n << 40n), '1', '1', '0', '0'], '64-bit masks exactly');
  t.same(tokens.slice(at('loopbackUp'), at('loopbackUp') + 2), ['loopbackUp', '1']);
});

t.test('a NUL inside a value cannot be passed', async (t) => {
  t.throws(() => encodePlan({ ...plan, env: ['A=x\0y'] }), /NUL byte/);
});

t.test('rlimits travel as resource, soft, hard (64-bit)', async (t) => {
  const tokens = encodePlan({ ...plan, rlimits: [{ resource: 7, soft: 1024n, hard: 0xffffffffffffffffn }] }).toString().split('\0');
  const at = tokens.indexOf('rlimit');
  t.same(tokens.slice(at, at + 4), ['rlimit', '7', '1024', '18446744073709551615']);
});
