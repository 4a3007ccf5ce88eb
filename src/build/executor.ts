/**
 * Runs a build plan stage by stage, step by step, printing what Docker's
 * classic builder prints (`Step N/M : ...`, ` ---> Using cache`, ` ---> <id>`)
 * plus each step's time. A step is looked up in the cache once prepared and
 * executed only on a miss; every result is recorded for the next build.
 */
import { mkdir, rm } from 'node:fs/promises';
import { scratchPath } from '../core/scratch.js';
import { DEFAULT_PATH } from '../container/process-args.js';
import { hostPlatform, type ContainerConfig, type ImageConfig } from '../oci/image.js';
import { parsePlatform } from '../oci/platform.js';
import type { BuildArgs } from './args.js';
import { BuildCache, cacheKey, type StepSummary } from './cache.js';
import { commitChild, type ImageState } from './commit.js';
import type { BuildContext } from './context.js';
import { DockerfileError, withLocation } from './dockerfile/errors.js';
import { ShellExpansionError } from './expand.js';
import { createExpander } from './expander.js';
import { explainMiss } from './explain.js';
import { ImageSources, stateOf, type ImageSourceDeps, type PullFunction } from './image-sources.js';
import type { Command } from './instructions.js';
import { applyMeta, isMetaCommand } from './meta-steps.js';
import { findStage, parseTriggers, type BuildPlan, type PlannedStage } from './plan.js';
import type { RunNetwork } from './run-container.js';
import { SourceHasher } from './source-hash.js';
import type { PreparedStep, StageState, StepContext, StepDeps, TreeSource } from './step.js';
import { prepareCopy } from './step-copy.js';
import { prepareRun } from './step-run.js';
import { prepareWorkdir } from './step-workdir.js';

export type BuildDeps = StepDeps & ImageSourceDeps;

export interface BuildHooks {
  /** One line of build output (no newline). */
  print(line: string): void;
  /** Where RUN output goes. */
  stdout: number;
  stderr: number;
  pull: PullFunction;
}

export interface ExecuteOptions {
  noCache: boolean;
  pull: boolean;
  network: RunNetwork;
  explainCache: boolean;
  escapeToken: string;
}

const shortId = (id: string | undefined) => (id ? id.slice(7, 19) : '');

function withDefaultPath(config: ImageConfig): ImageConfig {
  const env = config.config?.Env ?? [];
  if (env.some((e) => e.startsWith('PATH='))) return config;
  return { ...config, config: { ...config.config, Env: [...env, DEFAULT_PATH] } };
}

function scratchState(platform: string): ImageState {
  const p = platform ? parsePlatform(platform) : hostPlatform();
  return {
    id: undefined,
    config: { architecture: p.architecture, os: p.os, ...(p.variant ? { variant: p.variant } : {}), config: {}, rootfs: { type: 'layers', diff_ids: [] }, history: [] },
    layers: [],
  };
}

export class Executor {
  private step = 0;
  private readonly results = new Map<number, ImageState>();
  private readonly scratchDirs: string[] = [];
  private readonly cache: BuildCache;
  private readonly sources: ImageSources;
  private readonly context: TreeSource;

  constructor(
    private readonly deps: BuildDeps,
    private readonly plan: BuildPlan,
    private readonly args: BuildArgs,
    context: BuildContext,
    private readonly opts: ExecuteOptions,
    private readonly hooks: BuildHooks,
  ) {
    this.cache = new BuildCache(deps.paths, deps.content, deps.layers);
    this.sources = new ImageSources(deps, deps.sys, hooks.pull, opts.pull);
    this.context = { tree: context.tree, isContext: true, preserveOwner: false, hasher: new SourceHasher(context.tree) };
  }

  /** Builds every planned stage; resolves to the target stage's image. */
  async run(): Promise<ImageState> {
    try {
      for (const stage of this.plan.stages) this.results.set(stage.index, await this.runStage(stage));
      return this.results.get(this.plan.target.index) as ImageState;
    } finally {
      for (const dir of this.scratchDirs) await rm(dir, { recursive: true, force: true });
    }
  }

