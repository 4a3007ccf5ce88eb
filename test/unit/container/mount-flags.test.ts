import t from 'tap';
import { parseMountFlag, parseTmpfsFlag, parseVolumeFlag } from '../../../src/container/mount-flags.js';

t.test('-v: bind, named, anonymous, modes', async (t) => {
  t.same(parseVolumeFlag('/host/dir:/ctr'), { type: 'bind', source: '/host/dir', target: '/ctr', readonly: false, createSource: true });
  t.match(parseVolumeFlag('/h:/c:ro'), { type: 'bind', readonly: true });
  t.same(parseVolumeFlag('data:/var/lib/db'), { type: 'volume', source: 'data', target: '/var/lib/db', readonly: false, noCopy: false });
  t.match(parseVolumeFlag('data:/x:ro,nocopy'), { readonly: true, noCopy: true });
  t.same(parseVolumeFlag('/anon'), { type: 'volume', target: '/anon', readonly: false });
  t.throws(() => parseVolumeFlag('a:b:c:d'), /invalid volume specification: 'a:b:c:d'/);
  t.throws(() => parseVolumeFlag('data:relative'), /mount path must be absolute/);
  t.throws(() => parseVolumeFlag('/h:/c:bogus'), /invalid mode: bogus/);
});

t.test('--mount: the three types and their keys', async (t) => {
  t.same(parseMountFlag('type=bind,source=/h,target=/c,readonly'), { type: 'bind', source: '/h', target: '/c', readonly: true });
  t.same(parseMountFlag('type=bind,src=/h,dst=/c,readonly=false'), { type: 'bind', source: '/h', target: '/c', readonly: false });
  t.same(parseMountFlag('type=volume,source=v,target=/c,volume-nocopy'), { type: 'volume', source: 'v', target: '/c', readonly: false, noCopy: true });
  t.match(parseMountFlag('target=/c'), { type: 'volume', source: undefined }, 'volume is the default type, anonymous without source');
  t.same(parseMountFlag('type=tmpfs,target=/t,tmpfs-size=64m,tmpfs-mode=1770'), { type: 'tmpfs', target: '/t', readonly: false, options: ['size=64m', 'mode=1770'] });
  t.throws(() => parseMountFlag('type=nfs,target=/c'), /invalid mount type: "nfs"/);
  t.throws(() => parseMountFlag('type=bind,target=/c'), /field Source must not be empty/);
  t.throws(() => parseMountFlag('type=tmpfs,source=x,target=/c'), /field Source must not be specified/);
  t.throws(() => parseMountFlag('type=bind,source=/h'), /field Target must not be empty/);
});

t.test('--tmpfs', async (t) => {
  t.same(parseTmpfsFlag('/run'), { type: 'tmpfs', target: '/run', readonly: false, options: [] });
  t.same(parseTmpfsFlag('/run:size=1m,mode=700,ro'), { type: 'tmpfs', target: '/run', readonly: true, options: ['size=1m', 'mode=700'] });
});
