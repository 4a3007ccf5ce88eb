import { createRegistryAccess, pushImage } from '../../image/index.js';
import type { Context } from '../context.js';
import type { Output } from '../output.js';
import { createProgress } from '../progress.js';
import { registrySettings } from '../registry-settings.js';
import { checkReference } from './pull.js';
import { asDaemonCommand } from './registry-errors.js';

/** `tsrun push [-q] NAME[:TAG]`: progress on stderr, `TAG: digest: D size: N` on stdout. */
export async function push(ctx: Context, ref: string, flags: { quiet?: boolean; configDir?: string; tty: boolean }, out: Output): Promise<void> {
  checkReference(ref);
  await asDaemonCommand(out, async () => {
    const registry = createRegistryAccess(await registrySettings(flags.configDir));
    try {
      const progress = flags.quiet ? undefined : createProgress((t) => out.err(t), flags.tty);
      const r = await pushImage({ ...ctx, registry }, ref, progress ? { progress } : {});
      out.out(`${r.tag}: digest: ${r.digest} size: ${r.size}\n`);
    } finally {
      registry.session.close();
    }
  });
}
