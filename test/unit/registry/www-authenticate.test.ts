import t from 'tap';
import { parseChallenges } from '../../../src/registry/www-authenticate.js';

t.test('Docker Hub Bearer challenge', async (t) => {
  t.same(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/ubuntu:pull' } },
  ]);
});

t.test('scopes with commas inside quotes, escapes, spaces and case', async (t) => {
  t.same(parseChallenges('BEARER Realm = "http://127.0.0.1:1/token" , scope="repository:a/b:pull,push", error="insufficient_scope", x="a\\"b"'), [
    { scheme: 'bearer', params: { realm: 'http://127.0.0.1:1/token', scope: 'repository:a/b:pull,push', error: 'insufficient_scope', x: 'a"b' } },
  ]);
});

t.test('Basic, unquoted values, several challenges and header lines', async (t) => {
  t.same(parseChallenges('Basic realm="Registry Realm"'), [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
  t.same(parseChallenges('Basic realm=reg, Bearer realm="https://x/token",service=s'), [
    { scheme: 'basic', params: { realm: 'reg' } },
    { scheme: 'bearer', params: { realm: 'https://x/token', service: 's' } },
  ]);
  t.same(parseChallenges(['Negotiate', 'Basic realm="a"']), [{ scheme: 'negotiate', params: {} }, { scheme: 'basic', params: { realm: 'a' } }]);
  t.same(parseChallenges(undefined), []);
  t.same(parseChallenges(''), []);
});
