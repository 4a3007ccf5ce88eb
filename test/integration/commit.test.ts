import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requiresRoot } from '../helpers/requires.js';
import { importBusybox, tmpStore, tsrun } from '../helpers/tsrun.js';

if (requiresRoot(t)) {
  const root = tmpStore(t);
  importBusybox(t, root);
  t.teardown(() => { tsrun(root, ['rm', '-f', ...tsrun(root, ['ps', '-aq']).stdout.split('\n').filter(Boolean)]); });

  // adds, changes, deletes, and replaces a directory wholesale (overlay makes it opaque)
  const script = 'echo new > /added; echo changed >> /etc/issue; rm /bin/vi; rm -rf /var; mkdir -p /var/fresh; echo x > /var/fresh/f; mkfifo /tmp/fifo; ln -s /added /link';

  t.test('diff before and after the changes', async (t) => {
    tsrun(root, ['create', '--name', 'fresh', 'busybox', 'true']);
    t.equal(tsrun(root, ['diff', 'fresh']).stdout, '', 'a new container changed nothing');
    const changer = tsrun(root, ['run', '--name', 'changer', 'busybox', 'sh', '-c', script]);
    t.equal(changer.code, 0, changer.stderr);
    t.equal(tsrun(root, ['diff', 'changer']).stdout, [
      'A /added', 'C /bin', 'D /bin/vi', 'C /etc', 'C /etc/issue', 'A /link', 'C /tmp', 'A /tmp/fifo',
      'C /var', 'A /var/fresh', 'A /var/fresh/f', 'D /var/www', '',
    ].join('\n'));
  });

  t.test('commit: only the upper dir becomes the new layer; a container of the new image sees the same', async (t) => {
    const r = tsrun(root, ['commit', '-m', 'the change', '-a', 'Tester <t@example.com>', '-c', 'ENV MODE=committed', '-c', 'CMD ["cat", "/added"]', '-c', 'EXPOSE 8080', 'changer', 'changed:v1']);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /^sha256:[0-9a-f]{64}\n$/);
    const [image] = JSON.parse(tsrun(root, ['inspect', 'changed:v1']).stdout);
    const [parent] = JSON.parse(tsrun(root, ['inspect', 'busybox']).stdout);
    t.equal(image.Id, r.stdout.trim());
    t.same(image.RootFS.Layers.slice(0, -1), parent.RootFS.Layers, 'the parent\'s layers, then one more');
    t.equal(image.RootFS.Layers.length, parent.RootFS.Layers.length + 1);
    t.same(image.Config.Cmd, ['cat', '/added']);
    t.ok(image.Config.Env.includes('MODE=committed'));
    t.notOk(image.Config.Env.some((e: string) => e.startsWith('HOSTNAME=')), 'not the container\'s hostname');
    t.same(image.Config.ExposedPorts, { '8080/tcp': {} });
    t.equal(image.Author, 'Tester <t@example.com>');
    t.equal(tsrun(root, ['run', '--rm', 'changed:v1']).stdout, 'new\n', 'the new CMD');
    const view = tsrun(root, ['run', '--rm', 'changed:v1', 'sh', '-c',
      'cat /etc/issue; ls /bin/vi 2>&1; ls /var; cat /var/fresh/f; test -p /tmp/fifo && echo fifo; readlink /link; echo $MODE']);
    t.equal(view.stdout, 'tsrun busybox\nchanged\nls: /bin/vi: No such file or directory\nfresh\nx\nfifo\n/added\ncommitted\n');
    t.equal(tsrun(root, ['run', '--rm', 'busybox', 'ls', '/var']).stdout, 'www\n', 'the parent image is unchanged');
    const layer = execFileSync('tar', ['-tf', '-'], { input: readFileSync(path.join(root, 'blobs/sha256', digestOfTopLayer(root, image.Id))) }).toString();
    t.match(layer, /^bin\/\.wh\.vi$/m, 'a deletion is a whiteout');
    t.match(layer, /^var\/\.wh\.\.wh\.\.opq$/m, 'a replaced directory is opaque');
    t.notMatch(layer, /etc\/hosts|etc\/resolv\.conf|etc\/hostname/, 'the runtime\'s mountpoints are not committed');
  });

  t.test('history shows the new entry on top of the parent\'s', async (t) => {
    const lines = tsrun(root, ['history', 'changed:v1']).stdout.trim().split('\n');
    t.match(lines[0], /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
    t.equal(lines.length, 3);
    t.match(lines[1], /^[0-9a-f]{12}\s+.+ago\s+sh -c echo new > \/added; echo changed >> \/et…\s+\d+B\s+the change$/);
    const parentId = JSON.parse(tsrun(root, ['inspect', 'busybox']).stdout)[0].Id.slice(7, 19);
    t.match(lines[2], new RegExp(`^${parentId}\\s+.+ago\\s+.+Imported from`), 'the parent is stored here: its id, not <missing>');
    t.equal(tsrun(root, ['history', '-q', 'changed:v1']).stdout.split('\n').length, 3);
    t.match(tsrun(root, ['history', '--format', '{{.CreatedBy}}|{{.Comment}}', '--no-trunc', 'changed:v1']).stdout, /^sh -c echo new > \/added;.+ln -s \/added \/link\|the change\n/);
    t.match(tsrun(root, ['history', '-H=false', 'changed:v1']).stdout.split('\n')[1], /\d{4}-\d\d-\d\dT.+\s\d+\s+the change$/);
    const layers = tsrun(root, ['history', '--layers', 'changed:v1']).stdout.trim().split('\n');
    t.match(layers[0], /LAYER\s+WASTED$/);
    t.match(layers[1], /\s[0-9a-f]{12}\s+0B$/, 'nothing above the top layer');
    t.match(layers[2], /\s[0-9a-f]{12}\s+14B$/, 'the old /etc/issue (14 bytes) is overwritten above it');
  });

  t.test('commit --pause of a running container; a second commit stacks', async (t) => {
    tsrun(root, ['run', '-d', '--name', 'live', 'changed:v1', 'sh', '-c', 'echo more > /more; sleep 60']);
    const r = tsrun(root, ['commit', 'live', 'changed:v2']);
    t.equal(r.code, 0, r.stderr);
    t.match(tsrun(root, ['ps']).stdout, /Up .+live/, 'still running after the commit');
    t.equal(tsrun(root, ['run', '--rm', 'changed:v2', 'cat', '/more', '/added']).stdout, 'more\nnew\n');
    t.equal(tsrun(root, ['history', '-q', 'changed:v2']).stdout.trim().split('\n').length, 3);
    const bad = tsrun(root, ['commit', '-c', 'RUN echo', 'live']);
    t.equal(bad.code, 1);
    t.match(bad.stderr, /RUN is not a valid change command/);
  });

  t.test('cp both ways, running and stopped; export', async (t) => {
    const host = path.join(root, 'host-files');
    mkdirSync(path.join(host, 'dir'), { recursive: true });
    writeFileSync(path.join(host, 'dir', 'a.txt'), 'A');
    t.equal(tsrun(root, ['cp', path.join(host, 'dir'), 'live:/tmp/']).code, 0);
    t.equal(tsrun(root, ['exec', 'live', 'cat', '/tmp/dir/a.txt']).stdout, 'A', 'into a running container');
    t.equal(tsrun(root, ['cp', 'live:/etc/issue', path.join(host, 'issue')]).code, 0);
    t.equal(readFileSync(path.join(host, 'issue'), 'utf8'), 'tsrun busybox\nchanged\n');
    t.equal(tsrun(root, ['cp', path.join(host, 'dir', 'a.txt'), 'changer:/renamed.txt']).code, 0, 'into a stopped one');
    t.equal(tsrun(root, ['cp', 'changer:/renamed.txt', path.join(host, 'back.txt')]).code, 0);
    t.equal(readFileSync(path.join(host, 'back.txt'), 'utf8'), 'A');
    t.match(tsrun(root, ['diff', 'changer']).stdout, /^A \/renamed\.txt$/m);
    t.equal(tsrun(root, ['cp', 'changer:/link', path.join(host, 'via-link')]).code, 0, 'a symlink resolves inside the container');
    t.equal(readFileSync(path.join(host, 'via-link'), 'utf8'), 'new\n');
    const missing = tsrun(root, ['cp', 'changer:/nope', host]);
    t.equal(missing.code, 1);
    t.match(missing.stderr, /Could not find the file \/nope in container changer/);
    const tarFile = path.join(root, 'export.tar');
    t.equal(tsrun(root, ['export', '-o', tarFile, 'changer']).code, 0);
    const names = execFileSync('tar', ['-tf', tarFile]).toString().split('\n');
    t.ok(names.includes('added') && names.includes('renamed.txt') && names.includes('bin/busybox'), 'the merged filesystem');
    t.notOk(names.includes('bin/vi'), 'without what the container deleted');
    t.notOk(names.some((n) => n.startsWith('proc/') && n !== 'proc/'), 'no /proc contents');
    t.notOk(readFileSync('/proc/self/mountinfo', 'utf8').includes(root), 'no mount left behind');
    t.ok(existsSync(tarFile));
  });
}

function digestOfTopLayer(root: string, imageId: string): string {
  const index = JSON.parse(readFileSync(path.join(root, 'index.json'), 'utf8'));
  for (const m of index.manifests) {
    const manifest = JSON.parse(readFileSync(path.join(root, 'blobs/sha256', m.digest.slice(7)), 'utf8'));
    if (manifest.config.digest === imageId) return manifest.layers.at(-1).digest.slice(7);
  }
  throw new Error(`no manifest for ${imageId}`);
}
