import t from 'tap';
import { parseDaemonConfig } from '../../../src/config/daemon-config.js';

t.test('network keys of the settings file (Docker daemon.json names)', async (t) => {
  const c = parseDaemonConfig(JSON.stringify({
    bip: '10.77.0.1/16', 'default-address-pools': [{ base: '10.78.0.0/16', size: 24 }], 'firewall-backend': 'nftables',
  }), 'config.json');
  t.equal(c.bip, '10.77.0.1/16');
  t.same(c.defaultAddressPools, [{ base: '10.78.0.0/16', size: 24 }]);
  t.equal(c.firewallBackend, 'nftables');
  t.throws(() => parseDaemonConfig('{"bip": 10}', 'config.json'), /"bip" must be a string/);
  t.throws(() => parseDaemonConfig('{"default-address-pools": [{"base": "10.0.0.0/8"}]}', 'config.json'), /default-address-pools/);
  t.throws(() => parseDaemonConfig('{"firewall-backend": "pf"}', 'config.json'), /"iptables" or "nftables"/);
});
