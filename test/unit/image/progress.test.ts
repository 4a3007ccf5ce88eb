import t from 'tap';
import { createProgress, progressBar } from '../../../src/cli/progress.js';

t.test('bar like Docker\'s', async (t) => {
  t.equal(progressBar(0, 100), `[>${' '.repeat(49)}]  0B/100B`);
  t.equal(progressBar(50, 100), `[${'='.repeat(25)}>${' '.repeat(24)}]  50B/100B`);
  t.equal(progressBar(100, 100), `[${'='.repeat(50)}]  100B/100B`);
});

t.test('piped: one line per change of status, no bytes', async (t) => {
  let out = '';
  const p = createProgress((s) => { out += s; }, false);
  p({ id: 'aaa', status: 'Pulling fs layer' });
  p({ id: 'aaa', status: 'Downloading', current: 1, total: 10 });
  p({ id: 'aaa', status: 'Downloading', current: 5, total: 10 });
  p({ id: 'aaa', status: 'Pull complete' });
  p({ status: 'Digest: sha256:x' });
  t.equal(out, 'aaa: Pulling fs layer\naaa: Downloading\naaa: Pull complete\nDigest: sha256:x\n');
});

t.test('terminal: a line per layer, redrawn in place', async (t) => {
  let out = '';
  const p = createProgress((s) => { out += s; }, true);
  p({ id: 'aaa', status: 'Pulling fs layer' });
  p({ id: 'bbb', status: 'Pulling fs layer' });
  p({ id: 'aaa', status: 'Downloading', current: 5, total: 10 });
  t.equal(out, `aaa: Pulling fs layer\nbbb: Pulling fs layer\n\x1b[2A\r\x1b[2Kaaa: Downloading [${'='.repeat(25)}>${' '.repeat(24)}]  5B/10B\x1b[2B\r`);
});
