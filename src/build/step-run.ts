/**
 * RUN: the command (through SHELL in shell form; heredocs as scripts) in a
 * container on the current image; its upper dir is the step's one layer.
 * Every build arg in scope is in its environment and, like Docker, in its
 * history text and cache key (`|1 V=2 /bin/sh -c make`).
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { TsrunError } from '../core/errors.js';
import { commitUpper } from './commit.js';
import { chompHeredocContent, tryParseHeredocWord } from './heredoc.js';
import { runCreatedBy } from './history.js';
import type { RunInstruction } from './instructions.js';
import { resolveCmdLine, shellOf } from './meta-steps.js';
import { runInContainer, type RunNetwork } from './run-container.js';
import { mountRunMounts, planRunMounts } from './run-mounts.js';
import type { PreparedStep, StepContext } from './step.js';

/** The argv of a RUN, heredocs included (BuildKit's rules). */
export function runArgv(cmd: RunInstruction, shell: readonly string[]): string[] {
  const config = { Shell: [...shell] };
  if (cmd.files.length === 0 || !cmd.prependShell) return resolveCmdLine(cmd, config);
  const first = cmd.cmdLine[0] ?? '';
  const only = tryParseHeredocWord(first.trim());
  if (cmd.files.length === 1 && only && only.name === cmd.files[0].name) {
    // `RUN <<EOF` alone: the body is the script
    const f = cmd.files[0];
    return [...shell, f.chomp ? chompHeredocContent(f.data) : f.data];
  }
  // heredocs inside a command line: the shell reads them itself
  const script = [first, ...cmd.files.map((f) => `${f.data}${f.name}`)].join('\n');
  return [...shell, script];
}

function networkOf(cmd: RunInstruction, build: RunNetwork): RunNetwork {
  if (cmd.network === 'host' || cmd.network === 'none') return cmd.network;
  return build;
}

export async function prepareRun(ctx: StepContext, cmd: RunInstruction): Promise<PreparedStep> {
  if (cmd.security !== 'sandbox') throw new TsrunError('INVALID_ARGUMENT', 'RUN --security=insecure is not supported by tsrun build');
  if (cmd.devices.length) throw new TsrunError('INVALID_ARGUMENT', 'RUN --device is not supported by tsrun build');
  const config = ctx.stage.image.config.config ?? {};
  const argv = runArgv(cmd, shellOf(config));
  const allowed = ctx.stage.args.allowed(config.Env ?? []);
  const recorded = new Map([...allowed].filter(([k]) => ctx.stage.args.isRecorded(k)));
  const mounts = await planRunMounts(ctx, cmd.mounts);
  const network = networkOf(cmd, ctx.network);
  return {
    createdBy: runCreatedBy(argv, recorded, allowed.size > 0),
    args: Object.fromEntries(recorded),
    sources: mounts.sources,
    extra: [...(cmd.network !== 'default' ? [`network=${network}`] : []), ...mounts.extra],
    async execute() {
      const scratch = await ctx.scratch('run');
      const id = randomBytes(32).toString('hex');
      ctx.print(` ---> Running in ${id.slice(0, 12)}`);
      try {
        const status = await runInContainer(ctx.deps, {
          image: ctx.stage.image,
          argv,
          argEnv: [...allowed].map(([k, v]) => `${k}=${v}`),
          network,
          mounts: await mountRunMounts(ctx, mounts, scratch),
          stdout: ctx.stdout,
          stderr: ctx.stderr,
          id: id.slice(0, 12),
        }, scratch);
        const code = status.code ?? 128 + (status.signal ?? 0);
        if (code !== 0) {
          throw new TsrunError('FAILED_PRECONDITION', `The command '${argv.join(' ')}' returned a non-zero code: ${code}`, { exitCode: 1 });
        }
        const layer = await commitUpper(ctx.deps, path.join(scratch, 'upper'));
        ctx.print(`Removing intermediate container ${id.slice(0, 12)}`);
        return { config, ...(layer ? { layer } : {}) };
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },
  };
}
