/**
 * Shifting file ownership into a user namespace's host range: a container
 * root (uid 0) file becomes the mapped root's, and so on. Used for volumes a
 * user-namespaced container gets and for chowned layer copies where the
 * kernel cannot idmap layers.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LinuxIdMapping } from '../oci/runtime-spec.js';
import { hostIdOf } from './isolation-settings.js';

export interface IdMaps { uid: LinuxIdMapping[]; gid: LinuxIdMapping[] }

/** lchown of dir and everything below by the maps; ids outside the maps stay; each inode once (hardlinks). */
export async function shiftOwnership(dir: string, maps: IdMaps, seen = new Set<string>()): Promise<void> {
  const st = await fs.lstat(dir);
  const key = `${st.dev}:${st.ino}`;
  if (!seen.has(key)) {
    seen.add(key);
    const uid = hostIdOf(maps.uid, st.uid) ?? st.uid;
    const gid = hostIdOf(maps.gid, st.gid) ?? st.gid;
    if (uid !== st.uid || gid !== st.gid) {
      await fs.lchown(dir, uid, gid);
      // chown clears setuid/setgid: put the mode back
      if (!st.isSymbolicLink() && st.mode & 0o6000) await fs.chmod(dir, st.mode & 0o7777);
    }
  }
  if (!st.isDirectory()) return;
  for (const name of await fs.readdir(dir)) await shiftOwnership(path.join(dir, name), maps, seen);
}
