import t from 'tap';
import { parseSignal } from '../../../src/oci-runtime/lifecycle.js';
import { parseHardLimits, planRlimit, RLIM_INFINITY } from '../../../src/oci-runtime/rlimits.js';
import { listText, table } from '../../../src/oci-runtime/report.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max file size             unlimited            unlimited            bytes     
Max data size             unlimited            unlimited            bytes     
Max stack size            8388608              unlimited            bytes     
Max core file size        0                    unlimited            bytes     
Max resident set          unlimited            unlimited            bytes     
Max processes             47913                47913                processes 
Max open files            20000                20000                files     
`;

t.test('hard limits from /proc/self/limits', async (t) => {
  const hard = parseHardLimits(LIMITS);
  t.equal(hard[0], RLIM_INFINITY);
  t.equal(hard[6], 47913n);
  t.equal(hard[7], 20000n, 'RLIMIT_NOFILE is resource 7');
});

t.test('limits are clamped to the host hard limit, never refused', async (t) => {
  const hard = parseHardLimits(LIMITS);
  t.same(planRlimit({ type: 'RLIMIT_NOFILE', soft: 1024, hard: 1024 }, hard), { resource: 7, soft: 1024n, hard: 1024n });
  t.same(planRlimit({ type: 'RLIMIT_NOFILE', soft: 1048576, hard: 1048576 }, hard), { resource: 7, soft: 20000n, hard: 20000n });
  t.same(planRlimit({ type: 'RLIMIT_NOFILE', soft: 512, hard: 1 << 30 }, hard), { resource: 7, soft: 512n, hard: 20000n });
  t.same(planRlimit({ type: 'RLIMIT_NOFILE', soft: 1048576, hard: 1048576 }, undefined), { resource: 7, soft: 1048576n, hard: 1048576n }, 'with CAP_SYS_RESOURCE: as asked');
  t.same(planRlimit({ type: 'RLIMIT_CORE', soft: -1, hard: -1 }, hard), { resource: 4, soft: RLIM_INFINITY, hard: RLIM_INFINITY });
  t.throws(() => planRlimit({ type: 'RLIMIT_BOGUS', soft: 1, hard: 1 }, hard), /unknown rlimit type "RLIMIT_BOGUS"/);
});

t.test('signals by number or name', async (t) => {
  t.equal(parseSignal(undefined), 15, 'SIGTERM by default');
  t.equal(parseSignal('9'), 9);
  t.equal(parseSignal('KILL'), 9);
  t.equal(parseSignal('SIGKILL'), 9);
  t.equal(parseSignal('sigusr1'), 10);
  t.equal(parseSignal('RTMIN+2'), 36);
  t.throws(() => parseSignal('NOPE'), /unknown signal "NOPE"/);
  t.throws(() => parseSignal('99'), /unknown signal "99"/);
});

t.test('list output: table, json, quiet', async (t) => {
  const states = [{ ociVersion: '1.0.2', id: 'c1', status: 'running' as const, pid: 7, bundle: '/b', rootfs: '/b/rootfs', created: 'T', owner: '' }];
  t.equal(listText(states, undefined, true), 'c1\n');
  t.same(JSON.parse(listText(states, 'json', false))[0].id, 'c1');
  t.match(listText(states, 'table', false), /^ID\s+PID\s+STATUS\s+BUNDLE\s+CREATED\s+OWNER\nc1\s+7\s+running\s+\/b\s+T\s+root\n$/);
  t.throws(() => listText(states, 'yaml', false), /invalid format option "yaml"/);
  t.equal(table([['A', 'B'], ['x', 'y']]), 'A           B\nx           y\n', 'columns at least 12 wide, like runc');
});
