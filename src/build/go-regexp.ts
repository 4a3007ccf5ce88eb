/**
 * Go RE2 regexp source -> equivalent JS RegExp (flag 'u', so matching is by
 * code point like Go). moby/patternmatcher copies `[...]` classes and `\x`
 * escapes from .dockerignore patterns straight into a Go regexp, so Go's
 * escape and class rules decide what such a pattern means. Covers what
 * patternmatcher can emit: literals, escapes, classes (ranges, POSIX
 * [:name:], \d \s \w, \pX), groups, `. * + ? {n,m} | ^ $`. No flag groups.
 */
import { TsrunError } from '../core/errors.js';

type Range = [number, number];
const MAX_RUNE = 0x10ffff;

const PERL: Record<string, Range[]> = {
  d: [[0x30, 0x39]],
  s: [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]], // Go's \s has no \v, unlike JS
  w: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
};

const POSIX: Record<string, Range[]> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

function syntaxError(what: string): TsrunError {
  return new TsrunError('INVALID_ARGUMENT', `error parsing regexp: ${what}`);
}

/** Compiles Go regexp syntax to a JS RegExp; throws on anything Go would reject. */
export function compileGoRegexp(source: string): RegExp {
  const js = new Translator([...source]).translate();
  try {
    return new RegExp(js, 'u');
  } catch (err) {
    throw new TsrunError('INVALID_ARGUMENT', `error parsing regexp: ${source}`, { cause: err });
  }
}

class Translator {
  private i = 0;
  constructor(private readonly src: string[]) {}

  translate(): string {
    let out = '';
    while (this.i < this.src.length) out += this.atom();
    return out;
  }

  private peek(offset = 0): string | undefined {
    return this.src[this.i + offset];
  }

  private next(): string {
    const c = this.src[this.i++];
    if (c === undefined) throw syntaxError('unexpected end of expression');
    return c;
  }

  private atom(): string {
    const c = this.next();
    switch (c) {
      case '\\':
        return this.escape();
      case '[':
        return this.charClass();
      case '.':
        return '[^\\n]'; // Go's . excludes only \n; JS's also excludes \r and U+2028/9
      case '(':
        if (this.peek() !== '?') return c;
        if (this.peek(1) !== ':') throw syntaxError('flag groups are not supported');
        this.i += 2;
        return '(?:';
      case ')':
      case '|':
      case '*':
      case '+':
      case '?':
        return c;
      case '^':
      case '$':
        return assertion(c);
      case '{':
        return this.repeat() ?? literal(0x7b);
      default:
        return literal(c.codePointAt(0) ?? 0);
    }
  }

