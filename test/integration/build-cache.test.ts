import t from 'tap';
import { utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { builtConfig, builtId, cacheUse, contextDir, writeFiles } from '../helpers/build.js';
import { requiresRoot } from '../helpers/requires.js';
import { hasLayer } from '../helpers/store-files.js';
import { importBusybox, tmpStore, tsrun } from '../helpers/tsrun.js';

if (requiresRoot(t)) {
  const root = tmpStore(t);
  importBusybox(t, root);
  const build = (args: string[]) => tsrun(root, ['build', ...args]);

  const DOCKERFILE = [
    'FROM busybox',
    'COPY a.txt /a.txt',
    'RUN cat /a.txt > /from-a',
    'COPY src /src',
    'RUN ls /src > /listing',
    'CMD ["cat", "/listing"]',
  ].join('\n');

  t.test('a second build uses the cache for every step and gives the same image', async (t) => {
    const dir = contextDir(t, { Dockerfile: DOCKERFILE, 'a.txt': 'a\n', 'src/one.txt': '1\n', 'src/two.txt': '2\n' });
    const first = build(['-t', 'cached', dir]);
    t.equal(first.code, 0, first.stderr);
    t.same(cacheUse(first.stdout), [false, false, false, false, false, false]);
    const second = build(['-t', 'cached', dir]);
    t.same(cacheUse(second.stdout), [false, true, true, true, true, true], 'FROM is resolved; every other step is cached');
    t.equal(builtId(second.stdout), builtId(first.stdout));
    t.notMatch(second.stdout, /Running in/);
  });

  t.test('changing one copied file reruns that step and the later ones, not the earlier', async (t) => {
    const dir = contextDir(t, { Dockerfile: DOCKERFILE, 'a.txt': 'a\n', 'src/one.txt': '1\n', 'src/two.txt': '2\n' });
    t.equal(build([dir]).code, 0);
    writeFileSync(path.join(dir, 'src/two.txt'), 'two\n');
    const r = build(['--explain-cache', dir]);
    t.equal(r.code, 0, r.stderr);
    t.same(cacheUse(r.stdout), [false, true, true, false, false, false]);
    t.match(r.stdout, /Step 4\/6 : COPY src \/src\n ---> cache miss: file changed: "src\/two.txt"\n/);
    t.match(r.stdout, /Step 5\/6 : RUN ls \/src > \/listing\n ---> cache miss: parent [0-9a-f]{12} is new \(step 4 was rebuilt\)\n/);
    t.match(r.stdout, /Step 2\/6 : COPY a.txt \/a.txt\n ---> cache hit\n ---> Using cache\n/);
    writeFiles(dir, { 'src/three.txt': '3\n' });
    t.match(build(['--explain-cache', dir]).stdout, /cache miss: file added: "src\/three.txt"/);
    writeFileSync(path.join(dir, 'a.txt'), 'A\n');
    t.same(cacheUse(build([dir]).stdout), [false, false, false, false, false, false], 'an early change reruns everything after it');
  });

  t.test('mtime alone does not invalidate; mode does', async (t) => {
    const dir = contextDir(t, { Dockerfile: 'FROM busybox\nCOPY run.sh /run.sh\n', 'run.sh': 'echo hi\n' });
    t.equal(build([dir]).code, 0);
    utimesSync(path.join(dir, 'run.sh'), new Date(2000, 1, 1), new Date(2000, 1, 1));
    t.same(cacheUse(build([dir]).stdout), [false, true]);
    const { chmodSync } = await import('node:fs');
    chmodSync(path.join(dir, 'run.sh'), 0o755);
    const r = build(['--explain-cache', dir]);
    t.same(cacheUse(r.stdout), [false, false]);
    t.match(r.stdout, /cache miss: file changed: "run.sh"/);
  });

  t.test('.dockerignore: ignored files are invisible to COPY and do not touch the cache', async (t) => {
    const dir = contextDir(t, {
      Dockerfile: 'FROM busybox\nCOPY . /ctx\nRUN find /ctx -type f | sort > /files\n',
      '.dockerignore': '*.log\nsecrets/\n!secrets/public.pem\n',
      'app.txt': 'app\n', 'debug.log': 'x\n', 'secrets/key.pem': 'k\n', 'secrets/public.pem': 'p\n',
    });
    t.equal(build(['-t', 'ignored', dir]).code, 0);
    const files = tsrun(root, ['run', '--rm', 'ignored', 'cat', '/files']).stdout;
    t.equal(files, '/ctx/.dockerignore\n/ctx/Dockerfile\n/ctx/app.txt\n/ctx/secrets/public.pem\n');
    writeFiles(dir, { 'debug.log': 'changed\n', 'secrets/key.pem': 'rotated\n', 'new.log': 'n\n' });
    t.same(cacheUse(build([dir]).stdout), [false, true, true], 'changes to ignored files keep the cache');
    const single = build([contextDir(t, { Dockerfile: 'FROM busybox\nCOPY debug.log /\n', '.dockerignore': '*.log', 'debug.log': 'x' })]);
    t.equal(single.code, 1);
    t.match(single.stderr, /COPY failed: file not found in build context or excluded by \.dockerignore: stat debug\.log: file does not exist/);
  });

  t.test('<Dockerfile>.dockerignore beside a custom Dockerfile wins over .dockerignore', async (t) => {
    const dir = contextDir(t, {
      'build/app.Dockerfile': 'FROM busybox\nCOPY . /ctx\nRUN ls -A /ctx > /files\n',
      'build/app.Dockerfile.dockerignore': 'b.txt\nbuild\n',
      '.dockerignore': 'a.txt\n',
      'a.txt': 'a', 'b.txt': 'b',
    });
    t.equal(build(['-t', 'custom-ignore', '-f', path.join(dir, 'build/app.Dockerfile'), dir]).code, 0);
    t.equal(tsrun(root, ['run', '--rm', 'custom-ignore', 'cat', '/files']).stdout, '.dockerignore\na.txt\n');
  });

  t.test('the cache works across tags and survives rmi of the tag', async (t) => {
    const dir = contextDir(t, { Dockerfile: 'FROM busybox\nRUN echo layer > /l\nCOPY f /f\n', f: 'f' });
    const first = build(['-t', 'keep-one', dir]);
    t.equal(first.code, 0);
    const layers = builtConfig(root, 'keep-one').rootfs.diff_ids;
    const rmi = tsrun(root, ['rmi', 'keep-one']);
    t.equal(rmi.code, 0, rmi.stderr);
    t.match(rmi.stdout, /Deleted: sha256:/);
    t.ok(layers.every((d) => hasLayer(root, d)), 'the cache keeps the layers');
    const again = build(['-t', 'keep-two', dir]);
    t.same(cacheUse(again.stdout), [false, true, true]);
    t.equal(builtId(again.stdout), builtId(first.stdout), 'the same image, under a new name');
    t.equal(tsrun(root, ['run', '--rm', 'keep-two', 'cat', '/l']).stdout, 'layer\n');
  });

  t.test('--no-cache rebuilds every step; the next build uses what it made', async (t) => {
    const dir = contextDir(t, { Dockerfile: 'FROM busybox\nRUN date +%s%N > /stamp\n' });
    const first = build([dir]);
    const fresh = build(['--no-cache', '--explain-cache', dir]);
    t.same(cacheUse(fresh.stdout), [false, false]);
    t.match(fresh.stdout, /cache miss: --no-cache/);
    t.not(builtId(fresh.stdout), builtId(first.stdout));
    const after = build([dir]);
    t.same(cacheUse(after.stdout), [false, true]);
    t.equal(builtId(after.stdout), builtId(fresh.stdout));
  });

  t.test('a RUN reruns when a build arg it sees changes, and says which', async (t) => {
    const dir = contextDir(t, { Dockerfile: 'FROM busybox\nARG V=1\nRUN echo $V > /v\nRUN true\n' });
    t.equal(build(['--build-arg', 'V=2', dir]).code, 0);
    t.same(cacheUse(build(['--build-arg', 'V=2', dir]).stdout), [false, true, true, true]);
    const r = build(['--explain-cache', '--build-arg', 'V=3', dir]);
    t.same(cacheUse(r.stdout), [false, true, false, false]);
    t.match(r.stdout, /Step 3\/4 : RUN echo \$V > \/v\n ---> cache miss: build arg V changed \("2" -> "3"\)\n/);
    t.same(cacheUse(build(['--build-arg', 'http_proxy=http://127.0.0.1:9', '--build-arg', 'V=3', dir]).stdout), [false, true, true, true], 'proxy args are not part of the key');
  });
}
