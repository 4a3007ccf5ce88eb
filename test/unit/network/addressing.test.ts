import t from 'tap';
import { formatIPv4, macFor, overlaps, parseCidr, parseIPv4 } from '../../../src/network/cidr.js';
import { parseBip, poolSubnets } from '../../../src/network/config.js';
import { hostsFile } from '../../../src/network/hosts-file.js';
import { allocateAddress, type Lease } from '../../../src/network/leases.js';
import { containerResolvConf } from '../../../src/network/resolv-conf.js';

t.test('addresses and subnets', async (t) => {
  t.equal(formatIPv4(parseIPv4('10.201.3.4')), '10.201.3.4');
  t.throws(() => parseIPv4('10.201.3'), /invalid IPv4 address/);
  t.throws(() => parseCidr('10.201.0.1/16'), /it should be 10\.201\.0\.0\/16/);
  t.ok(overlaps(parseCidr('10.0.0.0/8'), parseCidr('10.201.0.0/16')));
  t.notOk(overlaps(parseCidr('10.201.0.0/16'), parseCidr('10.202.0.0/16')));
  t.equal(macFor(parseIPv4('10.201.0.2')), '02:42:0a:c9:00:02', "Docker's MAC from the address");
  t.same(parseBip('10.201.0.1/16'), { subnet: parseCidr('10.201.0.0/16'), gateway: '10.201.0.1' });
  t.throws(() => parseBip('10.201.0.0/16'), /invalid "bip"/, 'the network address is no gateway');
  const pool = poolSubnets([{ base: '10.202.0.0/16', size: 24 }]);
  t.same([pool.next().value, pool.next().value], ['10.202.0.0/24', '10.202.1.0/24']);
});

const lease = (ip: string): Lease => ({
  id: ip, names: [], network: 'n', networkId: 'n', subnet: '10.9.0.0/29', ip, netns: '', ports: [], holder: { pid: 1, start: 0 }, created: '',
});

t.test('address allocation skips the gateway and addresses in use, honours --ip', async (t) => {
  t.equal(allocateAddress([], '10.9.0.0/29', '10.9.0.1'), '10.9.0.2');
  t.equal(allocateAddress([lease('10.9.0.2'), lease('10.9.0.3')], '10.9.0.0/29', '10.9.0.1'), '10.9.0.4');
  t.equal(allocateAddress([], '10.9.0.0/29', '10.9.0.1', '10.9.0.6'), '10.9.0.6');
  t.throws(() => allocateAddress([lease('10.9.0.6')], '10.9.0.0/29', '10.9.0.1', '10.9.0.6'), /Address already in use/);
  t.throws(() => allocateAddress([], '10.9.0.0/29', '10.9.0.1', '10.9.0.7'), /does not belong to the subnet/, 'broadcast');
  const full = ['2', '3', '4', '5', '6'].map((n) => lease(`10.9.0.${n}`));
  t.throws(() => allocateAddress(full, '10.9.0.0/29', '10.9.0.1'), /no available IPv4 addresses/);
});

t.test('resolv.conf: loopback resolvers replaced as Docker does', async (t) => {
  t.equal(containerResolvConf('search lan\nnameserver 10.0.0.53\n'), 'search lan\nnameserver 10.0.0.53\n');
  t.equal(containerResolvConf('nameserver 127.0.0.53\noptions edns0\n', 'nameserver 192.0.2.53\nnameserver 127.0.0.1\n'),
    'options edns0\nnameserver 192.0.2.53\n', "systemd-resolved's upstream replaces its stub");
  t.equal(containerResolvConf('nameserver 127.0.0.1\n'), 'nameserver 8.8.8.8\nnameserver 8.8.4.4\n', 'public fallbacks');
});

t.test('/etc/hosts: the container, then its peers', async (t) => {
  const text = hostsFile({ ip: '10.9.0.2', names: ['abc', 'web', 'abc'] }, [{ ip: '10.9.0.3', names: ['db', 'def'] }]);
  t.match(text, /^127\.0\.0\.1\tlocalhost\n/);
  t.match(text, /\n10\.9\.0\.2\tabc web\n10\.9\.0\.3\tdb def\n$/);
});
