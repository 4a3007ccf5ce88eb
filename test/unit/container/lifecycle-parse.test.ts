import t from 'tap';
import { parseSignal } from '../../../src/container/lifecycle.js';
import { parseSince } from '../../../src/container/logs.js';
import { statusText } from '../../../src/cli/commands/ps.js';
import type { ContainerSummary } from '../../../src/container/ps.js';

t.test('signals by name, short name or number', async (t) => {
  t.equal(parseSignal('KILL'), 9);
  t.equal(parseSignal('sigterm'), 15);
  t.equal(parseSignal('USR1'), 10);
  t.equal(parseSignal('2'), 2);
  t.throws(() => parseSignal('NOPE'), /Invalid signal: NOPE/);
  t.throws(() => parseSignal('99'), /Invalid signal/);
});

t.test('--since: durations, unix seconds, RFC 3339', async (t) => {
  const now = Date.parse('2024-06-01T12:00:00Z');
  t.equal(parseSince('10m', now), now - 600_000);
  t.equal(parseSince('1h30m', now), now - 5_400_000);
  t.equal(parseSince('1717243200', now), 1717243200_000);
  t.equal(parseSince('2024-06-01T11:00:00Z', now), now - 3_600_000);
  t.throws(() => parseSince('yesterday', now), /failed to parse value as time or duration/);
});

t.test('ps STATUS as Docker words it', async (t) => {
  const now = Date.parse('2024-06-01T12:00:00Z');
  const row = (state: Partial<ContainerSummary['state']>) => ({ record: {} as ContainerSummary['record'], state: { Status: 'created', Running: false, Pid: 0, ExitCode: 0, StartedAt: '', FinishedAt: '', ...state } }) as ContainerSummary;
  t.equal(statusText(row({ Status: 'running', Running: true, StartedAt: '2024-06-01T11:59:57Z' }), now), 'Up 3 seconds');
  t.equal(statusText(row({ Status: 'exited', ExitCode: 0, FinishedAt: '2024-06-01T11:58:00Z' }), now), 'Exited (0) 2 minutes ago');
  t.equal(statusText(row({}), now), 'Created');
});
