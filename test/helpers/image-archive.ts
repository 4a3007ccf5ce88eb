import { createHash } from 'node:crypto';
import tar from 'tar-stream';

export interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device';
  content?: string;
  linkname?: string;
  mode?: number;
  devmajor?: number;
  devminor?: number;
}

/** An in-memory tar (a layer, or anything else) from a list of entries. */
export async function makeTar(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => pack.on('end', resolve));
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      const type = e.type ?? 'file';
      pack.entry({
        name: e.name, type, linkname: e.linkname, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
        devmajor: e.devmajor, devminor: e.devminor, mtime: new Date(1_700_000_000_000), uid: 0, gid: 0,
      }, type === 'file' ? e.content ?? '' : undefined, (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const sha = (b: Buffer | string) => 'sha256:' + createHash('sha256').update(b).digest('hex');

/** A `docker save` archive holding one image made of the given uncompressed layer tars. */
export async function dockerSaveArchive(layers: Buffer[], repoTag: string, config: Record<string, unknown> = {}): Promise<Buffer> {
  const imageConfig = JSON.stringify({
    architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z', config,
    rootfs: { type: 'layers', diff_ids: layers.map(sha) },
    history: layers.map((_, i) => ({ created: '2024-01-01T00:00:00Z', created_by: `layer ${i}` })),
  });
  const configName = `${sha(imageConfig).slice(7)}.json`;
  const entries: TarEntry[] = [{ name: configName, content: imageConfig }];
  const layerNames = layers.map((l, i) => `${i}-${sha(l).slice(7, 19)}/layer.tar`);
  const manifest = JSON.stringify([{ Config: configName, RepoTags: [repoTag], Layers: layerNames }]);
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => pack.on('end', resolve));
  const add = (name: string, data: Buffer | string) =>
    new Promise<void>((resolve, reject) => pack.entry({ name, mode: 0o644 }, data, (e) => (e ? reject(e) : resolve())));
  for (const e of entries) await add(e.name, e.content ?? '');
  for (const [i, l] of layers.entries()) await add(layerNames[i], l);
  await add('manifest.json', manifest);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}
