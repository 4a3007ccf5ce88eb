import t from 'tap';
import { parseDockerfile, type DockerfileInstruction } from '../../../src/build/parser.js';
import {
  parseInstruction,
  parseInstructions,
  parseOptInterval,
  type CopyInstruction,
  type HealthcheckInstruction,
  type Instruction,
  type RunInstruction,
} from '../../../src/build/instructions.js';
import { DockerfileError, formatDockerfileError } from '../../../src/build/parser.js';
import { INSTRUCTION_GROUPS, casesJson, type Json } from '../../helpers/dockerfile-conformance.js';

const groups = casesJson().groups;
let rowsChecked = 0;
const row = () => rowsChecked++;

/** The first instruction of a Dockerfile, converted. */
function first(dockerfile: string): Instruction {
  return parseInstruction(parseDockerfile(dockerfile).instructions[0]);
}

/** A hand-built node, like buildkit's tests build parser.Node values. */
function node(keyword: string, args: string[], extra: Partial<DockerfileInstruction> = {}): DockerfileInstruction {
  return {
    keyword,
    rawKeyword: keyword,
    args,
    flags: [],
    json: false,
    heredocs: [],
    startLine: 1,
    endLine: 1,
    column: 1,
    original: `${keyword} ${args.join(' ')}`,
    comments: [],
    ...extra,
  };
}

t.test('cases.json instruction_arg_count_errors', async (t) => {
  for (const c of groups.instruction_arg_count_errors.cases) {
    row();
    const ast = parseDockerfile(c.dockerfile);
    t.throws(() => parseInstruction(ast.instructions[0]), { message: c.error }, c.dockerfile);
  }
});

t.test('cases.json instruction_node_errors (TestCommandsTooManyArguments, TestCommandsBlankNames)', async (t) => {
  for (const c of groups.instruction_node_errors.cases) {
    row();
    t.throws(() => parseInstruction(node(c.instruction, c.nodes)), { message: c.error }, c.error);
  }
});

t.test('cases.json instruction_error_cases (TestErrorCases, TestErrorCasesHeredoc)', async (t) => {
  for (const c of groups.instruction_error_cases.cases) {
    row();
    const ast = parseDockerfile(c.dockerfile);
    const err = t.throws(() => parseInstruction(ast.instructions[0]), c.name) as DockerfileError;
    t.match(err.message, c.error_contains, c.name);
    t.equal(err.line, 1, `${c.name}: located`);
  }
});

t.test('cases.json copy_heredoc (TestCopyHeredoc)', async (t) => {
  for (const c of groups.copy_heredoc.cases) {
    row();
    const ins = first(c.dockerfile) as CopyInstruction;
    t.equal(ins.kind, 'copy');
    t.equal(ins.dest, c.dest, c.dockerfile);
    t.same(ins.sourcePaths, c.sources, c.dockerfile);
    t.same(ins.sourceContents, c.contents, c.dockerfile);
  }
});

t.test('cases.json run_heredoc (TestRunHeredoc)', async (t) => {
  for (const c of groups.run_heredoc.cases) {
    row();
    const ins = first(c.dockerfile) as RunInstruction;
    t.equal(ins.prependShell, c.prepend_shell, c.dockerfile);
    t.same(ins.cmdLine, c.cmdline, c.dockerfile);
    t.same(ins.files, c.files, c.dockerfile);
  }
});

t.test('cases.json healthcheck_cmd (TestHealthCheckCmd, TestParseOptInterval)', async (t) => {
  const g = groups.healthcheck_cmd;
  for (const c of g.cases) {
    row();
    const ins = parseInstruction(node('healthcheck', c.nodes)) as HealthcheckInstruction;
    t.same(ins.health.test, c.expect_test);
  }
  for (const c of g.interval as Json[]) {
    row();
    if (c.ok) t.doesNotThrow(() => parseOptInterval('interval', c.value), c.value);
    else t.throws(() => parseOptInterval('interval', c.value), { message: new RegExp(c.error_contains) }, c.value);
  }
  t.equal(parseOptInterval('interval', '1m30s'), 90e9);
  t.throws(() => parseOptInterval('interval', '50ns'), { message: 'Interval "interval" cannot be less than 1ms' });
});

