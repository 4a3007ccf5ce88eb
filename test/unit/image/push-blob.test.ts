// Uploads against a scripted registry: monolithic PUT for small blobs,
// PATCH chunks with Content-Range then PUT ?digest= for large ones, mounts.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { uploadBlob } from '../../../src/image/push-blob.js';
import type { ImageDeps } from '../../../src/image/image-service.js';
import { Repository } from '../../../src/registry/repository.js';
import { RegistrySession } from '../../../src/registry/session.js';
import { startFakeRegistry, json } from '../../helpers/fake-registry.js';

const sha = (b: Buffer) => 'sha256:' + createHash('sha256').update(b).digest('hex');

interface Call { method: string; path: string; range?: string; body: string }

async function setup(t: Test) {
  const calls: Call[] = [];
  let uploads = 0;
  const reg = await startFakeRegistry(t, (req, res, body) => {
    const url = new URL(req.url!, 'http://x');
    calls.push({ method: req.method!, path: url.pathname + url.search, ...(req.headers['content-range'] ? { range: String(req.headers['content-range']) } : {}), body: body.toString() });
    if (url.pathname === '/v2/') return res.writeHead(200, { 'Content-Length': 0 }).end();
    if (req.method === 'POST' && url.searchParams.get('mount')) {
      return res.writeHead(url.searchParams.get('from') === 'has/it' ? 201 : 202, { Location: `/v2/x/blobs/uploads/u${++uploads}`, 'Content-Length': 0 }).end();
    }
    if (req.method === 'POST') return res.writeHead(202, { Location: `/v2/x/blobs/uploads/u${++uploads}?_state=s0`, 'Content-Length': 0 }).end();
    if (req.method === 'PATCH') return res.writeHead(202, { Location: `${url.pathname}?_state=s${calls.length}`, 'Content-Length': 0 }).end();
    if (req.method === 'PUT') return res.writeHead(201, { 'Content-Length': 0 }).end();
    json(res, 404, {});
  });
  const session = new RegistrySession({ credentials: async () => undefined, retry: { retries: 0, baseDelayMs: 1 } });
  t.teardown(() => session.close());
  const repo = new Repository(session, { base: reg.base, host: reg.host, mirror: false, insecure: true, authKey: reg.host }, 'x', true);
  return { calls, repo };
}

const depsFor = (data: Buffer) => ({
  content: {
    readBytes: async () => data,
    read: () => Readable.from([data.subarray(0, 3), data.subarray(3, 9), data.subarray(9)]),
  },
}) as unknown as ImageDeps;

t.test('a small blob goes up in one PUT with its digest', async (t) => {
  const { calls, repo } = await setup(t);
  const data = Buffer.from('0123456789');
  const seen: number[] = [];
  await uploadBlob(depsFor(data), repo, { mediaType: 'x', digest: sha(data), size: 10 }, 16, (n) => seen.push(n));
  const rest = calls.filter((c) => c.path !== '/v2/');
  t.same(rest.map((c) => [c.method, c.path, c.body]), [
    ['POST', '/v2/x/blobs/uploads/', ''],
    ['PUT', `/v2/x/blobs/uploads/u1?_state=s0&digest=${encodeURIComponent(sha(data))}`, '0123456789'],
  ]);
  t.same(seen, [10]);
});

t.test('a large blob goes up in chunks, each at its offset, following each Location', async (t) => {
  const { calls, repo } = await setup(t);
  const data = Buffer.from('0123456789');
  const seen: number[] = [];
  await uploadBlob(depsFor(data), repo, { mediaType: 'x', digest: sha(data), size: 10 }, 4, (n) => seen.push(n));
  const rest = calls.filter((c) => c.path !== '/v2/');
  t.same(rest.map((c) => [c.method, c.range ?? '', c.body]), [
    ['POST', '', ''], ['PATCH', '0-3', '0123'], ['PATCH', '4-7', '4567'], ['PATCH', '8-9', '89'], ['PUT', '', ''],
  ]);
  t.match(rest[2]!.path, /_state=s\d/, 'the next chunk goes to the Location the last one returned');
  t.match(rest[4]!.path, `digest=${encodeURIComponent(sha(data))}`);
  t.same(seen, [4, 8, 10]);
});

t.test('cross-repository mount: 201 mounted, 202 means upload instead', async (t) => {
  const { calls, repo } = await setup(t);
  t.equal(await repo.mountBlob('sha256:aa', 'has/it'), true);
  t.equal(await repo.mountBlob('sha256:aa', 'lacks/it'), false);
  t.match(calls.filter((c) => c.method === 'POST')[0]!.path, '/v2/x/blobs/uploads/?mount=sha256%3Aaa&from=has%2Fit');
});
