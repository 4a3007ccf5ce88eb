// A layer pulled once is shared by every image holding it ("Already exists"),
// whatever compression their manifests name: push and save of such an image
// still work, rmi of the image that brought the layer keeps it usable, and an
// rmi racing a pull never deletes what the pull relies on.
import t from 'tap';
import { readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { requiresRoot } from '../helpers/requires.js';
import { startRegistry, tmpDir } from '../helpers/registry.js';
import { randomLayerArchive } from '../helpers/registry-images.js';
import { hasBlob, storedImage } from '../helpers/store-files.js';
import { startProxy } from '../helpers/tcp-proxy.js';
import { poll } from '../helpers/poll.js';
import { busyboxRootfsTar, tmpStore, tsrun } from '../helpers/tsrun.js';
import { tsrunAsync } from '../helpers/tsrun-async.js';

if (requiresRoot(t)) {
  const reg = await startRegistry(t);
  const dir = tmpDir(t, 'tsrun-reg-layers-');
  const configFile = path.join(dir, 'insecure.json');
  writeFileSync(configFile, JSON.stringify({ 'insecure-registries': [reg.host] }));
  const env = { TSRUN_CONFIG: configFile, DOCKER_CONFIG: path.join(dir, 'docker') };

  // one layer, two blobs: the busybox tar as it is, and gzipped
  const seed = tmpStore(t);
  const gz = path.join(dir, 'busybox.tar.gz');
  writeFileSync(gz, gzipSync(readFileSync(busyboxRootfsTar())));
  const plain = `${reg.host}/layers/plain:1`;
  const packed = `${reg.host}/layers/gz:1`;
  t.equal(tsrun(seed, ['import', busyboxRootfsTar(), plain]).code, 0);
  t.equal(tsrun(seed, ['import', gz, packed]).code, 0);
  const plainImage = storedImage(seed, plain);
  const packedImage = storedImage(seed, packed);
  t.equal(plainImage.config.rootfs.diff_ids[0], packedImage.config.rootfs.diff_ids[0], 'same layer');
  t.not(plainImage.manifest.layers[0]!.digest, packedImage.manifest.layers[0]!.digest, 'different blobs');
  for (const n of [plain, packed]) t.equal(tsrun(seed, ['push', n], { env }).code, 0);
  const gzBlob = packedImage.manifest.layers[0]!.digest;

  t.test('an image whose layer "Already exists" in another compression can be pushed and saved', async (t) => {
    const store = tmpStore(t);
    t.equal(tsrun(store, ['pull', plain], { env }).code, 0);
    const second = tsrun(store, ['pull', packed], { env });
    t.equal(second.code, 0, second.stderr);
    t.match(second.stderr, /Already exists/);
    t.notOk(hasBlob(store, gzBlob), 'the layer is not downloaded again');

    // the image that brought the layer goes; its blob must stay for the other one
    const rmi = tsrun(store, ['rmi', plain]);
    t.equal(rmi.code, 0, rmi.stderr);

    const copy = `${reg.host}/layers/copy:1`;
    t.equal(tsrun(store, ['tag', packed, copy]).code, 0);
    const push = tsrun(store, ['push', copy], { env });
    t.equal(push.code, 0, push.stderr);
    const [, digest] = /digest: (sha256:[a-f0-9]{64})/.exec(push.stdout) ?? [];
    t.ok(digest, push.stdout);
    t.not(digest, packedImage.manifestDigest, 'the pushed manifest names the blob we hold');
    const other = tmpStore(t);
    const pull = tsrun(other, ['pull', copy], { env });
    t.equal(pull.code, 0, pull.stderr);
    t.equal(tsrun(other, ['run', '--rm', copy, 'cat', '/etc/issue']).stdout, 'tsrun busybox\n');
    t.equal(tsrun(other, ['inspect', '-f', '{{.Id}}', copy]).stdout, tsrun(store, ['inspect', '-f', '{{.Id}}', packed]).stdout, 'same image ID');

    const archive = path.join(dir, 'packed.tar');
    const save = tsrun(store, ['save', '-o', archive, packed]);
    t.equal(save.code, 0, save.stderr);
    const loaded = tmpStore(t);
    const load = tsrun(loaded, ['load', '-i', archive]);
    t.equal(load.code, 0, load.stderr);
    t.equal(tsrun(loaded, ['run', '--rm', packed, 'cat', '/etc/issue']).stdout, 'tsrun busybox\n');
  });

  t.test('a store that lost every blob of a layer gets one back from the next pull', async (t) => {
    const store = tmpStore(t);
    t.equal(tsrun(store, ['pull', packed], { env }).code, 0);
    // as left by an older tsrun: the layer is unpacked but no blob of it is kept
    for (const b of readdirSync(path.join(store, 'blobs/sha256'))) {
      if (`sha256:${b}` === gzBlob) rmSync(path.join(store, 'blobs/sha256', b));
    }
    const broken = tsrun(store, ['save', '-o', path.join(dir, 'broken.tar'), packed]);
    t.equal(broken.code, 125, 'as for any image save cannot find');
    t.match(broken.stderr, `has no blob in the store`);
    t.match(broken.stderr, `tsrun pull ${packed}`);
    const pull = tsrun(store, ['pull', packed], { env });
    t.equal(pull.code, 0, pull.stderr);
    t.ok(hasBlob(store, gzBlob), 'the blob is fetched');
    t.equal(tsrun(store, ['save', '-o', path.join(dir, 'healed.tar'), packed]).code, 0);
  });

  t.test('rmi during a pull never deletes a layer the pull found "Already exists"', async (t) => {
    const big = `${reg.host}/layers/big:1`;
    t.equal(tsrun(seed, ['load', '-i', await randomLayerArchive(dir, 'race:1', 16)]).code, 0);
    t.equal(tsrun(seed, ['tag', 'race:1', big]).code, 0);
    t.equal(tsrun(seed, ['push', big], { env }).code, 0);

    const store = tmpStore(t);
    t.equal(tsrun(store, ['pull', plain], { env }).code, 0);
    const proxy = await startProxy(t, reg.port, { delayMs: 10 });
    const proxyConfig = path.join(dir, 'proxy.json');
    writeFileSync(proxyConfig, JSON.stringify({ 'insecure-registries': [proxy.host] }));
    const slowName = `${proxy.host}/layers/big:1`;
    const pulling = tsrunAsync(store, ['pull', slowName], { env: { ...env, TSRUN_CONFIG: proxyConfig } });
    const downloading = await poll(() => existsSync(path.join(store, 'tmp')) && readdirSync(path.join(store, 'tmp')).some((n) => n.includes('-blob-')), 60_000);
    t.ok(downloading, 'the pull is downloading its new layer');
    const rmi = await tsrunAsync(store, ['rmi', plain]);
    t.equal(rmi.code, 0, rmi.stderr);
    t.match(rmi.stdout, /Deleted: sha256:/, 'the image that brought the shared layer is deleted');
    const r = await pulling;
    t.equal(r.code, 0, r.stderr);
    t.match(r.stderr, /Already exists/);
    const run = tsrun(store, ['run', '--rm', slowName, 'cat', '/etc/issue']);
    t.equal(run.code, 0, run.stderr);
    t.equal(run.stdout, 'tsrun busybox\n');
    t.same(existsSync(path.join(store, 'leases')) ? readdirSync(path.join(store, 'leases')) : [], [], 'no lease left');
  });
}
