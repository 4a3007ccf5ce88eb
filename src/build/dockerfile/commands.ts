/**
 * Conversions for the instructions with flags or sub-structure (RUN, CMD,
 * ENTRYPOINT, COPY, ADD, HEALTHCHECK): buildkit instructions/parse.go.
 */
import { chompHeredocContent, tryParseHeredocWord } from '../heredoc.js';
import type { DockerfileInstruction } from './ast.js';
import { BFlags, type Flag } from './bflags.js';
import { DurationError, formatGoDuration, parseGoDuration } from './duration.js';
import { DockerfileError } from './errors.js';
import { goQuote } from './gotext.js';
import type {
  AddInstruction,
  CopyInstruction,
  HealthcheckInstruction,
  InstructionLocation,
  RunInstruction,
  ShellDependentCmdLine,
  SourcesAndDest,
} from './instruction-types.js';

export function locationOf(node: DockerfileInstruction): InstructionLocation {
  return { startLine: node.startLine, endLine: node.endLine, column: node.column };
}

export function base(node: DockerfileInstruction): { location: InstructionLocation; original: string } {
  return { location: locationOf(node), original: node.original };
}

/** Shell form is one string; exec form the array as written. */
export function handleJSONArgs(args: readonly string[], json: boolean): string[] {
  if (args.length === 0) return [];
  return json ? [...args] : [args.join(' ')];
}

export function errNoDestination(cmd: string): DockerfileError {
  return new DockerfileError(
    `${cmd} requires at least two arguments, but only one was provided. Destination could not be determined`,
  );
}

export function shellDependent(node: DockerfileInstruction): ShellDependentCmdLine {
  return {
    cmdLine: handleJSONArgs(node.args, node.json),
    prependShell: !node.json,
    files: node.heredocs.map((h) => ({ name: h.name, data: h.content, chomp: h.chomp })),
  };
}

const NETWORKS = new Set(['default', 'none', 'host']);
const SECURITY = new Set(['insecure', 'sandbox']);

export function parseRun(node: DockerfileInstruction, flags: BFlags): RunInstruction {
  const mount = flags.addStrings('mount');
  const network = flags.addString('network', 'default');
  const security = flags.addString('security', 'sandbox');
  const device = flags.addStrings('device');
  flags.parse();
  const flagsUsed = flags.usedNames();
  const cmd = shellDependent(node);
  if (!NETWORKS.has(network.value)) throw new DockerfileError(`invalid network mode ${goQuote(network.value)}`);
  if (!SECURITY.has(security.value)) throw new DockerfileError(`security ${goQuote(security.value)} is not valid`);
  return {
    kind: 'run',
    ...base(node),
    ...cmd,
    mounts: mount.values,
    network: network.value,
    security: security.value,
    devices: device.values,
    flagsUsed,
  };
}

function sourcesAndDest(node: DockerfileInstruction, cmd: string): SourcesAndDest {
  const srcs = node.args.slice(0, -1);
  const dest = node.args[node.args.length - 1];
  if (tryParseHeredocWord(dest)) throw new DockerfileError(`${cmd} cannot accept a heredoc as a destination`);
  const bodies = new Map(node.heredocs.map((h) => [h.name, h]));
  const out: SourcesAndDest = { dest, sourcePaths: [], sourceContents: [] };
  for (const src of srcs) {
    const h = tryParseHeredocWord(src);
    if (!h) {
      out.sourcePaths.push(src);
      continue;
    }
    const content = bodies.get(h.name)?.content ?? '';
    out.sourceContents.push({ path: h.name, data: h.chomp ? chompHeredocContent(content) : content, expand: h.expand });
  }
  return out;
}

function fileFlags(flags: BFlags): () => { chown: string; chmod: string; link: boolean; exclude: string[] } {
  const exclude = flags.addStrings('exclude');
  const chown = flags.addString('chown', '');
  const chmod = flags.addString('chmod', '');
  const link = flags.addBool('link', false);
  return () => ({ chown: chown.value, chmod: chmod.value, link: link.value === 'true', exclude: exclude.values });
}

