import { copyFromContainer, copyToContainer } from '../../container/copy.js';
import { exportContainer } from '../../container/export.js';
import { TsrunError } from '../../core/errors.js';
import type { Context } from '../context.js';

/** CONTAINER:PATH -> [container, path]; a host path (absolute, ./ or no colon) -> undefined. */
function containerSide(arg: string): [string, string] | undefined {
  if (arg.startsWith('/') || arg.startsWith('.')) return undefined;
  const colon = arg.indexOf(':');
  return colon > 0 ? [arg.slice(0, colon), arg.slice(colon + 1)] : undefined;
}

/** `tsrun cp CONTAINER:SRC HOSTDEST` or `tsrun cp HOSTSRC CONTAINER:DEST` */
export async function cp(ctx: Context, src: string, dest: string): Promise<void> {
  const from = containerSide(src);
  const to = containerSide(dest);
  if (from && to) throw new TsrunError('INVALID_ARGUMENT', 'copying between containers is not supported', { exitCode: 1 });
  if (!from && !to) throw new TsrunError('INVALID_ARGUMENT', 'must specify at least one container source', { exitCode: 1 });
  if (from) return copyFromContainer(ctx, await ctx.containers.require(from[0]), from[1] || '/', dest);
  return copyToContainer(ctx, await ctx.containers.require(to![0]), src, to![1] || '/');
}

/** `tsrun export [-o FILE] CONTAINER` */
export async function exportCmd(ctx: Context, ref: string, opts: { output?: string }): Promise<void> {
  if (!opts.output && process.stdout.isTTY) {
    throw new TsrunError('INVALID_ARGUMENT', 'cowardly refusing to save to a terminal. Use the -o flag or redirect', { exitCode: 1 });
  }
  await exportContainer(ctx, await ctx.containers.require(ref), opts.output ?? process.stdout);
}
