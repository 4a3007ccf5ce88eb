import { TsrunError } from '../../core/errors.js';
import { parseDockerReference } from '../../oci/reference.js';
import type { Context } from '../context.js';
import type { Output } from '../output.js';
import { pullWithProgress } from './pull.js';

export type PullPolicy = 'always' | 'missing' | 'never';

/** `run --pull`: pull before running as Docker does; progress goes to stderr, stdout stays the container's. */
export async function pullForRun(ctx: Context, image: string, policy: string, configDir: string | undefined, out: Output): Promise<void> {
  if (policy !== 'always' && policy !== 'missing' && policy !== 'never') {
    throw new TsrunError('INVALID_ARGUMENT', `invalid pull option: '${policy}': must be one of "always", "missing" or "never"`);
  }
  if (policy === 'never') return;
  if (policy === 'missing') {
    if (await ctx.images.resolve(image)) return;
    parseDockerReference(image); // a malformed name fails as itself, before 'Unable to find image'
    out.err(`Unable to find image '${image}' locally\n`);
  }
  try {
    await pullWithProgress(ctx, image, { configDir, tty: process.stderr.isTTY === true }, out);
  } catch (err) {
    if (!(err instanceof TsrunError)) throw err;
    throw new TsrunError(err.code, `Error response from daemon: ${err.message}`, { cause: err, ...(err.hint ? { hint: err.hint } : {}) });
  }
}
