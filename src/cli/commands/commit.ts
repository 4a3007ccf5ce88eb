import { commitContainer } from '../../container/commit.js';
import { containerChanges } from '../../container/diff.js';
import type { Context } from '../context.js';
import type { Output } from '../output.js';

export interface CommitFlags { message?: string; author?: string; change: string[]; pause?: string | boolean }

/** `tsrun commit [-m MSG] [-a AUTHOR] [-c CHANGE]... [-p=true] CONTAINER [REPO[:TAG]]`: prints sha256:<id>. */
export async function commit(ctx: Context, ref: string, reference: string | undefined, flags: CommitFlags, out: Output): Promise<void> {
  const record = await ctx.containers.require(ref);
  const pause = !(flags.pause === false || String(flags.pause).replace(/^=/, '') === 'false');
  const image = await commitContainer(ctx, record, { message: flags.message, author: flags.author, changes: flags.change, pause, reference });
  out.out(`${image.id}\n`);
}

/** `tsrun diff CONTAINER`: `A /path`, `C /path`, `D /path`. */
export async function diff(ctx: Context, ref: string, out: Output): Promise<void> {
  const changes = await containerChanges(ctx, await ctx.containers.require(ref));
  out.out(changes.map((c) => `${c.kind} ${c.path}\n`).join(''));
}
