/**
 * Docker's shell-word lexer (buildkit frontend/dockerfile/shell/lex.go):
 * quote removal, escapes and $VAR / ${VAR...} expansion for ENV, ARG, COPY,
 * WORKDIR, ... It never runs a shell: $(...) and `...` stay literal.
 */
import { TsrunError } from '../core/errors.js';
import { goQuote, isDigit, isLetter, isSpace } from './dockerfile/gotext.js';
import { PatternError, replacePattern, trimPrefix, trimSuffix } from './dockerfile/shell-pattern.js';

/** Variables for expansion: a Map, a plain object, `K=V` strings (last wins) or a getter. */
export type EnvInput = ReadonlyMap<string, string> | Readonly<Record<string, string>> | readonly string[] | EnvGetter;

export interface EnvGetter {
  get(name: string): string | undefined;
}

export interface LexOptions {
  /** Keep quote characters in the result (used to inspect heredoc words). */
  rawQuotes?: boolean;
  /** Keep escape characters in the result. */
  rawEscapes?: boolean;
  /** Treat quotes as ordinary characters (heredoc bodies). */
  skipProcessQuotes?: boolean;
  /** Leave references to unset variables as written. */
  skipUnsetEnv?: boolean;
  /** Keep `<<`, `<<-` and following blanks in one word (heredoc detection). */
  heredocWords?: boolean;
}

export interface ProcessWordResult {
  result: string;
  words: string[];
  /** Variables that were looked up and set: the build cache depends on them. */
  matched: Set<string>;
  /** Variables that were looked up but unset. */
  unmatched: Set<string>;
}

/** A syntax error in a word; the message is buildkit's (`failed to process "x": ...`). */
export class ShellExpansionError extends TsrunError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
    this.name = 'ShellExpansionError';
  }
}

class LexFailure extends Error {}

const EOF = -1;

function toGetter(env: EnvInput): EnvGetter {
  if (env instanceof Map) return env;
  if (Array.isArray(env)) {
    const m = new Map<string, string>();
    for (const e of env as readonly string[]) {
      const i = e.indexOf('=');
      if (i < 0) m.set(e, '');
      else m.set(e.slice(0, i), e.slice(i + 1));
    }
    return m;
  }
  if (typeof (env as EnvGetter).get === 'function') return env as EnvGetter;
  const rec = env as Readonly<Record<string, string>>;
  return { get: (k) => (Object.prototype.hasOwnProperty.call(rec, k) ? rec[k] : undefined) };
}

/** Word splitting state: unquoted whitespace separates words. */
class Words {
  private buf = '';
  private inWord = false;
  readonly words: string[] = [];

  addChar(ch: string): void {
    const space = isSpace(ch.codePointAt(0) as number);
    if (space && this.inWord) {
      if (this.buf.length !== 0) {
        this.words.push(this.buf);
        this.buf = '';
        this.inWord = false;
      }
    } else if (!space) {
      this.addRaw(ch);
    }
  }

  addRaw(s: string): void {
    this.buf += s;
    this.inWord = true;
  }

  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }

  finish(): string[] {
    if (this.buf.length > 0) {
      this.words.push(this.buf);
      this.buf = '';
      this.inWord = false;
    }
    return this.words;
  }
}

/** One pass over one word. */
class ShellWord {
  private readonly chars: string[];
  private pos = 0;
  private rawEscapes: boolean;
  readonly matched = new Set<string>();
  readonly unmatched = new Set<string>();

  constructor(
    word: string,
    private readonly env: EnvGetter,
    private readonly esc: string,
    private readonly opts: LexOptions,
  ) {
    // text/scanner drops a leading byte-order mark
    this.chars = Array.from(word.startsWith('\uFEFF') ? word.slice(1) : word);
    this.rawEscapes = opts.rawEscapes ?? false;
  }

  private peek(): string | undefined {
    return this.chars[this.pos];
  }

  private next(): string | undefined {
    return this.chars[this.pos++];
  }

  run(): [string, string[]] {
    return this.processStopOn(undefined, this.rawEscapes);
  }

  private special(ch: string): (() => string) | undefined {
    if (ch === '$') return () => this.processDollar();
    if (!this.opts.skipProcessQuotes) {
      if (ch === "'") return () => this.processSingleQuote();
      if (ch === '"') return () => this.processDoubleQuote();
    }
    if (ch === '<' && this.opts.heredocWords) return () => this.processPossibleHeredoc();
    return undefined;
  }

