import t, { type Test } from 'tap';
import {
  dumpAst,
  parseDockerfile,
  parseJSONArray,
  parseWords,
  detectSyntax,
  parseDirective,
  DockerfileError,
  formatDockerfileError,
} from '../../../src/build/parser.js';
import { DirectiveParser } from '../../../src/build/dockerfile/directives.js';
import { chompHeredocContent, heredocsFromLine, parseHeredocWord } from '../../../src/build/heredoc.js';
import {
  INSTRUCTION_GROUPS,
  PARSER_GROUPS,
  casesJson,
  negativeCases,
  positiveCases,
  readText,
  type Json,
} from '../../helpers/dockerfile-conformance.js';

const groups = casesJson().groups;
let rowsChecked = 0;
const row = () => rowsChecked++;

t.test('buildkit testfiles: dump matches result byte for byte', async (t) => {
  const dirs = positiveCases();
  t.equal(dirs.length, 33, 'all 33 corpus directories found');
  for (const dir of dirs) {
    const parsed = parseDockerfile(readText(dir, 'Dockerfile'));
    t.equal(dumpAst(parsed) + '\n', readText(dir, 'result'), dir);
  }
});

t.test('buildkit testfiles-negative: parsing fails', async (t) => {
  const expected: Record<string, RegExp> = {
    empty_dockerfile: /^file with no instructions$/,
    only_comments: /^file with no instructions$/,
    env_no_value: /^ENV must have two arguments$/,
    'shykes-nested-json': /^when using JSON array syntax, arrays must be comprised of strings only$/,
  };
  const dirs = negativeCases();
  t.same(dirs, Object.keys(expected).sort(), 'the 4 negative cases');
  for (const dir of dirs) {
    t.throws(() => parseDockerfile(readText('negative', dir, 'Dockerfile')), { message: expected[dir] }, dir);
  }
});

t.test('testfile-line: start and end lines', async (t) => {
  const parsed = parseDockerfile(readText('line-numbers', 'Dockerfile'));
  t.same(
    parsed.instructions.map((n) => [n.startLine, n.endLine]),
    [
      [5, 5],
      [11, 12],
      [17, 31],
    ],
  );
});

t.test('errors carry a location', async (t) => {
  const err = t.throws(() => parseDockerfile('FROM a\n\nENV PATH\n')) as DockerfileError;
  t.equal(err.line, 3);
  t.equal(err.column, 1);
  t.equal(err.code, 'INVALID_ARGUMENT');
});

t.test('cases.json: every group is covered by parser or instructions tests', async (t) => {
  t.same(Object.keys(groups).sort(), [...PARSER_GROUPS, ...INSTRUCTION_GROUPS].sort());
});

t.test('cases.json parse_words (TestParseWords)', async (t) => {
  for (const c of groups.parse_words.cases) {
    row();
    t.same(parseWords(c.input), c.expect, c.input);
  }
});

