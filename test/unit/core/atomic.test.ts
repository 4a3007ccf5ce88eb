import t from 'tap';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from '../../../src/core/atomic.js';
import { removeAbandonedScratch } from '../../../src/core/scratch.js';
import { FileLock } from '../../../src/core/lock.js';

const tmp = (t: Tap.Test) => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'tsrun-unit-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
};
declare namespace Tap { type Test = import('tap').Test }

t.test('atomic writes leave the old or the new file, never a temp', async (t) => {
  const dir = tmp(t);
  const file = path.join(dir, 'state.json');
  t.equal(await readJsonIfExists(file), undefined);
  await writeJsonAtomic(file, { a: 1 });
  await writeJsonAtomic(file, { a: 2 });
  t.same(JSON.parse(readFileSync(file, 'utf8')), { a: 2 });
  t.same(readdirSync(dir), ['state.json'], 'no temp file is left behind');
});

t.test('scratch left by dead processes is removed, live ones kept', async (t) => {
  const dir = tmp(t);
  mkdirSync(path.join(dir, `${process.pid}-layer-aa`));
  mkdirSync(path.join(dir, '999999999-layer-bb')); // no such pid
  writeFileSync(path.join(dir, 'garbage'), '');
  t.equal(await removeAbandonedScratch(dir), 2);
  t.same(readdirSync(dir), [`${process.pid}-layer-aa`]);
});

t.test('the lock runs holders one at a time within a process', async (t) => {
  const dir = tmp(t);
  const calls: string[] = [];
  const lock = new FileLock(path.join(dir, 'x.lock'), async (_fd, mode) => { calls.push(mode); });
  const order: number[] = [];
  await Promise.all([1, 2, 3].map((n) => lock.with('exclusive', async () => {
    order.push(n);
    await new Promise((r) => setTimeout(r, 5));
    order.push(-n);
  })));
  t.same(order, [1, -1, 2, -2, 3, -3], 'no interleaving');
  t.same(calls, ['exclusive', 'exclusive', 'exclusive']);
});
