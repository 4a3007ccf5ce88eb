import t from 'tap';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openLayerInput } from '../../../src/snapshot/decompress.js';

const zstd = (data: Buffer) => execFileSync('zstd', ['-q', '-c'], { input: data });

async function decompress(data: Buffer): Promise<Buffer> {
  const input = await openLayerInput(Readable.from([data.subarray(0, 3), data.subarray(3)]));
  t.equal(input.compression, 'zstd');
  const parts: Buffer[] = [];
  await pipeline(input.raw, input.decompressor!, new Writable({ write: (c, _e, cb) => { parts.push(c); cb(); } }));
  return Buffer.concat(parts);
}

t.test('a zstd layer is decompressed (by magic bytes, as the media type may lie)', async (t) => {
  const data = Buffer.concat([randomBytes(300_000), Buffer.alloc(2_000_000, 'a')]);
  t.ok((await decompress(zstd(data))).equals(data));
});

t.test('a corrupt or truncated zstd frame is an error, never a short stream', async (t) => {
  const packed = zstd(Buffer.alloc(1_000_000, 'z'));
  await t.rejects(decompress(packed.subarray(0, packed.length - 8)), { code: 'INVALID_ARGUMENT', message: /layer is not valid zstd/ });
});
