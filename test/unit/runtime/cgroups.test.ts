import t from 'tap';
import { parseCgroupLayout } from '../../../src/runtime/cgroups/hierarchy.js';
import { cgroupDir, cgroupParentDirs, containerCgroupDirs } from '../../../src/runtime/cgroups/paths.js';
import { sharesToWeight, v1Writes, v2Writes } from '../../../src/runtime/cgroups/limits.js';
import { ALLOW_ALL_DEVICES, DEFAULT_DEVICE_RULES, v1DeviceLine } from '../../../src/runtime/cgroups/device-rules.js';
import { allowsEverything, deviceFilterProgram } from '../../../src/runtime/cgroups/device-filter.js';
import { blkioTotals, ioStatTotals, keyValues } from '../../../src/runtime/cgroups/usage.js';
import type { LinuxDeviceCgroup } from '../../../src/oci/runtime-spec.js';

const HYBRID_MOUNTINFO = [
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids',
  '40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');
const HYBRID_CGROUP = '9:name=systemd:/\n8:pids:/\n4:memory:/api/x\n1:cpu:/\n0::/\n';

t.test('hierarchies: hybrid, pure v2 and a cgroup namespace root', async (t) => {
  const hybrid = parseCgroupLayout(HYBRID_MOUNTINFO, HYBRID_CGROUP);
  t.equal(hybrid.mode, 'hybrid');
  t.same(hybrid.hierarchies.map((h) => [h.version, h.controllers.join(','), h.ownDir]), [
    [1, 'name=systemd', '/sys/fs/cgroup/systemd'], [1, 'pids', '/sys/fs/cgroup/pids'], [1, 'memory', '/sys/fs/cgroup/memory/api/x'],
    [1, 'cpu', '/sys/fs/cgroup/cpu'], [2, '', '/sys/fs/cgroup/unified'],
  ]);
  const v2 = parseCgroupLayout('30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate', '0::/user.slice/session-1.scope\n');
  t.equal(v2.mode, 'v2');
  t.equal(v2.hierarchies[0].ownDir, '/sys/fs/cgroup/user.slice/session-1.scope');
  const nested = parseCgroupLayout('30 23 0:26 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw', '0::/docker/abc/inner\n');
  t.equal(nested.hierarchies[0].ownDir, '/sys/fs/cgroup/inner', 'paths are relative to the mount\'s root');
  t.equal(parseCgroupLayout('', '').mode, 'none');
});

t.test('--cgroup-parent: absolute from the root, relative from our own cgroup', async (t) => {
  const layout = parseCgroupLayout(HYBRID_MOUNTINFO, HYBRID_CGROUP);
  const memory = layout.hierarchies[2];
  t.equal(cgroupDir(memory, '/tsrun', 'abc'), '/sys/fs/cgroup/memory/tsrun/abc');
  t.equal(cgroupDir(memory, 'tests', 'abc'), '/sys/fs/cgroup/memory/api/x/tests/abc');
  t.throws(() => cgroupDir(memory, '../../../..', 'abc'), /leaves the cgroup hierarchy/);
  t.equal(containerCgroupDirs(layout, '/tsrun', 'id').length, 5, 'one per hierarchy, the unified one included');
  t.same(cgroupParentDirs(layout, 'tests').slice(2, 3), ['/sys/fs/cgroup/memory/api/x/tests']);
});

t.test('limits in v1 and v2 files', async (t) => {
  const r = { memory: { limit: 64 << 20, swap: 128 << 20 }, cpu: { shares: 512, period: 100000, quota: 50000 }, pids: { limit: 50 } };
  t.same(v1Writes(r, true).map((w) => `${w.file}=${w.value}`), [
    'memory.limit_in_bytes=67108864', 'memory.memsw.limit_in_bytes=134217728', 'cpu.shares=512', 'cpu.cfs_period_us=100000',
    'cpu.cfs_quota_us=50000', 'pids.max=50',
  ]);
  t.notOk(v1Writes(r, false).some((w) => w.file.includes('memsw')), 'no swap accounting: no memsw write');
  t.same(v2Writes(r).map((w) => `${w.file}=${w.value}`), ['memory.max=67108864', 'memory.swap.max=67108864', 'cpu.weight=20', 'cpu.max=50000 100000', 'pids.max=50']);
  t.same(v2Writes({ memory: { limit: 1 << 30, swap: -1 }, pids: { limit: 0 } }).map((w) => w.value), ['1073741824', 'max', 'max'], 'unlimited is "max"');
  t.equal(sharesToWeight(1024), 39);
  t.equal(sharesToWeight(2), 1);
  t.equal(sharesToWeight(262144), 10000);
});

