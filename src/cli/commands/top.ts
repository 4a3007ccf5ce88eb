import { topContainer } from '../../container/top.js';
import type { Context } from '../context.js';
import { table } from '../format.js';
import type { Output } from '../output.js';

/** `tsrun top CONTAINER [ps OPTIONS]` */
export async function top(ctx: Context, ref: string, psArgs: string[], out: Output): Promise<void> {
  const { titles, processes } = await topContainer(ctx, await ctx.containers.require(ref), psArgs);
  out.out(table(titles, processes));
}
