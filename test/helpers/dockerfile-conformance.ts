// Access to the shared buildkit conformance data (read in place, never copied).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CONFORMANCE_DIR = path.resolve(repoRoot, '../shared/conformance/dockerfile-parser');

export function readText(...parts: string[]): string {
  return readFileSync(path.join(CONFORMANCE_DIR, ...parts), 'utf8');
}

/** Directories holding a Dockerfile + result pair. */
export function positiveCases(): string[] {
  return readdirSync(CONFORMANCE_DIR)
    .filter((d) => statSync(path.join(CONFORMANCE_DIR, d)).isDirectory())
    .filter((d) => {
      try {
        statSync(path.join(CONFORMANCE_DIR, d, 'result'));
        return true;
      } catch {
        return false;
      }
    })
    .sort();
}

export function negativeCases(): string[] {
  return readdirSync(path.join(CONFORMANCE_DIR, 'negative')).sort();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function casesJson(): { groups: Record<string, Json> } {
  return JSON.parse(readText('cases.json')) as { groups: Record<string, Json> };
}

/** cases.json groups checked by parser.test.ts and instructions.test.ts. */
export const PARSER_GROUPS = [
  'parse_words',
  'json_arrays',
  'name_val',
  'line_numbers',
  'empty_continuation_warnings',
  'line_too_long',
  'directives',
  'detect_syntax',
  'parse_directive_check',
  'heredoc_extract',
  'heredoc_json_form',
  'heredoc_word',
  'heredocs_from_line',
];
export const INSTRUCTION_GROUPS = [
  'instruction_arg_count_errors',
  'instruction_node_errors',
  'instruction_error_cases',
  'copy_heredoc',
  'run_heredoc',
  'healthcheck_cmd',
  'doc_comments',
  'run_flags_used',
];
