/**
 * The build cache: one small JSON record per step result, keyed by a hash of
 * what decides the result (parent image, instruction text after expansion,
 * the build args the step uses, the content of every COPY/ADD source), in
 * ROOT/build-cache/<parent>/<key>.json, written atomically.
 *
 * A record pins its image's config and layers (`blobs`, `diffIDs`): rmi's
 * garbage collection keeps them, so the cache survives removing the tag.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from '../core/atomic.js';
import { isErrno } from '../core/errors.js';
import type { StorePaths } from '../core/paths.js';
import type { ContentStore } from '../content/store.js';
import type { Descriptor } from '../oci/image.js';
import type { LayerStore } from '../snapshot/layer-store.js';

const VERSION = 1;
/** Per-file hashes kept for --explain-cache; bigger source sets keep only their total. */
export const MAX_EXPLAINED_FILES = 5000;

/** What a step's result depends on. */
export interface StepInputs {
  /** Parent image ID, or `scratch:<platform>`. */
  parent: string;
  /** The history text: the instruction after expansion (RUN: with its `|N` build args). */
  createdBy: string;
  /** Build args the step used. */
  args: Record<string, string>;
  /** Source path -> content hash, for COPY/ADD and RUN bind mounts. */
  sources: Record<string, string>;
  /** Anything else that changes the result (RUN flags, --chmod, ...). */
  extra: string[];
}

/** What --explain-cache compares a miss against. */
export interface StepSummary {
  /** The Dockerfile line as written. */
  original: string;
  createdBy: string;
  args: Record<string, string>;
  sources: Record<string, string>;
  sourcesTruncated?: boolean;
  extra: string[];
}

export interface CacheRecord {
  version: number;
  key: string;
  parent: string;
  created: string;
  /** The resulting image: config digest, layers and diffIDs. */
  imageId: string;
  layers: Descriptor[];
  diffIDs: string[];
  /** What garbage collection must keep: the config and every layer blob. */
  blobs: string[];
  step: StepSummary;
}

function sorted(record: Record<string, string>): Array<[string, string]> {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The cache key: sha256 over a canonical form of the inputs. */
export function cacheKey(inputs: StepInputs): string {
  const canonical = JSON.stringify([VERSION, inputs.parent, inputs.createdBy, sorted(inputs.args), sorted(inputs.sources), inputs.extra]);
  return createHash('sha256').update(canonical).digest('hex');
}

function dirName(parent: string): string {
  return parent.replace(/^sha256:/, '').replace(/[^a-zA-Z0-9._-]/g, '_');
}

export class BuildCache {
  constructor(
    private readonly paths: StorePaths,
    private readonly content: ContentStore,
    private readonly layers: LayerStore,
  ) {}

  private file(parent: string, key: string): string {
    return path.join(this.paths.buildCacheDir, dirName(parent), `${key}.json`);
  }

  /** A usable record: its config and its newest layer are still in the store. */
  async lookup(parent: string, key: string): Promise<CacheRecord | undefined> {
    const record = await readJsonIfExists<CacheRecord>(this.file(parent, key));
    if (!record || record.version !== VERSION || record.key !== key) return undefined;
    if (!(await this.content.has(record.imageId))) return undefined;
    const last = record.layers.length - 1;
    if (last >= 0 && !((await this.content.has(record.layers[last].digest)) && (await this.layers.has(record.diffIDs[last])))) {
      return undefined;
    }
    return record;
  }

  async save(record: CacheRecord): Promise<void> {
    const file = this.file(record.parent, record.key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await writeJsonAtomic(file, record);
  }

  /** Every record made on this parent, newest first (for --explain-cache). */
  async candidates(parent: string): Promise<CacheRecord[]> {
    const dir = path.join(this.paths.buildCacheDir, dirName(parent));
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    const records: CacheRecord[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const r = await readJsonIfExists<CacheRecord>(path.join(dir, name)).catch(() => undefined);
      if (r?.version === VERSION) records.push(r);
    }
    return records.sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0));
  }
}
