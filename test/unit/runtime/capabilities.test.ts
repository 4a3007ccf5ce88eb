import t from 'tap';
import { CAPABILITIES, DOCKER_DEFAULT_CAPS, normalizeCapabilities, tweakCapabilities } from '../../../src/runtime/capabilities.js';

t.test("--cap-add/--cap-drop follow Docker's TweakCapabilities", async (t) => {
  t.same(tweakCapabilities(DOCKER_DEFAULT_CAPS, [], [], false), DOCKER_DEFAULT_CAPS);
  t.same(tweakCapabilities(DOCKER_DEFAULT_CAPS, [], [], true), [...CAPABILITIES], '--privileged is everything');
  t.same(tweakCapabilities(DOCKER_DEFAULT_CAPS, ['net_admin'], ['CHOWN', 'cap_kill'], false),
    [...DOCKER_DEFAULT_CAPS.filter((c) => c !== 'CAP_CHOWN' && c !== 'CAP_KILL'), 'CAP_NET_ADMIN']);
  t.same(tweakCapabilities(DOCKER_DEFAULT_CAPS, ['NET_BIND_SERVICE'], ['ALL'], false), ['CAP_NET_BIND_SERVICE'], 'drop ALL keeps only the adds');
  t.same(tweakCapabilities(DOCKER_DEFAULT_CAPS, ['all'], ['SYS_ADMIN'], false), CAPABILITIES.filter((c) => c !== 'CAP_SYS_ADMIN'), 'add ALL minus the drops');
  t.same(tweakCapabilities(DOCKER_DEFAULT_CAPS, ['CHOWN'], [], false), DOCKER_DEFAULT_CAPS, 'no duplicates');
});

t.test('unknown capabilities are refused with the field named', async (t) => {
  t.same(normalizeCapabilities(['all', 'sys_time', 'CAP_BPF'], 'CapAdd'), ['ALL', 'CAP_SYS_TIME', 'CAP_BPF']);
  t.throws(() => normalizeCapabilities(['wizard'], 'CapAdd'), /invalid CapAdd: unknown capability: "CAP_WIZARD"/);
  t.throws(() => normalizeCapabilities(['cap_wizard'], 'CapDrop'), /invalid CapDrop: unknown capability: "CAP_WIZARD"/);
});
