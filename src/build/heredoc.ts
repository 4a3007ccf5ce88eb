/**
 * Heredocs in RUN/COPY/ADD (`RUN <<EOF`, `COPY <<-'EOF' /dst`): finding the
 * heredoc words on an instruction line and classifying one word, as
 * buildkit's parser.go does (ParseHeredoc, heredocsFromLine).
 */
import { ShellLex } from './expand.js';

export interface Heredoc {
  /** The terminator word, quotes removed. */
  name: string;
  /** Body lines as written, line endings included; `<<-` tabs are still there. */
  content: string;
  /** False when any part of the word was quoted: the body is not expanded. */
  expand: boolean;
  /** `<<-`: leading tabs are stripped from the body (and the terminator). */
  chomp: boolean;
  /** File descriptor prefix (`3<<EOF`), 0 when absent. */
  fd: number;
}

// Go's \s is [\t\n\f\r ]
const RE_HEREDOC = /^(\d*)<<(-?)[\t\n\f\r ]*([^<]*)$/;
const NO_ENV = new Map<string, string>();

/**
 * Classify one word: a Heredoc (with empty content), null when it is not a
 * heredoc, or an error for unbalanced quotes (`<<'EOF`).
 */
export function parseHeredocWord(word: string): Heredoc | null {
  const m = RE_HEREDOC.exec(word);
  if (!m) return null;
  const rest = m[3];
  if (rest === '') return null;
  // Lex the terminator with and without quotes kept: if the quote counts
  // differ, part of it was quoted and the body must not be expanded.
  const words = new ShellLex('\\', { skipUnsetEnv: true }).processWords(rest, NO_ENV);
  if (words.length !== 1) return null;
  const raw = new ShellLex('\\', { skipUnsetEnv: true, rawQuotes: true }).processWords(rest, NO_ENV);
  if (raw.length !== 1) {
    throw new Error(`internal lexing of heredoc produced inconsistent results: ${rest}`);
  }
  return {
    name: words[0],
    content: '',
    expand: countQuotes(words[0]) === countQuotes(raw[0]),
    chomp: m[2] === '-',
    fd: m[1] === '' ? 0 : Number.parseInt(m[1], 10),
  };
}

/** parseHeredocWord that answers null instead of throwing (MustParseHeredoc). */
export function tryParseHeredocWord(word: string): Heredoc | null {
  try {
    return parseHeredocWord(word);
  } catch {
    return null;
  }
}

function countQuotes(s: string): number {
  let n = 0;
  for (const c of s) if (c === "'" || c === '"') n++;
  return n;
}

/** The heredocs an instruction line opens, in order; a line that does not lex has none. */
export function heredocsFromLine(line: string): Heredoc[] {
  const lex = new ShellLex('\\', { rawQuotes: true, rawEscapes: true, skipUnsetEnv: true, heredocWords: true });
  let words: string[];
  try {
    words = lex.processWords(line, NO_ENV);
  } catch {
    return [];
  }
  const docs: Heredoc[] = [];
  for (const w of words) {
    const h = parseHeredocWord(w);
    if (h) docs.push(h);
  }
  return docs;
}

/** Strip leading tabs from every line (what `<<-` means for the body). */
export function chompHeredocContent(content: string): string {
  return content.replace(/(^|\n)\t+/g, '$1');
}
