import t from 'tap';
import { BuildArgs, platformArgs } from '../../../src/build/args.js';
import { declareMetaArgs } from '../../../src/build/plan.js';
import { parseInstructions } from '../../../src/build/instructions.js';
import { parseDockerfile } from '../../../src/build/parser.js';

const given = (o: Record<string, string | undefined>) => new Map(Object.entries(o));
const noAuto = new Map<string, string>();

t.test('meta args: defaults expand in order, --build-arg overrides', async (t) => {
  const args = new BuildArgs(given({ TAG: '1.36' }), noAuto);
  const { metaArgs } = parseInstructions(parseDockerfile('ARG REPO=busybox\nARG TAG=latest\nARG IMAGE=$REPO:$TAG\nFROM $IMAGE\n'));
  declareMetaArgs(metaArgs, args);
  t.same(Object.fromEntries(args.metaEnv()), { REPO: 'busybox', TAG: '1.36', IMAGE: 'busybox:1.36' });
});

t.test('a stage sees an arg only after declaring it; a bare ARG takes the meta value', async (t) => {
  const args = new BuildArgs(given({}), noAuto);
  args.declareMeta('VERSION', '2');
  const stage = args.newStage();
  t.equal(stage.value('VERSION'), undefined, 'meta args are not in scope before ARG');
  t.same([...stage.allowed([])], []);
  stage.declare('VERSION', undefined);
  t.equal(stage.value('VERSION'), '2');
  stage.declare('LOCAL', 'x');
  t.same(Object.fromEntries(stage.allowed([])), { VERSION: '2', LOCAL: 'x' });
  t.equal(args.newStage().value('LOCAL'), undefined, 'the next stage starts empty');
});

t.test('--build-arg beats the default; ENV beats both', async (t) => {
  const args = new BuildArgs(given({ A: 'cli' }), noAuto);
  const stage = args.newStage();
  stage.declare('A', 'default');
  stage.declare('B', 'b');
  t.equal(stage.value('A'), 'cli');
  t.same(Object.fromEntries(stage.allowed(['B=env'])), { A: 'cli' }, 'an arg that ENV sets is not passed');
  t.same(Object.fromEntries(stage.expansionEnv(['B=env'])), { A: 'cli', B: 'env' });
});

t.test('an arg declared without value and not given has no value', async (t) => {
  const stage = new BuildArgs(given({}), noAuto).newStage();
  stage.declare('EMPTY', undefined);
  t.equal(stage.value('EMPTY'), undefined);
  t.same([...stage.allowed([])], []);
});

t.test('proxy args need no declaration and stay out of the records unless declared', async (t) => {
  const args = new BuildArgs(given({ http_proxy: 'http://p:3128', NOPE: 'x' }), noAuto);
  const stage = args.newStage();
  t.same(Object.fromEntries(stage.allowed([])), { http_proxy: 'http://p:3128' });
  t.notOk(stage.isRecorded('http_proxy'));
  t.same(args.unconsumed(), ['NOPE'], 'proxies are never reported unused');
  stage.declare('http_proxy', undefined);
  t.ok(stage.isRecorded('http_proxy'));
  t.same(args.unconsumed(), ['NOPE']);
});

t.test('automatic platform args exist in the global scope and come into a stage by ARG', async (t) => {
  const auto = platformArgs({ os: 'linux', architecture: 'arm64', variant: 'v8' });
  t.equal(auto.get('TARGETPLATFORM'), 'linux/arm64/v8');
  t.equal(auto.get('BUILDARCH'), 'arm64');
  const args = new BuildArgs(given({}), auto);
  t.equal(args.metaEnv().get('TARGETOS'), 'linux');
  const stage = args.newStage();
  t.equal(stage.value('TARGETARCH'), undefined);
  stage.declare('TARGETARCH', undefined);
  t.equal(stage.value('TARGETARCH'), 'arm64');
});
