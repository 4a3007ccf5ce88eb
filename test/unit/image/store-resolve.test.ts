import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ContentStore } from '../../../src/content/store.js';
import { FileLock } from '../../../src/core/lock.js';
import { StorePaths } from '../../../src/core/paths.js';
import { ImageStore } from '../../../src/image/store.js';

async function storeWith(names: string[][]) {
  const paths = new StorePaths(mkdtempSync(path.join(tmpdir(), 'tsrun-resolve-')));
  const content = new ContentStore(paths);
  const images = new ImageStore(paths, content, new FileLock(paths.lockFile, async () => undefined));
  const made: { id: string; manifest: string }[] = [];
  for (const [i, tags] of names.entries()) {
    const config = await content.putJson({ architecture: 'amd64', os: 'linux', config: { Cmd: [`image-${i}`] }, rootfs: { type: 'layers', diff_ids: [] } });
    const manifest = await content.putJson({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers: [] });
    if (tags.length === 0) await images.addUntagged(manifest.digest, manifest.size);
    for (const tag of tags) await images.tag(tag, manifest.digest, manifest.size);
    made.push({ id: config.digest, manifest: manifest.digest });
  }
  return { images, content, made };
}

t.test('resolve finds an image by name, ID (prefix), manifest digest and name@digest', async (t) => {
  const { images, made } = await storeWith([['docker.io/library/busybox:latest'], ['docker.io/library/alpine:3', 'docker.io/library/alpine:latest'], []]);
  const [busybox, alpine, dangling] = made;
  t.equal((await images.resolve('busybox'))?.id, busybox.id);
  t.same((await images.resolve('alpine:3'))?.names, ['docker.io/library/alpine:3', 'docker.io/library/alpine:latest'], 'with all its names');
  t.equal((await images.resolve(alpine.id))?.id, alpine.id, 'full ID');
  t.equal((await images.resolve(alpine.id.slice(7, 19)))?.id, alpine.id, 'short ID');
  t.equal((await images.resolve(dangling.id.slice(7, 19)))?.names.length, 0, 'an untagged image by ID');
  t.equal((await images.resolve(busybox.manifest))?.id, busybox.id, 'manifest digest');
  t.equal((await images.resolve(`busybox@${alpine.manifest}`))?.id, alpine.id, 'name@digest: the manifest, as before');
  t.equal(await images.resolve('nginx'), undefined);
  t.equal(await images.resolve(`nginx@sha256:${'0'.repeat(64)}`), undefined);
  await t.rejects(images.resolve('sha256:'), /image ID prefix sha256: is ambiguous/);
});

t.test("resolve reads only the image it finds: another image's config is not needed", async (t) => {
  const { images, content, made } = await storeWith([['docker.io/library/busybox:latest'], ['docker.io/library/alpine:latest']]);
  rmSync(content.path(made[1].id)); // alpine's config gone: a lookup that loaded every image would fail
  t.equal((await images.resolve('busybox'))?.id, made[0].id);
  t.equal((await images.resolve(made[0].id))?.id, made[0].id);
  await t.rejects(images.resolve('alpine'), /not found/, 'the broken one still fails when asked for');
});
