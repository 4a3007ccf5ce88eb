import t from 'tap';
import { cacheKey, type CacheRecord, type StepInputs, type StepSummary } from '../../../src/build/cache.js';
import { explainMiss, mapChanges } from '../../../src/build/explain.js';

const base: StepInputs = {
  parent: 'sha256:' + 'a'.repeat(64),
  createdBy: '/bin/sh -c #(nop) COPY file:x in /app ',
  args: { A: '1', B: '2' },
  sources: { 'app/a.txt': 'h1', 'app/b.txt': 'h2' },
  extra: ['chmod='],
};

t.test('the key is the same for the same inputs, whatever their order', async (t) => {
  const k = cacheKey(base);
  t.match(k, /^[0-9a-f]{64}$/);
  t.equal(cacheKey({ ...base, args: { B: '2', A: '1' }, sources: { 'app/b.txt': 'h2', 'app/a.txt': 'h1' } }), k);
});

t.test('each input changes the key', async (t) => {
  const k = cacheKey(base);
  const variants: StepInputs[] = [
    { ...base, parent: 'sha256:' + 'b'.repeat(64) },
    { ...base, createdBy: base.createdBy + 'x' },
    { ...base, args: { ...base.args, A: '9' } },
    { ...base, args: { A: '1' } },
    { ...base, sources: { ...base.sources, 'app/a.txt': 'h9' } },
    { ...base, sources: { 'app/a.txt': 'h1' } },
    { ...base, extra: ['chmod=644'] },
  ];
  for (const v of variants) t.not(cacheKey(v), k);
  t.equal(new Set(variants.map(cacheKey)).size, variants.length);
});

t.test('map differences', async (t) => {
  t.same(mapChanges({ a: '1', b: '2', c: '3' }, { a: '1', b: '9', d: '4' }), { changed: ['b'], added: ['d'], removed: ['c'] });
});

const summary = (over: Partial<StepSummary> = {}): StepSummary => ({
  original: 'COPY app /app', createdBy: 'c', args: {}, sources: { 'app/a.txt': 'h1', 'app/b.txt': 'h2' }, extra: [], ...over,
});
const record = (step: StepSummary, key = 'k0', created = '2024-01-01T00:00:00Z'): CacheRecord => ({
  version: 1, key, parent: 'p', created, imageId: 'sha256:i', layers: [], diffIDs: [], blobs: [], step,
});
const ctx = { noCache: false, parent: 'sha256:' + 'c'.repeat(64) };

t.test('explain: which file changed, was added or removed', async (t) => {
  const now = summary({ sources: { 'app/a.txt': 'NEW', 'app/c.txt': 'h3' } });
  t.equal(explainMiss(now, 'k1', [record(summary())], ctx), 'file changed: "app/a.txt"; file added: "app/c.txt"; file removed: "app/b.txt"');
});

t.test('explain: which build arg changed', async (t) => {
  const before = summary({ original: 'RUN make', args: { V: '1' }, sources: {} });
  const now = summary({ original: 'RUN make', args: { V: '2', W: 'x' }, sources: {} });
  t.equal(explainMiss(now, 'k1', [record(before)], ctx), 'build arg V changed ("1" -> "2"); build arg W is new ("x")');
});

t.test('explain: the parent', async (t) => {
  t.equal(explainMiss(summary(), 'k', [], { ...ctx, parentRebuiltBy: 'step 3' }), 'parent cccccccccccc is new (step 3 was rebuilt)');
  t.equal(explainMiss(summary(), 'k', [], { ...ctx, baseName: 'busybox' }), 'nothing was built on busybox (cccccccccccc) before');
});

t.test('explain: changed instruction, expansion, --no-cache, removed result', async (t) => {
  t.match(explainMiss(summary({ original: 'COPY other /x' }), 'k', [record(summary())], ctx), /^instruction changed: .*last cached: "COPY app \/app"/);
  t.equal(explainMiss(summary({ createdBy: 'new' }), 'k', [record(summary({ createdBy: 'old' }))], ctx), 'instruction changed after expansion: "old" -> "new"');
  t.equal(explainMiss(summary(), 'k', [], { ...ctx, noCache: true }), '--no-cache');
  t.equal(explainMiss(summary(), 'k0', [record(summary())], ctx), 'the cached result was removed from the store');
});

t.test('explain compares with the newest record of the same line', async (t) => {
  const older = record(summary({ original: 'RUN make', args: { V: '1' }, sources: {} }), 'a', '2024-01-01T00:00:00Z');
  const newer = record(summary({ original: 'RUN make', args: { V: '5' }, sources: {} }), 'b', '2024-02-01T00:00:00Z');
  // candidates come newest first from BuildCache.candidates
  t.equal(explainMiss(summary({ original: 'RUN make', args: { V: '6' }, sources: {} }), 'c', [newer, older], ctx), 'build arg V changed ("5" -> "6")');
});
