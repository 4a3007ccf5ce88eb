/**
 * Wasted bytes per layer (`history --layers`): file content a layer holds
 * that a later layer overwrites, deletes (whiteout) or hides (opaque dir, or
 * a non-directory put over a parent). Reads unpacked layer dirs, which hold
 * overlayfs whiteouts and opaque xattrs.
 */
import { lstat, readdir } from 'node:fs/promises';
import type { FsOps } from '../sys/types.js';
import { isOverlayOpaque, isOverlayWhiteout } from './whiteouts.js';

interface LayerIndex {
  /** Every path in the layer -> true when it is a directory (not whiteout, not file). */
  entries: Map<string, boolean>;
  opaque: Set<string>;
  /** Regular files and their sizes. */
  files: Map<string, number>;
}

async function indexLayer(dir: string, fsops: FsOps): Promise<LayerIndex> {
  const index: LayerIndex = { entries: new Map(), opaque: new Set(), files: new Map() };
  const walk = async (rel: string): Promise<void> => {
    for (const name of await readdir(rel ? `${dir}/${rel}` : dir)) {
      const childRel = rel ? `${rel}/${name}` : name;
      const st = await lstat(`${dir}/${childRel}`);
      const isDir = st.isDirectory() && !isOverlayWhiteout(st);
      index.entries.set(childRel, isDir);
      if (st.isFile()) index.files.set(childRel, st.size);
      if (isDir) {
        if (isOverlayOpaque(fsops, `${dir}/${childRel}`)) index.opaque.add(childRel);
        await walk(childRel);
      }
    }
  };
  await walk('');
  return index;
}

function hiddenBy(later: LayerIndex, path: string): boolean {
  if (later.entries.has(path)) return true; // overwritten, or a whiteout of it
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const ancestor = parts.slice(0, i).join('/');
    if (later.opaque.has(ancestor)) return true;
    const isDir = later.entries.get(ancestor);
    if (isDir === false) return true; // a whiteout or a file replaced the directory
  }
  return false;
}

/** layerDirs bottom to top; returns the wasted bytes of each. */
export async function wastedBytes(layerDirs: string[], fsops: FsOps): Promise<number[]> {
  const indexes = await Promise.all(layerDirs.map((d) => indexLayer(d, fsops)));
  return indexes.map((layer, i) => {
    let wasted = 0;
    for (const [path, size] of layer.files) {
      if (indexes.slice(i + 1).some((later) => hiddenBy(later, path))) wasted += size;
    }
    return wasted;
  });
}
