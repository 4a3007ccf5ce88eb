import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { builtConfig, builtId, contextDir, layerEntries } from '../helpers/build.js';
import { requiresRoot } from '../helpers/requires.js';
import { indexNames } from '../helpers/store-files.js';
import { importBusybox, tmpStore, tsrun } from '../helpers/tsrun.js';

if (requiresRoot(t)) {
  const root = tmpStore(t);
  importBusybox(t, root);
  const build = (args: string[], input?: string) => tsrun(root, ['build', ...args], input === undefined ? {} : { input });

  t.test('WORKDIR, USER, ENV, ENTRYPOINT and CMD reach the container', async (t) => {
    const dir = contextDir(t, {
      'greeting.txt': 'hello\n',
      Dockerfile: [
        'FROM busybox',
        'LABEL maintainer="tsrun tests" version=1',
        'ENV GREETING=hi PLACE=world',
        'WORKDIR /srv/app',
        'COPY greeting.txt .',
        'RUN echo "built as $(id -un)" > built.txt',
        'USER nobody',
        'EXPOSE 80 53/udp',
        'VOLUME /data',
        'STOPSIGNAL SIGQUIT',
        'HEALTHCHECK --interval=30s CMD true',
        'ENTRYPOINT ["/bin/sh", "-c"]',
        'CMD ["echo $GREETING $PLACE from $(pwd) as $(id -un): $(cat greeting.txt built.txt)"]',
      ].join('\n'),
    });
    const r = build(['-t', 'cfg', dir]);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /^Step 1\/13 : FROM busybox\n ---> [0-9a-f]{12} \(\d+\.\d\ds\)\n/);
    t.match(r.stdout, /Step 6\/13 : RUN echo "built as \$\(id -un\)" > built.txt\n ---> Running in [0-9a-f]{12}\n/);
    t.match(r.stdout, /Successfully tagged cfg:latest\n$/);
    const run = tsrun(root, ['run', '--rm', 'cfg']);
    t.equal(run.stdout, 'hi world from /srv/app as nobody: hello built as root\n', run.stderr);
    const c = builtConfig(root, 'cfg').config;
    t.same(c.Labels, { maintainer: 'tsrun tests', version: '1' });
    t.same(Object.keys(c.ExposedPorts ?? {}).sort(), ['53/udp', '80/tcp']);
    t.same(c.Volumes, { '/data': {} });
    t.equal(c.StopSignal, 'SIGQUIT');
    t.same(c.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 30e9 });
    t.ok(c.Env?.includes('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'), 'Docker\'s default PATH');
  });

  t.test('history reads like Docker\'s: one layer per RUN/COPY/new WORKDIR, metadata as empty layers', async (t) => {
    const h = builtConfig(root, 'cfg').history.slice(1);
    const by = h.map((e) => e.created_by);
    t.same(by.slice(0, 3), [
      '/bin/sh -c #(nop)  LABEL maintainer=tsrun tests version=1',
      '/bin/sh -c #(nop)  ENV GREETING=hi PLACE=world',
      '/bin/sh -c #(nop) WORKDIR /srv/app',
    ]);
    t.match(by[3], /^\/bin\/sh -c #\(nop\) COPY file:[0-9a-f]{64} in \. $/);
    t.same(by.slice(4), [
      '/bin/sh -c echo "built as $(id -un)" > built.txt',
      '/bin/sh -c #(nop)  USER nobody',
      '/bin/sh -c #(nop)  EXPOSE 53/udp 80',
      '/bin/sh -c #(nop)  VOLUME [/data]',
      '/bin/sh -c #(nop)  STOPSIGNAL SIGQUIT',
      '/bin/sh -c #(nop)  HEALTHCHECK &{["CMD-SHELL" "true"] "30s" "0s" "0s" "0s" \'\\x00\'}',
      '/bin/sh -c #(nop)  ENTRYPOINT ["/bin/sh" "-c"]',
      '/bin/sh -c #(nop)  CMD ["echo $GREETING $PLACE from $(pwd) as $(id -un): $(cat greeting.txt built.txt)"]',
    ]);
    t.same(h.map((e) => e.empty_layer === true), [true, true, false, false, false, true, true, true, true, true, true, true]);
    t.equal(builtConfig(root, 'cfg').rootfs.diff_ids.length, 1 + 3);
    const history = tsrun(root, ['history', '--format', '{{.CreatedBy}}', 'cfg']);
    t.equal(history.code, 0, history.stderr);
    t.same(history.stdout.split('\n').slice(0, by.length), [...by].reverse(), '`tsrun history` shows them newest first');
  });

  t.test('a RUN layer holds only its diff: no runtime mountpoints, deletions as whiteouts', async (t) => {
    const dir = contextDir(t, { Dockerfile: 'FROM busybox\nRUN echo x > /new.txt && rm /etc/issue && mkdir -p /made/deep\n' });
    t.equal(build(['-t', 'diff', dir]).code, 0);
    t.same(layerEntries(root, 'diff', -1).sort(), ['etc/', 'etc/.wh.issue', 'made/', 'made/deep/', 'new.txt']);
    t.equal(tsrun(root, ['run', '--rm', 'diff', 'sh', '-c', 'cat /new.txt; ls /etc/issue 2>&1 | wc -l; ls /etc | wc -l']).stdout.split('\n')[0], 'x');
  });

  t.test('a failing RUN: Docker\'s message, exit 1, nothing tagged', async (t) => {
    const dir = contextDir(t, { Dockerfile: 'FROM busybox\nRUN echo before\nRUN false\nRUN echo never\n' });
    const r = build(['-t', 'broken', dir]);
    t.equal(r.code, 1);
    t.match(r.stderr, /The command '\/bin\/sh -c false' returned a non-zero code: 1/);
    t.notMatch(r.stdout, /never/);
    t.notOk(indexNames(root).some((n) => n.includes('broken')), 'no image is tagged');
    const exit3 = build([contextDir(t, { Dockerfile: 'FROM busybox\nRUN ["sh", "-c", "exit 3"]\n' })]);
    t.equal(exit3.code, 1);
    t.match(exit3.stderr, /The command 'sh -c exit 3' returned a non-zero code: 3/);
  });

  t.test('a Dockerfile syntax error names file, line and column; exit 1', async (t) => {
    const dir = contextDir(t, { 'app.Dockerfile': 'FROM busybox\nRUN true\nFORM busybox\n' });
    const r = build(['-f', path.join(dir, 'app.Dockerfile'), dir]);
    t.equal(r.code, 1);
    t.match(r.stderr, /app\.Dockerfile:3:1: unknown instruction: FORM \(did you mean FROM\?\)/);
    t.equal(r.stdout, '', 'nothing ran');
    const bad = build([contextDir(t, { Dockerfile: 'FROM busybox\nENV A=${B:?required}\n' })]);
    t.equal(bad.code, 1);
    t.match(bad.stderr, /Dockerfile:2:1: failed to process "\$\{B:\?required\}"/);
  });

  t.test('build args: defaults, --build-arg, scoping per stage, unused ones reported', async (t) => {
    const dir = contextDir(t, {
      Dockerfile: [
        'ARG BASE=busybox',
        'ARG VERSION=1',
        'FROM $BASE',
        'ARG VERSION',
        'ARG MODE=debug',
        'ENV FROM_ENV=$MODE',
        'RUN echo "$VERSION $MODE $FROM_ENV ${UNDECLARED:-unset}" > /args.txt',
      ].join('\n'),
    });
    const r = build(['-t', 'args', '--build-arg', 'MODE=release', '--build-arg', 'UNDECLARED=x', '--build-arg', 'EXTRA=1', dir]);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /\[Warning\] One or more build-args \[EXTRA UNDECLARED\] were not consumed/);
    t.equal(tsrun(root, ['run', '--rm', 'args', 'cat', '/args.txt']).stdout, '1 release release unset\n');
    const h = builtConfig(root, 'args').history.at(-1)?.created_by;
    t.equal(h, '|2 MODE=release VERSION=1 /bin/sh -c echo "$VERSION $MODE $FROM_ENV ${UNDECLARED:-unset}" > /args.txt');
  });

  t.test('-q prints only the ID; --iidfile writes it', async (t) => {
    const dir = contextDir(t, { Dockerfile: 'FROM busybox\nRUN echo quiet-output\n' });
    const iid = path.join(dir, 'iid');
    const r = build(['-q', '--iidfile', iid, dir]);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /^sha256:[0-9a-f]{64}\n$/);
    t.equal(readFileSync(iid, 'utf8'), r.stdout.trim());
  });

  t.test('RUN networking: the default bridge, the host\'s with --network host, loopback only with none', async (t) => {
    const dir = contextDir(t, { Dockerfile: 'FROM busybox\nRUN tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort | tr "\\n" " " > /ifaces && ip -4 addr show eth0 2>/dev/null | grep -o "inet [0-9.]*" > /addr; true\n' });
    t.equal(build(['-t', 'net-bridge', dir]).code, 0);
    t.equal(tsrun(root, ['run', '--rm', 'net-bridge', 'cat', '/ifaces']).stdout, 'eth0 lo ');
    t.match(tsrun(root, ['run', '--rm', 'net-bridge', 'cat', '/addr']).stdout, /^inet 10\.\d+\.\d+\.\d+\n$/);
    t.equal(build(['-t', 'net-none', '--network', 'none', '--no-cache', dir]).code, 0);
    t.equal(tsrun(root, ['run', '--rm', 'net-none', 'cat', '/ifaces']).stdout, 'lo ');
    t.equal(build(['-t', 'net-host', '--network', 'host', '--no-cache', dir]).code, 0);
    const host = readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2).map((l) => l.split(':')[0].trim()).filter(Boolean).sort();
    t.equal(tsrun(root, ['run', '--rm', 'net-host', 'cat', '/ifaces']).stdout, host.join(' ') + ' ');
    const bad = build(['--network', 'container:x', dir]);
    t.equal(bad.code, 1);
    t.match(bad.stderr, /network mode "container:x" not supported by tsrun build/);
  });

  t.test('FROM scratch and a build from a Dockerfile on stdin', async (t) => {
    const r = build(['-t', 'from-stdin', '-'], 'FROM busybox AS b\nRUN echo stdin > /s\nFROM scratch\nCOPY --from=b /s /bin/busybox /\nCMD ["/busybox", "cat", "/s"]\n');
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /Step 3\/5 : FROM scratch\n ---> scratch /);
    t.equal(tsrun(root, ['run', '--rm', 'from-stdin']).stdout, 'stdin\n');
    t.equal(builtConfig(root, 'from-stdin').rootfs.diff_ids.length, 1, 'one COPY, one layer');
    t.same(existsSync(path.join(root, 'tmp')) ? readdirSync(path.join(root, 'tmp')) : [], [], 'scratch space is cleaned up');
  });
}
