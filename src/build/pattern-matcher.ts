/**
 * Port of moby/patternmatcher, the engine behind .dockerignore. Patterns are
 * Go-path-cleaned, syntax-checked with Go's path.Match, then classified as
 * exact / prefix (`dir/**`) / suffix (leading `**`) / Go regexp, exactly as
 * upstream does, so "last matching pattern wins" and `!` re-includes give
 * Docker's answers. Paths are slash-separated and relative to the context.
 */
import { TsrunError } from '../core/errors.js';
import { BAD_PATTERN, cleanPath, matchFilePath } from '../core/go-path.js';
import { trimSpace } from '../core/go-strings.js';
import { compileGoRegexp } from './go-regexp.js';

export type MatchType = 'exact' | 'prefix' | 'suffix' | 'regexp';

/** A classified pattern; `regexp` is Go regexp source, present for type 'regexp'. */
export interface CompiledPattern {
  readonly matchType: MatchType;
  readonly regexp?: string;
}

// Regexp metacharacters escaped as plain characters. Upstream lists `.+()|{}$`
// but its bitmap drops bytes >= 64, so `|`, `{` and `}` reach the Go regexp
// raw (`a|*` is an alternation there); Docker behaves that way, and so do we.
const REGEXP_ONLY_META = new Set('.+()$');

/** Pattern.compile: classify a cleaned pattern and translate it to a Go regexp. */
export function compilePattern(pattern: string): CompiledPattern {
  // Go's text/scanner, which upstream reads the pattern with, skips a leading BOM.
  const chars = [...pattern.replace(/^\uFEFF/, '')];
  let re = '^';
  let type: MatchType = 'exact';
  let pos = 0;
  for (let i = 0; pos < chars.length; i++) {
    const ch = chars[pos++];
    if (ch === '*' && chars[pos] === '*') {
      pos++;
      if (chars[pos] === '/') pos++; // `**/` is the same as `**`
      if (pos < chars.length) {
        re += '(.*/)?'; // any number of directories, including none
        type = 'regexp';
      } else if (type === 'exact') {
        type = 'prefix';
      } else {
        re += '.*';
        type = 'regexp';
      }
      if (i === 0) type = 'suffix';
    } else if (ch === '*' || ch === '?') {
      re += ch === '*' ? '[^/]*' : '[^/]';
      type = 'regexp';
    } else if (REGEXP_ONLY_META.has(ch)) {
      re += '\\' + ch;
    } else if (ch === '\\') {
      // A trailing backslash stays as is; path.Match has rejected it already.
      if (pos < chars.length) {
        re += '\\' + chars[pos++];
        type = 'regexp';
      } else {
        re += '\\';
      }
    } else {
      if (ch === '[' || ch === ']') type = 'regexp';
      re += ch;
    }
  }
  return type === 'regexp' ? { matchType: type, regexp: re + '$' } : { matchType: type };
}

function badPattern(): TsrunError {
  return new TsrunError('INVALID_ARGUMENT', BAD_PATTERN);
}

/** One cleaned pattern. A regexp Go cannot compile fails every match, as upstream. */
export class Pattern {
  readonly dirs: readonly string[];
  private readonly compiled?: { type: MatchType; regexp?: RegExp };

  constructor(
    readonly cleanedPattern: string,
    readonly exclusion: boolean,
  ) {
    this.dirs = cleanedPattern.split('/');
    const { matchType, regexp } = compilePattern(cleanedPattern);
    try {
      this.compiled = { type: matchType, regexp: regexp === undefined ? undefined : compileGoRegexp(regexp) };
    } catch (err) {
      if (!(err instanceof TsrunError && err.code === 'INVALID_ARGUMENT')) throw err;
      this.compiled = undefined;
    }
  }

  /** Throws 'syntax error in pattern' when the pattern's regexp did not compile. */
  match(path: string): boolean {
    if (this.compiled === undefined) throw badPattern();
    const p = this.cleanedPattern;
    switch (this.compiled.type) {
      case 'exact':
        return path === p;
      case 'prefix':
        return path.startsWith(p.slice(0, -2));
      case 'suffix': {
        const suffix = p.slice(2);
        return path.endsWith(suffix) || (suffix[0] === '/' && path === suffix.slice(1)); // `**/foo` matches `foo`
      }
      case 'regexp':
        if (this.compiled.regexp === undefined) throw badPattern();
        return this.compiled.regexp.test(path);
    }
  }

  toString(): string {
    return this.cleanedPattern;
  }
}

/** Per-pattern results for a directory, handed down to its children. */
export interface MatchInfo {
  readonly parentMatched: readonly boolean[];
}

