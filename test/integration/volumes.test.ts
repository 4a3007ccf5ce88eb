import t from 'tap';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requiresRoot } from '../helpers/requires.js';
import { importBusybox, tmpStore, tsrun } from '../helpers/tsrun.js';

if (requiresRoot(t)) {
  const root = tmpStore(t);
  importBusybox(t, root);
  t.teardown(() => { tsrun(root, ['rm', '-f', ...tsrun(root, ['ps', '-aq']).stdout.split('\n').filter(Boolean)]); });
  const host = path.join(root, 'host');
  mkdirSync(host);
  writeFileSync(path.join(host, 'given.txt'), 'from the host\n');

  t.test('-v /host:/ctr and :ro, --mount type=bind, --tmpfs', async (t) => {
    const r = tsrun(root, ['run', '--rm', '-v', `${host}:/data`, '-v', `${host}:/ro:ro`, '--mount', `type=bind,source=${host},target=/m,readonly`,
      '--tmpfs', '/scratch:size=1m', 'busybox', 'sh', '-c',
      'cat /data/given.txt; echo written > /data/out.txt; touch /ro/x 2>&1; touch /m/x 2>&1; grep " /scratch " /proc/mounts']);
    t.match(r.stdout, /^from the host\n/);
    t.match(r.stdout, /touch: \/ro\/x: Read-only file system\ntouch: \/m\/x: Read-only file system\n/);
    t.match(r.stdout, /tmpfs \/scratch tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k/);
    t.equal(readFileSync(path.join(host, 'out.txt'), 'utf8'), 'written\n', 'writes reach the host');
    const missing = tsrun(root, ['run', '--rm', '--mount', `type=bind,source=${host}/nope,target=/x`, 'busybox', 'true']);
    t.equal(missing.code, 125);
    t.match(missing.stderr, /bind source path does not exist/);
    t.equal(tsrun(root, ['run', '--rm', '-v', 'relative:path', 'busybox', 'true']).code, 125, 'a container path must be absolute');
  });

  t.test('named volumes: filled from the image on first use, shared, kept, never committed', async (t) => {
    t.equal(tsrun(root, ['run', '--name', 'writer', '-v', 'etcvol:/etc', 'busybox', 'sh', '-c', 'echo kept > /etc/mine; ls /etc']).stdout
      .split('\n').filter((n) => ['group', 'issue', 'mine', 'passwd'].includes(n)).join(' '), 'group issue mine passwd', 'the image\'s /etc was copied in');
    t.equal(tsrun(root, ['run', '--rm', '-v', 'etcvol:/other', 'busybox', 'cat', '/other/mine']).stdout, 'kept\n', 'another container sees it');
    t.match(tsrun(root, ['volume', 'ls']).stdout, /^DRIVER\s+VOLUME NAME\nlocal\s+etcvol\n/);
    const [v] = JSON.parse(tsrun(root, ['volume', 'inspect', 'etcvol']).stdout);
    t.match(v, { Name: 'etcvol', Driver: 'local', Mountpoint: path.join(root, 'volumes/etcvol/_data'), Scope: 'local' });
    const [c] = JSON.parse(tsrun(root, ['inspect', 'writer']).stdout);
    t.match(c.Mounts, [{ Type: 'volume', Name: 'etcvol', Destination: '/etc', RW: true }]);
    t.equal(tsrun(root, ['diff', 'writer']).stdout, '', 'the volume is not in the container\'s diff');
    tsrun(root, ['commit', 'writer', 'with-volume']);
    t.equal(tsrun(root, ['run', '--rm', 'with-volume', 'ls', '/etc/mine']).code, 1, 'nor in a commit');
    const inUse = tsrun(root, ['volume', 'rm', 'etcvol']);
    t.equal(inUse.code, 1);
    t.match(inUse.stderr, /volume is in use/);
    tsrun(root, ['rm', 'writer']);
    t.equal(tsrun(root, ['volume', 'rm', 'etcvol']).stdout, 'etcvol\n');
    t.equal(tsrun(root, ['volume', 'ls', '-q']).stdout, '');
  });

  t.test('cp from and into a stopped container goes through its volumes and bind mounts', async (t) => {
    const r = tsrun(root, ['run', '--name', 'keeper', '-v', 'cpvol:/vol', '-v', `${host}:/hostdir`, '-v', `${host}:/rodir:ro`,
      'busybox', 'sh', '-c', 'echo in-volume > /vol/f']);
    t.equal(r.code, 0, r.stderr);
    const out = path.join(root, 'cp-out');
    mkdirSync(out);
    t.equal(tsrun(root, ['cp', 'keeper:/vol/f', path.join(out, 'f')]).code, 0);
    t.equal(readFileSync(path.join(out, 'f'), 'utf8'), 'in-volume\n', 'the named volume');
    t.equal(tsrun(root, ['cp', 'keeper:/hostdir/given.txt', path.join(out, 'given')]).code, 0);
    t.equal(readFileSync(path.join(out, 'given'), 'utf8'), 'from the host\n', 'the bind mount');
    writeFileSync(path.join(out, 'new'), 'copied in\n');
    t.equal(tsrun(root, ['cp', path.join(out, 'new'), 'keeper:/vol/new']).code, 0);
    t.equal(readFileSync(path.join(root, 'volumes/cpvol/_data/new'), 'utf8'), 'copied in\n', 'cp into the container writes the volume');
    const ro = tsrun(root, ['cp', path.join(out, 'new'), 'keeper:/rodir/new']);
    t.equal(ro.code, 1, 'a read-only bind stays read-only');
    t.match(ro.stderr, /Read-only file system/);
    t.notOk(readFileSync('/proc/self/mountinfo', 'utf8').includes(root), 'no mount left on the host');
    tsrun(root, ['rm', 'keeper']);
    tsrun(root, ['volume', 'rm', 'cpvol']);
  });

  t.test('an image VOLUME gets an anonymous volume; rm -v and prune remove them', async (t) => {
    tsrun(root, ['create', '--name', 'base', 'busybox', 'true']);
    tsrun(root, ['commit', '-c', 'VOLUME /var/www', 'base', 'voluming']);
    const id = tsrun(root, ['run', '-d', 'voluming', 'sh', '-c', 'echo page > /var/www/index.html']).stdout.trim();
    tsrun(root, ['wait', id]);
    const [c] = JSON.parse(tsrun(root, ['inspect', id]).stdout);
    t.match(c.Mounts, [{ Type: 'volume', Destination: '/var/www', Name: /^[0-9a-f]{64}$/ }]);
    const name = c.Mounts[0].Name;
    t.equal(readFileSync(path.join(root, 'volumes', name, '_data/index.html'), 'utf8'), 'page\n');
    const other = tsrun(root, ['run', '-d', 'voluming', 'true']).stdout.trim();
    tsrun(root, ['wait', other]);
    tsrun(root, ['rm', '-v', id]);
    t.notOk(readdirSync(path.join(root, 'volumes')).includes(name), 'rm -v removed it');
    tsrun(root, ['volume', 'create', 'named-keep']);
    tsrun(root, ['rm', other]);
    const prune = tsrun(root, ['volume', 'prune', '-f']);
    t.match(prune.stdout, /^Deleted Volumes:\n[0-9a-f]{64}\n\nTotal reclaimed space: /);
    t.equal(tsrun(root, ['volume', 'ls', '-q']).stdout, 'named-keep\n', 'named volumes stay without -a');
    tsrun(root, ['volume', 'prune', '-a', '-f']);
    t.equal(tsrun(root, ['volume', 'ls', '-q']).stdout, '');
    t.notOk(readFileSync('/proc/self/mountinfo', 'utf8').includes(root), 'no mount left behind');
  });
}
