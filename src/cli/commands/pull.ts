import { createRegistryAccess, parsePlatform, pullImage, type PullResult } from '../../image/index.js';
import { parseDockerReference, parseReference } from '../../oci/reference.js';
import { TsrunError } from '../../core/errors.js';
import type { Context } from '../context.js';
import type { Output } from '../output.js';
import { createProgress } from '../progress.js';
import { registrySettings } from '../registry-settings.js';
import { asDaemonCommand } from './registry-errors.js';

export interface PullFlags {
  quiet?: boolean;
  platform?: string;
  configDir?: string;
  /** Where progress goes: stderr for `run`, which keeps stdout for the container. */
  tty: boolean;
}

/** Pulls with progress; shared by `tsrun pull` and `tsrun run --pull`. */
export async function pullWithProgress(ctx: Context, ref: string, flags: PullFlags, out: Output): Promise<PullResult> {
  const settings = await registrySettings(flags.configDir);
  const registry = createRegistryAccess(settings);
  try {
    const platform = flags.platform ? parsePlatform(flags.platform) : undefined;
    const progress = flags.quiet ? undefined : createProgress((t) => out.err(t), flags.tty);
    if (!flags.quiet && !parseReference(ref).tag && !parseReference(ref).digest) out.err('Using default tag: latest\n');
    return await pullImage({ ...ctx, registry }, ref, { ...(platform ? { platform } : {}), ...(progress ? { progress } : {}) });
  } finally {
    registry.session.close();
  }
}

/** `tsrun pull [-q] [--platform P] NAME[:TAG|@DIGEST]`: progress on stderr, the full name on stdout. */
export async function pull(ctx: Context, ref: string, flags: PullFlags, out: Output): Promise<void> {
  checkReference(ref);
  await asDaemonCommand(out, async () => {
    const result = await pullWithProgress(ctx, ref, flags, out);
    out.out(`${result.name}\n`);
  });
}

/** A malformed reference is the client's error: Docker's text, exit 1, no "daemon" prefix. */
export function checkReference(ref: string): void {
  try {
    parseDockerReference(ref);
  } catch (err) {
    if (err instanceof TsrunError) throw new TsrunError(err.code, err.message, { exitCode: 1, cause: err });
    throw err;
  }
}
