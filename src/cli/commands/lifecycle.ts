import { startAttached } from '../../container/attach.js';
import { createContainer } from '../../container/create.js';
import { killContainer, parseSignal, removeContainer, stopContainer, waitForNextExit } from '../../container/lifecycle.js';
import { startContainer } from '../../container/start.js';
import { TsrunError } from '../../core/errors.js';
import type { Context } from '../context.js';
import type { Output } from '../output.js';
import { createOptions, type CreateFlags } from './create-flags.js';
import { forEach } from './each.js';

/** `tsrun create [flags] IMAGE [CMD...]`: prints the id. */
export async function create(ctx: Context, image: string, args: string[], flags: CreateFlags, out: Output): Promise<void> {
  const record = await createContainer(ctx, createOptions(image, args, flags));
  out.out(`${record.Id}\n`);
}

/** `tsrun start [-a] [-i] CONTAINER...`: with -a, resolves to the container's exit code. */
export async function start(ctx: Context, refs: string[], opts: { attach?: boolean; interactive?: boolean }, out: Output): Promise<number> {
  if (opts.attach || opts.interactive) {
    if (refs.length > 1) throw new TsrunError('INVALID_ARGUMENT', 'you cannot start and attach multiple containers at once', { exitCode: 1 });
    const record = await ctx.containers.require(refs[0]);
    return startAttached(ctx, record, { stdin: process.stdin, stdout: process.stdout }, { interactive: opts.interactive === true && record.Config.OpenStdin });
  }
  await forEach(refs, out, async (ref) => { await startContainer(ctx, await ctx.containers.require(ref)); });
  return 0;
}

/** `tsrun stop [-t SECONDS] CONTAINER...` */
export async function stop(ctx: Context, refs: string[], opts: { time: string }, out: Output): Promise<void> {
  const seconds = Number(opts.time);
  await forEach(refs, out, async (ref) => stopContainer(ctx, await ctx.containers.require(ref), seconds));
}

/** `tsrun restart [-t SECONDS] CONTAINER...` */
export async function restart(ctx: Context, refs: string[], opts: { time: string }, out: Output): Promise<void> {
  await forEach(refs, out, async (ref) => {
    const record = await ctx.containers.require(ref);
    await stopContainer(ctx, record, Number(opts.time));
    await startContainer(ctx, record);
  });
}

/** `tsrun kill [-s SIGNAL] CONTAINER...` */
export async function kill(ctx: Context, refs: string[], opts: { signal: string }, out: Output): Promise<void> {
  const signal = parseSignal(opts.signal);
  await forEach(refs, out, async (ref) => killContainer(ctx, await ctx.containers.require(ref), signal));
}

/** `tsrun wait CONTAINER...`: prints each exit code. */
export async function wait(ctx: Context, refs: string[], out: Output): Promise<void> {
  await forEach(refs, out, async (ref) => String((await waitForNextExit(ctx, (await ctx.containers.require(ref)).Id)).ExitCode));
}

/** `tsrun rm [-f] [-v] CONTAINER...` */
export async function rm(ctx: Context, refs: string[], opts: { force?: boolean; volumes?: boolean }, out: Output): Promise<void> {
  await forEach(refs, out, async (ref) => removeContainer(ctx, await ctx.containers.require(ref), { force: opts.force === true, volumes: opts.volumes === true }));
}
