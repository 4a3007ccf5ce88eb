import t from 'tap';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { liveStartTime, readProcStat } from '../../../src/core/proc-stat.js';

t.test('a live process has a state and a start time that stays the same', async (t) => {
  const stat = readProcStat(process.pid);
  t.ok(stat && /^[RSD]$/.test(stat.state), `state ${stat?.state}`);
  t.ok(stat && stat.startTime > 0);
  t.equal(liveStartTime(process.pid), stat?.startTime);
});

t.test('a zombie is not alive', async (t) => {
  // `sh -c 'sleep 0 & exec sleep 2'`: the exec'd sleep does not reap its child, which stays a zombie
  const child = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 2'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const zombie = Number(await new Promise<string>((resolve) => child.stdout.once('data', (d) => resolve(String(d)))));
  await new Promise((r) => setTimeout(r, 300));
  t.equal(readProcStat(zombie)?.state, 'Z');
  t.equal(liveStartTime(zombie), undefined);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
});

t.test('a pid that no process has is gone', async (t) => {
  const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
  t.equal(readProcStat(pidMax + 1), undefined);
  t.equal(liveStartTime(pidMax + 1), undefined);
});
