import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FsOps } from '../sys/index.js';

/**
 * Reads a file from an image without mounting it: looks through the layer
 * diffs from the top, honouring overlay whiteouts and opaque directories.
 * Used for /etc/passwd and /etc/group; symlinked files count as absent.
 */
export async function readImageFile(layerDirs: readonly string[], file: string, fsops: FsOps): Promise<string | undefined> {
  const parts = path.posix.normalize('/' + file).split('/').filter(Boolean);
  for (const dir of layerDirs) {
    let hidden = false;
    let opaque = false;
    for (let i = 0; i < parts.length; i++) {
      const p = path.join(dir, ...parts.slice(0, i + 1));
      const st = await fs.lstat(p).catch(() => undefined);
      if (!st) break;
      if (st.isCharacterDevice() && st.rdev === 0) {
        hidden = true;
        break;
      }
      if (i === parts.length - 1) {
        return st.isFile() ? fs.readFile(p, 'utf8') : undefined;
      }
      if (!st.isDirectory()) {
        hidden = true;
        break;
      }
      if (fsops.lgetxattr(p, 'trusted.overlay.opaque')?.toString() === 'y') opaque = true;
    }
    if (hidden || opaque) return undefined;
  }
  return undefined;
}
