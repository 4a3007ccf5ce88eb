// TLS with a CA under certs.d and htpasswd Basic auth: login, push, pull,
// logout, a wrong password, a credential helper, and an unknown CA.
import t from 'tap';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requiresRoot } from '../helpers/requires.js';
import { makeHtpasswd, makeTlsFiles, startRegistry, tmpDir } from '../helpers/registry.js';
import { importBusybox, tmpStore, tsrun } from '../helpers/tsrun.js';

if (requiresRoot(t)) {
  const dir = tmpDir(t, 'tsrun-reg-tls-');
  const tls = makeTlsFiles(dir);
  const reg = await startRegistry(t, { tls: { cert: tls.cert, key: tls.key }, htpasswd: makeHtpasswd(dir, 'alice', 's3cret') });
  const certsD = path.join(dir, 'certs.d');
  mkdirSync(path.join(certsD, reg.host), { recursive: true });
  copyFileSync(tls.ca, path.join(certsD, reg.host, 'ca.crt'));
  const noConfig = path.join(dir, 'no-config.json');
  const clientDir = path.join(dir, 'client');
  const env = { TSRUN_CONFIG: noConfig, TSRUN_CERTS_D: certsD, DOCKER_CONFIG: path.join(dir, 'unused') };
  const seed = tmpStore(t);
  importBusybox(t, seed);
  const name = `${reg.host}/team/busybox:v1`;
  t.equal(tsrun(seed, ['tag', 'busybox', name]).code, 0);

  t.test('without credentials the registry refuses, clearly', async (t) => {
    const r = tsrun(seed, ['push', name], { env });
    t.equal(r.code, 1);
    const expected = `Error response from daemon: push access denied for ${reg.host}/team/busybox: no basic auth credentials for ${reg.host}\nhint: tsrun login ${reg.host}\n`;
    t.ok(r.stderr.endsWith(expected), r.stderr);
  });

  t.test('a wrong password: clear error, exit 1, nothing saved', async (t) => {
    const r = tsrun(seed, ['--config', clientDir, 'login', '-u', 'alice', '--password-stdin', reg.host], { env, input: 'wrong\n' });
    t.equal(r.code, 1);
    t.match(r.stderr, `Error response from daemon: Get "https://${reg.host}/v2/": unauthorized: `);
    t.equal(r.stdout, '');
    t.throws(() => readFileSync(path.join(clientDir, 'config.json')), 'no config written');
  });

  t.test('login, push, pull, logout', async (t) => {
    const login = tsrun(seed, ['--config', clientDir, 'login', '-u', 'alice', '-p', 's3cret', reg.host], { env });
    t.equal(login.code, 0, login.stderr);
    t.equal(login.stdout, 'Login Succeeded\n');
    t.match(login.stderr, /WARNING! Using --password via the CLI is insecure/);
    const config = JSON.parse(readFileSync(path.join(clientDir, 'config.json'), 'utf8'));
    t.same(config.auths[reg.host], { auth: Buffer.from('alice:s3cret').toString('base64') }, 'Docker\'s format');

    const push = tsrun(seed, ['--config', clientDir, 'push', name], { env });
    t.equal(push.code, 0, push.stderr);
    t.match(push.stdout, /^v1: digest: sha256:[a-f0-9]{64} size: \d+\n$/);
    const store = tmpStore(t);
    const pull = tsrun(store, ['--config', clientDir, 'pull', name], { env });
    t.equal(pull.code, 0, pull.stderr);
    t.equal(tsrun(store, ['run', '--rm', name, 'cat', '/etc/issue']).stdout, 'tsrun busybox\n');

    // DOCKER_CONFIG finds the same file as --config
    t.equal(tsrun(tmpStore(t), ['pull', '-q', name], { env: { ...env, DOCKER_CONFIG: clientDir } }).code, 0);

    const logout = tsrun(seed, ['--config', clientDir, 'logout', reg.host], { env });
    t.equal(logout.stdout, `Removing login credentials for ${reg.host}\n`);
    t.same(JSON.parse(readFileSync(path.join(clientDir, 'config.json'), 'utf8')).auths, {});
    t.equal(tsrun(seed, ['--config', clientDir, 'logout', reg.host], { env }).stdout, `Not logged in to ${reg.host}\n`);
    const denied = tsrun(tmpStore(t), ['--config', clientDir, 'pull', name], { env });
    t.equal(denied.code, 1);
    t.match(denied.stderr, /no basic auth credentials/);
  });

  t.test('credentials from a credential helper (credHelpers)', async (t) => {
    const bin = path.join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    const helper = path.join(bin, 'docker-credential-tsrun-test');
    const log = path.join(dir, 'helper.log');
    writeFileSync(helper, `#!/bin/sh\nread server\necho "$1 $server" >> ${log}\n[ "$1" = get ] && [ "$server" = "${reg.host}" ] && echo '{"ServerURL":"${reg.host}","Username":"alice","Secret":"s3cret"}' && exit 0\necho "credentials not found in native keychain"; exit 1\n`);
    chmodSync(helper, 0o755);
    const helperDir = path.join(dir, 'helper-client');
    mkdirSync(helperDir);
    writeFileSync(path.join(helperDir, 'config.json'), JSON.stringify({ credHelpers: { [reg.host]: 'tsrun-test' } }));
    const r = tsrun(tmpStore(t), ['--config', helperDir, 'pull', name], { env: { ...env, PATH: `${bin}:${process.env.PATH}` } });
    t.equal(r.code, 0, r.stderr);
    t.match(readFileSync(log, 'utf8'), `get ${reg.host}`);
  });

  t.test('TLS: an unknown CA is refused; insecure-registries skips verification for that host only', async (t) => {
    const noCa = { ...env, TSRUN_CERTS_D: path.join(dir, 'empty-certs.d'), DOCKER_CONFIG: clientDir };
    tsrun(seed, ['--config', clientDir, 'login', '-u', 'alice', '--password-stdin', reg.host], { env, input: 's3cret' });
    const refused = tsrun(tmpStore(t), ['pull', name], { env: noCa });
    t.equal(refused.code, 1);
    t.match(refused.stderr, /x509: certificate signed by unknown authority/);
    const insecure = path.join(dir, 'insecure.json');
    writeFileSync(insecure, JSON.stringify({ 'insecure-registries': [reg.host] }));
    const r = tsrun(tmpStore(t), ['pull', name], { env: { ...noCa, TSRUN_CONFIG: insecure } });
    t.equal(r.code, 0, r.stderr);
  });
}
