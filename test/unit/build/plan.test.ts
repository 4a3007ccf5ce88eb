import t from 'tap';
import { BuildArgs } from '../../../src/build/args.js';
import { parseInstructions } from '../../../src/build/instructions.js';
import { parseDockerfile } from '../../../src/build/parser.js';
import { declareMetaArgs, parseTriggers, planBuild, type PlanOptions } from '../../../src/build/plan.js';

function plan(text: string, opts: PlanOptions = {}, buildArgs: Record<string, string> = {}) {
  const ast = parseDockerfile(text);
  const { stages, metaArgs } = parseInstructions(ast);
  const args = new BuildArgs(new Map(Object.entries(buildArgs)), new Map());
  declareMetaArgs(metaArgs, args);
  return planBuild(stages, args, opts);
}

const MULTI = `
FROM busybox AS deps
RUN echo deps
FROM golang AS unused
RUN echo never
FROM deps AS build
COPY --from=deps /a /a
FROM alpine AS tools
FROM scratch
COPY --from=build /a /a
RUN --mount=type=bind,from=tools,target=/t true
`;

t.test('only the stages the target needs run, in Dockerfile order', async (t) => {
  const p = plan(MULTI);
  t.same(p.stages.map((s) => s.name || String(s.index)), ['deps', 'build', 'tools', '4']);
  t.equal(p.target.index, 4);
  t.equal(p.totalSteps, 2 + 2 + 1 + 3, 'FROM lines count as steps');
  t.same(p.stages[1].base, { kind: 'stage', index: 0 });
  t.same(p.stages[0].base, { kind: 'image', ref: 'busybox' });
  t.same(p.stages[3].base, { kind: 'scratch' });
});

t.test('--target stops at a stage; an unknown target is Docker\'s error', async (t) => {
  const p = plan(MULTI, { target: 'BUILD' });
  t.same(p.stages.map((s) => s.name), ['deps', 'build']);
  t.throws(() => plan(MULTI, { target: 'nope' }), /failed to reach build target nope in Dockerfile/);
});

t.test('--from by index, by name (case-insensitive), or an image', async (t) => {
  const p = plan('FROM busybox\nFROM alpine AS Two\nFROM scratch\nCOPY --from=0 /a /a\nCOPY --from=two /b /b\nCOPY --from=nginx /c /c\n');
  t.same(p.stages.map((s) => s.index), [0, 1, 2]);
  t.throws(() => plan('FROM busybox\nCOPY --from=0 /a /a\n'), /refers to current or later build stage/);
});

t.test('FROM and --from expand meta args', async (t) => {
  const p = plan('ARG BASE=alpine\nARG SRC=first\nFROM busybox AS first\nFROM ${BASE}:3\nCOPY --from=$SRC /a /a\n', {}, { BASE: 'debian' });
  t.same(p.stages[1].base, { kind: 'image', ref: 'debian:3' });
  t.same(p.stages.map((s) => s.index), [0, 1]);
  t.equal(p.stages[1].from, 'FROM ${BASE}:3', 'the Step line shows FROM as written');
});

t.test('--label adds one LABEL step per label, sorted and quoted', async (t) => {
  const p = plan('FROM busybox\nRUN true\n', { labels: new Map([['z', 'last'], ['a', 'say "hi"']]) });
  const labels = p.target.commands.slice(1);
  t.same(labels.map((c) => c.original), ['LABEL "a"="say \\"hi\\""', 'LABEL "z"="last"']);
  t.equal(p.totalSteps, 4);
});

t.test('an empty Dockerfile is refused', async (t) => {
  t.throws(() => plan('# nothing\n'), /file with no instructions/);
});

t.test('ONBUILD triggers parse like Dockerfile lines; FROM and ONBUILD are refused', async (t) => {
  const cmds = parseTriggers(['COPY . /app', 'RUN make']);
  t.same(cmds.map((c) => c.kind), ['copy', 'run']);
  t.throws(() => parseTriggers(['FROM busybox']), /FROM isn't allowed as an ONBUILD trigger/);
  t.throws(() => parseTriggers(['ONBUILD RUN x']), /ONBUILD/);
});