const JSON_KEYWORDS = ['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'ADD', 'COPY', 'VOLUME'];

t.test('cases.json json_arrays (TestJSONArraysOfStrings)', async (t) => {
  const g = groups.json_arrays;
  for (const c of g.valid) {
    row();
    t.same(parseJSONArray(c.input), c.expect, `parseJSON ${c.input}`);
    const ast = parseDockerfile(`CMD ${c.input}\n`);
    t.same(ast.instructions[0].args, c.expect, `CMD ${c.input}`);
    t.equal(ast.instructions[0].json, true);
  }
  for (const input of g.invalid_not_string_array as string[]) {
    row();
    for (const kw of JSON_KEYWORDS) {
      t.throws(() => parseDockerfile(`${kw} ${input}\n`), { message: /arrays must be comprised of strings only/ }, `${kw} ${input}`);
    }
  }
});

t.test('cases.json name_val (TestParseNameVal*)', async (t) => {
  for (const c of groups.name_val.cases) {
    row();
    const text = `${c.instruction} ${c.args}\n`;
    if (c.expect_error) {
      t.throws(() => parseDockerfile(text), { message: c.expect_error }, text);
    } else {
      t.same(parseDockerfile(text).instructions[0].args, c.expect_nodes, text);
    }
  }
});

t.test('cases.json line_numbers (TestParseIncludesLineNumbers)', async (t) => {
  const g = groups.line_numbers;
  row();
  const ins = parseDockerfile(readText(g.file)).instructions;
  t.equal(ins[0].startLine, g.expect.root_start);
  t.equal(ins[ins.length - 1].endLine, g.expect.root_end);
  t.same(ins.map((n) => [n.startLine, n.endLine]), g.expect.children);
});

t.test('cases.json empty_continuation_warnings', async (t) => {
  const g = groups.empty_continuation_warnings;
  row();
  const parsed = parseDockerfile(g.dockerfile);
  t.equal(parsed.warnings.length, g.expect.warning_count);
  g.expect.warnings_contain.forEach((parts: string[], i: number) => {
    for (const p of parts) t.match(parsed.warnings[i], p);
  });
  t.match(parsed.warningDetails[0].detail, g.expect.first_warning_detail_contains);
});

t.test('cases.json line_too_long (TestParseReturnsScannerErrors)', async (t) => {
  const g = groups.line_too_long;
  row();
  const text = g.dockerfile_template.replace('{LABEL}', 'a'.repeat(g.label_repeat));
  t.throws(() => parseDockerfile(text), { message: g.expect_error, line: 3 });
  // the limit itself is fine
  const ok = g.dockerfile_template.replace('{LABEL}', 'a'.repeat(65535 - '\t\tLABEL test='.length));
  t.equal(parseDockerfile(ok).instructions.length, 2);
});

t.test('cases.json directives (TestDirectives)', async (t) => {
  for (const c of groups.directives.cases) {
    row();
    const found = new DirectiveParser().parseAll(c.text).map((d) => ({ name: d.name, value: d.value }));
    t.same(found, c.expect);
    const parsed = parseDockerfile(c.text + 'FROM scratch\n');
    t.equal(parsed.directives.escape, c.expect[0].value);
  }
});

function checkDetected(t: Test, got: Json, expect: Json, label: string): void {
  t.equal(got.ok, expect.ok, label);
  if (expect.ref !== undefined) t.equal(got.ref, expect.ref, `${label} ref`);
  if (expect.cmdline !== undefined) t.equal(got.cmdline, expect.cmdline, `${label} cmdline`);
  if (expect.line !== undefined) t.equal(got.line, expect.line, `${label} line`);
}

t.test('cases.json detect_syntax (TestDetectSyntax, TestDetectSyntaxBOM)', async (t) => {
  for (const c of groups.detect_syntax.cases) {
    row();
    const text = c.text ?? '\uFEFF' + c.text_utf8_bom_prefixed;
    checkDetected(t, detectSyntax(text), c.expect, JSON.stringify(text));
  }
});

t.test('cases.json parse_directive_check (TestParseDirective)', async (t) => {
  for (const c of groups.parse_directive_check.cases) {
    row();
    const got = parseDirective('check', c.text);
    checkDetected(t, { ...got, ref: got.ref }, { ...c.expect, ref: c.expect.value }, JSON.stringify(c.text));
  }
});

t.test('cases.json heredoc_extract (TestParseExtractsHeredoc)', async (t) => {
  const g = groups.heredoc_extract;
  const ins = parseDockerfile(g.dockerfile).instructions;
  t.equal(ins.length, g.expect_children.length + 1);
  g.expect_children.forEach((expect: Json, i: number) => {
    row();
    const child = ins[i + 1];
    t.same(child.heredocs, expect ?? [], `child ${i + 1}: ${child.original}`);
  });
  t.equal(ins[4].keyword, 'invalid', 'USER does not take heredocs');
});

t.test('cases.json heredoc_json_form (TestParseJSONHeredoc)', async (t) => {
  const g = groups.heredoc_json_form;
  row();
  const ins = parseDockerfile(g.dockerfile).instructions;
  for (const i of g.expect_no_heredocs_children) t.same(ins[i].heredocs, [], ins[i].original);
});

t.test('cases.json heredoc_word (TestParseHeredocHelpers, TestHeredocChomp)', async (t) => {
  const g = groups.heredoc_word;
  for (const w of g.valid) {
    row();
    t.equal(parseHeredocWord(w)?.name, 'EOF', w);
  }
  for (const w of g.invalid) {
    row();
    t.throws(() => parseHeredocWord(w), w);
  }
  for (const w of g.not_heredoc) {
    row();
    t.equal(parseHeredocWord(w), null, JSON.stringify(w));
  }
  for (const c of g.chomp) {
    row();
    t.equal(chompHeredocContent(c.input), c.expect);
  }
});

t.test('cases.json heredocs_from_line (TestHeredocsFromLine)', async (t) => {
  for (const c of groups.heredocs_from_line.cases) {
    row();
    t.same(heredocsFromLine(c.line).map((h) => h.name), c.names, c.line);
  }
});

t.test('all parser-level cases.json rows were checked', async (t) => {
  const expected = PARSER_GROUPS.reduce((n, name) => n + groupRows(groups[name]), 0);
  t.equal(rowsChecked, expected);
  t.equal(expected, 106);
});

function groupRows(g: Json): number {
  let n = 0;
  for (const [k, v] of Object.entries(g as Record<string, unknown>)) {
    if (k === 'source' || k === 'about') continue;
    if (k === 'expect_children') n += (v as unknown[]).length;
    else if (Array.isArray(v) && ['cases', 'valid', 'invalid', 'not_heredoc', 'chomp', 'invalid_not_string_array', 'interval'].includes(k)) n += v.length;
  }
  return n === 0 ? 1 : n;
}

t.test('parser edge cases', async (t) => {
  t.throws(() => parseDockerfile('# escape=x\nFROM a\n'), {
    message: "invalid escape token 'x' does not match ` or \\",
    line: 1,
  });
  t.throws(() => parseDockerfile('# escape=\\\n# escape=`\nFROM a\n'), {
    message: 'only one escape parser directive can be used',
    line: 2,
  });
  t.throws(() => parseDockerfile('FROM a\nRUN <<EOF\necho hi\n'), { message: 'unterminated heredoc', line: 2, endLine: 3 });
  t.throws(() => parseDockerfile(''), { message: 'file with no instructions', line: 1 });

  const crlf = parseDockerfile('\uFEFFFROM a\r\nRUN b \\\r\n c\r\nCOPY <<EOF /x\r\nbody\r\nEOF\r\n');
  t.equal(dumpAst(crlf), '(from "a")\n(run "b  c")\n(copy "<<EOF" "/x")');
  t.equal(crlf.instructions[2].heredocs[0].content, 'body\r\n', 'heredoc bodies are kept byte for byte');

  const mixed = parseDockerfile('From a\ncOpY --from=b x y\nONBUILD COPY --from=x a b\n');
  t.same(mixed.instructions.map((n) => [n.keyword, n.rawKeyword]), [
    ['from', 'From'],
    ['copy', 'cOpY'],
    ['onbuild', 'ONBUILD'],
  ]);
  t.equal(dumpAst(mixed).split('\n')[2], '(onbuild (copy ["--from=x"] "a" "b"))');
  t.same(mixed.instructions[2].args, ['COPY', 'a', 'b']);
  t.equal(mixed.instructions[2].next?.keyword, 'copy');

  const env = parseDockerfile('FROM a\nENV A=1 B="2 3"\nENV C four five\n').instructions;
  t.same(env[1].pairs, [
    { key: 'A', value: '1', hasEquals: true },
    { key: 'B', value: '"2 3"', hasEquals: true },
  ]);
  t.same(env[2].pairs, [{ key: 'C', value: 'four five', hasEquals: false }]);

  // with the backtick escape, a trailing backslash is an ordinary character
  const bt = parseDockerfile('# escape=`\nFROM a\nRUN dir c:\\\nRUN a `\n  b\n');
  t.equal(bt.escapeToken, '`');
  t.equal(dumpAst(bt), '(from "a")\n(run "dir c:\\\\")\n(run "a   b")');

  t.equal(formatDockerfileError(new Error('boom'), 'Dockerfile'), 'Dockerfile: boom');
  t.equal(parseDockerfile('FROM a\n   RUN x\n').instructions[1].column, 4);
});
