import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { readJsonIfExists, writeJsonAtomic } from '../core/atomic.js';
import { isErrno, TsrunError } from '../core/errors.js';
import type { StorePaths } from '../core/paths.js';
import { scratchPath } from '../core/scratch.js';
import type { FsOps } from '../sys/index.js';

export interface LayerInfo {
  diffID: string;
  /** Bytes of file content in the unpacked layer. */
  size: number;
  /** Short name under ROOT/l/, so 120 lowerdirs fit in one mount option page. */
  link: string;
}

/** A compressed (or plain) blob in the content store whose uncompressed bytes are this layer. */
export interface LayerBlob {
  digest: string;
  size: number;
  mediaType: string;
}

/**
 * Unpacked layers keyed by diffID: a layer's diff does not depend on its
 * parents (overlay stacks them), so every image holding it shares one copy.
 * A layer appears by renaming a complete directory into place.
 */
export class LayerStore {
  constructor(private readonly paths: StorePaths, private readonly fsops: FsOps) {}

  async get(diffID: string): Promise<LayerInfo | undefined> {
    return readJsonIfExists<LayerInfo>(this.paths.layerMeta(diffID));
  }

  async has(diffID: string): Promise<boolean> {
    return (await this.get(diffID)) !== undefined;
  }

  /** Unpacks a layer tar; verifies the uncompressed digest when `expectedDiffID` is given. */
  async unpack(tar: Readable, expectedDiffID?: string): Promise<LayerInfo> {
    const work = await scratchPath(this.paths.tmpDir, 'layer');
    const diff = path.join(work, 'diff');
    await fs.mkdir(diff, { recursive: true, mode: 0o755 });
    try {
      const { applyLayer } = await import('./apply-layer.js'); // loaded only when a layer is unpacked
      const { diffID, size } = await applyLayer(tar, diff, this.fsops);
      if (expectedDiffID && diffID !== expectedDiffID) {
        throw new TsrunError('INVALID_ARGUMENT', `layer digest mismatch: expected ${expectedDiffID}, got ${diffID}`);
      }
      return await this.register(work, diffID, size);
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
  }

  /** Moves a complete work dir (holding diff/) into place; keeps the existing copy if one raced us. */
  private async register(work: string, diffID: string, size: number): Promise<LayerInfo> {
    const existing = await this.get(diffID);
    if (existing) return existing;
    const info: LayerInfo = { diffID, size, link: randomBytes(6).toString('hex') };
    await writeJsonAtomic(path.join(work, 'layer.json'), info);
    await fs.mkdir(this.paths.layersDir, { recursive: true });
    try {
      await fs.rename(work, this.paths.layerDir(diffID));
    } catch (err) {
      if (isErrno(err, 'ENOTEMPTY') || isErrno(err, 'EEXIST')) return (await this.get(diffID))!;
      throw err;
    }
    await this.ensureLink(info);
    return info;
  }

  /** The short relative lowerdir (l/<link>) for a layer; recreates the link if a crash lost it. */
  async lowerDir(diffID: string): Promise<string> {
    const info = await this.get(diffID);
    if (!info) throw new TsrunError('NOT_FOUND', `layer ${diffID} is not unpacked`);
    await this.ensureLink(info);
    return `l/${info.link}`;
  }

  private async ensureLink(info: LayerInfo): Promise<void> {
    await fs.mkdir(this.paths.linksDir, { recursive: true });
    const target = path.relative(this.paths.linksDir, this.paths.layerDiff(info.diffID));
    try {
      await fs.symlink(target, this.paths.link(info.link));
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
    }
  }

  /** Blobs recorded as holding this layer (other images' compressions of it). */
  async blobs(diffID: string): Promise<LayerBlob[]> {
    return (await readJsonIfExists<LayerBlob[]>(this.paths.layerBlobs(diffID))) ?? [];
  }

  /** Records a blob holding this layer, so GC keeps it while the layer lives. Caller holds the store lock. */
  async addBlob(diffID: string, blob: LayerBlob): Promise<void> {
    const known = await this.blobs(diffID);
    if (known.some((b) => b.digest === blob.digest)) return;
    await writeJsonAtomic(this.paths.layerBlobs(diffID), [...known, { digest: blob.digest, size: blob.size, mediaType: blob.mediaType }]);
  }

  async remove(diffID: string): Promise<void> {
    const info = await this.get(diffID);
    if (info) await fs.rm(this.paths.link(info.link), { force: true });
    // Rename first so a crash never leaves a half-deleted layer that looks complete.
    const doomed = await scratchPath(this.paths.tmpDir, 'rm-layer');
    try {
      await fs.rename(this.paths.layerDir(diffID), doomed);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
    await fs.rm(doomed, { recursive: true, force: true });
  }

  async list(): Promise<string[]> {
    try {
      return (await fs.readdir(this.paths.layersDir)).map((n) => 'sha256:' + n);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
  }
}
