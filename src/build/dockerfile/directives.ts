/**
 * Parser directives (`# syntax=`, `# escape=`, `# check=`): buildkit
 * frontend/dockerfile/parser/directives.go.
 */
import { DockerfileError } from './errors.js';

export type DirectiveName = 'syntax' | 'escape' | 'check';

export interface Directive {
  name: DirectiveName;
  value: string;
  /** 1-based line of the directive. */
  line: number;
}

const VALID: ReadonlySet<string> = new Set(['syntax', 'escape', 'check']);

// Go's \s is [\t\n\f\r ] and Go's . also matches \r, hence the explicit classes.
function directiveRegexp(comment: string): RegExp {
  return new RegExp(`^${comment}[\\t\\n\\f\\r ]*([a-zA-Z][a-zA-Z0-9]*)[\\t\\n\\f\\r ]*=[\\t\\n\\f\\r ]*([^\\n]+?)[\\t\\n\\f\\r ]*$`);
}

/**
 * Recognises directives line by line until the first line that is not one
 * (an unknown key also ends the scan, without error).
 */
export class DirectiveParser {
  private line: number;
  private readonly re: RegExp;
  private readonly seen = new Set<string>();
  done = false;

  constructor(startLine = 0, comment = '#') {
    this.line = startLine;
    this.re = directiveRegexp(comment);
  }

  parseLine(text: string): Directive | null {
    this.line++;
    if (this.done) return null;
    const m = this.re.exec(text);
    if (!m) {
      this.done = true;
      return null;
    }
    const name = m[1].toLowerCase();
    if (!VALID.has(name)) {
      this.done = true;
      return null;
    }
    if (this.seen.has(name)) {
      throw new DockerfileError(`only one ${name} parser directive can be used`, { line: this.line });
    }
    this.seen.add(name);
    return { name: name as DirectiveName, value: m[2], line: this.line };
  }

  parseAll(text: string): Directive[] {
    const out: Directive[] = [];
    for (const line of scanLinesStripped(text)) {
      if (this.done) break;
      const d = this.parseLine(line);
      if (d) out.push(d);
    }
    return out;
  }
}

/** bufio.ScanLines: split on \n, drop one trailing \r, no empty last line. */
function scanLinesStripped(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

export interface DetectedDirective {
  /** Value up to the first space (`dockerfile:1` of `dockerfile:1 // opts`). */
  ref: string;
  /** Whole value. */
  cmdline: string;
  line: number;
  ok: boolean;
}

const NOT_FOUND: DetectedDirective = { ref: '', cmdline: '', line: 0, ok: false };

/**
 * The `# syntax=` directive, also accepting `// syntax=` and a JSON object
 * (buildkit DetectSyntax). A `#!` first line is skipped.
 */
export function detectSyntax(text: string): DetectedDirective {
  return findDirective('syntax', text, true);
}

/** Any directive by key, `#` comments only (buildkit ParseDirective). */
export function parseDirective(key: string, text: string): DetectedDirective {
  return findDirective(key, text, false);
}

function findDirective(key: string, text: string, anyFormat: boolean): DetectedDirective {
  let dt = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let line = 0;
  const nl = dt.indexOf('\n');
  const first = nl < 0 ? dt : dt.slice(0, nl);
  if (first.startsWith('#!')) {
    dt = nl < 0 ? '' : dt.slice(nl + 1);
    line = 1;
  }
  const hash = fromParser(key, dt, new DirectiveParser(line, '#'));
  if (hash.ok || !anyFormat) return hash;
  const slashes = fromParser(key, dt, new DirectiveParser(line, '//'));
  if (slashes.ok) return slashes;
  try {
    const obj: unknown = JSON.parse(dt);
    if (typeof obj === 'object' && obj !== null && !Array.isArray(obj)) {
      const v = (obj as Record<string, unknown>)[key];
      if (typeof v === 'string') return { ref: v, cmdline: v, line, ok: true };
    }
  } catch {
    // not JSON: no directive
  }
  return NOT_FOUND;
}

function fromParser(key: string, dt: string, parser: DirectiveParser): DetectedDirective {
  const found: Directive[] = [];
  // buildkit ignores a repeated directive here and keeps what it found before
  for (const line of scanLinesStripped(dt)) {
    if (parser.done) break;
    try {
      const d = parser.parseLine(line);
      if (d) found.push(d);
    } catch {
      break;
    }
  }
  const d = found.find((x) => x.name === key);
  if (!d) return NOT_FOUND;
  const sp = d.value.indexOf(' ');
  return { ref: sp < 0 ? d.value : d.value.slice(0, sp), cmdline: d.value, line: d.line, ok: true };
}
