/**
 * What every step handler gets and gives back. A step is prepared first
 * (expansion, source hashes: everything its cache key needs) and executed
 * only on a cache miss.
 */
import type { StorePaths } from '../core/paths.js';
import type { ContentStore } from '../content/store.js';
import type { ContainerConfig } from '../oci/image.js';
import type { LayerStore } from '../snapshot/layer-store.js';
import type { Sys } from '../sys/types.js';
import type { StageArgs } from './args.js';
import type { ImageState, NewLayer } from './commit.js';
import type { Expander } from './expander.js';
import type { RunNetwork } from './run-container.js';
import type { SourceHasher } from './source-hash.js';
import type { SourceTree } from './source-tree.js';

export interface StepDeps {
  paths: StorePaths;
  content: ContentStore;
  layers: LayerStore;
  sys: Sys;
}

/** Where COPY --from / RUN --mount from= read: the context, a stage or an image. */
export interface TreeSource {
  tree: SourceTree;
  isContext: boolean;
  /** Owners are kept (stages, images); context files become root's. */
  preserveOwner: boolean;
  /** Memoised content hashes of this tree. */
  hasher: SourceHasher;
}

export interface StageState {
  image: ImageState;
  args: StageArgs;
  cmdSet: boolean;
  /** MAINTAINER of this stage. */
  author?: string;
}

export interface StepContext {
  deps: StepDeps;
  stage: StageState;
  expand: Expander;
  escapeToken: string;
  network: RunNetwork;
  /** Output fds of RUN. */
  stdout: number;
  stderr: number;
  /** A new scratch directory, removed when the build ends. */
  scratch(tag: string): Promise<string>;
  /** '' is the build context; else a stage name/index or an image. */
  sourceTree(from: string): Promise<TreeSource>;
  print(line: string): void;
}

export interface StepResult {
  config: ContainerConfig;
  layer?: NewLayer;
}

export interface PreparedStep {
  createdBy: string;
  /** Build args the step used. */
  args: Record<string, string>;
  /** Source path -> content hash. */
  sources: Record<string, string>;
  sourcesTruncated?: boolean;
  extra: string[];
  /** Runs the step (cache miss only). */
  execute(): Promise<StepResult>;
}
