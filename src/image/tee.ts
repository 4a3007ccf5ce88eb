import { PassThrough, type Readable } from 'node:stream';

/**
 * Copies one stream into `count` branches with shared backpressure (the
 * slowest live branch sets the pace). A branch whose reader fails or stops is
 * dropped and the others go on, so a broken unpack does not stop the download
 * that proves whether the bytes were wrong. A source error reaches every branch.
 */
export function tee(source: Readable, count: number): PassThrough[] {
  const branches = Array.from({ length: count }, () => new PassThrough({ highWaterMark: 1024 * 1024 }));
  const live = new Set(branches);
  const blocked = new Set<PassThrough>();
  const unblock = (b: PassThrough) => {
    if (blocked.delete(b) && blocked.size === 0) source.resume();
  };
  const drop = (b: PassThrough) => {
    if (!live.delete(b)) return;
    unblock(b);
    if (live.size === 0) source.destroy();
  };
  for (const b of branches) {
    b.on('error', () => drop(b));
    b.on('close', () => drop(b));
    b.on('drain', () => unblock(b));
  }
  source.on('data', (chunk: Buffer) => {
    for (const b of live) if (!b.write(chunk)) blocked.add(b);
    if (blocked.size) source.pause();
  });
  source.on('end', () => {
    for (const b of live) b.end();
  });
  source.on('error', (err) => {
    for (const b of branches) b.destroy(err);
  });
  return branches;
}
