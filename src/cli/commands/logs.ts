import { parseSince, readLogs } from '../../container/logs.js';
import { TsrunError } from '../../core/errors.js';
import type { Context } from '../context.js';
import type { Output } from '../output.js';

export interface LogsFlags { follow?: boolean; tail?: string; timestamps?: boolean; since?: string }

/** `tsrun logs [-f] [--tail N] [-t] [--since T] CONTAINER`: stdout to stdout, stderr to stderr. */
export async function logs(ctx: Context, ref: string, flags: LogsFlags, out: Output): Promise<void> {
  const record = await ctx.containers.require(ref);
  const tail = flags.tail === undefined || flags.tail === 'all' ? undefined : Number(flags.tail);
  if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) {
    throw new TsrunError('INVALID_ARGUMENT', `invalid value for "tail": ${flags.tail}`);
  }
  const since = flags.since ? parseSince(flags.since) : undefined;
  for await (const entry of readLogs(ctx, record, { follow: flags.follow === true, tail, since })) {
    const text = flags.timestamps ? `${entry.time} ${entry.log}` : entry.log;
    if (entry.stream === 'stderr') out.err(text);
    else out.out(text);
  }
}
