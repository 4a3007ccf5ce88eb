import { pruneVolumes, removeVolume } from '../../container/volume-admin.js';
import { TsrunError } from '../../core/errors.js';
import type { Context } from '../context.js';
import { humanSize, table } from '../format.js';
import type { Output } from '../output.js';
import { forEach } from './each.js';

function labels(pairs: string[]): Record<string, string> {
  return Object.fromEntries(pairs.map((p) => [p.split('=')[0], p.includes('=') ? p.slice(p.indexOf('=') + 1) : '']));
}

/** `tsrun volume create [--label K=V] [NAME]`: prints the name. */
export async function volumeCreate(ctx: Context, name: string | undefined, opts: { label: string[] }, out: Output): Promise<void> {
  const { volume } = await ctx.volumes.create(name, labels(opts.label));
  out.out(`${volume.Name}\n`);
}

/** `tsrun volume ls [-q]` */
export async function volumeLs(ctx: Context, opts: { quiet?: boolean }, out: Output): Promise<void> {
  const volumes = await ctx.volumes.list();
  if (opts.quiet) return out.out(volumes.map((v) => `${v.Name}\n`).join(''));
  out.out(table(['DRIVER', 'VOLUME NAME'], volumes.map((v) => [v.Driver, v.Name])));
}

/** `tsrun volume inspect NAME...`: Docker's JSON; exits 1 if one is missing. */
export async function volumeInspect(ctx: Context, names: string[], out: Output): Promise<void> {
  const found = [];
  let missing: TsrunError | undefined;
  for (const name of names) {
    const v = await ctx.volumes.get(name);
    if (v) found.push({ CreatedAt: v.CreatedAt, Driver: v.Driver, Labels: v.Labels, Mountpoint: v.Mountpoint, Name: v.Name, Options: v.Options, Scope: v.Scope });
    else missing = new TsrunError('NOT_FOUND', `Error: No such volume: ${name}`);
  }
  out.out(JSON.stringify(found, null, 4) + '\n');
  if (missing) {
    out.err(`${missing.message}\n`);
    throw new TsrunError('NOT_FOUND', '', { exitCode: 1 });
  }
}

/** `tsrun volume rm [-f] NAME...` */
export async function volumeRm(ctx: Context, names: string[], opts: { force?: boolean }, out: Output): Promise<void> {
  await forEach(names, out, (name) => removeVolume(ctx, name, opts.force === true));
}

/** `tsrun volume prune [-a] [-f]`: unused anonymous volumes (all unused ones with -a). */
export async function volumePrune(ctx: Context, opts: { all?: boolean }, out: Output): Promise<void> {
  const { deleted, reclaimed } = await pruneVolumes(ctx, opts.all === true);
  if (deleted.length) out.out(`Deleted Volumes:\n${deleted.join('\n')}\n\n`);
  out.out(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
}
