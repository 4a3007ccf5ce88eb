import { TsrunError } from '../../core/errors.js';
import type { Output } from '../output.js';

/** Docker's shape for a failed pull/push/login: "Error response from daemon: …" and exit 1. */
export async function asDaemonCommand<T>(out: Output, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof TsrunError)) throw err;
    out.err(`Error response from daemon: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
    throw new TsrunError(err.code, '', { exitCode: 1, cause: err });
  }
}