  private async runStage(stage: PlannedStage): Promise<ImageState> {
    const started = performance.now();
    this.hooks.print(`Step ${++this.step}/${this.plan.totalSteps} : ${stage.from}`);
    const base = await this.baseOf(stage);
    this.hooks.print(` ---> ${base.id ? shortId(base.id) : 'scratch'}${this.elapsed(started)}`);
    const state: StageState = { image: { ...base, config: withDefaultPath(base.config) }, args: this.args.newStage(), cmdSet: false };
    const triggers = base.config.config?.OnBuild ?? [];
    const baseName = stage.base.kind === 'image' ? stage.base.ref : stage.base.kind;
    let rebuilt: string | undefined;
    if (triggers.length) {
      // triggers run here once and are not inherited by this image
      state.image = { ...state.image, config: { ...state.image.config, config: { ...state.image.config.config, OnBuild: null } } };
      this.hooks.print(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}`);
      for (const [i, cmd] of parseTriggers(triggers).entries()) {
        this.hooks.print(`Trigger ${i + 1}/${triggers.length} : ${cmd.original.trim()}`);
        rebuilt = await this.runStep(stage, state, cmd, `trigger ${i + 1}`, rebuilt, baseName);
      }
    }
    for (const cmd of stage.commands) {
      const n = ++this.step;
      this.hooks.print(`Step ${n}/${this.plan.totalSteps} : ${cmd.original.trim()}`);
      rebuilt = await this.runStep(stage, state, cmd, `step ${n}`, rebuilt, baseName);
    }
    // no step committed: the stage is its base as it was (PATH default and all)
    return state.image.id === base.id ? base : state.image;
  }

  private async baseOf(stage: PlannedStage): Promise<ImageState> {
    if (stage.base.kind === 'scratch') return scratchState(stage.platform);
    if (stage.base.kind === 'stage') return this.results.get(stage.base.index) as ImageState;
    return stateOf(await this.sources.image(stage.base.ref, stage.platform));
  }

  private elapsed(since: number): string {
    return ` (${((performance.now() - since) / 1000).toFixed(2)}s)`;
  }

  /** One step; returns the label of the last rebuilt step (for --explain-cache). */
  private async runStep(stage: PlannedStage, state: StageState, cmd: Command, label: string, rebuilt: string | undefined, baseName: string): Promise<string | undefined> {
    const started = performance.now();
    try {
      const prepared = await this.prepare(stage, state, cmd);
      const parent = state.image.id ?? `scratch:${state.image.config.os}/${state.image.config.architecture}`;
      const summary: StepSummary = {
        original: cmd.original.trim(), createdBy: prepared.createdBy, args: prepared.args, sources: prepared.sources,
        ...(prepared.sourcesTruncated ? { sourcesTruncated: true } : {}), extra: prepared.extra,
      };
      const key = cacheKey({ parent, createdBy: prepared.createdBy, args: prepared.args, sources: prepared.sources, extra: prepared.extra });
      const hit = this.opts.noCache ? undefined : await this.cache.lookup(parent, key);
      if (this.opts.explainCache) {
        const why = hit ? 'hit' : `miss: ${explainMiss(summary, key, await this.cache.candidates(parent), {
          noCache: this.opts.noCache, parent, ...(rebuilt ? { parentRebuiltBy: rebuilt } : { baseName }),
        })}`;
        this.hooks.print(` ---> cache ${why}`);
      }
      if (hit) {
        this.hooks.print(' ---> Using cache');
        state.image = { id: hit.imageId, config: await this.deps.content.readJson<ImageConfig>(hit.imageId), layers: hit.layers };
        this.hooks.print(` ---> ${shortId(hit.imageId)}${this.elapsed(started)}`);
        return rebuilt;
      }
      const result = await prepared.execute();
      const child = await commitChild(this.deps.content, state.image, { ...result, createdBy: prepared.createdBy, ...(state.author ? { author: state.author } : {}) });
      await this.cache.save({
        version: 1, key, parent, created: child.config.created ?? new Date().toISOString(), imageId: child.id as string,
        layers: child.layers, diffIDs: child.config.rootfs.diff_ids, blobs: [child.id as string, ...child.layers.map((l) => l.digest)], step: summary,
      });
      state.image = child;
      this.hooks.print(` ---> ${shortId(child.id)}${this.elapsed(started)}`);
      return label;
    } catch (err) {
      if (err instanceof ShellExpansionError || (err instanceof DockerfileError && err.line === undefined)) {
        throw withLocation(err, { line: cmd.location.startLine, endLine: cmd.location.endLine, column: cmd.location.column });
      }
      throw err;
    }
  }

  private async prepare(stage: PlannedStage, state: StageState, cmd: Command): Promise<PreparedStep> {
    const config: ContainerConfig = state.image.config.config ?? {};
    const expand = createExpander(config.Env ?? [], state.args, this.opts.escapeToken);
    if (isMetaCommand(cmd)) {
      const r = applyMeta(cmd, { config, expand, args: state.args, cmdSet: state.cmdSet, note: (t) => this.hooks.print(t) });
      if (r.cmdSet !== undefined) state.cmdSet = r.cmdSet;
      if (r.author !== undefined) state.author = r.author;
      return { createdBy: r.createdBy, args: expand.usedArgs(), sources: {}, extra: [], execute: async () => ({ config: r.config }) };
    }
    const ctx: StepContext = {
      deps: this.deps, stage: state, expand, escapeToken: this.opts.escapeToken, network: this.opts.network,
      stdout: this.hooks.stdout, stderr: this.hooks.stderr,
      scratch: (tag) => this.scratch(tag),
      sourceTree: (from) => this.sourceTree(stage, from),
      print: (line) => this.hooks.print(line),
    };
    if (cmd.kind === 'run') return prepareRun(ctx, cmd);
    if (cmd.kind === 'workdir') return prepareWorkdir(ctx, cmd);
    return prepareCopy(ctx, cmd);
  }

  private async scratch(tag: string): Promise<string> {
    const dir = await scratchPath(this.deps.paths.tmpDir, `build-${tag}`);
    await mkdir(dir);
    this.scratchDirs.push(dir);
    return dir;
  }

  private async sourceTree(stage: PlannedStage, from: string): Promise<TreeSource> {
    if (from === '') return this.context;
    const index = findStage(this.plan.stages, from, stage.index);
    if (index !== undefined) {
      const built = this.results.get(index);
      if (!built) throw new DockerfileError(`stage ${from} was not built`);
      return this.sources.tree(built, `stage:${index}`);
    }
    const image = await this.sources.image(from);
    return this.sources.tree(stateOf(image), image.id);
  }
}
