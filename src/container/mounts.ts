/**
 * The container's own mounts: requests from -v/--mount/--tmpfs and the image's
 * VOLUMEs become MountPoints at create (volumes made and filled from the
 * image), and OCI mounts at start. Volumes are bind mounts of a directory
 * outside the upper dir, so a commit never sees them.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { TsrunError } from '../core/errors.js';
import type { StorePaths } from '../core/paths.js';
import type { Mount } from '../oci/runtime-spec.js';
import { FILE_MOUNT_OPTION } from '../runtime/index.js';
import type { MountRequest } from './mount-flags.js';
import { mountedRootView, resolveInRoot, withRootView } from './root-view.js';
import type { MountPoint } from './store.js';
import type { Volume, VolumeStore } from './volume-store.js';

const execFileAsync = promisify(execFile);

export interface MountContext {
  paths: StorePaths;
  volumes: VolumeStore;
  /** The image's layer dirs for overlay, topmost first (to fill new volumes). */
  lowers: string[];
}

function volumePoint(v: Volume, r: MountRequest, anonymous: boolean): MountPoint {
  return {
    Type: 'volume', Name: v.Name, Source: v.Mountpoint, Destination: r.target, Driver: 'local',
    Mode: r.readonly ? 'ro' : 'z', RW: !r.readonly, Propagation: '', ...(anonymous ? { Anonymous: true } : {}),
  };
}

/** Makes what the requests need (volumes, missing -v host dirs) and fills new volumes from the image. */
export async function resolveMounts(ctx: MountContext, requests: MountRequest[], imageVolumes: string[]): Promise<MountPoint[]> {
  const all = [...requests];
  for (const target of imageVolumes.map((v) => path.posix.normalize(v))) {
    if (!all.some((r) => r.target === target)) all.push({ type: 'volume', target, readonly: false });
  }
  const seen = new Set<string>();
  for (const r of all) {
    if (seen.has(r.target)) throw new TsrunError('INVALID_ARGUMENT', `Duplicate mount point: ${r.target}`);
    seen.add(r.target);
  }
  const points: MountPoint[] = [];
  const toFill: Array<{ volume: Volume; target: string }> = [];
  for (const r of all) {
    if (r.type === 'tmpfs') {
      points.push({ Type: 'tmpfs', Source: '', Destination: r.target, Mode: '', RW: !r.readonly, Propagation: '', Options: r.options ?? [] });
    } else if (r.type === 'bind') {
      await ensureBindSource(r);
      points.push({ Type: 'bind', Source: r.source!, Destination: r.target, Mode: r.readonly ? 'ro' : '', RW: !r.readonly, Propagation: 'rprivate' });
    } else {
      const { volume } = await ctx.volumes.create(r.source);
      if (!volume.Filled && !r.noCopy) toFill.push({ volume, target: r.target });
      points.push(volumePoint(volume, r, r.source === undefined));
    }
  }
  if (toFill.length > 0) await fillVolumes(ctx, toFill);
  return points;
}

async function ensureBindSource(r: MountRequest): Promise<void> {
  try {
    await fs.stat(r.source!);
  } catch {
    if (!r.createSource) throw new TsrunError('INVALID_ARGUMENT', `invalid mount config for type "bind": bind source path does not exist: ${r.source}`);
    await fs.mkdir(r.source!, { recursive: true });
  }
}

/** Docker copies the image's files at the mount path into an empty new volume. */
async function fillVolumes(ctx: MountContext, toFill: Array<{ volume: Volume; target: string }>): Promise<void> {
  await withRootView(await mountedRootView(ctx.paths, ctx.lowers), async (root) => {
    for (const { volume, target } of toFill) {
      const source = await resolveInRoot(root, target);
      const st = await fs.stat(source).catch(() => undefined);
      const empty = (await fs.readdir(volume.Mountpoint)).length === 0;
      if (st?.isDirectory() && empty) await execFileAsync('cp', ['-a', `${source}/.`, `${volume.Mountpoint}/`]);
      await ctx.volumes.markFilled(volume);
    }
  });
}

/** MountPoints as OCI mounts, parents before children. */
export async function specMounts(points: MountPoint[]): Promise<Mount[]> {
  const sorted = [...points].sort((a, b) => a.Destination.split('/').length - b.Destination.split('/').length);
  const mounts: Mount[] = [];
  for (const p of sorted) {
    if (p.Type === 'tmpfs') {
      mounts.push({ destination: p.Destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'noexec', ...(p.Options ?? []), ...(p.RW ? [] : ['ro'])] });
      continue;
    }
    const st = await fs.stat(p.Source).catch(() => undefined);
    if (!st) throw new TsrunError('NOT_FOUND', `error while mounting volume '${p.Source}': no such file or directory`);
    const options = ['rbind', 'rprivate', p.RW ? 'rw' : 'ro', ...(st.isDirectory() ? [] : [FILE_MOUNT_OPTION])];
    mounts.push({ destination: p.Destination, type: 'bind', source: p.Source, options });
  }
  return mounts;
}
