// A blob download cut mid-way resumes with a Range request; a registry that
// ignores Range makes the stream fail (marked midStream) so the layer restarts.
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { openResumableBlob } from '../../../src/image/resumable-blob.js';
import { Repository } from '../../../src/registry/repository.js';
import { RegistrySession } from '../../../src/registry/session.js';
import { startFakeRegistry } from '../../helpers/fake-registry.js';

const blob = randomBytes(256 * 1024);
const CUT = 100_000;

async function setup(t: Test, ranges: boolean) {
  const asked: Array<string | undefined> = [];
  const reg = await startFakeRegistry(t, (req, res) => {
    if (req.url === '/v2/') return res.writeHead(200, { 'Content-Length': 0 }).end();
    const range = req.headers.range;
    asked.push(range);
    const from = ranges && range ? Number(/^bytes=(\d+)-$/.exec(range)?.[1]) : 0;
    if (from > 0) {
      res.writeHead(206, { 'Content-Length': blob.length - from, 'Content-Range': `bytes ${from}-${blob.length - 1}/${blob.length}` });
      return res.end(blob.subarray(from));
    }
    res.writeHead(200, { 'Content-Length': blob.length });
    // the first answer breaks off after CUT bytes
    if (asked.length === 1) res.write(blob.subarray(0, CUT), () => setTimeout(() => res.socket?.destroy(), 20));
    else res.end(blob);
  });
  const session = new RegistrySession({ credentials: async () => undefined, retry: { retries: 0, baseDelayMs: 1 } });
  t.teardown(() => session.close());
  const repo = new Repository(session, { base: reg.base, host: reg.host, mirror: false, insecure: true, authKey: reg.host }, 'x');
  return { repo, asked };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

t.test('a cut download goes on from where it broke', async (t) => {
  const { repo, asked } = await setup(t, true);
  const delays: number[] = [];
  const stream = await openResumableBlob(repo, 'sha256:' + '0'.repeat(64), { retries: 2, baseDelayMs: 1 }, { retrying: (d) => delays.push(d) });
  const got = await readAll(stream);
  t.ok(got.equals(blob), 'every byte once, in order');
  t.same(asked, [undefined, `bytes=${CUT}-`]);
  t.equal(delays.length, 1);
});

t.test('a registry without Range support: the stream fails, marked for a restart', async (t) => {
  const { repo, asked } = await setup(t, false);
  const stream = await openResumableBlob(repo, 'sha256:' + '0'.repeat(64), { retries: 2, baseDelayMs: 1 }, { retrying: () => undefined });
  const err = await readAll(stream).then(() => undefined, (e: unknown) => e);
  t.ok(err, 'fails');
  t.equal((err as { midStream?: boolean }).midStream, true);
  t.same(asked, [undefined, `bytes=${CUT}-`], 'asked once for the rest');
});

t.test('no retries left: the first cut fails the stream', async (t) => {
  const { repo, asked } = await setup(t, true);
  const stream = await openResumableBlob(repo, 'sha256:' + '0'.repeat(64), { retries: 0, baseDelayMs: 1 }, { retrying: () => undefined });
  const err = await readAll(stream).then(() => undefined, (e: unknown) => e);
  t.equal((err as { midStream?: boolean }).midStream, true);
  t.same(asked, [undefined]);
});
