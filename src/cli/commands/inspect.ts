import { inspectContainer } from '../../container/inspect.js';
import { renderTemplate } from '../../core/go-template.js';
import { TsrunError } from '../../core/errors.js';
import { inspectImage } from '../../image/inspect.js';
import type { Context } from '../context.js';
import type { Output } from '../output.js';

export interface InspectFlags { format?: string; type?: string }

async function lookup(ctx: Context, ref: string, type: string | undefined): Promise<Record<string, unknown> | undefined> {
  if (type !== 'image') {
    const c = await ctx.containers.find(ref);
    if (c) return inspectContainer(ctx, c);
  }
  if (type !== 'container') {
    const image = await ctx.images.resolve(ref);
    if (image) return inspectImage(ctx, image);
  }
  return undefined;
}

/** `tsrun inspect [-f TEMPLATE] [--type container|image] NAME...`: containers first, then images, like Docker. */
export async function inspect(ctx: Context, refs: string[], flags: InspectFlags, out: Output): Promise<void> {
  if (flags.type && !['container', 'image'].includes(flags.type)) {
    throw new TsrunError('INVALID_ARGUMENT', `"${flags.type}" is not a valid value for --type`);
  }
  const found: Record<string, unknown>[] = [];
  const missing: string[] = [];
  for (const ref of refs) {
    const obj = await lookup(ctx, ref, flags.type);
    if (obj) found.push(obj);
    else missing.push(ref);
  }
  if (flags.format !== undefined) out.out(found.map((o) => renderTemplate(flags.format!, o) + '\n').join(''));
  else out.out(JSON.stringify(found, null, 4) + '\n');
  if (missing.length) {
    for (const ref of missing) out.err(`Error: No such object: ${ref}\n`);
    throw new TsrunError('NOT_FOUND', '', { exitCode: 1 });
  }
}
