/**
 * One error type with stable codes (containerd's errdefs classes).
 * Exit codes are chosen in cli/main.ts only; see exitCodeFor().
 */
export type ErrorCode =
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'CONFLICT'
  | 'UNAVAILABLE'
  | 'UNAUTHORIZED'
  | 'PERMISSION_DENIED'
  | 'CHILD_SETUP'
  | 'NOT_EXECUTABLE'
  | 'COMMAND_NOT_FOUND'
  | 'INTERNAL';

export interface TsrunErrorOptions {
  cause?: unknown;
  hint?: string;
  syscall?: string;
  errno?: string;
  path?: string;
  /** Overrides the exit code chosen from the code (e.g. `rmi` refusing gives 1 like Docker). */
  exitCode?: number;
}

export class TsrunError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly syscall?: string;
  readonly errno?: string;
  readonly path?: string;
  readonly exitCode?: number;

  constructor(code: ErrorCode, message: string, options: TsrunErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TsrunError';
    this.code = code;
    this.hint = options.hint;
    this.syscall = options.syscall;
    this.errno = options.errno;
    this.path = options.path;
    this.exitCode = options.exitCode;
  }
}

export function isTsrunError(err: unknown, code?: ErrorCode): err is TsrunError {
  return err instanceof TsrunError && (code === undefined || err.code === code);
}

/** True for a Node system error with the given errno code (ENOENT, EEXIST, ...). */
export function isErrno(err: unknown, code: string): err is NodeJS.ErrnoException {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}