  /** `{n}`, `{n,}`, `{n,m}` repeat; anything else makes `{` a literal, as in Go. */
  private repeat(): string | undefined {
    const m = /^(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.i, this.i + 16).join(''));
    if (m === null) return undefined;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity;
    if (min > 1000 || (max !== Infinity && (max > 1000 || max < min))) throw syntaxError('invalid repeat count');
    this.i += [...m[0]].length;
    return `{${m[0]}`;
  }

  private escape(): string {
    const c = this.peek();
    if (c === undefined) throw syntaxError('trailing backslash at end of expression');
    const assertions: Record<string, string> = { A: '^', z: '$', b: '\\b', B: '\\B' };
    if (assertions[c] !== undefined) {
      this.i++;
      return assertion(assertions[c]);
    }
    if (c === 'Q') {
      this.i++;
      let out = '';
      while (this.i < this.src.length && !(this.peek() === '\\' && this.peek(1) === 'E')) {
        out += literal(this.next().codePointAt(0) ?? 0);
      }
      if (this.i < this.src.length) this.i += 2;
      return out;
    }
    const cls = this.classEscape();
    if (cls !== undefined) return formatClass(cls, false);
    return literal(this.escapedRune());
  }

  /** `\pX`, `\p{Name}`, `\d`-style escapes (the `\` already consumed). */
  private classEscape(): ClassItems | undefined {
    const c = this.peek();
    if (c === 'p' || c === 'P') {
      this.i++;
      return { ranges: [], props: [this.unicodeClass(c === 'P')] };
    }
    const lower = c?.toLowerCase();
    if (c !== undefined && lower !== undefined && PERL[lower] !== undefined) {
      this.i++;
      return { ranges: c === lower ? PERL[lower] : complement(PERL[lower]), props: [] };
    }
    return undefined;
  }

  private unicodeClass(negatedIn: boolean): string {
    let name = this.next();
    if (name === '{') {
      name = '';
      for (let c = this.next(); c !== '}'; c = this.next()) name += c;
    }
    let negated = negatedIn;
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    // Go accepts general categories (L, Lu) and scripts (Greek); JS needs Script= for the latter.
    const prop = name === 'Any' || /^[A-Z][a-z]?$/.test(name) ? name : `Script=${name}`;
    const fragment = `\\${negated ? 'P' : 'p'}{${prop}}`;
    try {
      new RegExp(fragment, 'u');
    } catch (err) {
      throw new TsrunError('INVALID_ARGUMENT', `error parsing regexp: invalid character class range: \\p{${name}}`, { cause: err });
    }
    return fragment;
  }

  /** Go's parseEscape: one escaped rune (the `\` already consumed). */
  private escapedRune(): number {
    const c = this.next();
    const code = c.codePointAt(0) ?? 0;
    if (code < 0x80 && !/[0-9A-Za-z]/.test(c)) return code; // escaped punctuation is itself
    if (c >= '0' && c <= '7') {
      if (c !== '0' && !isOctal(this.peek())) throw syntaxError(`invalid escape sequence: \\${c}`);
      let r = code - 0x30;
      for (let n = 1; n < 3 && isOctal(this.peek()); n++) r = r * 8 + Number(this.next());
      return r;
    }
    if (c === 'x') return this.hexEscape();
    const controls: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (controls[c] !== undefined) return controls[c];
    throw syntaxError(`invalid escape sequence: \\${c}`);
  }

  private hexEscape(): number {
    const bad = (): TsrunError => syntaxError('invalid escape sequence: \\x');
    if (this.peek() === '{') {
      this.i++;
      let digits = '';
      for (let c = this.next(); c !== '}'; c = this.next()) digits += c;
      if (!/^[0-9A-Fa-f]+$/.test(digits) || parseInt(digits, 16) > MAX_RUNE) throw bad();
      return parseInt(digits, 16);
    }
    const two = (this.peek() ?? '') + (this.peek(1) ?? '');
    if (!/^[0-9A-Fa-f]{2}$/.test(two)) throw bad();
    this.i += 2;
    return parseInt(two, 16);
  }

  /** Go's parseClass, after the `[`. */
  private charClass(): string {
    const items: ClassItems = { ranges: [], props: [] };
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.i++;
    }
    let first = true; // a leading ] or - is literal
    while (this.peek() !== ']' || first) {
      if (this.peek() === undefined) throw syntaxError('missing closing ]');
      first = false;
      if (this.namedClass(items)) continue;
      if (this.peek() === '\\') {
        this.i++;
        const cls = this.classEscape();
        if (cls !== undefined) {
          items.ranges.push(...cls.ranges);
          items.props.push(...cls.props);
          continue;
        }
        this.i--;
      }
      const lo = this.classChar();
      let hi = lo;
      if (this.peek() === '-' && this.peek(1) !== undefined && this.peek(1) !== ']') {
        this.i++;
        hi = this.classChar();
        if (hi < lo) throw syntaxError('invalid character class range');
      }
      items.ranges.push([lo, hi]);
    }
    this.i++; // the closing ]
    return formatClass(items, negated);
  }

  /** `[:alpha:]` / `[:^alpha:]`; Go looks for the closing `:]` anywhere ahead. */
  private namedClass(items: ClassItems): boolean {
    if (this.peek() !== '[' || this.peek(1) !== ':') return false;
    const rest = this.src.slice(this.i + 2).join('');
    const end = rest.indexOf(':]');
    if (end < 0) return false;
    let name = rest.slice(0, end);
    const negated = name.startsWith('^');
    if (negated) name = name.slice(1);
    const ranges = Object.hasOwn(POSIX, name) ? POSIX[name] : undefined;
    if (ranges === undefined) throw syntaxError(`invalid character class range: [:${rest.slice(0, end)}:]`);
    items.ranges.push(...(negated ? complement(ranges) : ranges));
    this.i += 2 + [...rest.slice(0, end)].length + 2;
    return true;
  }

  private classChar(): number {
    const c = this.next();
    return c === '\\' ? this.escapedRune() : (c.codePointAt(0) ?? 0);
  }
}

interface ClassItems {
  ranges: Range[];
  props: string[]; // \p{..} fragments, kept symbolic
}

/** Go lets an assertion be repeated (`^?`); JS 'u' only allows that on a group. */
function assertion(js: string): string {
  return `(?:${js})`;
}

function isOctal(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '7';
}

function literal(code: number): string {
  const c = String.fromCodePoint(code);
  return /[0-9A-Za-z_/]/.test(c) ? c : hex(code);
}

function hex(code: number): string {
  return `\\u{${code.toString(16)}}`;
}

function formatClass(items: ClassItems, negated: boolean): string {
  const body = items.ranges.map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`)).join('');
  return `[${negated ? '^' : ''}${body}${items.props.join('')}]`;
}

function complement(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_RUNE) out.push([next, MAX_RUNE]);
  return out;
}