t.test('cases.json doc_comments (TestCommentsDetection)', async (t) => {
  const g = groups.doc_comments;
  row();
  const { stages, metaArgs } = parseInstructions(parseDockerfile(g.dockerfile));
  t.equal(stages[0].comment, g.expect.stage0_doc);
  t.same(metaArgs.flatMap((a) => a.args.map((x) => ({ key: x.key, doc: x.comment }))), g.expect.meta_args);
  const cmds = stages[0].commands.map((c) => ({
    args: c.kind === 'arg' ? c.args.map((x) => ({ key: x.key, doc: x.comment })) : [],
  }));
  t.same(cmds, g.expect.stage0_commands);
});

t.test('cases.json run_flags_used (TestRunCmdFlagsUsed)', async (t) => {
  const g = groups.run_flags_used;
  row();
  const ins = first(g.dockerfile) as RunInstruction;
  t.same(ins.flagsUsed, g.expect.flags_used);
  t.same(ins.mounts, ['type=tmpfs,target=/foo/']);
});

t.test('all instruction-level cases.json rows were checked', async (t) => {
  t.equal(rowsChecked, 43);
  t.same(
    INSTRUCTION_GROUPS.filter((name) => groups[name] === undefined),
    [],
  );
});

t.test('unknown instructions suggest the nearest one, in the case typed', async (t) => {
  t.throws(() => first('FORM alpine'), { message: 'unknown instruction: FORM (did you mean FROM?)' });
  t.throws(() => first('form alpine'), { message: 'unknown instruction: form (did you mean from?)' });
  t.throws(() => first('COPPY a b'), { message: 'unknown instruction: COPPY (did you mean COPY?)' });
  t.throws(() => first('XYZZY a'), { message: 'unknown instruction: XYZZY' });
  const text = 'FROM alpine\n\n  FORM alpine\n';
  const err = t.throws(() => parseInstructions(parseDockerfile(text)));
  t.equal(
    formatDockerfileError(err, 'Dockerfile'),
    'Dockerfile:3:3: unknown instruction: FORM (did you mean FROM?)',
  );
  t.equal(
    formatDockerfileError(err, 'Dockerfile', text),
    'Dockerfile:3:3: unknown instruction: FORM (did you mean FROM?)\n 3 | >>>   FORM alpine',
  );
});

t.test('validation errors worded like buildkit', async (t) => {
  const cases: Array<[string, string | RegExp]> = [
    ['FROM', 'FROM requires either one or three arguments'],
    ['FROM a b', 'FROM requires either one or three arguments'],
    ['FROM a AS 1x', 'invalid name for build stage: "1x", name can\'t start with a number or contain symbols'],
    ['FROM --platform a', 'missing a value on flag: --platform'],
    ['FROM --platform linux/amd64 a', 'FROM requires either one or three arguments'],
    ['COPY --form=a b c', 'unknown flag: --form (did you mean from?)'],
    ['COPY --from=a --from=b c d', 'duplicate flag specified: --from'],
    ['COPY --link=maybe a b', 'expecting boolean value for flag --link, not: maybe'],
    ['RUN --network=bridge true', 'invalid network mode "bridge"'],
    ['RUN --security=x true', 'security "x" is not valid'],
    ['SHELL /bin/sh -c', 'SHELL requires the arguments to be in JSON form'],
    ['SHELL []', 'SHELL requires at least one argument'],
    ['VOLUME [""]', 'VOLUME specified can not be an empty string'],
    ['ARG =x', 'ARG names can not be blank'],
    ['ARG', 'ARG requires at least one argument'],
    ['ENV =x', 'ENV names can not be blank'],
    ['ONBUILD MAINTAINER me', "MAINTAINER isn't allowed as an ONBUILD trigger"],
    ['HEALTHCHECK NONE x', 'HEALTHCHECK NONE takes no arguments'],
    ['HEALTHCHECK FOO x', 'Unknown type "FOO" in HEALTHCHECK (try CMD)'],
    ['HEALTHCHECK CMD []', 'Missing command after HEALTHCHECK CMD'],
    ['HEALTHCHECK --retries=-1 CMD x', '--retries cannot be negative (-1)'],
    ['HEALTHCHECK --interval=5 CMD x', 'time: missing unit in duration "5"'],
    ['ADD <<EOF <<EOF2\nEOF\nEOF2', 'ADD cannot accept a heredoc as a destination'],
  ];
  for (const [text, message] of cases) t.throws(() => first(text), { message }, text);
  t.throws(() => parseInstructions(parseDockerfile('RUN true\n')), { message: 'no build stage in current context' });
});

