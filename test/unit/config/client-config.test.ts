import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { authHostname, ClientConfig, decodeAuth } from '../../../src/config/client-config.js';

t.test('keys and auth strings', async (t) => {
  t.equal(authHostname('https://index.docker.io/v1/'), 'index.docker.io');
  t.equal(authHostname('http://localhost:5000'), 'localhost:5000');
  t.equal(authHostname('registry.example'), 'registry.example');
  t.same(decodeAuth({ auth: Buffer.from('u:p:with:colons').toString('base64') }), { username: 'u', password: 'p:with:colons' });
  t.same(decodeAuth({ identitytoken: 'tok' }), { identityToken: 'tok' });
  t.throws(() => decodeAuth({ auth: Buffer.from('nocolon').toString('base64') }), /auth has no colon/);
});

t.test('store, get (also by hostname), erase; other keys survive', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsrun-client-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { 'https://old.example/v1/': { auth: Buffer.from('o:p').toString('base64') } }, psFormat: 'x' }));
  const c = new ClientConfig(dir);
  t.same(await c.get('old.example'), { username: 'o', password: 'p' }, 'a key with scheme and path matches its hostname');
  await c.store('https://index.docker.io/v1/', 'me', 'pw');
  const file = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
  t.equal(file.psFormat, 'x');
  t.same(file.auths['https://index.docker.io/v1/'], { auth: Buffer.from('me:pw').toString('base64') });
  t.equal(statSync(path.join(dir, 'config.json')).mode & 0o777, 0o600, 'credentials are private');
  t.same(await c.get('https://index.docker.io/v1/'), { username: 'me', password: 'pw' });
  t.equal(await c.get('nowhere.example'), undefined);
  t.equal(await c.erase('https://index.docker.io/v1/'), true);
  t.equal(await c.erase('https://index.docker.io/v1/'), false);
  t.equal(await new ClientConfig(path.join(dir, 'missing')).get('x'), undefined, 'no file, no credentials');
});
