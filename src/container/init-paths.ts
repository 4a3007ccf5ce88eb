/**
 * Files and directories tsrun makes in the upper dir only to mount over them
 * (/etc/hosts, /etc/resolv.conf, volume targets…). Docker keeps these in an
 * "init" layer; here they are simply left out of `diff` and `commit` while
 * they are still the empty placeholders we made.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ContainerRecord } from './store.js';

const RUNTIME_FILES = ['etc/hosts', 'etc/hostname', 'etc/resolv.conf', 'dev/console'];

export async function placeholderPaths(upperDir: string, record: ContainerRecord): Promise<Set<string>> {
  const candidates = [...RUNTIME_FILES, ...(record.Mounts ?? []).map((m) => m.Destination.replace(/^\/+/, ''))];
  const found = new Set<string>();
  for (const rel of candidates) {
    const p = path.join(upperDir, rel);
    const st = await fs.lstat(p).catch(() => undefined);
    if (!st) continue;
    if ((st.isFile() && st.size === 0) || (st.isDirectory() && (await fs.readdir(p)).length === 0)) found.add(rel);
  }
  return found;
}

/** The placeholders, plus directories that hold nothing else (they were only copied up to hold them). */
export async function placeholderTree(upperDir: string, record: ContainerRecord): Promise<Set<string>> {
  const hidden = await placeholderPaths(upperDir, record);
  const parents = [...hidden].flatMap((rel) => rel.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/')));
  for (const dir of [...new Set(parents)].sort((a, b) => b.length - a.length)) {
    const names = await fs.readdir(path.join(upperDir, dir)).catch(() => ['?']);
    if (names.every((n) => hidden.has(`${dir}/${n}`))) hidden.add(dir);
  }
  return hidden;
}
