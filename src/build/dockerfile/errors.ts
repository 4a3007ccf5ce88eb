import { TsrunError, type TsrunErrorOptions } from '../../core/errors.js';

/** Where in the Dockerfile an error points to (1-based, like buildkit's ranges). */
export interface SourceLocation {
  line: number;
  endLine?: number;
  column?: number;
}

/**
 * A Dockerfile syntax or validation error. The message is the bare text
 * buildkit prints (e.g. "unknown instruction: FOO"); the location is kept
 * apart so callers can print `Dockerfile:LINE:COL: message`.
 */
export class DockerfileError extends TsrunError {
  line?: number;
  endLine?: number;
  column?: number;

  constructor(message: string, location?: SourceLocation, options: TsrunErrorOptions = {}) {
    super('INVALID_ARGUMENT', message, options);
    this.name = 'DockerfileError';
    if (location) setLocation(this, location);
  }
}

function setLocation(err: DockerfileError, loc: SourceLocation): void {
  err.line = loc.line;
  err.endLine = Math.max(loc.endLine ?? loc.line, loc.line);
  err.column = loc.column ?? 1;
}

/**
 * Attach a location unless the error already has one (buildkit's
 * WithLocation keeps the innermost location too).
 */
export function withLocation(err: unknown, loc: SourceLocation): unknown {
  if (err instanceof DockerfileError) {
    if (err.line === undefined) setLocation(err, loc);
    return err;
  }
  if (err instanceof TsrunError) {
    return new DockerfileError(err.message, loc, { cause: err });
  }
  return err;
}

/**
 * `Dockerfile:3:1: unknown instruction: FORM (did you mean FROM?)`; when the
 * Dockerfile text is given, the offending lines follow, marked like buildkit
 * marks them (`>>>`).
 */
export function formatDockerfileError(err: unknown, fileName = 'Dockerfile', text?: string): string {
  const message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof DockerfileError) || err.line === undefined) {
    return `${fileName}: ${message}`;
  }
  const head = `${fileName}:${err.line}:${err.column ?? 1}: ${message}`;
  if (text === undefined) return head;
  const lines = text.split('\n');
  const last = Math.min(err.endLine ?? err.line, err.line + 4, lines.length);
  const width = String(last).length;
  const shown: string[] = [];
  for (let n = err.line; n <= last; n++) {
    shown.push(` ${String(n).padStart(width)} | >>> ${lines[n - 1].replace(/\r$/, '')}`);
  }
  return [head, ...shown].join('\n');
}
