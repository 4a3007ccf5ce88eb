/**
 * Per-instruction argument parsing (buildkit parser/line_parsers.go): turns
 * the text after the keyword into the argument nodes of the AST.
 */
import type { DockerfileInstruction, KeyValueArg } from './ast.js';
import { DockerfileError } from './errors.js';
import { goQuote, isSpace, trimLeftSpace } from './gotext.js';
import { RE_WHITESPACE, splitCommand } from './split-command.js';

interface ParsedArgs {
  args: string[];
  json: boolean;
  pairs?: KeyValueArg[];
  next?: DockerfileInstruction;
}

type LineParser = (rest: string, escapeToken: string) => ParsedArgs;

const NONE: ParsedArgs = { args: [], json: false };

export const ERR_NOT_STRING_ARRAY = 'when using JSON array syntax, arrays must be comprised of strings only';

/**
 * Split into words on whitespace, keeping quotes and escape tokens in the
 * words (they are removed at expansion time); quoted spans are not split.
 */
export function parseWords(rest: string, escapeToken = '\\'): string[] {
  const chars = Array.from(rest);
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = '';
  let blankOK = false;
  let word = '';
  for (let pos = 0; pos <= chars.length; pos++) {
    const atEnd = pos === chars.length;
    let ch = atEnd ? '' : chars[pos];
    const space = !atEnd && isSpace(ch.codePointAt(0) as number);
    if (phase === 'spaces') {
      if (atEnd) break;
      if (space) continue;
      phase = 'word';
    }
    if (atEnd) {
      if (blankOK || word.length > 0) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (space) {
        phase = 'spaces';
        if (blankOK || word.length > 0) words.push(word);
        word = '';
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = 'quote';
      }
      if (ch === escapeToken) {
        if (pos + 1 === chars.length) continue; // a trailing escape is dropped
        // outside quotes an escape keeps itself and the next character, even a quote
        word += ch;
        ch = chars[++pos];
      }
      word += ch;
      continue;
    }
    if (ch === quote) phase = 'word';
    // the escape token means nothing inside single quotes
    if (ch === escapeToken && quote !== "'") {
      if (pos + 1 === chars.length) {
        phase = 'word';
        continue;
      }
      word += ch;
      ch = chars[++pos];
    }
    word += ch;
  }
  return words;
}

/** Go regexp.Split(s, 2) with RE_WHITESPACE. */
function splitOnce(s: string): string[] {
  const m = RE_WHITESPACE.exec(s);
  return m ? [s.slice(0, m.index), s.slice(m.index + m[0].length)] : [s];
}

/** ENV/LABEL: `key value` (old form) or `k1=v1 k2="v 2"` pairs. */
function parseNameVal(rest: string, key: string, esc: string): ParsedArgs {
  const words = parseWords(rest, esc);
  if (words.length === 0) return NONE;
  if (!words[0].includes('=')) {
    const parts = splitOnce(rest);
    if (parts.length < 2) throw new DockerfileError(`${key} must have two arguments`);
    return triples([{ key: parts[0], value: parts[1], hasEquals: false }]);
  }
  const pairs = words.map((w): KeyValueArg => {
    const i = w.indexOf('=');
    if (i < 0) {
      throw new DockerfileError(`Syntax error - can't find = in ${goQuote(w)}. Must be of the form: name=value`);
    }
    return { key: w.slice(0, i), value: w.slice(i + 1), hasEquals: true };
  });
  return triples(pairs);
}

function triples(pairs: KeyValueArg[]): ParsedArgs {
  return { args: pairs.flatMap((p) => [p.key, p.value, p.hasEquals ? '=' : '']), json: false, pairs };
}

/** ARG: every quote-aware word is one node, unchanged. */
function parseNameOrNameVal(rest: string, esc: string): ParsedArgs {
  return { args: parseWords(rest, esc), json: false };
}

/** FROM, EXPOSE: split on runs of ASCII blanks, no quote handling. */
function parseStringsWhitespaceDelimited(rest: string): ParsedArgs {
  if (rest === '') return NONE;
  return { args: rest.split(RE_WHITESPACE), json: false };
}

/** MAINTAINER, USER, WORKDIR, STOPSIGNAL: the whole rest is one node. */
function parseString(rest: string): ParsedArgs {
  return rest === '' ? NONE : { args: [rest], json: false };
}

