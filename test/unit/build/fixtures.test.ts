import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize } from '../../helpers/dockerfile-fixtures.js';

// test/fixtures/dockerfile/<case>/{Dockerfile,expected.json}: our own
// real-world files, covering every instruction and the odd corners.
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/dockerfile');

t.test('Dockerfile fixtures match expected.json', async (t) => {
  const cases = readdirSync(dir).sort();
  t.ok(cases.length >= 6, `${cases.length} fixtures`);
  for (const c of cases) {
    const text = readFileSync(path.join(dir, c, 'Dockerfile'), 'utf8');
    const expected: unknown = JSON.parse(readFileSync(path.join(dir, c, 'expected.json'), 'utf8'));
    t.same(JSON.parse(JSON.stringify(summarize(text))), expected, c);
  }
});

t.test('fixtures cover every instruction', async (t) => {
  const seen = new Set<string>();
  for (const c of readdirSync(dir)) {
    const expected = JSON.parse(readFileSync(path.join(dir, c, 'expected.json'), 'utf8')) as { dump?: string[] };
    for (const line of expected.dump ?? []) seen.add(/^\((\w+)/.exec(line)?.[1] ?? '');
  }
  const all = ['from', 'run', 'cmd', 'entrypoint', 'copy', 'add', 'env', 'arg', 'label', 'expose', 'volume', 'user',
    'workdir', 'onbuild', 'stopsignal', 'healthcheck', 'shell', 'maintainer'];
  t.same(all.filter((k) => !seen.has(k)), []);
});
