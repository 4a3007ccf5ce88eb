// The distribution client against a scripted registry: the 401 -> token ->
// retry flow, the token cache, Basic auth, schema1, digests, platforms.
import t from 'tap';
import { createHash } from 'node:crypto';
import { RegistrySession } from '../../../src/registry/session.js';
import { Repository } from '../../../src/registry/repository.js';
import type { RegistryEndpoint } from '../../../src/registry/endpoints.js';
import { resolveRemoteImage } from '../../../src/image/remote-manifest.js';
import { parseDockerReference } from '../../../src/oci/reference.js';
import { startFakeRegistry, json } from '../../helpers/fake-registry.js';

const sha = (b: string | Buffer) => 'sha256:' + createHash('sha256').update(b).digest('hex');
const endpoint = (host: string, mirror = false): RegistryEndpoint => ({ base: `http://${host}`, host, mirror, insecure: true, authKey: host });
const noCreds = async () => undefined;
const fast = { retries: 2, baseDelayMs: 1 };

t.test('Bearer: 401 from the registry, token for the scope, cached for the next requests', async (t) => {
  let tokens = 0;
  const reg = await startFakeRegistry(t, (req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/token') {
      tokens++;
      t.equal(url.searchParams.get('service'), 'fake');
      t.same(url.searchParams.getAll('scope'), ['repository:lib/app:pull']);
      t.equal(req.headers.authorization, 'Basic ' + Buffer.from('u:p').toString('base64'));
      return json(res, 200, { token: `tok${tokens}`, expires_in: 300 });
    }
    if (req.headers.authorization !== 'Bearer tok1') {
      return json(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, {
        'WWW-Authenticate': `Bearer realm="http://${reg.host}/token",service="fake",scope="repository:lib/app:pull"`,
      });
    }
    if (url.pathname === '/v2/lib/app/blobs/sha256:00') return json(res, 404, { errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown to registry' }] });
    res.writeHead(200, { 'Content-Length': 0 }).end();
  });
  const session = new RegistrySession({ credentials: async () => ({ username: 'u', password: 'p' }), retry: fast });
  t.teardown(() => session.close());
  const repo = new Repository(session, endpoint(reg.host), 'lib/app');
  t.equal(await repo.hasBlob('sha256:00'), false);
  t.equal(await repo.hasBlob('sha256:11'), true);
  t.equal(tokens, 1, 'one token for both requests');
});

t.test('a token expiring is fetched again; insufficient_scope gets a fresh token once', async (t) => {
  let tokens = 0;
  const reg = await startFakeRegistry(t, (req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/token') return json(res, 200, { access_token: `t${++tokens}`, expires_in: 1 });
    const challenge = { 'WWW-Authenticate': `Bearer realm="http://${reg.host}/token",service="s"` };
    if (url.pathname === '/v2/' || !req.headers.authorization) return json(res, 401, {}, challenge);
    res.writeHead(200, { 'Content-Length': 0 }).end();
  });
  const session = new RegistrySession({ credentials: noCreds, retry: fast });
  t.teardown(() => session.close());
  const repo = new Repository(session, endpoint(reg.host), 'a');
  await repo.hasBlob('sha256:1');
  await repo.hasBlob('sha256:2');
  t.equal(tokens, 1, 'cached while it lives (expires_in 1s minus the margin still gives 1s)');
  await new Promise((r) => setTimeout(r, 1100));
  await repo.hasBlob('sha256:3');
  t.equal(tokens, 2, 'fetched again after expiry');
});

t.test('Basic auth; no credentials is a clear error', async (t) => {
  const reg = await startFakeRegistry(t, (req, res) => {
    if (req.headers.authorization !== 'Basic ' + Buffer.from('a:b').toString('base64')) return json(res, 401, {}, { 'WWW-Authenticate': 'Basic realm="r"' });
    res.writeHead(200, { 'Content-Length': 0 }).end();
  });
  const good = new RegistrySession({ credentials: async () => ({ username: 'a', password: 'b' }), retry: fast });
  const none = new RegistrySession({ credentials: noCreds, retry: fast });
  t.teardown(() => { good.close(); none.close(); });
  t.equal(await new Repository(good, endpoint(reg.host), 'x').hasBlob('sha256:1'), true);
  await t.rejects(new Repository(none, endpoint(reg.host), 'x').hasBlob('sha256:1'), /no basic auth credentials for 127.0.0.1/);
});

t.test('transient 503s are retried', async (t) => {
  let n = 0;
  const reg = await startFakeRegistry(t, (req, res) => {
    if (req.url === '/v2/') return res.writeHead(200, { 'Content-Length': 0 }).end();
    if (++n < 3) return json(res, 503, { errors: [{ code: 'UNAVAILABLE', message: 'busy' }] });
    res.writeHead(200, { 'Content-Length': 0 }).end();
  });
  const session = new RegistrySession({ credentials: noCreds, retry: fast });
  t.teardown(() => session.close());
  t.equal(await new Repository(session, endpoint(reg.host), 'x').hasBlob('sha256:1'), true);
  t.equal(n, 3);
});

t.test('manifests: index -> host platform, digest verified, schema1 refused, mirror fallback', async (t) => {
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha(config), size: config.length }, layers: [] });
  const index = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json', manifests: [
    { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: sha('other'), size: 5, platform: { os: 'linux', architecture: 's390x' } },
    { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: sha(manifest), size: manifest.length, platform: { os: 'linux', architecture: 'amd64' } },
  ] });
  const schema1 = JSON.stringify({ schemaVersion: 1, name: 'old', tag: 'v1', fsLayers: [] });
  const reg = await startFakeRegistry(t, (req, res) => {
    const send = (body: string, type: string) => { res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length }); res.end(body); };
    if (req.url === '/v2/') return res.writeHead(200, { 'Content-Length': 0 }).end();
    if (req.url === '/v2/library/app/manifests/1') return send(index, 'application/vnd.docker.distribution.manifest.list.v2+json');
    if (req.url === `/v2/library/app/manifests/${sha(manifest)}`) return send(manifest, 'application/vnd.docker.distribution.manifest.v2+json');
    if (req.url === `/v2/library/app/manifests/${sha('tampered')}`) return send(manifest, 'application/vnd.docker.distribution.manifest.v2+json');
    if (req.url === '/v2/library/old/manifests/v1') return send(schema1, 'application/vnd.docker.distribution.manifest.v1+prettyjws');
    json(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] });
  });
  const session = new RegistrySession({ credentials: noCreds, retry: fast });
  t.teardown(() => session.close());
  const dead = endpoint('127.0.0.1:1', true);
  const access = { session, pullEndpoints: () => [dead, endpoint(reg.host, true)], pushEndpoint: () => endpoint(reg.host) };
  const amd64 = { os: 'linux', architecture: 'amd64' };
  const img = await resolveRemoteImage(access, parseDockerReference('app:1'), amd64);
  t.equal(img.repoDigest, sha(index), 'the repo digest is the index');
  t.equal(img.manifestDigest, sha(manifest));
  t.equal(img.repository.endpoint.host, reg.host, 'the dead mirror was skipped');
  await t.rejects(resolveRemoteImage(access, parseDockerReference('app:1'), { os: 'linux', architecture: 'riscv64' }), /no matching manifest for linux\/riscv64/);
  await t.rejects(resolveRemoteImage(access, parseDockerReference(`app@${sha('tampered')}`), amd64), /manifest verification failed for digest/);
  await t.rejects(resolveRemoteImage(access, parseDockerReference('old:v1'), amd64), /old:v1: the image manifest is Docker schema1 \(application\/vnd.docker.distribution.manifest.v1\+prettyjws\), which tsrun does not support/);
  await t.rejects(resolveRemoteImage(access, parseDockerReference('app:2'), amd64), /manifest for app:2 not found: manifest unknown/);
});

t.test('an identity token (Docker\'s refresh token) is exchanged by OAuth POST', async (t) => {
  let form: URLSearchParams | undefined;
  const reg = await startFakeRegistry(t, (req, res, body) => {
    if (req.url === '/token' && req.method === 'POST') {
      form = new URLSearchParams(body.toString());
      return json(res, 200, { access_token: 'oauth', expires_in: 60 });
    }
    if (req.headers.authorization !== 'Bearer oauth') return json(res, 401, {}, { 'WWW-Authenticate': `Bearer realm="http://${reg.host}/token",service="svc"` });
    res.writeHead(200, { 'Content-Length': 0 }).end();
  });
  const session = new RegistrySession({ credentials: async () => ({ identityToken: 'refresh-me' }), retry: fast });
  t.teardown(() => session.close());
  t.equal(await new Repository(session, endpoint(reg.host), 'a/b', true).hasBlob('sha256:1'), true);
  t.same(Object.fromEntries(form!), { grant_type: 'refresh_token', refresh_token: 'refresh-me', client_id: 'tsrun', service: 'svc', scope: 'repository:a/b:pull,push' });
});
