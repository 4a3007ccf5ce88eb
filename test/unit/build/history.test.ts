import t from 'tap';
import {
  combinedSourceHash, copyComment, goDuration, goQuoteList, healthcheckComment, nopComment, nopCommentString, runCreatedBy,
} from '../../../src/build/history.js';

const SH = ['/bin/sh', '-c'];

t.test('metadata steps: the two-argument nop comment (two spaces), Go %q lists', async (t) => {
  t.equal(nopComment(SH, `CMD ${goQuoteList(['nginx', '-g', 'daemon off;'])}`), '/bin/sh -c #(nop)  CMD ["nginx" "-g" "daemon off;"]');
  t.equal(nopComment(SH, 'EXPOSE 80'), '/bin/sh -c #(nop)  EXPOSE 80');
  t.equal(goQuoteList(null), '[]');
  t.equal(goQuoteList(['say "hi"\n']), '["say \\"hi\\"\\n"]');
});

t.test('COPY, ADD and WORKDIR: the one-argument form with Docker\'s trailing space', async (t) => {
  t.equal(nopCommentString(SH, copyComment('COPY', '', 'file:abc', '/app/')), '/bin/sh -c #(nop) COPY file:abc in /app/ ');
  t.equal(copyComment('ADD', '1000:1000', 'dir:def', '.'), 'ADD --chown=1000:1000 dir:def in . ');
  t.equal(nopCommentString(['/bin/bash', '-c'], 'WORKDIR /srv'), '/bin/bash -c #(nop) WORKDIR /srv');
});

t.test('several sources hash into multi: like hashStringSlice', async (t) => {
  t.equal(combinedSourceHash(['file:a']), 'file:a');
  // sha256("file:a,dir:b")
  t.equal(combinedSourceHash(['file:a', 'dir:b']), 'multi:11b7a12d4bc24c7dde597ae90b75f582409d8bf19b0f0fa5881a18f528acd619');
  t.not(combinedSourceHash(['file:a', 'dir:b']), combinedSourceHash(['dir:b', 'file:a']), 'order matters');
});

t.test('RUN: |N with sorted args, |0 when only unrecorded proxies were set', async (t) => {
  const cmd = ['/bin/sh', '-c', 'make'];
  t.equal(runCreatedBy(cmd, new Map(), false), '/bin/sh -c make');
  t.equal(runCreatedBy(cmd, new Map([['V', '2'], ['A', 'x y']]), true), '|2 A=x y V=2 /bin/sh -c make');
  t.equal(runCreatedBy(cmd, new Map(), true), '|0 /bin/sh -c make');
  t.equal(runCreatedBy(['echo', 'hi'], new Map(), false), 'echo hi', 'exec form is the argv');
});

t.test('HEALTHCHECK prints Docker\'s %q of the struct', async (t) => {
  const text = healthcheckComment({ Test: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], Interval: 300e9, Timeout: 3e9, Retries: 3 });
  t.equal(text, 'HEALTHCHECK &{["CMD-SHELL" "curl -f http://localhost/ || exit 1"] "5m0s" "3s" "0s" "0s" \'\\x03\'}');
});

t.test('Go duration strings', async (t) => {
  t.equal(goDuration(0), '0s');
  t.equal(goDuration(1.5e9), '1.5s');
  t.equal(goDuration(90e9), '1m30s');
  t.equal(goDuration(3600e9 + 1e9), '1h0m1s');
  t.equal(goDuration(300e6), '300ms');
});
