import type { Heredoc } from '../heredoc.js';

/** `key=value` argument of ENV/LABEL. */
export interface KeyValueArg {
  key: string;
  /** Raw value: quotes and escapes are removed later, at expansion time. */
  value: string;
  /** False for the old `ENV key value` form. */
  hasEquals: boolean;
}

/**
 * One parsed instruction (buildkit's parser.Node): what the parser knows
 * before any validation or variable expansion.
 */
export interface DockerfileInstruction {
  /** Instruction name, lower case (`from`, `run`, ...). */
  keyword: string;
  /** Instruction name as written (`From`): error messages quote it. */
  rawKeyword: string;
  /**
   * Argument nodes as buildkit yields them: the shell form is one string,
   * the JSON form its elements, ENV/LABEL `key, value, "=" | ""` triples,
   * ONBUILD the nested keyword followed by its arguments.
   */
  args: string[];
  /** Leading `--flag=value` words, quotes removed; a bare `--` is dropped. */
  flags: string[];
  /** Arguments were written as a JSON array (exec form). */
  json: boolean;
  heredocs: Heredoc[];
  /** 1-based first and last line, continuation and heredoc lines included. */
  startLine: number;
  endLine: number;
  /** 1-based column where the instruction starts. */
  column: number;
  /** The logical line: continuations joined, comment lines dropped. */
  original: string;
  /** `#` comment lines directly above the instruction (doc comments). */
  comments: string[];
  /** ENV/LABEL arguments as pairs (the same data as the triples in args). */
  pairs?: KeyValueArg[];
  /** ONBUILD: the trigger instruction. */
  next?: DockerfileInstruction;
}
