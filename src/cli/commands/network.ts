import { containerLease, releaseNetwork } from '../../container/network.js';
import { createNetwork, inspectNetwork, listNetworks, removeNetwork } from '../../container/network-admin.js';
import { TsrunError } from '../../core/errors.js';
import { portLines } from '../../network/index.js';
import type { Context } from '../context.js';
import { shortId, table } from '../format.js';
import type { Output } from '../output.js';
import { forEach } from './each.js';

function labels(pairs: string[]): Record<string, string> {
  return Object.fromEntries(pairs.map((p) => [p.split('=')[0], p.includes('=') ? p.slice(p.indexOf('=') + 1) : '']));
}

/** `tsrun network create [--subnet CIDR] [--gateway IP] NAME`: prints the id. */
export async function networkCreate(ctx: Context, name: string, opts: { driver: string; subnet?: string; gateway?: string; label: string[] }, out: Output): Promise<void> {
  if (opts.driver !== 'bridge') throw new TsrunError('NOT_FOUND', `plugin "${opts.driver}" not found`);
  const def = await createNetwork(ctx, name, { subnet: opts.subnet, gateway: opts.gateway, labels: labels(opts.label) });
  out.out(`${def.Id}\n`);
}

/** `tsrun network ls [-q] [--no-trunc]` */
export async function networkLs(ctx: Context, opts: { quiet?: boolean; noTrunc?: boolean }, out: Output): Promise<void> {
  const nets = await listNetworks(ctx);
  const id = (i: string) => (opts.noTrunc ? i : shortId(i));
  if (opts.quiet) return out.out(nets.map((n) => `${id(n.Id)}\n`).join(''));
  out.out(table(['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'], nets.map((n) => [id(n.Id), n.Name, n.Driver, 'local'])));
}

/** `tsrun network inspect NETWORK...`: Docker's JSON; exits 1 if one is missing. */
export async function networkInspect(ctx: Context, refs: string[], out: Output): Promise<void> {
  const found = [];
  let missing: TsrunError | undefined;
  for (const ref of refs) {
    try {
      found.push(await inspectNetwork(ctx, ref));
    } catch (err) {
      if (!(err instanceof TsrunError && err.code === 'NOT_FOUND')) throw err;
      missing = err;
    }
  }
  out.out(JSON.stringify(found, null, 4) + '\n');
  if (missing) {
    out.err(`Error response from daemon: ${missing.message}\n`);
    throw new TsrunError('NOT_FOUND', '', { exitCode: 1 });
  }
}

/** `tsrun network rm NETWORK...`: prints each name removed. */
export async function networkRm(ctx: Context, refs: string[], out: Output): Promise<void> {
  await forEach(refs, out, async (ref) => { await removeNetwork(ctx, ref); });
}

/** `tsrun port CONTAINER [PRIVATE_PORT[/PROTO]]` */
export async function port(ctx: Context, ref: string, privatePort: string | undefined, out: Output): Promise<void> {
  const record = await ctx.containers.require(ref);
  const mappings = (await containerLease(ctx, record.Id))?.ports ?? [];
  if (!privatePort) return out.out(portLines(mappings).map((l) => l + '\n').join(''));
  const [num, proto = 'tcp'] = privatePort.split('/');
  const match = mappings.filter((m) => String(m.containerPort) === num && m.protocol === proto);
  if (match.length === 0) throw new TsrunError('NOT_FOUND', `Error: No public port '${num}/${proto}' published for ${record.Name}`);
  out.out(match.map((m) => `${m.hostIp || '0.0.0.0'}:${m.hostPort}\n`).join(''));
}

/** Hidden: the monitor's exit command; releases only what that monitor (this very process) holds. */
export async function cleanup(ctx: Context, id: string): Promise<void> {
  await releaseNetwork(ctx, id, process.pid);
}
