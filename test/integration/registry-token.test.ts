// Token auth (`auth: token`), the Docker Hub flow: 401 from the registry,
// a token from the issuer for the scope, the request again with the token.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { requiresRoot } from '../helpers/requires.js';
import { startRegistry, tmpDir } from '../helpers/registry.js';
import { startTokenIssuer } from '../helpers/token-issuer.js';
import { importBusybox, tmpStore, tsrun } from '../helpers/tsrun.js';
import { tsrunAsync } from '../helpers/tsrun-async.js';

if (requiresRoot(t)) {
  const dir = tmpDir(t, 'tsrun-reg-token-');
  const issuer = await startTokenIssuer(t, dir, 'bob', 'hunter2');
  const reg = await startRegistry(t, { token: { realm: issuer.realm, service: issuer.service, issuer: issuer.issuer, rootCertBundle: issuer.certFile } });
  const config = path.join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ 'insecure-registries': [reg.host] }));
  const clientDir = path.join(dir, 'client');
  const env = { TSRUN_CONFIG: config, DOCKER_CONFIG: clientDir };
  const seed = tmpStore(t);
  importBusybox(t, seed);
  const name = `${reg.host}/bob/busybox:1`;
  t.equal(tsrun(seed, ['tag', 'busybox', name]).code, 0);

  t.test('anonymous push is denied: the token grants pull only', async (t) => {
    const r = await tsrunAsync(seed, ['push', name], { env });
    t.equal(r.code, 1);
    t.match(r.stderr, `Error response from daemon: push access denied for ${reg.host}/bob/busybox: `);
    t.ok(issuer.requests.some((q) => !q.account && q.scopes.includes('repository:bob/busybox:pull,push')), 'asked for push,pull');
  });

  t.test('wrong password at login', async (t) => {
    const r = await tsrunAsync(seed, ['login', '-u', 'bob', '--password-stdin', reg.host], { env, input: 'nope' });
    t.equal(r.code, 1);
    t.match(r.stderr, /Error response from daemon: .*unauthorized: incorrect username or password/);
  });

  t.test('login, push with a push,pull token, anonymous pull with a pull token', async (t) => {
    const login = await tsrunAsync(seed, ['login', '-u', 'bob', '--password-stdin', reg.host], { env, input: 'hunter2\n' });
    t.equal(login.code, 0, login.stderr);
    t.equal(login.stdout, 'Login Succeeded\n');
    issuer.requests.length = 0;
    const push = await tsrunAsync(seed, ['push', name], { env });
    t.equal(push.code, 0, push.stderr);
    t.same(issuer.requests.map((q) => [q.account, q.scopes]), [['bob', ['repository:bob/busybox:pull,push']]], 'one token, cached for every request of the push');

    issuer.requests.length = 0;
    const store = tmpStore(t);
    const anonymous = { ...env, DOCKER_CONFIG: path.join(dir, 'nobody') };
    const pull = await tsrunAsync(store, ['pull', name], { env: anonymous });
    t.equal(pull.code, 0, pull.stderr);
    t.same(issuer.requests.map((q) => [q.account, q.scopes]), [[undefined, ['repository:bob/busybox:pull']]], 'an anonymous pull token');
    t.equal(tsrun(store, ['run', '--rm', name, 'cat', '/etc/issue']).stdout, 'tsrun busybox\n');

    const missing = await tsrunAsync(tmpStore(t), ['pull', `${reg.host}/bob/nothing:1`], { env: anonymous });
    t.equal(missing.code, 1);
    t.match(missing.stderr, /Error response from daemon: /);
  });
}
