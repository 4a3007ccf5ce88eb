/**
 * Dockerfile stages -> what this build runs (pure): meta ARGs, which stages
 * the target needs (its base and every COPY --from / RUN --mount from=,
 * transitively), the step count, `--label` steps, and ONBUILD triggers.
 */
import { TsrunError } from '../core/errors.js';
import type { BuildArgs } from './args.js';
import { DockerfileError, withLocation } from './dockerfile/errors.js';
import { expandWord } from './expand.js';
import { parseInstruction, type ArgInstruction, type Command, type LabelInstruction, type Stage } from './instructions.js';
import { parseRunMount } from './mount-spec.js';
import { parseDockerfile } from './parser.js';

export type StageBase =
  | { kind: 'scratch' }
  | { kind: 'stage'; index: number }
  | { kind: 'image'; ref: string };

export interface PlannedStage {
  /** Position in the Dockerfile (what `--from=N` counts). */
  index: number;
  name: string;
  base: StageBase;
  /** Expanded `--platform`, '' when not given. */
  platform: string;
  /** The FROM line as the Step line prints it. */
  from: string;
  commands: Command[];
  location: Stage['location'];
}

export interface BuildPlan {
  /** The stages to run, in Dockerfile order. */
  stages: PlannedStage[];
  /** The stage whose result is the image. */
  target: PlannedStage;
  totalSteps: number;
}

export interface PlanOptions {
  target?: string;
  labels?: ReadonlyMap<string, string>;
  escapeToken?: string;
}

/** ARGs before the first FROM, in order; each default expands with the ones before it. */
export function declareMetaArgs(metaArgs: readonly ArgInstruction[], args: BuildArgs, escapeToken = '\\'): void {
  for (const ins of metaArgs) {
    for (const a of ins.args) {
      const value = a.value === undefined ? undefined : locate(ins, () => expandWord(a.value as string, args.metaEnv(), escapeToken));
      args.declareMeta(a.key, value);
    }
  }
}

function locate<T>(ins: { location: Stage['location'] }, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw withLocation(err, { line: ins.location.startLine, endLine: ins.location.endLine, column: ins.location.column });
  }
}

/** `--from` / `from=` value -> an earlier stage, or undefined for an image. */
export function findStage(stages: readonly { index: number; name: string }[], ref: string, before: number): number | undefined {
  if (/^\d+$/.test(ref)) {
    const n = Number(ref);
    if (n >= before) throw new TsrunError('INVALID_ARGUMENT', `invalid from flag value ${ref}: refers to current or later build stage`);
    return n;
  }
  const lower = ref.toLowerCase();
  return stages.find((s) => s.index < before && s.name !== '' && s.name === lower)?.index;
}

function fromRefs(cmd: Command, env: ReadonlyMap<string, string>, esc: string): string[] {
  if (cmd.kind === 'copy' && cmd.from) return [expandWord(cmd.from, env, esc)];
  if (cmd.kind === 'run') return cmd.mounts.map((m) => parseRunMount(m).from).filter((f) => f !== '').map((f) => expandWord(f, env, esc));
  return [];
}

/** One LABEL step per --label, sorted, quoted like Docker's addNodesForLabelOption. */
function labelSteps(labels: ReadonlyMap<string, string>, at: Stage['location']): LabelInstruction[] {
  return [...labels.keys()].sort().map((key) => {
    const k = JSON.stringify(key);
    const v = JSON.stringify(labels.get(key) ?? '');
    return { kind: 'label', location: at, original: `LABEL ${k}=${v}`, labels: [{ key: k, value: v, noDelim: false }] };
  });
}

export function planBuild(stages: readonly Stage[], args: BuildArgs, opts: PlanOptions = {}): BuildPlan {
  const esc = opts.escapeToken ?? '\\';
  const env = args.metaEnv();
  if (stages.length === 0) throw new DockerfileError('file with no instructions');
  const planned: PlannedStage[] = stages.map((s, index) => {
    const baseName = locate(s, () => expandWord(s.baseName, env, esc));
    const platform = locate(s, () => expandWord(s.platform, env, esc));
    if (baseName === '') throw withLocation(new DockerfileError('base name (' + s.baseName + ') should not be blank'), { line: s.location.startLine });
    const stageIndex = findStage(stages.map((x, i) => ({ index: i, name: x.name })), baseName, index);
    const base: StageBase = baseName.toLowerCase() === 'scratch' ? { kind: 'scratch' }
      : stageIndex !== undefined ? { kind: 'stage', index: stageIndex } : { kind: 'image', ref: baseName };
    const from = ['FROM', s.platform ? `--platform=${s.platform}` : '', s.baseName, s.name ? `AS ${s.name}` : ''].filter(Boolean).join(' ');
    return { index, name: s.name, base, platform, from, commands: [...s.commands], location: s.location };
  });
  let target = planned[planned.length - 1];
  if (opts.target) {
    const found = planned.find((s) => s.name === opts.target?.toLowerCase());
    if (!found) throw new TsrunError('INVALID_ARGUMENT', `failed to reach build target ${opts.target} in Dockerfile`);
    target = found;
  }
  if (opts.labels?.size) target.commands.push(...labelSteps(opts.labels, target.location));
  const needed = new Set<number>();
  const visit = (s: PlannedStage) => {
    if (needed.has(s.index)) return;
    needed.add(s.index);
    if (s.base.kind === 'stage') visit(planned[s.base.index]);
    for (const cmd of s.commands) {
      for (const ref of locate(cmd, () => fromRefs(cmd, env, esc))) {
        const i = locate(cmd, () => findStage(planned, ref, s.index));
        if (i !== undefined) visit(planned[i]);
      }
    }
  };
  visit(target);
  const run = planned.filter((s) => needed.has(s.index) && s.index <= target.index);
  return { stages: run, target, totalSteps: run.reduce((n, s) => n + 1 + s.commands.length, 0) };
}

/** ONBUILD triggers from a base image's config -> commands (FROM, ONBUILD, MAINTAINER refused). */
export function parseTriggers(expressions: readonly string[]): Command[] {
  return expressions.map((expr) => {
    const ast = parseDockerfile(expr);
    if (ast.instructions.length !== 1) throw new TsrunError('INVALID_ARGUMENT', 'onbuild trigger should be a single expression');
    const ins = parseInstruction(ast.instructions[0]);
    if (ins.kind === 'from' || ins.kind === 'onbuild' || ins.kind === 'maintainer') {
      throw new TsrunError('INVALID_ARGUMENT', `${ins.kind.toUpperCase()} isn't allowed as an ONBUILD trigger`);
    }
    return ins;
  });
}
