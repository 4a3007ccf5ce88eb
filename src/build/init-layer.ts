/**
 * The init layer of a RUN container (Docker's "-init" layer): the
 * mountpoints the image lacks (/proc, /etc/hosts, a RUN --mount target, ...)
 * are made in a lower dir of their own, so making them never shows up in
 * the step's diff. Paths are resolved through the image's symlinks, and
 * existing parent directories keep their metadata.
 */
import { chown, chmod, mkdir, writeFile } from 'node:fs/promises';
import { resolveInTree, type LayerView } from './source-tree.js';

export interface InitNeeds {
  dirs: string[];
  files: string[];
}

/** Fills `initDir`; returns false when the image already had everything. */
export async function prepareInitLayer(view: LayerView, initDir: string, needs: InitNeeds): Promise<boolean> {
  let made = false;
  const wanted: Array<[string, 'dir' | 'file']> = [
    ...needs.dirs.map((d): [string, 'dir'] => [d, 'dir']),
    ...needs.files.map((f): [string, 'file'] => [f, 'file']),
  ];
  for (const [p, kind] of wanted) {
    const rel = await resolveInTree(view, p);
    if (rel === '' || (await view.lstat(rel))) continue;
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const sub = parts.slice(0, i).join('/');
      const below = await view.lstat(sub);
      if (below && below.type !== 'dir') break; // the mount will report it
      const host = `${initDir}/${sub}`;
      await mkdir(host, { recursive: true });
      if (below) {
        await chown(host, below.uid, below.gid);
        await chmod(host, below.mode);
      }
    }
    const host = `${initDir}/${rel}`;
    if (kind === 'dir') await mkdir(host, { recursive: true, mode: 0o755 });
    else await writeFile(host, '', { flag: 'a', mode: 0o644 });
    made = true;
  }
  return made;
}
