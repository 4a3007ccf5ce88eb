/**
 * Go's `path.Clean` and `path.Match`, ported exactly. Image references
 * (distribution/reference FamiliarMatch) and .dockerignore files
 * (moby/patternmatcher) are defined in terms of them, so their quirks matter.
 */
import { TsrunError } from './errors.js';

/** Go's path.ErrBadPattern text; callers match on it. */
export const BAD_PATTERN = 'syntax error in pattern';

const RUNE_ERROR = 0xfffd;
const encoder = new TextEncoder();

function badPattern(): TsrunError {
  return new TsrunError('INVALID_ARGUMENT', BAD_PATTERN);
}

/** Go's path.Clean: lexical only, `..` above the root is dropped, '' becomes '.'. */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') out.push(part);
    else if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (!rooted) out.push('..');
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/**
 * Go's path.Match: `*` and `?` never cross '/', `[...]` classes, `\` escapes.
 * Works on UTF-8 bytes like Go (a `*` may resume mid-rune), and throws
 * 'syntax error in pattern' exactly where Go returns ErrBadPattern.
 */
export function matchPath(pattern: string, name: string): boolean {
  return match(pattern, name, true);
}

/**
 * Go's filepath.Match on Unix. Same as matchPath, except that on a mismatch
 * it does not go on to syntax-check the rest of the pattern.
 */
export function matchFilePath(pattern: string, name: string): boolean {
  return match(pattern, name, false);
}

function match(pattern: string, name: string, checkRest: boolean): boolean {
  let p: Uint8Array = encoder.encode(pattern);
  let s: Uint8Array = encoder.encode(name);
  patternLoop: while (p.length > 0) {
    const { star, chunk, rest } = scanChunk(p);
    p = rest;
    if (star && chunk.length === 0) return !s.includes(0x2f); // trailing * matches the rest unless it has a /
    const first = matchChunk(chunk, s);
    if (first !== null && (first.length === 0 || p.length > 0)) {
      s = first;
      continue;
    }
    if (star) {
      for (let i = 0; i < s.length && s[i] !== 0x2f; i++) {
        const t = matchChunk(chunk, s.subarray(i + 1));
        if (t === null) continue;
        if (p.length === 0 && t.length > 0) continue; // the last chunk must use up the name
        s = t;
        continue patternLoop;
      }
    }
    // No match, but path.Match still reports a malformed remainder of the pattern.
    while (checkRest && p.length > 0) {
      const next = scanChunk(p);
      p = next.rest;
      matchChunk(next.chunk, new Uint8Array(0));
    }
    return false;
  }
  return s.length === 0;
}

interface Chunk {
  star: boolean;
  chunk: Uint8Array;
  rest: Uint8Array;
}

function scanChunk(pattern: Uint8Array): Chunk {
  let star = false;
  let start = 0;
  while (start < pattern.length && pattern[start] === 0x2a) {
    start++;
    star = true;
  }
  let inRange = false;
  let i = start;
  for (; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === 0x5c) {
      if (i + 1 < pattern.length) i++; // a trailing \ is reported by matchChunk
    } else if (c === 0x5b) inRange = true;
    else if (c === 0x5d) inRange = false;
    else if (c === 0x2a && !inRange) break;
  }
  return { star, chunk: pattern.subarray(start, i), rest: pattern.subarray(i) };
}

/** Returns the unmatched rest of `s`, or null on mismatch; throws on a bad chunk. */
function matchChunk(chunkIn: Uint8Array, sIn: Uint8Array): Uint8Array | null {
  let chunk = chunkIn;
  let s = sIn;
  // After a mismatch Go keeps parsing the chunk, only to report syntax errors.
  let failed = false;
  while (chunk.length > 0) {
    if (!failed && s.length === 0) failed = true;
    const c = chunk[0];
    if (c === 0x5b) {
      let r = 0;
      if (!failed) {
        const d = decodeRune(s);
        r = d.rune;
        s = s.subarray(d.size);
      }
      chunk = chunk.subarray(1);
      let negated = false;
      if (chunk.length > 0 && chunk[0] === 0x5e) {
        negated = true;
        chunk = chunk.subarray(1);
      }
      let matched = false;
      let nrange = 0;
      for (;;) {
        if (chunk.length > 0 && chunk[0] === 0x5d && nrange > 0) {
          chunk = chunk.subarray(1);
          break;
        }
        const lo = getEsc(chunk);
        chunk = lo.rest;
        let hi = lo.rune;
        if (chunk[0] === 0x2d) {
          const h = getEsc(chunk.subarray(1));
          chunk = h.rest;
          hi = h.rune;
        }
        if (lo.rune <= r && r <= hi) matched = true;
        nrange++;
      }
      if (matched === negated) failed = true;
    } else if (c === 0x3f) {
      if (!failed) {
        if (s[0] === 0x2f) failed = true;
        s = s.subarray(decodeRune(s).size);
      }
      chunk = chunk.subarray(1);
    } else {
      if (c === 0x5c) {
        chunk = chunk.subarray(1);
        if (chunk.length === 0) throw badPattern();
      }
      if (!failed) {
        if (chunk[0] !== s[0]) failed = true;
        s = s.subarray(1);
      }
      chunk = chunk.subarray(1);
    }
  }
  return failed ? null : s;
}

function getEsc(chunkIn: Uint8Array): { rune: number; rest: Uint8Array } {
  let chunk = chunkIn;
  if (chunk.length === 0 || chunk[0] === 0x2d || chunk[0] === 0x5d) throw badPattern();
  if (chunk[0] === 0x5c) {
    chunk = chunk.subarray(1);
    if (chunk.length === 0) throw badPattern();
  }
  const { rune, size } = decodeRune(chunk);
  if (rune === RUNE_ERROR && size === 1) throw badPattern();
  const rest = chunk.subarray(size);
  if (rest.length === 0) throw badPattern();
  return { rune, rest };
}

/** Go's utf8.DecodeRune: invalid input yields (U+FFFD, 1), empty input (U+FFFD, 0). */
function decodeRune(b: Uint8Array): { rune: number; size: number } {
  if (b.length === 0) return { rune: RUNE_ERROR, size: 0 };
  const b0 = b[0];
  if (b0 < 0x80) return { rune: b0, size: 1 };
  const invalid = { rune: RUNE_ERROR, size: 1 };
  let size: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) size = 2;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    size = 3;
    if (b0 === 0xe0) lo = 0xa0;
    if (b0 === 0xed) hi = 0x9f; // no surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    size = 4;
    if (b0 === 0xf0) lo = 0x90;
    if (b0 === 0xf4) hi = 0x8f;
  } else return invalid;
  if (b.length < size || b[1] < lo || b[1] > hi) return invalid;
  let rune = b0 & (0xff >> (size + 1));
  for (let i = 1; i < size; i++) {
    if (i > 1 && (b[i] < 0x80 || b[i] > 0xbf)) return invalid;
    rune = (rune << 6) | (b[i] & 0x3f);
  }
  return { rune, size };
}
