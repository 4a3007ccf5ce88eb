/**
 * WORKDIR: sets the working directory and creates it (root-owned, 0755)
 * when the image lacks it. A directory that already exists gives an empty
 * diff, hence an `empty_layer` history entry, as in Docker.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { commitUpper } from './commit.js';
import { nopCommentString } from './history.js';
import type { WorkdirInstruction } from './instructions.js';
import { normalizeWorkdir, shellOf } from './meta-steps.js';
import type { PreparedStep, StepContext } from './step.js';
import { UpperWriter } from './upper-writer.js';

export async function prepareWorkdir(ctx: StepContext, cmd: WorkdirInstruction): Promise<PreparedStep> {
  const current = ctx.stage.image.config.config ?? {};
  const dir = normalizeWorkdir(current.WorkingDir, ctx.expand.word(cmd.path));
  const config = { ...current, WorkingDir: dir };
  return {
    createdBy: nopCommentString(shellOf(current), `WORKDIR ${dir}`),
    args: ctx.expand.usedArgs(),
    sources: {},
    extra: [],
    async execute() {
      const scratch = await ctx.scratch('workdir');
      try {
        const upper = path.join(scratch, 'upper');
        await mkdir(upper);
        const layerDirs = ctx.stage.image.config.rootfs.diff_ids.map((d) => ctx.deps.paths.layerDiff(d)).reverse();
        const writer = new UpperWriter(upper, layerDirs, ctx.deps.sys);
        const rel = await writer.resolve(dir);
        if (!(await writer.isDir(rel))) await writer.ensureDir(rel, { uid: 0, gid: 0 });
        const layer = await commitUpper(ctx.deps, upper);
        return { config, ...(layer ? { layer } : {}) };
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },
  };
}
