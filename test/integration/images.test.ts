import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dockerSaveArchive, makeTar } from '../helpers/image-archive.js';
import { requiresRoot } from '../helpers/requires.js';
import { busyboxRootfsTar, importBusybox, tmpStore, tsrun } from '../helpers/tsrun.js';

const layerCount = (root: string) => readdirSync(path.join(root, 'layers')).length;

if (requiresRoot(t)) {
  const root = tmpStore(t);
  importBusybox(t, root);
  const busyboxLayer = readFileSync(busyboxRootfsTar());

  t.test('images lists with Docker\'s columns; tag and rmi', async (t) => {
    const list = tsrun(root, ['images']);
    t.equal(list.code, 0);
    t.match(list.stdout, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\n/);
    t.match(list.stdout, /\nbusybox\s+latest\s+[0-9a-f]{12}\s+(Less than a second|About a minute|1 second|\d+ seconds) ago\s+[\d.]+MB\n/);
    t.equal(tsrun(root, ['tag', 'busybox', 'example.com/team/box:v1']).code, 0);
    const ids = tsrun(root, ['images', '-q']).stdout.trim().split('\n');
    t.equal(ids.length, 1, 'two names, one image');
    t.match(tsrun(root, ['images', 'example.com/team/box']).stdout, /example\.com\/team\/box\s+v1/);
    const untag = tsrun(root, ['rmi', 'example.com/team/box:v1']);
    t.equal(untag.stdout, 'Untagged: example.com/team/box:v1\n');
    t.equal(tsrun(root, ['images', '-q']).stdout.trim(), ids[0], 'the image stays while busybox names it');
    const missing = tsrun(root, ['rmi', 'nope']);
    t.equal(missing.code, 1);
    t.match(missing.stderr, /No such image: nope/);
    const badRef = tsrun(root, ['tag', 'busybox', 'Bad/Name']);
    t.equal(badRef.code, 125);
    t.match(badRef.stderr, /invalid reference format: repository name .*must be lowercase/);
  });

  t.test('a 3-layer image: whiteouts and opaque directories give the right view', async (t) => {
    const deleteIssue = await makeTar([{ name: 'etc/.wh.issue' }, { name: 'var/www/old.txt', content: 'old' }]);
    const opaqueWww = await makeTar([
      { name: 'var/www/', type: 'directory' },
      { name: 'var/www/.wh..wh..opq' },
      { name: 'var/www/new.txt', content: 'new\n' },
    ]);
    const archive = await dockerSaveArchive([busyboxLayer, deleteIssue, opaqueWww], 'layered:3', { Cmd: ['sh'] });
    const load = tsrun(root, ['load'], { input: archive });
    t.equal(load.stdout, 'Loaded image: layered:3\n', load.stderr);
    const view = tsrun(root, ['run', '--rm', 'layered:3', 'sh', '-c', 'ls /etc/issue 2>&1; ls /var/www; cat /var/www/new.txt']);
    t.match(view.stdout, /No such file or directory/, 'the whiteout hides /etc/issue');
    t.match(view.stdout, /^new\.txt\nnew\n$/m, 'the opaque dir hides old.txt');
    t.notMatch(view.stdout, /old\.txt/);
  });

  t.test('two images sharing a base layer store it once', async (t) => {
    const before = layerCount(root);
    const top = await makeTar([{ name: 'extra.txt', content: 'x' }]);
    const archive = await dockerSaveArchive([busyboxLayer, top], 'shared:1');
    t.equal(tsrun(root, ['load'], { input: archive }).code, 0);
    t.equal(layerCount(root), before + 1, 'only the new top layer was unpacked');
  });

  t.test('save writes an archive that load reads back, and skopeo/umoci read the store', async (t) => {
    const file = path.join(root, 'saved.tar');
    t.equal(tsrun(root, ['save', '-o', file, 'layered:3']).code, 0);
    const other = tmpStore(t);
    t.equal(tsrun(other, ['load', '-i', file]).stdout, 'Loaded image: layered:3\n');
    t.equal(tsrun(other, ['run', '--rm', 'layered:3', 'cat', '/var/www/new.txt']).stdout, 'new\n');
    const names = execFileSync('tar', ['-tf', file], { encoding: 'utf8' });
    t.match(names, /manifest\.json/);
    t.match(names, /index\.json/);
    if (existsSync('/usr/bin/skopeo')) {
      const inspect = spawnSync('skopeo', ['inspect', `oci:${root}:docker.io/library/layered:3`], { encoding: 'utf8' });
      t.equal(inspect.status, 0, inspect.stderr);
      t.equal(JSON.parse(inspect.stdout).Layers.length, 3);
      const viaArchive = spawnSync('skopeo', ['inspect', `docker-archive:${file}`], { encoding: 'utf8' });
      t.equal(viaArchive.status, 0, `skopeo reads the saved archive: ${viaArchive.stderr}`);
    } else t.fail('skopeo is not installed (vm/provision.sh installs it)');
  });

  t.test('load reads an OCI layout written by skopeo', async (t) => {
    const layout = path.join(root, 'oci-from-skopeo');
    const copy = spawnSync('skopeo', ['copy', `oci:${root}:docker.io/library/busybox:latest`, `oci-archive:${layout}.tar:docker.io/library/fromskopeo:1`], { encoding: 'utf8' });
    t.equal(copy.status, 0, copy.stderr);
    const other = tmpStore(t);
    const load = tsrun(other, ['load', '-i', `${layout}.tar`]);
    t.equal(load.code, 0, load.stderr);
    t.match(load.stdout, /Loaded image: fromskopeo:1/);
    t.equal(tsrun(other, ['run', '--rm', 'fromskopeo:1', 'cat', '/etc/issue']).stdout, 'tsrun busybox\n');
  });

  t.test('load reads an OCI layout written by umoci', async (t) => {
    const layout = path.join(root, 'umoci-layout');
    const bundle = path.join(root, 'umoci-bundle');
    const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { encoding: 'utf8' });
    sh(`umoci init --layout ${layout} && umoci new --image ${layout}:latest && umoci unpack --image ${layout}:latest ${bundle}`);
    sh(`tar -C ${bundle}/rootfs -xf ${busyboxRootfsTar()} && echo from-umoci > ${bundle}/rootfs/etc/issue`);
    sh(`umoci repack --image ${layout}:latest ${bundle} && umoci config --image ${layout}:latest --config.cmd cat --config.cmd /etc/issue`);
    sh(`tar -C ${layout} -cf ${layout}.tar .`);
    const load = tsrun(root, ['load', '-i', `${layout}.tar`]);
    t.equal(load.code, 0, load.stderr);
    const id = /Loaded image ID: (sha256:[0-9a-f]{64})/.exec(load.stdout)?.[1];
    t.ok(id, 'umoci names the image only "latest": it loads untagged, by ID');
    t.equal(tsrun(root, ['tag', id!, 'umoci:1']).code, 0);
    t.equal(tsrun(root, ['run', '--rm', 'umoci:1']).stdout, 'from-umoci\n', 'the image config (CMD) is honoured');
  });

  t.test('an image with 120 layers runs', async (t) => {
    const layers = [busyboxLayer];
    for (let i = 1; i < 120; i++) layers.push(await makeTar([{ name: `l/${i}.txt`, content: `${i}\n` }]));
    const archive = await dockerSaveArchive(layers, 'tall:120');
    t.equal(tsrun(root, ['load'], { input: archive }).code, 0);
    const r = tsrun(root, ['run', '--rm', 'tall:120', 'sh', '-c', 'ls /l | wc -l; cat /l/1.txt /l/119.txt']);
    t.equal(r.stdout, '119\n1\n119\n', r.stderr);
  });

  t.test('a hostile layer cannot write outside its directory', async (t) => {
    const victim = path.join(root, 'victim');
    execFileSync('mkdir', ['-p', victim]);
    const cases = [
      [{ name: '../../../../../../../' + victim.slice(1) + '/dotdot', content: 'x' }],
      [{ name: 'link', type: 'symlink' as const, linkname: victim }, { name: 'link/through-symlink', content: 'x' }],
      [{ name: 'hard', type: 'link' as const, linkname: '../../../../../../etc/passwd' }],
    ];
    for (const [i, entries] of cases.entries()) {
      const archive = await dockerSaveArchive([busyboxLayer, await makeTar(entries)], `evil:${i}`);
      const r = tsrun(root, ['load'], { input: archive });
      t.not(r.code, 0, `case ${i} is refused: ${r.stderr.trim()}`);
    }
    t.same(readdirSync(victim), [], 'nothing was written outside the layer');
    t.notMatch(readFileSync('/etc/passwd', 'utf8'), /^x$/);
    t.equal(tsrun(root, ['images', '-q', 'evil']).stdout, '', 'no hostile image was registered');
  });

  t.test('rmi deletes layers nothing else uses, and refuses while a container uses the image', async (t) => {
    const top = await makeTar([{ name: 'only-here.txt', content: 'x' }]);
    t.equal(tsrun(root, ['load'], { input: await dockerSaveArchive([busyboxLayer, top], 'doomed:1') }).code, 0);
    const before = layerCount(root);
    t.equal(tsrun(root, ['run', '--name', 'user-of-doomed', 'doomed:1', 'true']).code, 0);
    const refused = tsrun(root, ['rmi', 'doomed:1']);
    t.equal(refused.code, 1);
    t.match(refused.stderr, /container [0-9a-f]{12} is using its referenced image/);
    writeFileSync(path.join(root, 'ignore'), '');
    const forced = tsrun(root, ['rmi', '-f', 'doomed:1']);
    t.equal(forced.code, 0, forced.stderr);
    t.equal(layerCount(root), before, 'the layer stays while the container needs it');
    const img = tsrun(root, ['images']);
    t.match(img.stdout, /<none>\s+<none>/, 'the image is dangling');
    const second = await dockerSaveArchive([busyboxLayer, await makeTar([{ name: 'gone.txt', content: 'y' }])], 'gone:1');
    t.equal(tsrun(root, ['load'], { input: second }).code, 0);
    const n = layerCount(root);
    t.match(tsrun(root, ['rmi', 'gone:1']).stdout, /Untagged: gone:1\nDeleted: sha256:/);
    t.equal(layerCount(root), n - 1, 'the unused layer was deleted from disk');
  });
}
