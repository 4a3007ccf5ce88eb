/**
 * Typed instructions (buildkit instructions/commands.go). Values are still
 * unexpanded: `$VAR` is resolved by the builder with expand.ts.
 */

export interface InstructionLocation {
  startLine: number;
  endLine: number;
  column: number;
}

interface Base {
  location: InstructionLocation;
  /** The logical source line. */
  original: string;
}

export interface KeyValuePair {
  key: string;
  value: string;
  /** Old `ENV key value` form (no `=`). */
  noDelim: boolean;
}

export interface ArgDefinition {
  key: string;
  /** undefined for `ARG name` without a default. */
  value?: string;
  /** Doc comment (`# name does this` above the ARG). */
  comment: string;
}

/** A heredoc attached to RUN/CMD/ENTRYPOINT. */
export interface ShellInlineFile {
  name: string;
  /** Raw body; strip leading tabs when chomp is set. */
  data: string;
  chomp: boolean;
}

/** Inline file content given to COPY/ADD by a heredoc source. */
export interface SourceContent {
  path: string;
  /** Body with `<<-` tabs already stripped. */
  data: string;
  /** Whether $VAR in the body is expanded. */
  expand: boolean;
}

/** RUN/CMD/ENTRYPOINT command: exec form, or shell form (prependShell). */
export interface ShellDependentCmdLine {
  cmdLine: string[];
  prependShell: boolean;
  files: ShellInlineFile[];
}

export interface SourcesAndDest {
  dest: string;
  sourcePaths: string[];
  sourceContents: SourceContent[];
}

export interface HealthConfig {
  /** ['NONE'], ['CMD', ...argv] or ['CMD-SHELL', command]. */
  test: string[];
  /** Nanoseconds; 0 means "use the default". */
  interval: number;
  timeout: number;
  startPeriod: number;
  startInterval: number;
  retries: number;
}

export interface FromInstruction extends Base {
  kind: 'from';
  baseName: string;
  /** Stage name (lower case), '' when there is no `AS name`. */
  stageName: string;
  platform: string;
  /** Doc comment (`# name does this` above the FROM). */
  comment: string;
}

export interface RunInstruction extends Base, ShellDependentCmdLine {
  kind: 'run';
  /** `--mount` values as written. */
  mounts: string[];
  network: string;
  security: string;
  devices: string[];
  /** Names of the flags that were given (`mount`, `network`, ...). */
  flagsUsed: string[];
}

export interface CmdInstruction extends Base, ShellDependentCmdLine {
  kind: 'cmd';
}

export interface EntrypointInstruction extends Base, ShellDependentCmdLine {
  kind: 'entrypoint';
}

interface FileOwnership {
  chown: string;
  chmod: string;
  link: boolean;
  exclude: string[];
}

export interface CopyInstruction extends Base, SourcesAndDest, FileOwnership {
  kind: 'copy';
  from: string;
  parents: boolean;
}

export interface AddInstruction extends Base, SourcesAndDest, FileOwnership {
  kind: 'add';
  keepGitDir: boolean;
  checksum: string;
  unpack?: boolean;
}

export interface EnvInstruction extends Base {
  kind: 'env';
  env: KeyValuePair[];
}

export interface ArgInstruction extends Base {
  kind: 'arg';
  args: ArgDefinition[];
}

export interface LabelInstruction extends Base {
  kind: 'label';
  labels: KeyValuePair[];
}

export interface ExposeInstruction extends Base {
  kind: 'expose';
  /** Sorted, unexpanded. */
  ports: string[];
}

export interface VolumeInstruction extends Base {
  kind: 'volume';
  volumes: string[];
}

export interface UserInstruction extends Base {
  kind: 'user';
  user: string;
}

export interface WorkdirInstruction extends Base {
  kind: 'workdir';
  path: string;
}

export interface OnbuildInstruction extends Base {
  kind: 'onbuild';
  /** The trigger as source text (heredoc bodies appended). */
  expression: string;
}

export interface StopsignalInstruction extends Base {
  kind: 'stopsignal';
  signal: string;
}

export interface HealthcheckInstruction extends Base {
  kind: 'healthcheck';
  health: HealthConfig;
}

export interface ShellInstruction extends Base {
  kind: 'shell';
  shell: string[];
}

export interface MaintainerInstruction extends Base {
  kind: 'maintainer';
  maintainer: string;
}

export type Instruction =
  | FromInstruction
  | RunInstruction
  | CmdInstruction
  | EntrypointInstruction
  | CopyInstruction
  | AddInstruction
  | EnvInstruction
  | ArgInstruction
  | LabelInstruction
  | ExposeInstruction
  | VolumeInstruction
  | UserInstruction
  | WorkdirInstruction
  | OnbuildInstruction
  | StopsignalInstruction
  | HealthcheckInstruction
  | ShellInstruction
  | MaintainerInstruction;

/** Everything but FROM: what a stage is made of. */
export type Command = Exclude<Instruction, FromInstruction>;

export interface Stage {
  name: string;
  baseName: string;
  platform: string;
  comment: string;
  location: InstructionLocation;
  commands: Command[];
}
