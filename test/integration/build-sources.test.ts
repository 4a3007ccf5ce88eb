import t from 'tap';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { builtConfig, cacheUse, contextDir } from '../helpers/build.js';
import { requiresRoot } from '../helpers/requires.js';
import { tsrunAsync } from '../helpers/tsrun-async.js';
import { importBusybox, tmpStore, tsrun } from '../helpers/tsrun.js';

if (requiresRoot(t)) {
  const root = tmpStore(t);
  importBusybox(t, root);
  const build = (args: string[], input?: string | Buffer) => tsrun(root, ['build', ...args], input === undefined ? {} : { input });
  const run = (image: string, script: string) => tsrun(root, ['run', '--rm', image, 'sh', '-c', script]).stdout;

  t.test('multi-stage: COPY --from a stage by name and by index, only the needed stages run', async (t) => {
    const dir = contextDir(t, {
      Dockerfile: [
        'FROM busybox AS compile',
        'RUN mkdir /out && echo binary > /out/app && echo doc > /out/README',
        'FROM busybox AS broken',
        'RUN echo this stage is not needed && false',
        'FROM busybox',
        'COPY --from=compile /out/app /usr/local/bin/',
        'COPY --from=0 /out /docs/',
        'RUN rm /docs/app',
      ].join('\n'),
    });
    const r = build(['-t', 'multi', dir]);
    t.equal(r.code, 0, r.stderr);
    t.notMatch(r.stdout, /not needed/);
    t.match(r.stdout, /^Step 1\/6 : FROM busybox AS compile$/m);
    t.match(r.stdout, /^Step 6\/6 : RUN rm \/docs\/app$/m, 'steps are counted over the stages that run');
    t.equal(run('multi', 'cat /usr/local/bin/app; ls /docs'), 'binary\nREADME\n');
    const target = build(['-t', 'only-compile', '--target', 'compile', dir]);
    t.equal(target.code, 0);
    t.match(target.stdout, /Step 2\/2 : RUN mkdir/);
    t.equal(run('only-compile', 'cat /out/README'), 'doc\n');
  });

  t.test('COPY --from a stage keeps owners and honours what the stage deleted', async (t) => {
    const dir = contextDir(t, {
      Dockerfile: [
        'FROM busybox AS files',
        'RUN mkdir /d && echo a > /d/a && echo b > /d/b && chown -R nobody:nogroup /d',
        'RUN rm /d/b',
        'FROM busybox',
        'COPY --from=files /d /copy',
        'COPY --from=busybox /etc/issue /issue-from-image',
      ].join('\n'),
    });
    t.equal(build(['-t', 'from-stage', dir]).code, 0);
    t.equal(run('from-stage', 'stat -c "%u:%g %n" /copy/*; cat /issue-from-image'), '65534:65534 /copy/a\ntsrun busybox\n');
  });

  t.test('ONBUILD triggers run in the child build and are not inherited', async (t) => {
    const parent = contextDir(t, { Dockerfile: 'FROM busybox\nONBUILD COPY app.txt /app/\nONBUILD RUN echo built > /app/marker\n' });
    t.equal(build(['-t', 'onbuild-parent', parent]).code, 0);
    t.same(builtConfig(root, 'onbuild-parent').config.OnBuild, ['COPY app.txt /app/', 'RUN echo built > /app/marker']);
    const child = contextDir(t, { Dockerfile: 'FROM onbuild-parent\nRUN cat /app/app.txt /app/marker\n', 'app.txt': 'child app\n' });
    const r = build(['-t', 'onbuild-child', child]);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /# Executing 2 build triggers\nTrigger 1\/2 : COPY app.txt \/app\/\n/);
    t.match(r.stdout, /child app\nbuilt\n/);
    t.notOk(builtConfig(root, 'onbuild-child').config.OnBuild?.length, 'triggers do not reach grandchildren');
    const again = build([child]).stdout;
    t.equal(again.match(/^ ---> Using cache$/gm)?.length, 3, 'both trigger steps and the RUN are cached');
    t.notMatch(again, /Running in/);
  });

  t.test('ADD extracts local tar archives, plain and gzip; other files are copied', async (t) => {
    const dir = contextDir(t, { 'src/top.txt': 'top\n', 'src/sub/deep.txt': 'deep\n', 'plain.gz.txt': 'not an archive\n' });
    execFileSync('tar', ['-C', path.join(dir, 'src'), '-cf', path.join(dir, 'files.tar'), '.']);
    execFileSync('tar', ['-C', path.join(dir, 'src'), '-czf', path.join(dir, 'files.tgz'), '.']);
    const dockerfile = 'FROM busybox\nADD files.tar /plain/\nADD files.tgz /gz\nADD plain.gz.txt /copied/\nCOPY files.tar /not-extracted.tar\n';
    const r = build(['-t', 'add-tar', '-'], dockerfile);
    t.equal(r.code, 1, 'a Dockerfile from stdin has no context');
    const ok = tsrun(root, ['build', '-t', 'add-tar', '-f', '-', dir], { input: dockerfile });
    t.equal(ok.code, 0, ok.stderr);
    t.equal(run('add-tar', 'cat /plain/top.txt /plain/sub/deep.txt /gz/sub/deep.txt /copied/plain.gz.txt; tar -tf /not-extracted.tar | sort | head -1'), 'top\ndeep\ndeep\nnot an archive\n./\n');
  });

  t.test('ADD of a URL served on 127.0.0.1: mode 0600, cached by content', async (t) => {
    let body = 'first version\n';
    const server = createServer((req, res) => {
      if (req.url !== '/files/data.txt') return res.writeHead(404).end();
      res.writeHead(200, { 'Last-Modified': 'Wed, 01 Jan 2020 00:00:00 GMT' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.teardown(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files/data.txt`;
    const dir = contextDir(t, { Dockerfile: `FROM busybox\nADD ${url} /downloads/\nADD ${url} /renamed.txt\nRUN true\n` });
    const first = await tsrunAsync(root, ['build', '-t', 'add-url', dir]);
    t.equal(first.code, 0, first.stderr);
    t.equal(run('add-url', 'cat /downloads/data.txt /renamed.txt; stat -c "%a %Y" /downloads/data.txt'), 'first version\nfirst version\n600 1577836800\n');
    t.same(cacheUse((await tsrunAsync(root, ['build', dir])).stdout), [false, true, true, true]);
    body = 'second version\n';
    t.same(cacheUse((await tsrunAsync(root, ['build', '-t', 'add-url', dir])).stdout), [false, false, false, false]);
    t.equal(run('add-url', 'cat /renamed.txt'), 'second version\n');
    const missing = await tsrunAsync(root, ['build', '-'], { input: `FROM busybox\nADD ${url}.nope /x\n` });
    t.equal(missing.code, 1);
    t.match(missing.stderr, /failed to GET .*data\.txt\.nope with status 404/);
  });

  t.test('COPY --chown and --chmod; directory contents, globs and heredocs', async (t) => {
    const dir = contextDir(t, {
      Dockerfile: [
        'FROM busybox',
        'COPY --chown=nobody:nogroup --chmod=640 conf/ /etc/app/',
        'COPY --chown=1234 *.txt /texts/',
        'COPY <<EOF /etc/motd',
        'hello',
        'EOF',
      ].join('\n'),
      'conf/a.conf': 'a', 'conf/sub/b.conf': 'b', 'one.txt': '1', 'two.txt': '2', 'skip.md': 's',
    });
    const r = build(['-t', 'owners', dir]);
    t.equal(r.code, 0, r.stderr);
    t.equal(run('owners', 'stat -c "%n %a %u:%g" /etc/app/a.conf /etc/app/sub/b.conf /texts/one.txt /texts/two.txt; ls /texts; cat /etc/motd'),
      '/etc/app/a.conf 640 65534:65534\n/etc/app/sub/b.conf 640 65534:65534\n/texts/one.txt 644 1234:1234\n/texts/two.txt 644 1234:1234\none.txt\ntwo.txt\nhello\n');
    const many = build([contextDir(t, { Dockerfile: 'FROM busybox\nCOPY a b /dest\n', a: 'a', b: 'b' })]);
    t.equal(many.code, 1);
    t.match(many.stderr, /When using COPY with more than one source file, the destination must be a directory and end with a \//);
  });

  t.test('a context tar on stdin', async (t) => {
    const dir = contextDir(t, { 'docker/Dockerfile': 'FROM busybox\nCOPY msg /msg\n', msg: 'from a tar\n' });
    const tarball = execFileSync('tar', ['-C', dir, '-czf', '-', '.']);
    const r = build(['-t', 'tar-context', '-f', 'docker/Dockerfile', '-'], tarball);
    t.equal(r.code, 0, r.stderr);
    t.equal(run('tar-context', 'cat /msg'), 'from a tar\n');
  });

  t.test('RUN --mount: a cache dir lives on across builds, a bind shows context files', async (t) => {
    const dir = contextDir(t, {
      Dockerfile: [
        'FROM busybox',
        'RUN --mount=type=cache,target=/cache echo x >> /cache/runs && wc -l < /cache/runs > /runs',
        'RUN --mount=type=bind,source=scripts,target=/scripts sh /scripts/make.sh',
      ].join('\n'),
      'scripts/make.sh': 'echo made > /made\n',
    });
    t.equal(build(['-t', 'mounts', dir]).code, 0);
    t.equal(build(['-t', 'mounts', '--no-cache', dir]).code, 0);
    t.equal(run('mounts', 'cat /runs /made; if [ -e /cache ] || [ -e /scripts ]; then echo leaked; else echo clean; fi'), '2\nmade\nclean\n');
  });
}
