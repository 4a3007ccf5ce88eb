import t from 'tap';
import { humanDuration, humanSize, table, timeAgo } from '../../../src/cli/format.js';

t.test('go-units HumanDuration', async (t) => {
  const s = 1000, m = 60 * s, h = 60 * m, d = 24 * h;
  t.equal(humanDuration(500), 'Less than a second');
  t.equal(humanDuration(1 * s), '1 second');
  t.equal(humanDuration(45 * s), '45 seconds');
  t.equal(humanDuration(90 * s), 'About a minute');
  t.equal(humanDuration(5 * m), '5 minutes');
  t.equal(humanDuration(65 * m), 'About an hour');
  t.equal(humanDuration(3 * h), '3 hours');
  t.equal(humanDuration(3 * d), '3 days');
  t.equal(humanDuration(20 * d), '2 weeks');
  t.equal(humanDuration(90 * d), '3 months');
  t.equal(humanDuration(800 * d), '2 years');
  t.equal(timeAgo(new Date(Date.now() - 5 * m).toISOString()), '5 minutes ago');
  t.equal(timeAgo(undefined), 'N/A');
});

t.test('go-units HumanSizeWithPrecision(3)', async (t) => {
  t.equal(humanSize(0), '0B');
  t.equal(humanSize(999), '999B');
  t.equal(humanSize(1000), '1kB');
  t.equal(humanSize(1_980_000), '1.98MB');
  t.equal(humanSize(4_260_000_000), '4.26GB');
  t.equal(humanSize(72_800_000), '72.8MB');
});

t.test('tables pad like tabwriter', async (t) => {
  t.equal(table(['A', 'LONGER'], [['xx', 'y'], ['x', 'zzzz']]), 'A    LONGER\nxx   y\nx    zzzz\n');
});
