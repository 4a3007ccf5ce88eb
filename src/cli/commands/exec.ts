import { execInContainer } from '../../container/exec.js';
import { resolveEnvFlags } from '../../container/process-args.js';
import type { Context } from '../context.js';

export interface ExecFlags { interactive?: boolean; tty?: boolean; env: string[]; workdir?: string; user?: string }

/** `tsrun exec [-i] [-t] [-e K=V] [-w DIR] [-u USER] CONTAINER CMD...`: resolves to the command's exit code. */
export async function exec(ctx: Context, ref: string, args: string[], flags: ExecFlags): Promise<number> {
  const record = await ctx.containers.require(ref);
  return execInContainer(ctx, record, {
    args,
    interactive: flags.interactive === true,
    tty: flags.tty === true,
    env: resolveEnvFlags(flags.env, process.env),
    workdir: flags.workdir,
    user: flags.user,
  }, { stdin: process.stdin, stdout: process.stdout });
}
