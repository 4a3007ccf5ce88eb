import t from 'tap';
import { parseExpose, parsePublish, portLines, portsColumn, requestedPorts, toPortBindings } from '../../../src/network/port-spec.js';

t.test('-p forms Docker accepts', async (t) => {
  t.same(parsePublish('8080:80'), [{ hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' }]);
  t.same(parsePublish('127.0.0.1:8080:80/udp'), [{ hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'udp' }]);
  t.same(parsePublish('127.0.0.1::80'), [{ hostIp: '127.0.0.1', hostPort: 0, containerPort: 80, protocol: 'tcp' }]);
  t.same(parsePublish('80'), [{ hostIp: '', hostPort: 0, containerPort: 80, protocol: 'tcp' }], 'a random host port');
  t.same(parsePublish('8000-8001:80-81').map((p) => [p.hostPort, p.containerPort]), [[8000, 80], [8001, 81]]);
  t.throws(() => parsePublish('9000:80-81'), /invalid ranges specified/, 'a container range needs a host range of its size');
});

t.test('-p mistakes are refused with Docker-like words', async (t) => {
  t.throws(() => parsePublish('8080:0'), /invalid container port/);
  t.throws(() => parsePublish('70000:80'), /invalid host port/);
  t.throws(() => parsePublish('8080:80/sctp'), /invalid proto: sctp/);
  t.throws(() => parsePublish('300.1.1.1:80:80'), /invalid IP address/);
  t.throws(() => parsePublish('8000-8002:80-81'), /invalid ranges specified/);
  t.throws(() => parsePublish('a:b:c:d'), /invalid publish spec/);
});

t.test('--expose, -P and the texts of ps and port', async (t) => {
  t.same(parseExpose('7000-7001/udp'), ['7000/udp', '7001/udp']);
  const bindings = toPortBindings(parsePublish('8080:80'));
  t.same(bindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
  const requested = requestedPorts(bindings, ['80/tcp', '443/tcp'], true);
  t.same(requested.map((r) => `${r.hostPort}->${r.containerPort}`), ['8080->80', '0->443'], '-P adds only the unpublished exposed ports');
  const live = [{ hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' as const }, { hostIp: '127.0.0.1', hostPort: 5353, containerPort: 53, protocol: 'udp' as const }];
  t.equal(portsColumn(live, ['80/tcp', '9000/tcp']), '0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp, 9000/tcp');
  t.same(portLines(live), ['53/udp -> 127.0.0.1:5353', '80/tcp -> 0.0.0.0:8080']);
});
