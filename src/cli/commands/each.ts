import { TsrunError } from '../../core/errors.js';
import type { Output } from '../output.js';

/**
 * Docker's way with several names: do each, print the name given on success,
 * print the error and go on otherwise, and exit 1 if any failed.
 */
export async function forEach(refs: string[], out: Output, fn: (ref: string) => Promise<string | void>): Promise<void> {
  let failed: unknown;
  for (const ref of refs) {
    try {
      const line = await fn(ref);
      out.out(`${line ?? ref}\n`);
    } catch (err) {
      if (!(err instanceof TsrunError)) throw err;
      out.err(`Error response from daemon: ${err.message}\n`);
      failed = err;
    }
  }
  if (failed) throw new TsrunError('FAILED_PRECONDITION', '', { exitCode: 1, cause: failed });
}