/** Go's filepath.Dir. */
function dirPath(file: string): string {
  return cleanPath(file.slice(0, file.lastIndexOf('/') + 1));
}

export class PatternMatcher {
  private constructor(
    readonly patterns: readonly Pattern[],
    readonly exclusions: boolean,
  ) {}

  /** New: trims, drops empty patterns, cleans, and syntax-checks each one. */
  static create(patterns: readonly string[]): PatternMatcher {
    const out: Pattern[] = [];
    let exclusions = false;
    for (const raw of patterns) {
      let p = trimSpace(raw);
      if (p === '') continue;
      p = cleanPath(p);
      const exclusion = p[0] === '!';
      if (exclusion) {
        if (p.length === 1) throw new TsrunError('INVALID_ARGUMENT', 'illegal exclusion pattern: "!"');
        p = p.slice(1);
        exclusions = true;
      }
      matchFilePath(p, '.'); // only for its syntax check
      out.push(new Pattern(p, exclusion));
    }
    return new PatternMatcher(out, exclusions);
  }

  /** Deprecated upstream Matches: checks only the parent prefix as deep as each pattern. */
  matches(file: string): boolean {
    const parentPath = dirPath(file);
    const parentDirs = parentPath.split('/');
    return this.evaluate(file, (pattern) => {
      if (parentPath === '.' || pattern.dirs.length > parentDirs.length) return false;
      return pattern.match(parentDirs.slice(0, pattern.dirs.length).join('/'));
    });
  }

  /** MatchesExact: no parent directories considered. */
  matchesExact(file: string): boolean {
    return this.evaluate(file, () => false);
  }

  /** MatchesOrParentMatches: the file or any parent directory matches; last match wins. */
  matchesOrParentMatches(file: string): boolean {
    const parentPath = dirPath(file);
    return this.evaluate(file, (pattern) => parentPath !== '.' && matchesAnyParent(pattern, parentPath));
  }

  /** Deprecated MatchesUsingParentResult: the caller passes the parent's overall result. */
  matchesUsingParentResult(file: string, parentMatched: boolean): boolean {
    return this.evaluate(file, () => false, parentMatched);
  }

  /** MatchesUsingParentResults: walk a tree top-down, passing each directory's info to its children. */
  matchesUsingParentResults(file: string, parent: MatchInfo = { parentMatched: [] }): { matched: boolean; info: MatchInfo } {
    const parentMatched = parent.parentMatched;
    if (parentMatched.length !== 0 && parentMatched.length !== this.patterns.length) {
      throw new Error('wrong number of values in parentMatched');
    }
    let matched = false;
    const info = this.patterns.map(() => false);
    this.patterns.forEach((pattern, i) => {
      let match = parentMatched.length !== 0 && parentMatched[i];
      if (!match) {
        if (pattern.exclusion !== matched) return;
        match = pattern.match(file);
        // Without parent info, fall back to checking every parent directory.
        if (!match && parentMatched.length === 0) {
          const parentPath = dirPath(file);
          match = parentPath !== '.' && matchesAnyParent(pattern, parentPath);
        }
      }
      info[i] = match;
      if (match) matched = !pattern.exclusion;
    });
    return { matched, info: { parentMatched: info } };
  }

  private evaluate(file: string, parentMatch: (pattern: Pattern) => boolean, initial = false): boolean {
    let matched = initial;
    for (const pattern of this.patterns) {
      // An inclusion cannot change a match, nor an exclusion a non-match.
      if (pattern.exclusion !== matched) continue;
      if (pattern.match(file) || parentMatch(pattern)) matched = !pattern.exclusion;
    }
    return matched;
  }
}

function matchesAnyParent(pattern: Pattern, parentPath: string): boolean {
  const dirs = parentPath.split('/');
  return dirs.some((_, i) => pattern.match(dirs.slice(0, i + 1).join('/')));
}

/** Package-level Matches (deprecated upstream): the file is cleaned and '.' never matches. */
export function matchesPatterns(file: string, patterns: readonly string[]): boolean {
  const pm = PatternMatcher.create(patterns);
  const cleaned = cleanPath(file);
  return cleaned === '.' ? false : pm.matches(cleaned);
}

/** Package-level MatchesOrParentMatches: the file is cleaned and '.' never matches. */
export function matchesOrParentMatches(file: string, patterns: readonly string[]): boolean {
  const pm = PatternMatcher.create(patterns);
  const cleaned = cleanPath(file);
  return cleaned === '.' ? false : pm.matchesOrParentMatches(cleaned);
}
