import type { Test } from 'tap';

/**
 * Integration tests need root and a real kernel. Without them they skip
 * LOUDLY; in CI (CI=true) a missing requirement is a failure, never a skip.
 */
export function requiresRoot(t: Test): boolean {
  if (process.getuid?.() === 0) return true;
  const why = 'integration test needs root (run: sudo npm test, or npm run test:vm)';
  if (process.env.CI === 'true') {
    t.fail(`${why}: CI must run as root`);
  } else {
    process.stderr.write(`\n*** SKIPPED: ${why} ***\n\n`);
    t.skip(why);
  }
  return false;
}
