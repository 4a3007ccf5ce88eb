/**
 * `tsrun diff`: what an overlay upper dir changed compared with its lower
 * layers, as Docker prints it (A added, C changed, D deleted).
 */
import { lstat, readdir } from 'node:fs/promises';
import { isErrno } from '../core/errors.js';
import type { FsOps } from '../sys/types.js';
import { lstatOrNull } from './safe-path.js';
import { isOverlayOpaque, isOverlayWhiteout } from './whiteouts.js';

export type ChangeKind = 'A' | 'C' | 'D';

export interface Change {
  kind: ChangeKind;
  /** Absolute inside the container: "/etc/passwd". */
  path: string;
}

/**
 * The changes recorded in `upperDir`, sorted by path. `lowerDirs` is the
 * overlay lowerdir list, topmost first. A path present in the lowers is C
 * (directories included), one that is not is A, a whiteout is D; an opaque
 * directory also gives a D for each lower child it hides.
 */
export async function changesOf(upperDir: string, lowerDirs: string[], fsops: FsOps): Promise<Change[]> {
  const changes: Change[] = [];
  const lowers = new LowerView(lowerDirs, fsops);
  const walk = async (rel: string): Promise<void> => {
    const dirPath = rel === '' ? upperDir : `${upperDir}/${rel}`;
    const names = await readdir(dirPath);
    for (const name of names) {
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const st = await lstat(`${upperDir}/${childRel}`);
      if (isOverlayWhiteout(st)) {
        changes.push({ kind: 'D', path: `/${childRel}` });
        continue;
      }
      const inLower = await lowers.exists(childRel);
      changes.push({ kind: inLower ? 'C' : 'A', path: `/${childRel}` });
      if (!st.isDirectory()) continue;
      if (inLower && isOverlayOpaque(fsops, `${upperDir}/${childRel}`)) {
        const kept = new Set(await readdir(`${upperDir}/${childRel}`));
        for (const hidden of await lowers.children(childRel)) {
          if (!kept.has(hidden)) changes.push({ kind: 'D', path: `/${childRel}/${hidden}` });
        }
      }
      await walk(childRel);
    }
  };
  await walk('');
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The merged view of the lower layers, answering only "does this path exist". */
class LowerView {
  constructor(
    private readonly lowerDirs: string[],
    private readonly fsops: FsOps,
  ) {}

  async exists(rel: string): Promise<boolean> {
    const parts = rel.split('/');
    for (const lower of this.lowerDirs) {
      let opaqueAbove = false;
      let missing = false;
      for (let i = 1; i < parts.length && !missing; i++) {
        const ancestor = `${lower}/${parts.slice(0, i).join('/')}`;
        const st = await lstatOrNull(ancestor);
        if (st === null) missing = true;
        else if (isOverlayWhiteout(st) || !st.isDirectory()) return false; // hides the lower layers' paths below
        else if (isOverlayOpaque(this.fsops, ancestor)) opaqueAbove = true;
      }
      if (!missing) {
        const st = await lstatOrNull(`${lower}/${rel}`);
        if (st !== null) return !isOverlayWhiteout(st);
      }
      if (opaqueAbove) return false;
    }
    return false;
  }

  /** Names visible under the directory `rel` in the lowers, sorted. */
  async children(rel: string): Promise<string[]> {
    const names = new Set<string>();
    for (const lower of this.lowerDirs) {
      try {
        for (const name of await readdir(`${lower}/${rel}`)) names.add(name);
      } catch (err) {
        if (!isErrno(err, 'ENOENT') && !isErrno(err, 'ENOTDIR')) throw err;
      }
    }
    const visible: string[] = [];
    for (const name of [...names].sort()) {
      if (await this.exists(`${rel}/${name}`)) visible.push(name);
    }
    return visible;
  }
}