  private processStopOn(stop: string | undefined, rawEscapes: boolean): [string, string[]] {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      let result = '';
      const words = new Words();
      for (let ch = this.peek(); ch !== undefined; ch = this.peek()) {
        if (stop !== undefined && ch === stop) {
          this.next();
          return [result, words.finish()];
        }
        const fn = this.special(ch);
        if (fn) {
          const tmp = fn();
          result += tmp;
          if (ch === '$') words.addString(tmp);
          else words.addRaw(tmp);
          continue;
        }
        let c = this.next() as string;
        if (c === this.esc) {
          if (this.rawEscapes) {
            words.addRaw(c);
            result += c;
          }
          // an escape token at the very end is dropped
          const n = this.next();
          if (n === undefined) break;
          c = n;
          words.addRaw(c);
        } else {
          words.addChar(c);
        }
        result += c;
      }
      if (stop !== undefined) throw new LexFailure(`unexpected end of statement while looking for matching ${stop}`);
      return [result, words.finish()];
    } finally {
      this.rawEscapes = saved;
    }
  }

  private processSingleQuote(): string {
    // everything up to the next ' is literal; ' itself cannot be escaped
    const raw = this.opts.rawQuotes ?? false;
    let result = raw ? (this.next() as string) : (this.next(), '');
    for (;;) {
      const ch = this.next();
      if (ch === undefined) throw new LexFailure('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") return raw ? result + ch : result;
      result += ch;
    }
  }

  private processDoubleQuote(): string {
    // $ expands; the escape token only escapes " $ and itself
    const raw = this.opts.rawQuotes ?? false;
    let result = raw ? (this.next() as string) : (this.next(), '');
    for (;;) {
      const p = this.peek();
      if (p === undefined) throw new LexFailure('unexpected end of statement while looking for matching double-quote');
      if (p === '"') {
        this.next();
        return raw ? result + p : result;
      }
      if (p === '$') {
        result += this.processDollar();
        continue;
      }
      let ch = this.next() as string;
      if (ch === this.esc) {
        if (this.rawEscapes) result += ch;
        const q = this.peek();
        if (q === undefined) continue;
        if (q === '"' || q === '$' || q === this.esc) ch = this.next() as string;
      }
      result += ch;
    }
  }

  private processPossibleHeredoc(): string {
    this.next();
    if (this.peek() !== '<') return '<';
    this.next();
    let result = '<<';
    if (this.peek() === '-') result += this.next();
    for (let p = this.peek(); p === ' ' || p === '\t'; p = this.peek()) result += this.next();
    return result;
  }

  private getEnv(name: string): string | undefined {
    const v = this.env.get(name);
    (v === undefined ? this.unmatched : this.matched).add(name);
    return v;
  }

  private stopOnOrMissingBrace(stop: string, rawEscapes: boolean, missing: string): string {
    try {
      return this.processStopOn(stop, rawEscapes)[0];
    } catch (err) {
      if (err instanceof LexFailure && this.peek() === undefined) throw new LexFailure(missing);
      throw err;
    }
  }

  private processDollar(): string {
    this.next();
    if (this.peek() !== '{') {
      const name = this.processName();
      if (name === '') return '$';
      const v = this.getEnv(name);
      if (v === undefined && this.opts.skipUnsetEnv) return '$' + name;
      return v ?? '';
    }
    this.next();
    const first = this.peek();
    if (first === undefined) throw new LexFailure("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new LexFailure('syntax error: bad substitution');
    const name = this.processName();
    let ch = this.next() ?? '\uFFFD';
    let chs = ch;
    let nullIsUnset = false;
    switch (ch) {
      case '}': {
        const v = this.getEnv(name);
        if (v === undefined && this.opts.skipUnsetEnv) return `\${${name}}`;
        return v ?? '';
      }
      case '/':
        return this.processReplace(name);
      case ':':
        nullIsUnset = true;
        ch = this.next() ?? '\uFFFD';
        chs += ch;
        break;
      case '+':
      case '-':
      case '?':
      case '#':
      case '%':
        break;
      default:
        throw new LexFailure(`unsupported modifier (${chs}) in substitution`);
    }
    const rawEscapes = ch === '#' || ch === '%';
    if (nullIsUnset && rawEscapes) throw new LexFailure(`unsupported modifier (${chs}) in substitution`);
    let word = this.stopOnOrMissingBrace('}', rawEscapes, "syntax error: missing '}'");
    const value = this.getEnv(name);
    if (this.opts.skipUnsetEnv && value === undefined) return `\${${name}${chs}${word}}`;
    const empty = value === undefined || (nullIsUnset && value === '');
    switch (ch) {
      case '-':
        return empty ? word : (value as string);
      case '+':
        return empty ? '' : word;
      case '?':
        if (value === undefined) throw new LexFailure(`${name}: ${word || 'is not allowed to be unset'}`);
        if (nullIsUnset && value === '') throw new LexFailure(`${name}: ${word || 'is not allowed to be empty'}`);
        return value;
      case '%':
      case '#': {
        // % and # remove the shortest match, %% and ## the longest
        const greedy = word.startsWith(ch);
        if (greedy) word = word.slice(1);
        try {
          return ch === '%' ? trimSuffix(word, value ?? '', greedy) : trimPrefix(word, value ?? '', greedy);
        } catch (err) {
          if (err instanceof PatternError) throw new LexFailure(`invalid pattern (${word}) in substitution: ${err.message}`);
          throw err;
        }
      }
      default:
        throw new LexFailure(`unsupported modifier (${chs}) in substitution`);
    }
  }

  private processReplace(name: string): string {
    const all = this.peek() === '/';
    if (all) this.next();
    const pattern = this.stopOnOrMissingBrace('/', true, "syntax error: missing '/' in ${}");
    const replacement = this.stopOnOrMissingBrace('}', true, "syntax error: missing '}'");
    const value = this.getEnv(name);
    if (this.opts.skipUnsetEnv && value === undefined) return `\${${name}/${pattern}/${replacement}}`;
    try {
      return replacePattern(value ?? '', pattern, replacement, all);
    } catch (err) {
      if (err instanceof PatternError) throw new LexFailure(`invalid pattern (${pattern}) in substitution: ${err.message}`);
      throw err;
    }
  }

  private processName(): string {
    // letters, digits and _; a leading digit run or one special parameter ends it
    let name = '';
    for (let ch = this.peek(); ch !== undefined; ch = this.peek()) {
      const cp = ch.codePointAt(0) as number;
      if (name === '' && isDigit(cp)) {
        for (let d = this.peek(); d !== undefined && isDigit(d.codePointAt(0) as number); d = this.peek()) {
          name += this.next();
        }
        return name;
      }
      if (name === '' && '@*#?-$!0'.includes(ch)) return this.next() as string;
      if (!isLetter(cp) && !isDigit(cp) && ch !== '_') break;
      name += this.next();
    }
    return name;
  }
}

/** A configured lexer, like buildkit's shell.Lex. */
export class ShellLex {
  constructor(
    readonly escapeToken: string = '\\',
    readonly options: LexOptions = {},
  ) {}

  processWordWithMatches(word: string, env: EnvInput): ProcessWordResult {
    const sw = new ShellWord(word, toGetter(env), this.escapeToken, this.options);
    try {
      const [result, words] = sw.run();
      return { result, words, matched: sw.matched, unmatched: sw.unmatched };
    } catch (err) {
      if (err instanceof LexFailure) throw new ShellExpansionError(`failed to process ${goQuote(word)}: ${err.message}`);
      throw err;
    }
  }

  processWord(word: string, env: EnvInput): string {
    return this.processWordWithMatches(word, env).result;
  }

  processWords(word: string, env: EnvInput): string[] {
    return this.processWordWithMatches(word, env).words;
  }
}

/** Expand one word: quotes removed, escapes applied, variables substituted. */
export function expandWord(word: string, env: EnvInput, escapeToken = '\\'): string {
  return new ShellLex(escapeToken).processWord(word, env);
}

/** Expand, then split on unquoted whitespace (EXPOSE, VOLUME, COPY sources...). */
export function expandWords(word: string, env: EnvInput, escapeToken = '\\'): string[] {
  return new ShellLex(escapeToken).processWords(word, env);
}

/** expandWord plus the variables it used (set and unset), for cache keys and lint. */
export function expandWordWithMatches(word: string, env: EnvInput, escapeToken = '\\'): ProcessWordResult {
  return new ShellLex(escapeToken).processWordWithMatches(word, env);
}
