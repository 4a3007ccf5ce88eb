/**
 * buildkit's Node.Dump(): the s-expression text its parser tests compare
 * against (`(from "alpine")`, `(copy ["--from=a"] "x" "/y")`).
 */
import type { DockerfileInstruction } from './ast.js';
import { goQuote, trimSpace } from './gotext.js';

/** One instruction without the surrounding parentheses. */
export function dumpInstruction(node: DockerfileInstruction): string {
  let s = node.keyword;
  if (node.flags.length > 0) s += ` [${node.flags.map(goQuote).join(' ')}]`;
  if (node.next) {
    s += ' ' + `(${dumpInstruction(node.next)})`;
  } else {
    for (const a of node.args) s += ' ' + goQuote(a);
  }
  return trimSpace(s);
}

/** The whole AST, one `(...)` line per instruction, no trailing newline. */
export function dumpAst(ast: { instructions: readonly DockerfileInstruction[] }): string {
  return trimSpace(ast.instructions.map((n) => `(${dumpInstruction(n)})\n`).join(''));
}
