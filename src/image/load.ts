import { TsrunError } from '../core/errors.js';
import { isGzipFile } from '../core/gzip.js';
import { scratchPath } from '../core/scratch.js';
import { promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import {
  hostPlatform, isIndexMediaType, MediaType, type Descriptor, type Index, type Manifest,
} from '../oci/image.js';
import { sha256 } from '../oci/digest.js';
import { readArchive, type ArchiveFile } from './archive-reader.js';
import type { ImageDeps } from './image-service.js';
import { takeLease, type Lease } from './lease.js';
import { storedName } from './names.js';
import { CONTAINERD_NAME, REF_NAME } from './store.js';
import { ensureUnpacked } from './unpack.js';

export interface LoadedImage {
  id: string;
  names: string[];
}

interface DockerSaveEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/** `tsrun load`: a `docker save` archive or an OCI image layout tar. */
export async function loadArchive(deps: ImageDeps, input: Readable): Promise<LoadedImage[]> {
  const scratch = await scratchPath(deps.paths.tmpDir, 'load');
  try {
    const files = await readArchive(input, scratch);
    // an rmi meanwhile must keep what we store until it is named (see lease.ts)
    const lease = await deps.lock.with('exclusive', () => takeLease(deps, { blobs: [...files.values()].map((f) => f.digest), diffIDs: [] }));
    try {
      const loader = new ArchiveLoader(deps, files, lease);
      if (files.has('manifest.json')) return await loader.loadDockerSave();
      if (files.has('index.json')) return await loader.loadOciLayout();
      throw new TsrunError('INVALID_ARGUMENT', 'invalid image archive: neither manifest.json nor index.json found');
    } finally {
      await lease.release();
    }
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

class ArchiveLoader {
  constructor(private readonly deps: ImageDeps, private readonly files: Map<string, ArchiveFile>, private readonly lease: Lease) {}

  private entry(name: string): ArchiveFile {
    const f = this.files.get(name.replace(/^(\.\/)+/, ''));
    if (!f) throw new TsrunError('INVALID_ARGUMENT', `invalid image archive: ${name} is missing`);
    return f;
  }

  private async json<T>(name: string): Promise<T> {
    return JSON.parse(await fs.readFile(this.entry(name).file, 'utf8')) as T;
  }

  private async commit(f: ArchiveFile): Promise<void> {
    if (!(await this.deps.content.has(f.digest))) await this.deps.content.commitFile(f.file, f.digest);
  }

  private blobEntry(digest: string): ArchiveFile {
    const f = this.entry(`blobs/${digest.replace(':', '/')}`);
    if (f.digest !== digest) throw new TsrunError('INVALID_ARGUMENT', `invalid image archive: blob ${digest} does not match its digest (${f.digest})`);
    return f;
  }

  async loadDockerSave(): Promise<LoadedImage[]> {
    const entries = await this.json<DockerSaveEntry[]>('manifest.json');
    const loaded: LoadedImage[] = [];
    for (const e of entries) {
      const configFile = this.entry(e.Config);
      const layers: Descriptor[] = [];
      for (const l of e.Layers) {
        const f = this.entry(l);
        layers.push({ mediaType: (await isGzipFile(f.file)) ? MediaType.OciLayerGzip : MediaType.OciLayer, digest: f.digest, size: f.size });
      }
      await this.commit(configFile);
      for (const l of e.Layers) await this.commit(this.entry(l));
      // An OCI manifest (docker save has none of its own): OCI tools only list OCI media types in index.json.
      const manifest: Manifest = {
        schemaVersion: 2, mediaType: MediaType.OciManifest,
        config: { mediaType: MediaType.OciConfig, digest: configFile.digest, size: configFile.size }, layers,
      };
      const bytes = JSON.stringify(manifest);
      await this.lease.extend({ blobs: [sha256(Buffer.from(bytes))] });
      const blob = await this.deps.content.putBytes(bytes);
      loaded.push(await this.finish(blob.digest, blob.size, MediaType.OciManifest, (e.RepoTags ?? []).map(storedName)));
    }
    return loaded;
  }

  async loadOciLayout(): Promise<LoadedImage[]> {
    const index = await this.json<Index>('index.json');
    const loaded: LoadedImage[] = [];
    for (const d of index.manifests) {
      const desc = isIndexMediaType(d.mediaType) ? await this.pickPlatform(d) : d;
      const manifestFile = this.blobEntry(desc.digest);
      const manifest = JSON.parse(await fs.readFile(manifestFile.file, 'utf8')) as Manifest;
      const configFile = this.blobEntry(manifest.config.digest);
      for (const f of [configFile, ...manifest.layers.map((l) => this.blobEntry(l.digest)), manifestFile]) await this.commit(f);
      const names = nameFromAnnotations(d.annotations);
      loaded.push(await this.finish(desc.digest, manifestFile.size, desc.mediaType ?? MediaType.OciManifest, names));
    }
    return loaded;
  }

  private async pickPlatform(d: Descriptor): Promise<Descriptor> {
    const index = JSON.parse(await fs.readFile(this.blobEntry(d.digest).file, 'utf8')) as Index;
    const host = hostPlatform();
    const hit = index.manifests.find((m) => m.platform?.os === host.os && m.platform?.architecture === host.architecture);
    if (!hit) throw new TsrunError('NOT_FOUND', `no image for ${host.os}/${host.architecture} in the archive`);
    return hit;
  }

  private async finish(manifestDigest: string, size: number, mediaType: string, names: string[]): Promise<LoadedImage> {
    const image = await this.deps.images.load(manifestDigest, names);
    await this.lease.extend({ diffIDs: image.config.rootfs.diff_ids });
    await ensureUnpacked(this.deps, image);
    await this.deps.lock.with('exclusive', async () => {
      if (names.length === 0) await this.deps.images.addUntagged(manifestDigest, size, mediaType);
      for (const n of names) await this.deps.images.tag(n, manifestDigest, size, mediaType);
    });
    return { id: image.id, names };
  }
}

/** A full name from the annotations; a bare tag (`latest`, as umoci writes) names nothing. */
function nameFromAnnotations(a: Record<string, string> | undefined): string[] {
  const name = a?.[CONTAINERD_NAME] ?? a?.[REF_NAME];
  if (!name) return [];
  if (/^[\w][\w.-]{0,127}$/.test(name) && !name.includes('.')) return [];
  try {
    return [storedName(name)];
  } catch {
    return [];
  }
}
