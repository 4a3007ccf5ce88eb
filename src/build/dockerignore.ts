/**
 * .dockerignore: reading the file (moby/patternmatcher ignorefile.ReadAll)
 * and deciding which build-context paths are left out. Matching itself is
 * in pattern-matcher.ts.
 */
import { cleanPath } from '../core/go-path.js';
import { trimSpace } from '../core/go-strings.js';
import { PatternMatcher } from './pattern-matcher.js';

export * from './pattern-matcher.js';

/** The context-wide ignore file. */
export const DOCKERIGNORE_FILE = '.dockerignore';

/**
 * The ignore file that BuildKit prefers for a given Dockerfile: `<name>.dockerignore`
 * beside it (e.g. `sub/Dockerfile2.dockerignore`); fall back to DOCKERIGNORE_FILE.
 */
export function dockerfileIgnoreFile(dockerfile: string): string {
  return `${dockerfile}.dockerignore`;
}

/**
 * ReadAll: one pattern per line. A line is a comment only when `#` is its
 * very first character; lines are trimmed, blank ones dropped; patterns are
 * path-cleaned with a leading '/' removed, keeping a leading '!'.
 */
export function readIgnoreFile(text: string): string[] {
  const patterns: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (const rawLine of lines) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.startsWith('#')) continue;
    let pattern = trimSpace(line);
    if (pattern === '') continue;
    const invert = pattern[0] === '!';
    if (invert) pattern = trimSpace(pattern.slice(1));
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      // Patterns are relative to the context root, so "/foo" means "foo".
      if (pattern.length > 1 && pattern[0] === '/') pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
}

export interface IgnoreMatcher {
  /** True when the path, or any directory above it, is ignored (after `!` exceptions). */
  matches(path: string): boolean;
}

/** Throws TsrunError INVALID_ARGUMENT for a lone `!` or a malformed pattern. */
export function createIgnoreMatcher(patterns: readonly string[]): IgnoreMatcher {
  const pm = PatternMatcher.create(patterns);
  return {
    matches(path: string): boolean {
      const cleaned = cleanPath(path);
      // The context root itself is never excluded.
      return cleaned === '.' ? false : pm.matchesOrParentMatches(cleaned);
    },
  };
}

/** The context paths that survive the ignore patterns, in their original order. */
export function filterContext(paths: readonly string[], patterns: readonly string[]): string[] {
  const matcher = createIgnoreMatcher(patterns);
  return paths.filter((p) => !matcher.matches(p));
}
