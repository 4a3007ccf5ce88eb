/**
 * `tsrun build`: Dockerfile -> plan -> steps -> a named image. Dockerfile
 * errors come out as `Dockerfile:LINE:COL: message` with the offending lines.
 */
import type { Readable } from 'node:stream';
import { TsrunError } from '../core/errors.js';
import { writeImage } from '../image/create.js';
import type { Image } from '../image/store.js';
import { BuildArgs } from './args.js';
import { loadContext } from './context.js';
import { DockerfileError, formatDockerfileError } from './dockerfile/errors.js';
import { Executor, type BuildDeps, type BuildHooks } from './executor.js';
import { parseInstructions } from './instructions.js';
import { parseDockerfile } from './parser.js';
import { declareMetaArgs, planBuild } from './plan.js';
import type { RunNetwork } from './run-container.js';

export interface BuildOptions {
  /** A directory or `-` (stdin). */
  context: string;
  /** -f */
  file?: string;
  stdin: Readable;
  /** Full names to tag the result with (already normalised). */
  names: string[];
  /** --build-arg; undefined value: NAME given without one and not set in the environment. */
  buildArgs: ReadonlyMap<string, string | undefined>;
  labels: ReadonlyMap<string, string>;
  target?: string;
  noCache: boolean;
  pull: boolean;
  network: RunNetwork;
  explainCache: boolean;
}

export interface BuildResult {
  image: Image;
  /** Docker's warnings, e.g. build args nothing consumed. */
  warnings: string[];
}

export async function buildImage(deps: BuildDeps, opts: BuildOptions, hooks: BuildHooks): Promise<BuildResult> {
  const context = await loadContext({ context: opts.context, file: opts.file, stdin: opts.stdin, tmpDir: deps.paths.tmpDir, fsops: deps.sys });
  const located = (err: unknown): unknown =>
    err instanceof DockerfileError
      ? new TsrunError('INVALID_ARGUMENT', formatDockerfileError(err, context.dockerfileName, context.dockerfileText), { cause: err, exitCode: 1 })
      : err;
  try {
    const ast = parseDockerfile(context.dockerfileText);
    const { stages, metaArgs } = parseInstructions(ast);
    const args = new BuildArgs(opts.buildArgs);
    declareMetaArgs(metaArgs, args, ast.escapeToken);
    const plan = planBuild(stages, args, { ...(opts.target ? { target: opts.target } : {}), labels: opts.labels, escapeToken: ast.escapeToken });
    const executor = new Executor(deps, plan, args, context, {
      noCache: opts.noCache, pull: opts.pull, network: opts.network, explainCache: opts.explainCache, escapeToken: ast.escapeToken,
    }, hooks);
    const final = await executor.run();
    if (final.id === undefined) throw new TsrunError('INVALID_ARGUMENT', 'No image was generated. Is your Dockerfile empty?', { exitCode: 1 });
    const unused = args.unconsumed();
    const warnings = unused.length ? [`[Warning] One or more build-args [${unused.join(' ')}] were not consumed`] : [];
    const image = await writeImage(deps, final.config, final.layers, opts.names);
    return { image, warnings };
  } catch (err) {
    throw located(err);
  } finally {
    await context.cleanup?.();
  }
}