export function parseCopy(node: DockerfileInstruction, flags: BFlags): CopyInstruction {
  if (node.args.length < 2) throw errNoDestination('COPY');
  const files = fileFlags(flags);
  const parents = flags.addBool('parents', false);
  const from = flags.addString('from', '');
  flags.parse();
  return {
    kind: 'copy',
    ...base(node),
    ...sourcesAndDest(node, 'COPY'),
    ...files(),
    from: from.value,
    parents: parents.value === 'true',
  };
}

export function parseAdd(node: DockerfileInstruction, flags: BFlags): AddInstruction {
  if (node.args.length < 2) throw errNoDestination('ADD');
  const files = fileFlags(flags);
  const keepGitDir = flags.addBool('keep-git-dir', false);
  const checksum = flags.addString('checksum', '');
  const unpack = flags.addBool('unpack', false);
  flags.parse();
  const add: AddInstruction = {
    kind: 'add',
    ...base(node),
    ...sourcesAndDest(node, 'ADD'),
    ...files(),
    keepGitDir: keepGitDir.value === 'true',
    checksum: checksum.value,
  };
  if (flags.isUsed(unpack)) add.unpack = unpack.value === 'true';
  return add;
}

const MIN_DURATION = 1e6; // 1ms, the daemon's minimum for health intervals

/** Duration flag in nanoseconds; 0 when unset; under 1ms (but not 0) is refused. */
export function parseOptInterval(name: string, value: string): number {
  if (value === '') return 0;
  let d: number;
  try {
    d = parseGoDuration(value);
  } catch (err) {
    if (err instanceof DurationError) throw new DockerfileError(err.message);
    throw err;
  }
  if (d === 0) return 0;
  if (d < MIN_DURATION) {
    throw new DockerfileError(`Interval ${goQuote(name)} cannot be less than ${formatGoDuration(MIN_DURATION)}`);
  }
  return d;
}

function parseRetries(flag: Flag): number {
  if (flag.value === '') return 0;
  const v = flag.value;
  const n = /^[+-]?[0-9]+$/.test(v) ? Number(v) : NaN;
  if (Number.isNaN(n)) throw new DockerfileError(`strconv.ParseInt: parsing ${goQuote(v)}: invalid syntax`);
  if (n > 2 ** 31 - 1 || n < -(2 ** 31)) {
    throw new DockerfileError(`strconv.ParseInt: parsing ${goQuote(v)}: value out of range`);
  }
  if (n < 0) throw new DockerfileError(`--retries cannot be negative (${n})`);
  return n;
}

export function parseHealthcheck(node: DockerfileInstruction, flags: BFlags): HealthcheckInstruction {
  if (node.args.length === 0) throw new DockerfileError('HEALTHCHECK requires at least one argument');
  let typ = node.args[0].toUpperCase();
  const args = node.args.slice(1);
  const health = { test: [] as string[], interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 };
  if (typ === 'NONE') {
    // flags are not even looked at for NONE
    if (args.length !== 0) throw new DockerfileError('HEALTHCHECK NONE takes no arguments');
    health.test = [typ];
    return { kind: 'healthcheck', ...base(node), health };
  }
  const interval = flags.addString('interval', '');
  const timeout = flags.addString('timeout', '');
  const startPeriod = flags.addString('start-period', '');
  const startInterval = flags.addString('start-interval', '');
  const retries = flags.addString('retries', '');
  flags.parse();
  if (typ !== 'CMD') throw new DockerfileError(`Unknown type ${goQuote(typ)} in HEALTHCHECK (try CMD)`);
  const cmd = handleJSONArgs(args, node.json);
  if (cmd.length === 0) throw new DockerfileError('Missing command after HEALTHCHECK CMD');
  if (!node.json) typ = 'CMD-SHELL';
  health.test = [typ, ...cmd];
  health.interval = parseOptInterval('interval', interval.value);
  health.timeout = parseOptInterval('timeout', timeout.value);
  health.startPeriod = parseOptInterval('start-period', startPeriod.value);
  health.startInterval = parseOptInterval('start-interval', startInterval.value);
  health.retries = parseRetries(retries);
  return { kind: 'healthcheck', ...base(node), health };
}
