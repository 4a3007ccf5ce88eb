/**
 * Dockerfile text -> instruction nodes with line numbers, faithful to
 * buildkit's frontend/dockerfile/parser (Parse). Pure: no I/O, no expansion.
 */
import type { DockerfileInstruction } from './dockerfile/ast.js';
import { DirectiveParser } from './dockerfile/directives.js';
import { DockerfileError, withLocation } from './dockerfile/errors.js';
import { isSpace, trimLeftSpace, trimSpace, utf8Length } from './dockerfile/gotext.js';
import { canContainHeredoc, newNodeFromLine } from './dockerfile/line-parsers.js';
import { heredocsFromLine, type Heredoc } from './heredoc.js';

export type { DockerfileInstruction, KeyValueArg } from './dockerfile/ast.js';
export type { Heredoc } from './heredoc.js';
export { DockerfileError, formatDockerfileError } from './dockerfile/errors.js';
export { detectSyntax, parseDirective, type DetectedDirective } from './dockerfile/directives.js';
export { parseWords, parseJSONArray } from './dockerfile/line-parsers.js';
export { dumpAst, dumpInstruction } from './dockerfile/dump.js';

export interface ParseWarning {
  /** One-line text, e.g. `Empty continuation line found in: RUN a b`. */
  short: string;
  detail: string;
  url: string;
  line: number;
}

export interface ParsedDockerfile {
  /** `\` or `` ` `` (from `# escape=`). */
  escapeToken: string;
  directives: { syntax?: string; escape?: string; check?: string };
  instructions: DockerfileInstruction[];
  /** Short warning texts (see warningDetails for the rest). */
  warnings: string[];
  warningDetails: ParseWarning[];
}

/** bufio.MaxScanTokenSize - 1: buildkit refuses longer lines. */
export const MAX_LINE_BYTES = 65535;

/** Escape token state: also decides what a line continuation looks like. */
class EscapeState {
  token = '\\';
  continuation = continuationRegExp('\\');

  set(value: string): void {
    if (value !== '`' && value !== '\\') {
      throw new DockerfileError(`invalid escape token '${value}' does not match \` or \\`);
    }
    this.token = value;
    this.continuation = continuationRegExp(value);
  }
}

// An escape token ending the line (trailing blanks allowed) continues it,
// unless it is itself escaped; a token alone on a line also continues.
function continuationRegExp(tok: string): RegExp {
  const t = '\\' + tok;
  return new RegExp(`([^${t}])${t}[ \\t]*$|^${t}[ \\t]*$`);
}

/** Lines with their line endings, like buildkit's scanLines. */
function scanLines(text: string): string[] {
  const lines = text.split('\n').map((l) => l + '\n');
  const last = lines[lines.length - 1];
  if (last === '\n') lines.pop();
  else lines[lines.length - 1] = last.slice(0, -1);
  return lines;
}

function trimNewline(s: string): string {
  return s.replace(/[\r\n]+$/, '');
}

function isComment(s: string): boolean {
  return trimLeftSpace(s).startsWith('#');
}

function leadingSpace(s: string): number {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

const WARN_EMPTY_CONTINUATION = {
  detail: 'Empty continuation lines will become errors in a future release',
  url: 'https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/',
};

/** Parse a Dockerfile. Throws DockerfileError (with line/column) on syntax errors. */
export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = scanLines(text);
  const escape = new EscapeState();
  const directiveParser = new DirectiveParser();
  const directives: ParsedDockerfile['directives'] = {};
  const instructions: DockerfileInstruction[] = [];
  const warningDetails: ParseWarning[] = [];
  let comments: string[] = [];
  let cursor = 0;
  let currentLine = 0;

  const nextLine = (): string | undefined => {
    if (cursor >= lines.length) return undefined;
    const raw = lines[cursor++];
    // Go's scanner buffer holds 64KiB including the newline
    if (utf8Length(raw.endsWith('\n') ? raw.slice(0, -1) : raw) > MAX_LINE_BYTES) {
      throw new DockerfileError(`dockerfile line greater than max allowed size of ${MAX_LINE_BYTES}`, {
        line: cursor,
      });
    }
    return raw;
  };

  // trim the newline (and leading blanks), look for a directive, drop comments
  const processLine = (raw: string, stripLeft: boolean): { text: string; directive: boolean } => {
    let s = trimNewline(raw);
    if (stripLeft) s = trimLeftSpace(s);
    let directive = false;
    try {
      const d = directiveParser.parseLine(s);
      if (d) {
        if (d.name === 'escape') escape.set(d.value);
        directives[d.name] = d.value;
        directive = true;
      }
    } catch (err) {
      throw withLocation(err, { line: currentLine + 1 });
    }
    return { text: isComment(s) ? '' : s, directive };
  };

  const trimContinuation = (s: string): [string, boolean] => {
    if (escape.continuation.test(s)) return [s.replace(escape.continuation, '$1'), false];
    return [s, true];
  };

  for (let raw = nextLine(); raw !== undefined; raw = nextLine()) {
    if (currentLine === 0 && raw.startsWith('\uFEFF')) raw = raw.slice(1);
    if (isComment(raw)) {
      const c = trimSpace(raw.slice(1));
      if (c === '') comments = [];
      else comments.push(c);
    }
    const first = processLine(raw, true);
    if (first.directive) comments.pop();
    currentLine++;
    const startLine = currentLine;
    const column = 1 + leadingSpace(raw);
    let [line, eol] = trimContinuation(first.text);
    if (eol && line === '') continue;

    let hasEmptyContinuation = false;
    while (!eol) {
      const more = nextLine();
      if (more === undefined) break;
      const cont = processLine(more, false);
      currentLine++;
      if (isComment(more)) continue;
      if (trimLeftSpace(cont.text) === '') {
        hasEmptyContinuation = true;
        continue;
      }
      let part: string;
      [part, eol] = trimContinuation(cont.text);
      line += part;
    }
    if (hasEmptyContinuation) {
      warningDetails.push({ short: `Empty continuation line found in: ${line}`, ...WARN_EMPTY_CONTINUATION, line: currentLine });
    }

    let node: DockerfileInstruction;
    try {
      node = newNodeFromLine(line, escape.token, comments);
      if (canContainHeredoc(node) && line.includes('<<')) {
        node.heredocs = heredocsFromLine(line);
      }
    } catch (err) {
      throw withLocation(err, { line: startLine, endLine: currentLine, column });
    }
    for (const h of node.heredocs) readHeredocBody(h);
    node.startLine = startLine;
    node.endLine = currentLine;
    node.column = column;
    if (node.next) Object.assign(node.next, { startLine, endLine: currentLine, column });
    instructions.push(node);
    comments = [];

    // the body runs up to a line equal to the terminator (leading tabs ignored for <<-)
    function readHeredocBody(h: Heredoc): void {
      for (let body = nextLine(); body !== undefined; body = nextLine()) {
        currentLine++;
        let candidate = trimNewline(body);
        if (h.chomp) candidate = candidate.replace(/^\t+/, '');
        if (candidate === h.name) return;
        h.content += body;
      }
      throw new DockerfileError('unterminated heredoc', { line: startLine, endLine: currentLine, column });
    }
  }

  if (instructions.length === 0) {
    throw new DockerfileError('file with no instructions', { line: Math.max(1, currentLine) });
  }
  return {
    escapeToken: escape.token,
    directives,
    instructions,
    warnings: warningDetails.map((w) => w.short),
    warningDetails,
  };
}
