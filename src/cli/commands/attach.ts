import { attachContainer, type AttachOptions } from '../../container/attach-client.js';
import type { Context } from '../context.js';

/** `tsrun attach [--no-stdin] [--sig-proxy=false] CONTAINER`: resolves to the container's exit code. */
export async function attach(ctx: Context, ref: string, opts: AttachOptions): Promise<number> {
  const record = await ctx.containers.require(ref);
  return attachContainer(ctx, record, opts, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
}
