import type { ContainerSummary } from '../../container/ps.js';
import { publishedPorts, leaseTable } from '../../container/network.js';
import { listContainers } from '../../container/ps.js';
import { portsColumn } from '../../network/index.js';
import type { Context } from '../context.js';
import { humanDuration, shortId, table, timeAgo } from '../format.js';
import type { Output } from '../output.js';

export interface PsOptions { all?: boolean; quiet?: boolean; noTrunc?: boolean; filter: string[] }

/** Docker's STATUS column: `Up 3 seconds`, `Exited (0) 2 minutes ago`, `Created`. */
export function statusText(s: ContainerSummary, now = Date.now()): string {
  const { state } = s;
  if (state.Running) return `Up ${humanDuration(now - Date.parse(state.StartedAt))}`;
  if (state.Status === 'created') return 'Created';
  return `Exited (${state.ExitCode}) ${timeAgo(state.FinishedAt, now)}`;
}

function command(s: ContainerSummary, noTrunc: boolean): string {
  const text = [s.record.Path, ...s.record.Args].join(' ');
  return `"${noTrunc || text.length <= 20 ? text : text.slice(0, 19) + '…'}"`;
}

/** `tsrun ps [-a] [-q] [--no-trunc] [-f KEY=VALUE]` */
export async function ps(ctx: Context, opts: PsOptions, out: Output): Promise<void> {
  const rows = await listContainers(ctx, { all: opts.all === true, filters: opts.filter });
  const id = (s: ContainerSummary) => (opts.noTrunc ? s.record.Id : shortId(s.record.Id));
  if (opts.quiet) {
    out.out(rows.map((s) => id(s) + '\n').join(''));
    return;
  }
  const leases = await leaseTable(ctx).read();
  const ports = new Map<string, string>();
  for (const s of rows) {
    const exposed = s.state.Running ? Object.keys(s.record.Config.ExposedPorts ?? {}) : []; // Docker shows ports of running containers
    ports.set(s.record.Id, portsColumn(await publishedPorts(ctx, s.record.Id, leases), exposed));
  }
  out.out(table(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'], rows.map((s) => [
    id(s), s.record.Image, command(s, opts.noTrunc === true), timeAgo(s.record.Created), statusText(s), ports.get(s.record.Id) ?? '', s.record.Name,
  ])));
}
