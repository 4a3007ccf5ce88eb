import path from 'node:path';
import { readFileSync } from 'node:fs';
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

/* eslint-disable @typescript-eslint/no-explicit-any -- upstream rows have many shapes */
type Row = any;

/**
 * The groups of a conformance cases.json, with a tally: every group read
 * through `rows` is marked seen and its rows counted, so a test can assert at
 * the end that no group and no row was left unchecked.
 */
export function conformanceGroups(file: string) {
  const groups: Record<string, Row> = JSON.parse(readFileSync(file, 'utf8')).groups;
  const seen = new Set<string>();
  let checked = 0;
  return {
    groups,
    rows(name: string): Row[] {
      const g = groups[name];
      if (!g) throw new Error(`conformance group ${name} missing`);
      const list: Row[] = g.cases ?? g.inputs;
      checked += list.length;
      seen.add(name);
      return list;
    },
    /** Counts rows checked outside `rows` (a group's extra lists). */
    count(n = 1): void { checked += n; },
    get checked(): number { return checked; },
    unseen: (): string[] => Object.keys(groups).filter((g) => !seen.has(g)),
  };
}
