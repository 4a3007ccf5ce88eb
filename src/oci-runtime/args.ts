/**
 * runc's command line (urfave/cli rules): global flags, then the command, its
 * flags, then positionals. Flags stop at the first positional or `--`, so
 * `exec ID sh -c x` keeps `-c` for the command. `--flag=value` and `--flag value`
 * both work; single-dash long names (`-bundle`) too, as in urfave.
 * A hand-written parser: it loads in no time, and runc's rules are small.
 */
import { TsrunError } from '../core/errors.js';

interface FlagSpec {
  names: string[];
  /** Takes a value (else boolean). */
  value?: boolean;
  /** May repeat (values collect in an array). */
  multi?: boolean;
}

const GLOBAL: FlagSpec[] = [
  { names: ['root'], value: true },
  { names: ['log'], value: true },
  { names: ['log-format'], value: true },
  { names: ['systemd-cgroup'] },
  { names: ['debug'] },
  { names: ['criu'], value: true },
  { names: ['rootless'], value: true },
  { names: ['version', 'v'] },
  { names: ['help', 'h'] },
];

const CREATE: FlagSpec[] = [
  { names: ['bundle', 'b'], value: true },
  { names: ['console-socket'], value: true },
  { names: ['pid-file'], value: true },
  { names: ['no-pivot'] },
  { names: ['no-new-keyring'] },
  { names: ['preserve-fds'], value: true },
];

export const COMMANDS: Record<string, FlagSpec[]> = {
  create: CREATE,
  run: [...CREATE, { names: ['detach', 'd'] }, { names: ['keep'] }],
  start: [],
  state: [],
  kill: [{ names: ['all', 'a'] }],
  delete: [{ names: ['force', 'f'] }],
  exec: [
    { names: ['console-socket'], value: true },
    { names: ['cwd'], value: true },
    { names: ['env', 'e'], value: true, multi: true },
    { names: ['tty', 't'] },
    { names: ['user', 'u'], value: true },
    { names: ['additional-gids', 'g'], value: true, multi: true },
    { names: ['process', 'p'], value: true },
    { names: ['detach', 'd'] },
    { names: ['pid-file'], value: true },
    { names: ['process-label'], value: true },
    { names: ['apparmor'], value: true },
    { names: ['no-new-privs'] },
    { names: ['cap', 'c'], value: true, multi: true },
    { names: ['preserve-fds'], value: true },
    { names: ['cgroup'], value: true, multi: true },
    { names: ['ignore-paused'] },
  ],
  list: [{ names: ['format', 'f'], value: true }, { names: ['quiet', 'q'] }],
  ps: [{ names: ['format', 'f'], value: true }],
  features: [],
  pause: [],
  resume: [],
};

export type FlagValues = Record<string, string | boolean | string[]>;

export interface ParsedArgs {
  global: FlagValues;
  command?: string;
  flags: FlagValues;
  positionals: string[];
}

function usage(message: string): TsrunError {
  return new TsrunError('INVALID_ARGUMENT', message, { exitCode: 1 });
}

/** Parses flags from args[i...] until the first positional; returns where it stopped. */
function parseFlags(args: string[], start: number, specs: FlagSpec[], out: FlagValues, where: string): number {
  let i = start;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return i + 1;
    if (!arg.startsWith('-') || arg === '-') return i;
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const spec = specs.find((s) => s.names.includes(name));
    if (!spec) throw usage(`flag provided but not defined: -${name}${where}`);
    const key = spec.names[0];
    if (!spec.value) {
      out[key] = eq >= 0 ? body.slice(eq + 1) !== 'false' : true;
      continue;
    }
    let value: string;
    if (eq >= 0) value = body.slice(eq + 1);
    else if (i + 1 < args.length) value = args[++i];
    else throw usage(`flag needs an argument: -${name}`);
    if (spec.multi) out[key] = [...((out[key] as string[] | undefined) ?? []), value];
    else out[key] = value;
  }
  return i;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const global: FlagValues = {};
  let i = parseFlags(argv, 0, GLOBAL, global, '');
  const command = argv[i];
  if (command === undefined) return { global, flags: {}, positionals: [] };
  const specs = COMMANDS[command];
  if (!specs) throw usage(`No help topic for '${command}'`);
  const flags: FlagValues = {};
  i = parseFlags(argv, i + 1, [...specs, { names: ['help', 'h'] }], flags, ` (in ${command})`);
  return { global, command, flags, positionals: argv.slice(i) };
}

export const str = (v: FlagValues[string] | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
export const list = (v: FlagValues[string] | undefined): string[] => (Array.isArray(v) ? v : []);

/** The container ID positional; runc's message when it is missing. */
export function requireId(positionals: string[], command: string): string {
  const id = positionals[0];
  if (!id) throw usage(`"${command}" requires a minimum of 1 argument(s)`);
  if (!/^[\w+\-.]+$/.test(id)) throw usage(`invalid container id format: ${id}`);
  return id;
}
