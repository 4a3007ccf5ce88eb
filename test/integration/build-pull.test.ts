// Base images from a registry (Debian's docker-registry on 127.0.0.1): a FROM
// or COPY --from image missing locally is pulled; --pull pulls a newer one.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { cacheUse, contextDir } from '../helpers/build.js';
import { startRegistry, tmpDir } from '../helpers/registry.js';
import { requiresRoot } from '../helpers/requires.js';
import { importBusybox, tmpStore, tsrun } from '../helpers/tsrun.js';

if (requiresRoot(t)) {
  const reg = await startRegistry(t);
  const dir = tmpDir(t, 'tsrun-build-pull-');
  const configFile = path.join(dir, 'insecure.json');
  writeFileSync(configFile, JSON.stringify({ 'insecure-registries': [reg.host] }));
  const env = { TSRUN_CONFIG: configFile, DOCKER_CONFIG: path.join(dir, 'docker') };
  const seed = tmpStore(t);
  importBusybox(t, seed);
  const base = `${reg.host}/base/busybox:1`;
  const push = (ref: string) => t.equal(tsrun(seed, ['push', ref], { env }).code, 0, `push ${ref}`);
  t.equal(tsrun(seed, ['tag', 'busybox', base]).code, 0);
  push(base);

  t.test('a FROM image missing locally is pulled; COPY --from an image too', async (t) => {
    const store = tmpStore(t);
    const ctx = contextDir(t, { Dockerfile: `FROM ${base}\nCOPY --from=${base} /etc/issue /issue\nRUN cat /issue\n` });
    const r = tsrun(store, ['build', '-t', 'pulled', ctx], { env });
    t.equal(r.code, 0, r.stderr);
    t.match(r.stderr, /Pull complete/);
    t.match(r.stdout, /tsrun busybox\n/);
    t.equal(tsrun(store, ['run', '--rm', 'pulled', 'cat', '/issue']).stdout, 'tsrun busybox\n');
    t.equal(tsrun(store, ['images', '-q', base]).stdout.trim().length, 12, 'the base is in the store now');
  });

  t.test('--pull takes the registry\'s newer base; without it the local one is used', async (t) => {
    const store = tmpStore(t);
    const ctx = contextDir(t, { Dockerfile: `FROM ${base}\nRUN cat /etc/issue > /seen\n` });
    t.equal(tsrun(store, ['build', ctx], { env }).code, 0);
    const newer = contextDir(t, { Dockerfile: 'FROM busybox\nRUN echo newer base > /etc/issue\n' });
    t.equal(tsrun(seed, ['build', '-q', '-t', base, newer]).code, 0);
    push(base);
    const local = tsrun(store, ['build', ctx], { env });
    t.same(cacheUse(local.stdout), [false, true], 'the local base, cached');
    const pulled = tsrun(store, ['build', '--pull', '-t', 'fresh', ctx], { env });
    t.equal(pulled.code, 0, pulled.stderr);
    t.same(cacheUse(pulled.stdout), [false, false], 'a new base: the step reruns');
    t.equal(tsrun(store, ['run', '--rm', 'fresh', 'cat', '/seen']).stdout, 'newer base\n');
  });

  t.test('an image that is neither local nor in the registry: exit 1', async (t) => {
    const store = tmpStore(t);
    const r = tsrun(store, ['build', '-'], { env, input: `FROM ${reg.host}/no/such:image\n` });
    t.equal(r.code, 1);
    t.match(r.stderr, /no\/such/);
  });
}