/** A tiny interpreter for the eBPF the filter uses: runs the program on one device access. */
function decide(program: Buffer, type: 'c' | 'b', access: string, major: number, minor: number): number {
  const acc = [...access].reduce((a, c) => a | (c === 'm' ? 1 : c === 'r' ? 2 : 4), 0);
  const ctx = [(acc << 16) | (type === 'b' ? 1 : 2), major, minor];
  const reg = new Array(11).fill(0);
  for (let pc = 0; pc < program.length / 8; pc++) {
    const code = program.readUInt8(pc * 8), regs = program.readUInt8(pc * 8 + 1), off = program.readInt16LE(pc * 8 + 2), imm = program.readInt32LE(pc * 8 + 4);
    const dst = regs & 0xf, src = regs >> 4;
    switch (code) {
      case 0x61: reg[dst] = ctx[off / 4]; break;
      case 0x54: reg[dst] = (reg[dst] & imm) >>> 0; break;
      case 0x74: reg[dst] = reg[dst] >>> imm; break;
      case 0xb4: reg[dst] = imm >>> 0; break;
      case 0xbc: reg[dst] = reg[src]; break;
      case 0x55: if (reg[dst] !== imm) pc += off; break;
      case 0x5d: if (reg[dst] !== reg[src]) pc += off; break;
      case 0x95: return reg[0];
      default: throw new Error(`opcode ${code.toString(16)}`);
    }
  }
  throw new Error('fell off the end');
}

t.test('the v2 device filter decides like the v1 allow-list', async (t) => {
  const rules: LinuxDeviceCgroup[] = [...DEFAULT_DEVICE_RULES, { allow: true, type: 'b', major: 7, minor: 0, access: 'r' }];
  const p = deviceFilterProgram(rules);
  t.equal(decide(p, 'c', 'rw', 1, 3), 1, '/dev/null');
  t.equal(decide(p, 'c', 'rw', 136, 7), 1, 'any pty');
  t.equal(decide(p, 'c', 'rw', 1, 1), 0, '/dev/mem');
  t.equal(decide(p, 'b', 'm', 8, 0), 1, 'mknod of a disk is allowed');
  t.equal(decide(p, 'b', 'r', 8, 0), 0, 'but not reading it');
  t.equal(decide(p, 'b', 'r', 7, 0), 1, 'the --device one reads');
  t.equal(decide(p, 'b', 'w', 7, 0), 0, 'but does not write');
  t.equal(decide(p, 'b', 'rw', 7, 0), 0, 'nor read-write');
  const later = deviceFilterProgram([{ allow: true, access: 'rwm' }, { allow: false, type: 'c', major: 1, minor: 1 }]);
  t.equal(decide(later, 'c', 'r', 1, 1), 0, 'a later deny wins over the default allow');
  t.equal(decide(later, 'c', 'r', 1, 3), 1);
  t.ok(allowsEverything(ALLOW_ALL_DEVICES));
  t.notOk(allowsEverything(DEFAULT_DEVICE_RULES));
});

t.test('v1 device lines and usage files', async (t) => {
  t.same(DEFAULT_DEVICE_RULES.map(v1DeviceLine).slice(0, 4), ['a *:* rwm', 'c *:* m', 'b *:* m', 'c 1:3 rwm']);
  t.equal(v1DeviceLine({ allow: true, type: 'c', major: 136, access: 'rwm' }), 'c 136:* rwm');
  t.same([...keyValues('usage_usec 1500\nuser_usec 1000\nbad x\n')], [['usage_usec', 1500], ['user_usec', 1000]]);
  t.same(ioStatTotals('8:0 rbytes=100 wbytes=20 rios=1\n8:16 rbytes=1 wbytes=2\n'), { read: 101, write: 22 });
  t.same(blkioTotals('8:0 Read 100\n8:0 Write 20\n8:0 Sync 5\nTotal 125\n'), { read: 100, write: 20 });
});
