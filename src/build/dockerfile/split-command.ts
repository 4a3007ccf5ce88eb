/**
 * Split an instruction line into keyword, `--flags` and the rest
 * (buildkit parser/split_command.go).
 */
import { isSpace, trimSpace } from './gotext.js';

// buildkit's tokenWhitespace / reWhitespace: ASCII blanks only
export const RE_WHITESPACE = /[\t\v\f\r ]+/;

export interface SplitCommand {
  cmd: string;
  flags: string[];
  rest: string;
}

export function splitCommand(line: string): SplitCommand {
  const trimmed = trimSpace(line);
  const m = RE_WHITESPACE.exec(trimmed);
  if (!m) return { cmd: trimmed, flags: [], rest: '' };
  const cmd = trimmed.slice(0, m.index);
  const { rest, flags } = extractBuilderFlags(trimmed.slice(m.index + m[0].length));
  return { cmd, flags, rest: trimSpace(rest) };
}

// Go walks bytes here and calls unicode.IsSpace on each, so of the
// non-ASCII characters only U+0085 and U+00A0 separate flag words.
function isFlagSpace(c: number): boolean {
  return c <= 0xff && isSpace(c);
}

/**
 * Leading words starting with `--` are flags; quotes are removed and `\`
 * escapes the next character. A bare `--` ends the flags and is dropped.
 */
export function extractBuilderFlags(line: string): { rest: string; flags: string[] } {
  const flags: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let word = '';
  let quote = '';
  let blankOK = false;
  for (let pos = 0; pos <= line.length; pos++) {
    const atEnd = pos === line.length;
    let ch = atEnd ? '' : line[pos];
    if (phase === 'spaces') {
      if (atEnd) break;
      if (isFlagSpace(line.charCodeAt(pos))) continue;
      if (ch !== '-' || pos + 1 === line.length || line[pos + 1] !== '-') {
        return { rest: line.slice(pos), flags };
      }
      phase = 'word';
    }
    if (atEnd) {
      if (word !== '--' && (blankOK || word.length > 0)) flags.push(word);
      break;
    }
    if (phase === 'word') {
      if (isFlagSpace(line.charCodeAt(pos))) {
        phase = 'spaces';
        if (word === '--') return { rest: line.slice(pos), flags };
        if (blankOK || word.length > 0) flags.push(word);
        word = '';
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = 'quote';
        continue;
      }
      if (ch === '\\') {
        if (pos + 1 === line.length) continue;
        ch = line[++pos];
      }
      word += ch;
      continue;
    }
    // inside quotes
    if (ch === quote) {
      phase = 'word';
      continue;
    }
    if (ch === '\\') {
      if (pos + 1 === line.length) {
        phase = 'word';
        continue;
      }
      ch = line[++pos];
    }
    word += ch;
  }
  return { rest: '', flags };
}
