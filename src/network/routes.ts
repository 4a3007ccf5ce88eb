/** The host's IPv4 routes, to keep new subnets clear of networks the host already reaches. */
import { mustRun } from './host-command.js';

/** Destination CIDRs of the main table, except the default route and those through `exceptDev`. */
export async function hostRoutes(exceptDev?: string): Promise<string[]> {
  const routes = JSON.parse((await mustRun('ip', ['-j', '-4', 'route', 'show'])) || '[]') as Array<{ dst: string; dev?: string }>;
  return routes
    .filter((r) => r.dst !== 'default' && r.dev !== exceptDev)
    .map((r) => (r.dst.includes('/') ? r.dst : `${r.dst}/32`));
}
