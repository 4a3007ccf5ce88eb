/**
 * Writes COPY/ADD results straight into a fresh overlay upper dir, with no
 * container and no mount: paths are resolved through the image's layers
 * (symlinks followed inside the image), parent directories are copied up
 * with their metadata like overlayfs does, and the upper dir becomes the
 * step's layer.
 */
import { constants } from 'node:fs';
import { chmod, chown, copyFile, lchown, lstat, lutimes, mkdir, readlink, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { TsrunError, isErrno } from '../core/errors.js';
import type { FsOps } from '../sys/types.js';
import { LayerView, resolveInTree, type EntryInfo, type SourceTree } from './source-tree.js';

export interface Owner {
  uid: number;
  gid: number;
}

export interface CopyOptions {
  /** --chown; otherwise `preserveOwner` decides between the source's owner and root. */
  owner?: Owner;
  /** Stages, images and archives keep their owners; context files become root's (Docker's rule). */
  preserveOwner: boolean;
  /** --chmod for every copied file and directory. */
  chmod?: number;
}

const ROOT: Owner = { uid: 0, gid: 0 };

async function exists(p: string) {
  try {
    return await lstat(p);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

const seconds = (ms: number) => ms / 1000;

export class UpperWriter {
  /** The image as this step sees it: the upper dir on top of the image layers. */
  readonly view: LayerView;

  constructor(readonly upper: string, imageLayerDirs: readonly string[], fsops: FsOps) {
    this.view = new LayerView([upper, ...imageLayerDirs], fsops);
  }

  private host(rel: string): string {
    return rel === '' ? this.upper : `${this.upper}/${rel}`;
  }

  /** A container path with every symlink resolved inside the image. */
  resolve(containerPath: string): Promise<string> {
    return resolveInTree(this.view, containerPath);
  }

  async isDir(rel: string): Promise<boolean> {
    return (await this.view.lstat(rel))?.type === 'dir';
  }

  /** mkdir -p in the upper dir; existing image dirs are copied up, missing ones made with `owner` and 0755. */
  async ensureDir(rel: string, owner: Owner): Promise<void> {
    const parts = rel === '' ? [] : rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const sub = parts.slice(0, i).join('/');
      const inUpper = await exists(this.host(sub));
      if (inUpper?.isDirectory()) continue;
      const below = await this.view.lstat(sub);
      if (below && below.type !== 'dir') {
        throw new TsrunError('INVALID_ARGUMENT', `cannot copy to /${rel}: /${sub} is not a directory`);
      }
      await this.makeDir(sub, below ?? { mode: 0o755, ...owner, mtimeMs: Date.now() });
    }
  }

  private async makeDir(rel: string, meta: { mode: number; uid: number; gid: number; mtimeMs: number }): Promise<void> {
    const p = this.host(rel);
    await mkdir(p);
    await chown(p, meta.uid, meta.gid);
    await chmod(p, meta.mode);
    await utimes(p, seconds(meta.mtimeMs), seconds(meta.mtimeMs));
  }

  /** Removes what this step already wrote at `rel` unless it is a directory we can merge into. */
  private async clear(rel: string, keepDir: boolean): Promise<boolean> {
    const st = await exists(this.host(rel));
    if (!st) return false;
    if (keepDir && st.isDirectory()) return true;
    await rm(this.host(rel), { recursive: true, force: true });
    return false;
  }

  /**
   * Copies an entry of `src` to `destRel`. A directory merges into what is
   * there; `top` keeps an existing destination directory's own metadata, as
   * Docker does for the directory it copies into.
   */
  async copy(src: SourceTree, srcRel: string, info: EntryInfo, destRel: string, opts: CopyOptions, top = true): Promise<void> {
    const owner = opts.owner ?? (opts.preserveOwner ? { uid: info.uid, gid: info.gid } : ROOT);
    const parent = destRel.includes('/') ? destRel.slice(0, destRel.lastIndexOf('/')) : '';
    await this.ensureParents(parent, owner, top);
    const p = this.host(destRel);
    if (info.type === 'dir') {
      const below = await this.view.lstat(destRel);
      const inUpper = await this.clear(destRel, true);
      const meta = { mode: opts.chmod ?? info.mode, ...owner, mtimeMs: info.mtimeMs };
      if (!inUpper) await this.makeDir(destRel, top && below?.type === 'dir' ? below : meta);
      else if (!top) await this.setMeta(p, meta);
      for (const name of await src.readdir(srcRel)) {
        const childRel = srcRel === '' ? name : `${srcRel}/${name}`;
        const child = await src.lstat(childRel);
        if (child) await this.copy(src, childRel, child, destRel === '' ? name : `${destRel}/${name}`, opts, false);
      }
      if (!(top && below?.type === 'dir')) await utimes(p, seconds(info.mtimeMs), seconds(info.mtimeMs));
      return;
    }
    await this.clear(destRel, false);
    if (info.type === 'file') {
      await copyFile(info.hostPath, p, constants.COPYFILE_FICLONE);
      await this.setMeta(p, { mode: opts.chmod ?? info.mode, ...owner, mtimeMs: info.mtimeMs });
    } else if (info.type === 'symlink') {
      await symlink(await readlink(info.hostPath), p);
      await lchown(p, owner.uid, owner.gid);
      await lutimes(p, seconds(info.mtimeMs), seconds(info.mtimeMs));
    }
    // devices, fifos and sockets are not copied
  }

  /** Parents of the top destination must be directories; below it, a non-directory in the image is replaced. */
  private async ensureParents(parent: string, owner: Owner, top: boolean): Promise<void> {
    if (top) return this.ensureDir(parent, owner);
    if (!(await exists(this.host(parent)))?.isDirectory()) await this.ensureDir(parent, owner);
  }

  private async setMeta(p: string, meta: { mode: number; uid: number; gid: number; mtimeMs: number }): Promise<void> {
    await chown(p, meta.uid, meta.gid); // before chmod: chown clears setuid bits
    await chmod(p, meta.mode);
    await utimes(p, seconds(meta.mtimeMs), seconds(meta.mtimeMs));
  }

  /** A file from bytes (heredoc sources, downloads). */
  async writeData(destRel: string, data: Uint8Array | string, meta: { mode: number; uid: number; gid: number; mtimeMs: number }): Promise<void> {
    const parent = destRel.includes('/') ? destRel.slice(0, destRel.lastIndexOf('/')) : '';
    await this.ensureDir(parent, { uid: meta.uid, gid: meta.gid });
    await this.clear(destRel, false);
    await writeFile(this.host(destRel), data);
    await this.setMeta(this.host(destRel), meta);
  }
}
