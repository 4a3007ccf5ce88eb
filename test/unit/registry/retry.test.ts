import t from 'tap';
import { isTransient, withRetry } from '../../../src/registry/retry.js';

t.test('what counts as transient', async (t) => {
  t.ok(isTransient(Object.assign(new Error('x'), { code: 'ECONNRESET' })));
  t.ok(isTransient(new Error('socket hang up')));
  t.ok(isTransient({ status: 503 }));
  t.ok(isTransient({ status: 429 }));
  t.notOk(isTransient({ status: 404 }));
  t.notOk(isTransient({ status: 401 }));
  t.ok(isTransient(new Error('wrapped', { cause: Object.assign(new Error('y'), { code: 'ECONNREFUSED' }) })));
  t.notOk(isTransient(new Error('digest mismatch')));
});

t.test('withRetry retries transient failures only, up to the limit', async (t) => {
  let calls = 0;
  t.equal(await withRetry({ retries: 3, baseDelayMs: 1 }, async () => {
    if (++calls < 3) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    return 'ok';
  }), 'ok');
  t.equal(calls, 3);
  calls = 0;
  await t.rejects(withRetry({ retries: 2, baseDelayMs: 1 }, async () => { calls++; throw { status: 502 }; }));
  t.equal(calls, 3, 'first try plus two retries');
  calls = 0;
  await t.rejects(withRetry({ retries: 5, baseDelayMs: 1 }, async () => { calls++; throw new Error('bad request'); }), /bad request/);
  t.equal(calls, 1);
});
