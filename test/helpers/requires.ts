import type { Test } from 'tap';

/**
 * What an integration test needs (root, a real kernel, a peer program).
 * Without it the test skips LOUDLY; in CI (CI=true) a missing requirement is
 * a failure, never a skip. Returns whether it is there.
 */
export function requires(t: Test, present: boolean, why: string): boolean {
  if (present) return true;
  if (process.env.CI === 'true') {
    t.fail(`${why}: CI must have it`);
  } else {
    process.stderr.write(`\n*** SKIPPED: ${why} ***\n\n`);
    t.skip(why);
  }
  return false;
}

export function requiresRoot(t: Test): boolean {
  return requires(t, process.getuid?.() === 0, 'integration test needs root (run: sudo npm test, or npm run test:vm)');
}
