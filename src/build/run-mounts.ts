/**
 * RUN --mount: `type=bind` shows a path of the context, a stage or an image
 * (read-only unless rw; a copy, so writes never reach the source); its
 * content hash joins the step's cache key. `type=cache` is a directory kept
 * in the store across builds (ROOT/build-mounts), outside the cache key and
 * outside the layer.
 */
import { createHash } from 'node:crypto';
import { chown, chmod, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { TsrunError, isErrno } from '../core/errors.js';
import type { Mount } from '../oci/runtime-spec.js';
import { FILE_MOUNT_OPTION } from '../runtime/plan.js';
import { parseRunMount, type RunMount } from './mount-spec.js';
import { relativePath, resolveInTree, type EntryInfo } from './source-tree.js';
import type { StepContext, TreeSource } from './step.js';
import { UpperWriter } from './upper-writer.js';

export interface PlannedRunMount {
  spec: RunMount;
  bind?: { source: TreeSource; rel: string; info: EntryInfo };
}

export interface RunMountPlan {
  mounts: PlannedRunMount[];
  /** Bind sources for the cache key. */
  sources: Record<string, string>;
  extra: string[];
}

export async function planRunMounts(ctx: StepContext, values: readonly string[]): Promise<RunMountPlan> {
  const plan: RunMountPlan = { mounts: [], sources: {}, extra: [] };
  for (const value of values) {
    const spec = parseRunMount(ctx.expand.word(value));
    if (!path.posix.isAbsolute(spec.target)) {
      spec.target = path.posix.join('/', ctx.stage.image.config.config?.WorkingDir ?? '', spec.target);
    }
    const { id, ...keyed } = spec;
    plan.extra.push(`mount=${JSON.stringify(spec.type === 'cache' ? { ...keyed, id } : keyed)}`);
    if (spec.type === 'cache') {
      plan.mounts.push({ spec });
      continue;
    }
    const source = await ctx.sourceTree(spec.from);
    const rel = await resolveInTree(source.tree, relativePath(spec.source));
    const info = await source.tree.lstat(rel);
    if (!info) throw new TsrunError('NOT_FOUND', `failed to mount ${spec.target}: ${spec.source || '.'}: no such file or directory`);
    const hashed = await source.hasher.hash(rel, info);
    for (const [p, d] of hashed.files) plan.sources[`mount:${spec.target}:${p}`] = d;
    plan.sources[`mount:${spec.target}`] = hashed.digest;
    plan.mounts.push({ spec, bind: { source, rel, info } });
  }
  return plan;
}

async function cacheDir(ctx: StepContext, spec: RunMount): Promise<string> {
  const dir = ctx.deps.paths.buildMountDir(createHash('sha256').update(spec.id).digest('hex').slice(0, 32));
  try {
    await stat(dir);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
    await mkdir(dir, { recursive: true });
    await chown(dir, spec.uid ?? 0, spec.gid ?? 0);
    await chmod(dir, spec.mode ?? 0o755);
  }
  return path.join(dir, relativePath(spec.source));
}

/** Host paths for the mounts, as OCI bind mounts (copies of bind sources go in `scratch`). */
export async function mountRunMounts(ctx: StepContext, plan: RunMountPlan, scratch: string): Promise<Mount[]> {
  const mounts: Mount[] = [];
  for (const [i, m] of plan.mounts.entries()) {
    let source: string;
    let isFile = false;
    if (m.bind) {
      const copyDir = path.join(scratch, `mount-${i}`);
      await mkdir(copyDir);
      const writer = new UpperWriter(copyDir, [], ctx.deps.sys);
      isFile = m.bind.info.type !== 'dir';
      const dest = isFile ? 'file' : '';
      await writer.copy(m.bind.source.tree, m.bind.rel, m.bind.info, dest, { preserveOwner: m.bind.source.preserveOwner });
      source = isFile ? path.join(copyDir, 'file') : copyDir;
    } else {
      source = await cacheDir(ctx, m.spec);
      await mkdir(source, { recursive: true });
    }
    const options = ['rbind', 'rprivate', ...(m.spec.readOnly ? ['ro'] : []), ...(isFile ? [FILE_MOUNT_OPTION] : [])];
    mounts.push({ destination: m.spec.target, type: 'bind', source, options });
  }
  return mounts;
}
