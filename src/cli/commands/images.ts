import type { Context } from '../context.js';
import { displayName, storedName } from '../../image/index.js';
import { humanSize, shortId, table, timeAgo } from '../format.js';
import type { Output } from '../output.js';

export interface ImagesOptions { quiet?: boolean; noTrunc?: boolean; digests?: boolean }

/** `tsrun images [REPO[:TAG]]`: one row per name, dangling images as <none>. */
export async function images(ctx: Context, filter: string | undefined, opts: ImagesOptions, out: Output): Promise<void> {
  const rows: string[][] = [];
  const wanted = filter ? storedName(filter.includes(':') ? filter : `${filter}:__any__`) : undefined;
  for (const image of await ctx.images.list()) {
    let size = 0;
    for (const d of image.config.rootfs.diff_ids) size += (await ctx.layers.get(d))?.size ?? 0;
    const id = opts.noTrunc ? image.id : shortId(image.id);
    const names = image.names.length ? image.names : [''];
    for (const name of names) {
      if (wanted && !matches(name, wanted)) continue;
      const { repository, tag } = name ? displayName(name) : { repository: '<none>', tag: '<none>' };
      const row = [repository, tag];
      if (opts.digests) row.push('<none>');
      row.push(id, timeAgo(image.config.created), humanSize(size));
      rows.push(row);
    }
  }
  if (opts.quiet) {
    out.out([...new Set(rows.map((r) => r[opts.digests ? 3 : 2]))].map((l) => l + '\n').join(''));
    return;
  }
  const header = ['REPOSITORY', 'TAG', ...(opts.digests ? ['DIGEST'] : []), 'IMAGE ID', 'CREATED', 'SIZE'];
  out.out(table(header, rows));
}

function matches(name: string, wanted: string): boolean {
  if (wanted.endsWith(':__any__')) return name.startsWith(wanted.slice(0, -':__any__'.length) + ':');
  return name === wanted;
}
