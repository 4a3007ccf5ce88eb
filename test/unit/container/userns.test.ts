import t from 'tap';
import { hostIdOf, mappingsOf } from '../../../src/container/isolation-settings.js';
import { freeSlice } from '../../../src/container/userns.js';
import { parseIsolationConfig, subordinateRanges } from '../../../src/config/isolation-config.js';

t.test('--userns=auto takes the lowest free slice of the pool', async (t) => {
  const pool = [{ start: 100000, count: 200000 }];
  t.equal(freeSlice(pool, 65536, []), 100000);
  t.equal(freeSlice(pool, 65536, [{ start: 100000, end: 165536 }]), 165536);
  t.equal(freeSlice(pool, 65536, [{ start: 165536, end: 231072 }]), 100000, 'a gap before a used slice');
  t.equal(freeSlice(pool, 65536, [{ start: 120000, end: 130000 }, { start: 200000, end: 250000 }]), 130000, 'between two used slices');
  t.equal(freeSlice(pool, 65536, [{ start: 120000, end: 130000 }, { start: 190000, end: 250000 }]), undefined, 'no gap is wide enough');
  t.equal(freeSlice(pool, 300000, []), undefined, 'too big for the pool');
  t.equal(freeSlice([{ start: 0, count: 10 }, { start: 100, count: 50 }], 20, [{ start: 100, end: 110 }]), 110, 'the next range');
});

t.test('ranges become maps; ids map through them', async (t) => {
  const maps = mappingsOf([{ start: 100000, count: 65536 }, { start: 300000, count: 10 }]);
  t.same(maps, [{ containerID: 0, hostID: 100000, size: 65536 }, { containerID: 65536, hostID: 300000, size: 10 }]);
  t.equal(hostIdOf(maps, 0), 100000);
  t.equal(hostIdOf(maps, 65537), 300001);
  t.equal(hostIdOf(maps, 70000), undefined);
});

t.test('/etc/subuid and the settings file keys', async (t) => {
  const text = 'tsrun:100000:65536\nalice:200000:1000\n1001:300000:1000\n#bad\nbob:x:1\n';
  t.same(subordinateRanges(text, ['tsrun']), [{ start: 100000, count: 65536 }]);
  t.same(subordinateRanges(text, ['bob', '1001']), [{ start: 300000, count: 1000 }], 'by name or id; bad lines skipped');
  t.same(parseIsolationConfig('{"userns-remap":"default","cgroup-parent":"/x","idmapped-mounts":false,"bip":"1.2.3.4/8"}', 'f'),
    { usernsRemap: 'default', cgroupParent: '/x', idmappedMounts: false });
  t.same(parseIsolationConfig('{}', 'f'), { usernsRemap: undefined, cgroupParent: undefined, idmappedMounts: true });
  t.throws(() => parseIsolationConfig('{"userns-remap": 5}', 'f'), /"userns-remap" must be a string/);
  t.throws(() => parseIsolationConfig('{"idmapped-mounts": "no"}', 'f'), /must be true or false/);
});