/**
 * A JSON array of strings, or undefined when the text is not a valid JSON
 * array (the caller falls back to the shell form). A valid array with a
 * non-string element is a hard error.
 */
export function parseJSONArray(rest: string): string[] | undefined {
  const text = trimLeftSpace(rest);
  if (!text.startsWith('[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  if (!value.every((v): v is string => typeof v === 'string')) throw new DockerfileError(ERR_NOT_STRING_ARRAY);
  return value;
}

/** RUN, CMD, ENTRYPOINT, SHELL: JSON array, else the whole rest as one node. */
function parseMaybeJSON(rest: string): ParsedArgs {
  if (rest === '') return NONE;
  const arr = parseJSONArray(rest);
  return arr ? { args: arr, json: true } : { args: [rest], json: false };
}

/** ADD, COPY, VOLUME: JSON array, else whitespace separated. */
function parseMaybeJSONToList(rest: string): ParsedArgs {
  const arr = parseJSONArray(rest);
  return arr ? { args: arr, json: true } : parseStringsWhitespaceDelimited(rest);
}

/** HEALTHCHECK: the type word (CMD, NONE, ...), then the rest like CMD. */
function parseHealthConfig(rest: string): ParsedArgs {
  // Go scans bytes here: only ASCII/Latin-1 spaces end the word
  const sp = (i: number) => rest.charCodeAt(i) <= 0xff && isSpace(rest.charCodeAt(i));
  let sep = 0;
  while (sep < rest.length && !sp(sep)) sep++;
  let next = sep;
  while (next < rest.length && sp(next)) next++;
  if (sep === 0) return NONE;
  const cmd = parseMaybeJSON(rest.slice(next));
  return { args: [rest.slice(0, sep), ...cmd.args], json: cmd.json };
}

/** ONBUILD: the rest is an instruction of its own. */
function parseSubCommand(rest: string, esc: string): ParsedArgs {
  if (rest === '') return NONE;
  const child = newNodeFromLine(rest, esc, []);
  return { args: [child.rawKeyword, ...child.args], json: false, next: child };
}

const DISPATCH: Readonly<Record<string, LineParser>> = {
  add: parseMaybeJSONToList,
  arg: parseNameOrNameVal,
  cmd: parseMaybeJSON,
  copy: parseMaybeJSONToList,
  entrypoint: parseMaybeJSON,
  env: (rest, esc) => parseNameVal(rest, 'ENV', esc),
  expose: parseStringsWhitespaceDelimited,
  from: parseStringsWhitespaceDelimited,
  healthcheck: parseHealthConfig,
  label: (rest, esc) => parseNameVal(rest, 'LABEL', esc),
  maintainer: parseString,
  onbuild: parseSubCommand,
  run: parseMaybeJSON,
  shell: parseMaybeJSON,
  stopsignal: parseString,
  user: parseString,
  volume: parseMaybeJSONToList,
  workdir: parseString,
};

/** Unknown instructions parse with one empty argument; conversion rejects them. */
const parseIgnore: LineParser = () => ({ args: [''], json: false });

/** Build one node from a logical line (location fields are filled by the caller). */
export function newNodeFromLine(line: string, escapeToken: string, comments: string[]): DockerfileInstruction {
  const { cmd, flags, rest } = splitCommand(line);
  const keyword = cmd.toLowerCase();
  const fn = Object.prototype.hasOwnProperty.call(DISPATCH, keyword) ? DISPATCH[keyword] : parseIgnore;
  const parsed = fn(rest, escapeToken);
  const node: DockerfileInstruction = {
    keyword,
    rawKeyword: cmd,
    args: parsed.args,
    flags,
    json: parsed.json,
    heredocs: [],
    startLine: 0,
    endLine: 0,
    column: 1,
    original: line,
    comments,
  };
  if (parsed.pairs) node.pairs = parsed.pairs;
  if (parsed.next) node.next = parsed.next;
  return node;
}

const HEREDOC_KEYWORDS = new Set(['add', 'copy', 'run']);

/** RUN/COPY/ADD (also as ONBUILD trigger) in shell form may open heredocs. */
export function canContainHeredoc(node: DockerfileInstruction): boolean {
  const n = node.keyword === 'onbuild' && node.next ? node.next : node;
  return HEREDOC_KEYWORDS.has(n.keyword) && !n.json;
}
