import t from 'tap';
import { netTotals, systemCpuNanos } from '../../../src/container/stats.js';
import { bytesSize } from '../../../src/cli/commands/stats.js';

t.test('the numbers Docker\'s stats start from', async (t) => {
  t.equal(systemCpuNanos('cpu  100 0 50 800 25 0 25 0 0 0\ncpu0 1 2 3\n'), 1000 * 1e9 / 100, 'user..softirq, in ticks of 10 ms');
  const netDev = 'Inter-|   Receive\n face |bytes packets\n    lo: 500 5 0 0 0 0 0 0 500 5 0 0 0 0 0 0\n  eth0: 1200 10 0 0 0 0 0 0 648 8 0 0 0 0 0 0\n';
  t.same(netTotals(netDev), { rx: 1200, tx: 648 }, 'lo is not counted');
  t.equal(bytesSize(0), '0B');
  t.equal(bytesSize(64 * 1024 * 1024), '64MiB');
  t.equal(bytesSize(2048000), '1.953MiB');
  t.equal(bytesSize(25274785792), '23.54GiB');
});
