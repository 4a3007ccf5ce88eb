import path from 'node:path';
import { isTsrunError } from '../../src/core/errors.js';
import { repoRoot } from './tsrun.js';

/** A file of the upstream conformance data, which lives beside the repo (../shared), never inside it. */
export function conformanceFile(...parts: string[]): string {
  return path.resolve(repoRoot, '../shared/conformance', ...parts);
}

/** The message of the INVALID_ARGUMENT error fn throws, or undefined when it does not throw. */
export function errorOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (!isTsrunError(err, 'INVALID_ARGUMENT')) throw err;
    return err.message;
  }
}
