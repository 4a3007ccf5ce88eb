// What a Dockerfile fixture's expected.json records: the AST dump (buildkit's
// format), line spans, parser extras and the typed stages (or the error).
import { dumpAst, formatDockerfileError, parseDockerfile } from '../../src/build/parser.js';
import { parseInstructions, type Instruction } from '../../src/build/instructions.js';

export interface FixtureSummary {
  dump?: string[];
  lines?: Array<[number, number]>;
  escapeToken?: string;
  directives?: Record<string, string>;
  warnings?: string[];
  heredocs?: Array<{ line: number; name: string; content: string; expand: boolean; chomp: boolean; fd: number }>;
  metaArgs?: string[];
  stages?: Array<{ name: string; baseName: string; platform: string; commands: Instruction[] }>;
  error?: string;
}

export function summarize(text: string): FixtureSummary {
  const out: FixtureSummary = {};
  try {
    const ast = parseDockerfile(text);
    out.dump = dumpAst(ast).split('\n');
    out.lines = ast.instructions.map((n) => [n.startLine, n.endLine]);
    out.escapeToken = ast.escapeToken;
    out.directives = ast.directives as Record<string, string>;
    out.warnings = ast.warnings;
    out.heredocs = ast.instructions.flatMap((n) => n.heredocs.map((h) => ({ line: n.startLine, ...h })));
    const { stages, metaArgs } = parseInstructions(ast);
    out.metaArgs = metaArgs.flatMap((a) => a.args.map((x) => x.key));
    out.stages = stages.map((s) => ({ name: s.name, baseName: s.baseName, platform: s.platform, commands: s.commands }));
  } catch (err) {
    out.error = formatDockerfileError(err, 'Dockerfile', text);
  }
  return out;
}
