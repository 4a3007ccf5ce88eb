import { renderTemplate } from '../../core/go-template.js';
import { imageHistory, type HistoryRow } from '../../image/history.js';
import type { Context } from '../context.js';
import { humanSize, shortId, table, timeAgo } from '../format.js';
import type { Output } from '../output.js';

export interface HistoryFlags { noTrunc?: boolean; quiet?: boolean; human?: string | boolean; format?: string; layers?: boolean }

/** The fields `--format` sees (Docker's names, plus Layer and Wasted). */
function templateData(r: HistoryRow, human: boolean, noTrunc: boolean) {
  return {
    ID: noTrunc || r.id === '<missing>' ? r.id : shortId(r.id),
    CreatedSince: timeAgo(r.created), CreatedAt: r.created ?? '', CreatedBy: r.createdBy,
    Size: human ? humanSize(r.size) : String(r.size), Comment: r.comment,
    Layer: r.layer ? (noTrunc ? r.layer : shortId(r.layer)) : '', Wasted: r.wasted === undefined ? '' : human ? humanSize(r.wasted) : String(r.wasted),
  };
}

/** `tsrun history [--no-trunc] [-q] [-H=false] [--format T] [--layers] IMAGE` */
export async function history(ctx: Context, ref: string, flags: HistoryFlags, out: Output): Promise<void> {
  const image = await ctx.images.require(ref);
  const rows = await imageHistory(ctx, image, { layers: flags.layers ? ctx.sys : undefined });
  const human = !(flags.human === false || String(flags.human).replace(/^=/, '') === 'false');
  const noTrunc = flags.noTrunc === true;
  const data = rows.map((r) => templateData(r, human, noTrunc));
  if (flags.quiet) return out.out(data.map((d) => `${d.ID}\n`).join(''));
  if (flags.format) return out.out(data.map((d) => renderTemplate(flags.format!, d) + '\n').join(''));
  const header = ['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT', ...(flags.layers ? ['LAYER', 'WASTED'] : [])];
  out.out(table(header, data.map((d) => [
    d.ID, human ? d.CreatedSince : d.CreatedAt,
    noTrunc || d.CreatedBy.length <= 45 ? d.CreatedBy : d.CreatedBy.slice(0, 44) + '…',
    d.Size, d.Comment, ...(flags.layers ? [d.Layer || '<none>', d.Wasted || '0B'] : []),
  ])));
}
