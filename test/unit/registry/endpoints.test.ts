import t from 'tap';
import { endpointsFor, isInsecure, originEndpoint } from '../../../src/registry/endpoints.js';

t.test('docker.io: mirrors first, then the origin with the Hub credentials key', async (t) => {
  const eps = endpointsFor('docker.io', { mirrors: ['http://127.0.0.1:5000', 'https://m.example'], insecure: ['127.0.0.1:5000'] });
  t.same(eps.map((e) => [e.base, e.mirror, e.insecure, e.authKey]), [
    ['http://127.0.0.1:5000', true, true, '127.0.0.1:5000'],
    ['https://m.example', true, false, 'm.example'],
    ['https://registry-1.docker.io', false, false, 'https://index.docker.io/v1/'],
  ]);
  t.same(originEndpoint('docker.io', { mirrors: ['https://m.example'], insecure: [] }).base, 'https://registry-1.docker.io', 'push never goes to a mirror');
});

t.test('other registries: no mirrors; TLS material per host', async (t) => {
  const tlsFor = (host: string) => (host === 'r.example:5000' ? { ca: [Buffer.from('CA')] } : undefined);
  const [ep] = endpointsFor('r.example:5000', { mirrors: ['https://m.example'], insecure: [], tlsFor });
  t.equal(ep!.base, 'https://r.example:5000');
  t.same(ep!.tls, { ca: [Buffer.from('CA')] });
  t.equal(endpointsFor('other.example', { mirrors: [], insecure: [], tlsFor }).length, 1);
  t.equal(endpointsFor('other.example', { mirrors: [], insecure: [], tlsFor })[0]!.tls, undefined);
});

t.test('insecure-registries: host, host:port and CIDR', async (t) => {
  t.ok(isInsecure('127.0.0.1:5000', ['127.0.0.1:5000']));
  t.notOk(isInsecure('127.0.0.1:5001', ['127.0.0.1:5000']), 'another port is not listed');
  t.ok(isInsecure('myreg:5000', ['myreg']), 'a bare host covers every port');
  t.ok(isInsecure('10.1.2.3:5000', ['10.0.0.0/8']));
  t.notOk(isInsecure('11.1.2.3:5000', ['10.0.0.0/8']));
  t.ok(isInsecure('127.0.0.1', ['127.0.0.0/8']));
  t.notOk(isInsecure('example.com', ['0.0.0.0/0']), 'a CIDR matches IP literals only');
  t.ok(isInsecure('reg:1', ['http://reg:1/']));
});
