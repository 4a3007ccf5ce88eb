import t from 'tap';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compileSeccompCached, seccompCacheKey } from '../../../src/runtime/seccomp/compiled-cache.js';
import type { SeccompFilterInput } from '../../../src/sys/index.js';

const input: SeccompFilterInput = {
  defaultAction: 0x00050001, architectures: ['x86_64'],
  syscalls: [{ name: 'personality', action: 0x7fff0000, args: [{ index: 0, op: 4, value: 8n, valueTwo: 0n }] }],
};

function fakeSys(version = '2.5.4') {
  const sys = { compiled: 0, seccompVersion: () => version, compileSeccomp: () => { sys.compiled++; return Buffer.alloc(16, sys.compiled); } };
  return sys;
}

t.test('a program is compiled once per input and libseccomp, then read back', async (t) => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'tsrun-seccomp-')), 'cache');
  const sys = fakeSys();
  const first = await compileSeccompCached(sys, input, dir);
  const again = await compileSeccompCached(sys, input, dir);
  t.equal(sys.compiled, 1, 'the second start reads the cache');
  t.same(again, first);
  t.same(readdirSync(dir), [`${seccompCacheKey(input, '2.5.4')}.bpf`], 'one file, no temp left');

  const other = { ...input, defaultAction: 0x7fff0000 };
  await compileSeccompCached(sys, other, dir);
  t.equal(sys.compiled, 2, 'another profile compiles');
  await compileSeccompCached(fakeSys('2.6.0'), input, dir);
  t.not(seccompCacheKey(input, '2.6.0'), seccompCacheKey(input, '2.5.4'), 'another libseccomp is another key');
});

t.test('a torn or altered cache file is compiled again and rewritten', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tsrun-seccomp-'));
  const sys = fakeSys();
  await compileSeccompCached(sys, input, dir);
  const file = path.join(dir, `${seccompCacheKey(input, '2.5.4')}.bpf`);
  const whole = readFileSync(file);
  for (const broken of [whole.subarray(0, whole.length - 3), Buffer.alloc(0), Buffer.concat([whole.subarray(0, 70), Buffer.from('x'), whole.subarray(71)])]) {
    writeFileSync(file, broken);
    const program = await compileSeccompCached(sys, input, dir);
    t.equal(program.length, 16, 'a whole program');
    t.same(readFileSync(file).subarray(65), program, 'the file holds the new program');
  }
  t.equal(sys.compiled, 4, 'each broken file was recompiled');
});

t.test('an unwritable cache directory still yields the program', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tsrun-seccomp-'));
  writeFileSync(path.join(dir, 'file'), '');
  const sys = fakeSys();
  t.equal((await compileSeccompCached(sys, input, path.join(dir, 'file', 'cache'))).length, 16);
});
