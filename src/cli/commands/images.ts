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
    const names = rowNames(image.names);
    for (const name of names) {
      if (wanted && !matches(name, wanted)) continue;
      const { repository, tag } = name ? displayName(name) : { repository: '<none>', tag: '<none>' };
      const row = [repository, tag];
      if (opts.digests) row.push(repoDigest(image.names, name));
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

/**
 * Repo digests (NAME@DIGEST, recorded by pull and push) are the DIGEST column
 * of that repository's rows; alone they make a row with TAG <none>, as in Docker.
 */
function rowNames(names: string[]): string[] {
  const tagged = names.filter((n) => !n.includes('@'));
  const digestOnly = names.filter((n) => n.includes('@') && !tagged.some((t) => repoOf(t) === repoOf(n)));
  const rows = [...tagged, ...digestOnly];
  return rows.length ? rows : [''];
}

function repoOf(name: string): string {
  const at = name.indexOf('@');
  if (at >= 0) return name.slice(0, at);
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}

function repoDigest(names: string[], row: string): string {
  if (!row) return '<none>';
  const hit = names.find((n) => n.includes('@') && repoOf(n) === repoOf(row));
  return hit ? hit.slice(hit.indexOf('@') + 1) : '<none>';
}

function matches(name: string, wanted: string): boolean {
  if (wanted.endsWith(':__any__')) return repoOf(name) === wanted.slice(0, -':__any__'.length);
  return name === wanted;
}
