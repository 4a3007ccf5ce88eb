import t from 'tap';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tee } from '../../../src/image/tee.js';
import { VerifyingStream, sha256 } from '../../../src/oci/digest.js';

const collect = async (s: Readable) => { const parts: Buffer[] = []; for await (const c of s) parts.push(c as Buffer); return Buffer.concat(parts); };

t.test('both branches get every byte', async (t) => {
  const data = Buffer.alloc(3 * 1024 * 1024, 7);
  const [a, b] = tee(Readable.from([data.subarray(0, 1e6), data.subarray(1e6)]), 2) as [PassThrough, PassThrough];
  const [x, y] = await Promise.all([collect(a), collect(b)]);
  t.ok(x.equals(data) && y.equals(data));
});

t.test('a branch that fails is dropped and the other goes on', async (t) => {
  const data = Buffer.alloc(2 * 1024 * 1024, 1);
  const [a, b] = tee(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), 2) as [PassThrough, PassThrough];
  const failing = pipeline(a, new Writable({ write: (_c, _e, cb) => cb(new Error('unpack broke')) }));
  const [got] = await Promise.all([collect(b), t.rejects(failing, /unpack broke/)]);
  t.equal(got.length, data.length);
});

t.test('a digest mismatch fails both branches before they end', async (t) => {
  const verifier = new VerifyingStream(sha256('expected'), undefined, 'filesystem layer verification failed for digest X');
  Readable.from([Buffer.from('other bytes')]).pipe(verifier);
  const [a, b] = tee(verifier, 2) as [PassThrough, PassThrough];
  await t.rejects(collect(a), /filesystem layer verification failed/);
  await t.rejects(collect(b), /filesystem layer verification failed/);
});

t.test('VerifyingStream: passes matching bytes, refuses more than the size', async (t) => {
  const ok = new VerifyingStream(sha256('abc'), 3, 'bad');
  t.equal((await collect(Readable.from([Buffer.from('a'), Buffer.from('bc')]).pipe(ok))).toString(), 'abc');
  const tooLong = new VerifyingStream(sha256('abc'), 2, 'bad blob');
  await t.rejects(collect(Readable.from([Buffer.from('abc')]).pipe(tooLong)), /bad blob \(more than 2 bytes\)/);
});
