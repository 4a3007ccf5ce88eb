// A plain-HTTP registry on loopback, anonymous: push and pull, images written
// by skopeo, the mirror headline, multi-arch, corruption, a registry dying mid-pull.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readSync, writeFileSync, writeSync, mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { requiresRoot } from '../helpers/requires.js';
import { freePort, startRegistry, tmpDir } from '../helpers/registry.js';
import { OS_RELEASE, randomLayerArchive, skopeoCopy, ubuntuArchive } from '../helpers/registry-images.js';
import { hasBlob, hasLayer, indexNames, scratchLeft, storedImage } from '../helpers/store-files.js';
import { startProxy } from '../helpers/tcp-proxy.js';
import { importBusybox, tmpStore, tsrun } from '../helpers/tsrun.js';
import { tsrunAsync } from '../helpers/tsrun-async.js';
import { makeTar } from '../helpers/image-archive.js';

const sha = (b: Buffer | string) => 'sha256:' + createHash('sha256').update(b).digest('hex');

if (requiresRoot(t)) {
  const reg = await startRegistry(t);
  const dir = tmpDir(t, 'tsrun-reg-http-');
  const writeConfig = (name: string, config: object) => {
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(config));
    return file;
  };
  const dockerConfig = path.join(dir, 'docker'); // never the real ~/.docker
  const envFor = (configFile: string) => ({ TSRUN_CONFIG: configFile, DOCKER_CONFIG: dockerConfig });
  const env = envFor(writeConfig('insecure.json', { 'insecure-registries': [reg.host] }));
  const seed = tmpStore(t);
  importBusybox(t, seed);
  const busybox = `${reg.host}/test/busybox:1`;
  t.equal(tsrun(seed, ['tag', 'busybox', busybox]).code, 0);

  t.test('tsrun pushes, and pulls into an empty store, and runs it', async (t) => {
    const push = tsrun(seed, ['push', busybox], { env });
    t.equal(push.code, 0, push.stderr);
    t.match(push.stderr, `The push refers to repository [${reg.host}/test/busybox]`);
    t.match(push.stderr, /: Pushed\n/);
    const [, digest] = /^1: digest: (sha256:[a-f0-9]{64}) size: \d+\n$/.exec(push.stdout) ?? [];
    t.ok(digest, `push prints the digest: ${push.stdout}`);

    const store = tmpStore(t);
    const pull = tsrun(store, ['pull', busybox], { env });
    t.equal(pull.code, 0, pull.stderr);
    t.equal(pull.stdout, `${busybox}\n`);
    t.match(pull.stderr, /: Pull complete\n/);
    t.match(pull.stderr, `Digest: ${digest}`);
    t.match(pull.stderr, `Status: Downloaded newer image for ${busybox}`);
    const images = tsrun(store, ['images', '--digests']);
    t.match(images.stdout, new RegExp(`${reg.host}/test/busybox\\s+1\\s+${digest}`));
    t.equal(tsrun(store, ['run', '--rm', busybox, 'cat', '/etc/issue']).stdout, 'tsrun busybox\n');

    const again = tsrun(store, ['pull', busybox], { env });
    t.equal(again.code, 0);
    t.match(again.stderr, /Already exists/);
    t.match(again.stderr, `Status: Image is up to date for ${busybox}`);
    t.equal(tsrun(store, ['pull', '-q', busybox], { env }).stderr, '', '-q prints no progress');

    const byDigest = tsrun(store, ['pull', `${reg.host}/test/busybox@${digest}`], { env });
    t.equal(byDigest.code, 0, byDigest.stderr);
    t.equal(byDigest.stdout, `${reg.host}/test/busybox@${digest}\n`);
    t.equal(tsrun(store, ['run', '--rm', `${reg.host}/test/busybox@${digest}`, 'true']).code, 0, 'runs by repo digest');

    const rmi = tsrun(store, ['rmi', busybox]);
    t.equal(rmi.code, 0, rmi.stderr);
    t.match(rmi.stdout, `Untagged: ${reg.host}/test/busybox@${digest}`, 'the repo digest goes with the last tag');
    t.match(rmi.stdout, /Deleted: sha256:/);
  });

  t.test('push mounts blobs from another repository of the same registry', async (t) => {
    const other = `${reg.host}/other/busybox:2`;
    t.equal(tsrun(seed, ['tag', 'busybox', other]).code, 0);
    const push = tsrun(seed, ['push', other], { env });
    t.equal(push.code, 0, push.stderr);
    t.match(push.stderr, /: Mounted from test\/busybox\n/);
    const again = tsrun(seed, ['push', other], { env });
    t.match(again.stderr, /: Layer already exists\n/);
  });

  t.test('a plain-HTTP registry is refused unless listed in insecure-registries', async (t) => {
    const r = tsrun(tmpStore(t), ['pull', busybox], { env: envFor(path.join(dir, 'no-such-config.json')) });
    t.equal(r.code, 1);
    t.equal(r.stderr, `Error response from daemon: Get "https://${reg.host}/v2/": http: server gave HTTP response to HTTPS client\n`);
    t.equal(tsrun(tmpStore(t), ['pull', `${reg.host}/test/nope:1`], { env }).code, 1);
    t.match(tsrun(tmpStore(t), ['pull', `${reg.host}/test/nope:1`], { env }).stderr, `manifest for ${reg.host}/test/nope:1 not found`);
    const bad = tsrun(tmpStore(t), ['pull', 'Upper/Case'], { env });
    t.equal(bad.code, 1);
    t.match(bad.stderr, /invalid reference format/);
  });

  t.test('skopeo writes what tsrun saved; the mirror serves `run ubuntu:16.04`', async (t) => {
    const archive = await ubuntuArchive(dir);
    t.equal(tsrun(seed, ['load', '-i', archive]).code, 0);
    const saved = path.join(dir, 'saved.tar');
    t.equal(tsrun(seed, ['save', '-o', saved, 'ubuntu:16.04']).code, 0);
    skopeoCopy(`docker-archive:${saved}`, `docker://${reg.host}/library/ubuntu:16.04`);

    const dead = await freePort();
    const mirrorEnv = envFor(writeConfig('mirror.json', {
      'registry-mirrors': [`http://127.0.0.1:${dead}`, `http://${reg.host}`],
      'insecure-registries': [reg.host],
    }));
    const store = tmpStore(t);
    const r = tsrun(store, ['run', '--rm', 'ubuntu:16.04', 'cat', '/etc/os-release'], { env: mirrorEnv });
    t.equal(r.code, 0, r.stderr);
    t.equal(r.stdout, OS_RELEASE);
    t.match(r.stderr, /^Unable to find image 'ubuntu:16.04' locally\n16.04: Pulling from library\/ubuntu\n/);
    t.match(r.stderr, /Status: Downloaded newer image for ubuntu:16.04/);
    t.same(indexNames(store).sort(), ['docker.io/library/ubuntu:16.04', indexNames(store).find((n) => n.includes('@'))].sort());

    const quiet = tsrun(store, ['run', '--rm', 'ubuntu:16.04', 'true'], { env: mirrorEnv });
    t.equal(quiet.stderr, '', 'a present image is not pulled again');
    const always = tsrun(store, ['run', '--rm', '--pull', 'always', 'ubuntu:16.04', 'true'], { env: mirrorEnv });
    t.match(always.stderr, /Status: Image is up to date for ubuntu:16.04/);
    const never = tsrun(tmpStore(t), ['run', '--rm', '--pull', 'never', 'ubuntu:16.04', 'true'], { env: mirrorEnv });
    t.equal(never.code, 125);
    t.match(never.stderr, /Unable to find image 'ubuntu:16.04' locally/);
    const noMirror = tsrun(tmpStore(t), ['run', '--rm', '--pull', 'missing', `${reg.host}/library/nothing:1`, 'true'], { env: mirrorEnv });
    t.equal(noMirror.code, 125, 'run keeps 125 when the pull fails');
    t.match(noMirror.stderr, /Error response from daemon: /);
  });

  t.test('multi-arch index (written by skopeo): only the host platform is pulled', async (t) => {
    // an OCI layout holding an index: the busybox image (amd64) and a small arm64 image
    const layout = path.join(dir, 'multi-layout');
    mkdirSync(path.join(layout, 'blobs/sha256'), { recursive: true });
    for (const b of readdirSync(path.join(seed, 'blobs/sha256'))) copyFileSync(path.join(seed, 'blobs/sha256', b), path.join(layout, 'blobs/sha256', b));
    const put = (data: Buffer | string) => {
      const digest = sha(data);
      writeFileSync(path.join(layout, 'blobs/sha256', digest.slice(7)), data);
      return { digest, size: Buffer.byteLength(data) };
    };
    const host = storedImage(seed, 'docker.io/library/busybox:latest');
    const armLayer = await makeTar([{ name: 'arm64-only', content: 'arm\n' }]);
    const armConfig = put(JSON.stringify({ architecture: 'arm64', variant: 'v8', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha(armLayer)] } }));
    const armLayerBlob = put(armLayer);
    const armManifest = put(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...armConfig },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...armLayerBlob }],
    }));
    const hostManifestSize = readFileSyncSize(path.join(seed, 'blobs/sha256', host.manifestDigest.slice(7)));
    const index = put(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: armManifest.digest, size: armManifest.size, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: host.manifestDigest, size: hostManifestSize, platform: { os: 'linux', architecture: host.config.architecture } },
      ],
    }));
    writeFileSync(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    writeFileSync(path.join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', ...index, annotations: { 'org.opencontainers.image.ref.name': 'multi' } }] }));
    skopeoCopy(`oci:${layout}:multi`, `docker://${reg.host}/test/multi:latest`, ['--all']);
    // skopeo compresses the layers on the way, so read back what the registry holds
    const rawIndex = execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/test/multi:latest`]);
    const pushed = JSON.parse(rawIndex.toString()) as { manifests: Array<{ digest: string; platform: { architecture: string } }> };
    const hostDigest = pushed.manifests.find((m) => m.platform.architecture === host.config.architecture)!.digest;
    const armDigest = pushed.manifests.find((m) => m.platform.architecture === 'arm64')!.digest;

    const store = tmpStore(t);
    const r = tsrun(store, ['pull', `${reg.host}/test/multi`], { env });
    t.equal(r.code, 0, r.stderr);
    t.match(r.stderr, /^Using default tag: latest\n/);
    t.match(r.stderr, `Digest: ${sha(rawIndex)}`, 'the repo digest is the index');
    t.equal(storedImage(store, `${reg.host}/test/multi:latest`).manifestDigest, hostDigest, 'the host manifest is pulled');
    t.notOk(hasBlob(store, armDigest) || hasBlob(store, armConfig.digest), 'nothing of arm64 is fetched');
    t.notOk(hasLayer(store, sha(armLayer)));
    t.match(tsrun(store, ['images', '--digests', `${reg.host}/test/multi`]).stdout, sha(rawIndex));

    const arm = tmpStore(t);
    const armPull = tsrun(arm, ['pull', '--platform', 'linux/arm64', `${reg.host}/test/multi`], { env });
    t.equal(armPull.code, 0, armPull.stderr);
    t.equal(storedImage(arm, `${reg.host}/test/multi:latest`).config.architecture, 'arm64');
    t.ok(hasLayer(arm, sha(armLayer)));
    const none = tsrun(tmpStore(t), ['pull', '--platform', 'linux/s390x', `${reg.host}/test/multi`], { env });
    t.equal(none.code, 1);
    t.match(none.stderr, 'no matching manifest for linux/s390x in the manifest list entries');
  });

  t.test('a corrupted blob is detected and nothing is registered', async (t) => {
    const name = `${reg.host}/test/corrupt:1`;
    t.equal(tsrun(seed, ['load', '-i', await randomLayerArchive(dir, 'corrupt:1', 1)]).code, 0);
    t.equal(tsrun(seed, ['tag', 'corrupt:1', name]).code, 0);
    t.equal(tsrun(seed, ['push', name], { env }).code, 0);
    const image = storedImage(seed, 'docker.io/library/corrupt:1');
    const layer = image.manifest.layers[1]!;
    const file = reg.blobPath(layer.digest);
    const fd = openSync(file, 'r+');
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, 700_000);
    writeSync(fd, Buffer.from([byte[0]! ^ 0xff]), 0, 1, 700_000);
    closeSync(fd);

    const store = tmpStore(t);
    const r = tsrun(store, ['pull', name], { env });
    t.equal(r.code, 1);
    t.match(r.stderr, `Error response from daemon: filesystem layer verification failed for digest ${layer.digest}`);
    t.notOk(hasLayer(store, image.config.rootfs.diff_ids[1]!), 'no layer registered');
    t.notOk(hasBlob(store, layer.digest), 'no blob stored');
    t.same(indexNames(store), [], 'no image named');
    t.same(scratchLeft(store), [], 'no scratch left');
  });

  t.test('a registry that dies mid-pull leaves no half layer; a second pull completes; a cut is retried', async (t) => {
    const name = `${reg.host}/test/big:1`;
    t.equal(tsrun(seed, ['load', '-i', await randomLayerArchive(dir, 'big:1', 8)]).code, 0);
    t.equal(tsrun(seed, ['tag', 'big:1', name]).code, 0);
    const push = tsrun(seed, ['push', name], { env });
    t.equal(push.code, 0, `an 8 MiB layer goes up in chunks: ${push.stderr}`);
    const image = storedImage(seed, 'docker.io/library/big:1');
    const bigDiff = image.config.rootfs.diff_ids[1]!;

    let killed: Promise<void> | undefined;
    const proxy = await startProxy(t, reg.port, {
      delayMs: 5,
      onBytes: (_conn, total) => { if (total > 3 * 1024 * 1024 && !killed) killed = reg.kill(); },
    });
    const proxyName = `${proxy.host}/test/big:1`;
    const proxyEnv = envFor(writeConfig('proxy.json', { 'insecure-registries': [proxy.host] }));
    const store = tmpStore(t);
    const r = await tsrunAsync(store, ['pull', proxyName], { env: proxyEnv });
    t.ok(killed, 'the registry was killed during the pull');
    await killed;
    t.equal(r.code, 1, r.stderr);
    t.match(r.stderr, /Error response from daemon: /);
    t.notOk(hasLayer(store, bigDiff), 'no half layer');
    t.notOk(hasBlob(store, image.manifest.layers[1]!.digest));
    t.same(indexNames(store), []);
    t.same(scratchLeft(store), [], 'no scratch left');

    await reg.restart();
    const second = await tsrunAsync(store, ['pull', proxyName], { env: proxyEnv });
    t.equal(second.code, 0, second.stderr);
    const sum = (root: string, ref: string) => tsrun(root, ['run', '--rm', ref, 'md5sum', '/data/random']).stdout;
    t.equal(sum(store, proxyName), sum(seed, name), 'the layer arrived whole');

    let cutOnce = false;
    const flaky = await startProxy(t, reg.port, {
      onBytes: (conn, _total, control) => { if (conn > 2 * 1024 * 1024 && !cutOnce) { cutOnce = true; control.cut(); } },
    });
    const flakyEnv = envFor(writeConfig('flaky.json', { 'insecure-registries': [flaky.host] }));
    const resumedStore = tmpStore(t);
    const retried = await tsrunAsync(resumedStore, ['pull', `${flaky.host}/test/big:1`], { env: flakyEnv });
    t.ok(cutOnce, 'a connection was cut mid-blob');
    t.equal(retried.code, 0, retried.stderr);
    t.match(retried.stderr, /Retrying in \d+ seconds?/);
    t.match(flaky.sent.join(''), /\r\nRange: bytes=\d+-\r\n/i, 'the download resumed with a Range request');
    const blobBytes = image.manifest.layers.reduce((n, l) => n + l.size, 0);
    t.ok(flaky.bytes < blobBytes + 1024 * 1024, `no byte downloaded twice: ${flaky.bytes} bytes for ${blobBytes} of blobs`);
    t.equal(sum(resumedStore, `${flaky.host}/test/big:1`), sum(seed, name), 'the resumed layer is whole');
  });
}

function readFileSyncSize(file: string): number {
  const fd = openSync(file, 'r');
  try {
    let n = 0;
    const buf = Buffer.alloc(65536);
    for (let r = readSync(fd, buf); r > 0; r = readSync(fd, buf)) n += r;
    return n;
  } finally {
    closeSync(fd);
  }
}