t.test('typed instructions', async (t) => {
  const text = [
    'ARG BASE=alpine',
    'FROM --platform=linux/amd64 ${BASE} AS Build',
    'ENV A=1 B="two words"',
    'ENV OLD value with spaces',
    'LABEL org.example=x',
    'EXPOSE 8080/tcp 443',
    'COPY --from=other --chown=1:1 --chmod=644 --link a b /dst/',
    'ADD --checksum=sha256:00 --keep-git-dir https://x/y.git /src',
    'RUN --mount=type=cache,target=/c --network=none make',
    'HEALTHCHECK --interval=30s --timeout=3s --retries=0 CMD ["curl", "-f", "localhost"]',
    'ENTRYPOINT []',
    'CMD ["serve"]',
    'STOPSIGNAL SIGTERM',
    'ONBUILD RUN <<EOF',
    'echo hi',
    'EOF',
    '',
  ].join('\n');
  const { stages, metaArgs } = parseInstructions(parseDockerfile(text));
  t.same(metaArgs[0].args, [{ key: 'BASE', value: 'alpine', comment: '' }]);
  t.match(stages[0], { name: 'build', baseName: '${BASE}', platform: 'linux/amd64' });
  const [env, env2, label, expose, copy, add, run, health, entry, cmd, stop, onbuild] = stages[0].commands;
  t.match(env, { kind: 'env', env: [{ key: 'A', value: '1', noDelim: false }, { key: 'B', value: '"two words"' }] });
  t.match(env2, { kind: 'env', env: [{ key: 'OLD', value: 'value with spaces', noDelim: true }] });
  t.match(label, { kind: 'label', labels: [{ key: 'org.example', value: 'x' }] });
  t.match(expose, { kind: 'expose', ports: ['443', '8080/tcp'] });
  t.match(copy, { kind: 'copy', from: 'other', chown: '1:1', chmod: '644', link: true, sourcePaths: ['a', 'b'], dest: '/dst/' });
  t.match(add, { kind: 'add', checksum: 'sha256:00', keepGitDir: true, sourcePaths: ['https://x/y.git'] });
  t.match(run, { kind: 'run', network: 'none', mounts: ['type=cache,target=/c'], cmdLine: ['make'], prependShell: true });
  t.match(health, {
    kind: 'healthcheck',
    health: { test: ['CMD', 'curl', '-f', 'localhost'], interval: 30e9, timeout: 3e9, retries: 0 },
  });
  t.match(entry, { kind: 'entrypoint', cmdLine: [], prependShell: false });
  t.match(cmd, { kind: 'cmd', cmdLine: ['serve'], prependShell: false });
  t.match(stop, { kind: 'stopsignal', signal: 'SIGTERM' });
  t.match(onbuild, { kind: 'onbuild', expression: 'RUN <<EOF\necho hi\nEOF' });
  t.equal(onbuild.location.startLine, 14);
  t.equal(onbuild.location.endLine, 16);
});
