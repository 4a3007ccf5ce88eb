import { containerStats, type ContainerStats } from '../../container/stats.js';
import { currentState } from '../../container/liveness.js';
import type { Context } from '../context.js';
import { humanSize, shortId, table } from '../format.js';
import type { Output } from '../output.js';

export interface StatsOptions { all?: boolean; stream?: boolean; noTrunc?: boolean }

/** go-units BytesSize: binary units, 4 significant digits ("1.953MiB"). */
export function bytesSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let size = bytes, i = 0;
  while (size >= 1024 && i < units.length - 1) size /= 1024, i++;
  return `${Number(size.toPrecision(4))}${units[i]}`;
}

function render(stats: ContainerStats[], noTrunc: boolean): string {
  return table(['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'], stats.map((s) => [
    noTrunc ? s.id : shortId(s.id), s.name, `${s.cpuPercent.toFixed(2)}%`, `${bytesSize(s.memoryUsage)} / ${bytesSize(s.memoryLimit)}`,
    `${s.memoryPercent.toFixed(2)}%`, `${humanSize(s.netRx)} / ${humanSize(s.netTx)}`, `${humanSize(s.blockRead)} / ${humanSize(s.blockWrite)}`,
    String(s.pids),
  ]));
}

/** `tsrun stats [-a] [--no-stream] [CONTAINER...]`: running containers by default; streams until interrupted. */
export async function stats(ctx: Context, refs: string[], opts: StatsOptions, out: Output): Promise<void> {
  const pick = async () => {
    if (refs.length) return Promise.all(refs.map((r) => ctx.containers.require(r)));
    const all = await ctx.containers.list();
    if (opts.all) return all;
    const running = await Promise.all(all.map(async (r) => ((await currentState(ctx.containers, r.Id)).Running ? r : undefined)));
    return running.filter((r) => r !== undefined);
  };
  const records = await pick();
  if (opts.stream === false) {
    out.out(render(await containerStats(ctx, records), opts.noTrunc === true));
    return;
  }
  for (;;) {
    const text = render(await containerStats(ctx, await pick(), 1000), opts.noTrunc === true);
    out.out(`\x1b[2J\x1b[H${text}`); // redraw in place, as Docker's stream does
  }
}
