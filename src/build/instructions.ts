/**
 * Parsed nodes -> typed instructions with buildkit's validation and error
 * texts (frontend/dockerfile/instructions/parse.go), then grouped in stages.
 */
import type { DockerfileInstruction } from './dockerfile/ast.js';
import { BFlags } from './dockerfile/bflags.js';
import { base, parseAdd, parseCopy, parseHealthcheck, parseRun, shellDependent } from './dockerfile/commands.js';
import { DockerfileError, withLocation } from './dockerfile/errors.js';
import type {
  ArgInstruction,
  Command,
  EnvInstruction,
  FromInstruction,
  Instruction,
  KeyValuePair,
  LabelInstruction,
  Stage,
} from './dockerfile/instruction-types.js';
import { goQuote, trimSpace } from './dockerfile/gotext.js';
import { suggestMessage } from './dockerfile/suggest.js';

export type * from './dockerfile/instruction-types.js';
export { parseOptInterval, handleJSONArgs } from './dockerfile/commands.js';

/** Every instruction name, upper case (buildkit command.Commands). */
export const INSTRUCTION_NAMES: readonly string[] = [
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK',
  'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
];

const err = (message: string) => new DockerfileError(message);
const errAtLeastOne = (cmd: string) => err(`${cmd} requires at least one argument`);
const errExactlyOne = (cmd: string) => err(`${cmd} requires exactly one argument`);
const errBlankNames = (cmd: string) => err(`${cmd} names can not be blank`);

/** ENV/LABEL argument triples (`key, value, "=" | ""`) to pairs. */
function parseKvps(args: readonly string[], cmd: string): KeyValuePair[] {
  if (args.length === 0) throw errAtLeastOne(cmd);
  if (args.length % 3 !== 0) throw err(`Bad input to ${cmd}, too many arguments`);
  const out: KeyValuePair[] = [];
  for (let j = 0; j < args.length; j += 3) {
    if (args[j].length === 0) throw errBlankNames(cmd);
    out.push({ key: args[j], value: args[j + 1], noDelim: args[j + 2] === '' });
  }
  return out;
}

/** The doc comment for name: a comment line starting with `name `. */
function getComment(comments: readonly string[], name: string): string {
  if (name === '') return '';
  const prefix = name + ' ';
  const line = comments.find((c) => c.startsWith(prefix));
  return line === undefined ? '' : line.slice(prefix.length);
}

function exactlyOne(node: DockerfileInstruction, cmd: string, flags?: BFlags): string {
  if (node.args.length !== 1) throw errExactlyOne(cmd);
  flags?.parse();
  return node.args[0];
}

function parseFrom(node: DockerfileInstruction, flags: BFlags): FromInstruction {
  const args = node.args;
  let stageName = '';
  if (args.length === 3 && args[1].toLowerCase() === 'as') {
    stageName = args[2].toLowerCase();
    if (!/^[a-z][a-z0-9\-_.]*$/.test(stageName)) {
      throw err(`invalid name for build stage: ${goQuote(args[2])}, name can't start with a number or contain symbols`);
    }
  } else if (args.length !== 1) {
    throw err('FROM requires either one or three arguments');
  }
  const platform = flags.addString('platform', '');
  flags.parse();
  return {
    kind: 'from',
    ...base(node),
    original: trimSpace(node.original),
    baseName: args[0],
    stageName,
    platform: platform.value,
    comment: getComment(node.comments, stageName),
  };
}

function parseArg(node: DockerfileInstruction): ArgInstruction {
  if (node.args.length < 1) throw errAtLeastOne('ARG');
  const args = node.args.map((arg) => {
    // ARG splits name=value here (ENV already did in the parser) because
    // `ARG name` without a value is allowed
    const i = arg.indexOf('=');
    if (i === 0) throw errBlankNames('ARG');
    const key = i < 0 ? arg : arg.slice(0, i);
    const def = { key, comment: getComment(node.comments, key) };
    return i < 0 ? def : { ...def, value: arg.slice(i + 1) };
  });
  return { kind: 'arg', ...base(node), args };
}

function parseKeyValues(node: DockerfileInstruction, flags: BFlags, kind: 'env' | 'label'): EnvInstruction | LabelInstruction {
  flags.parse();
  const cmd = kind.toUpperCase();
  const pairs = parseKvps(node.args, cmd);
  return kind === 'env' ? { kind, ...base(node), env: pairs } : { kind, ...base(node), labels: pairs };
}

function parseOnbuild(node: DockerfileInstruction, flags: BFlags): Instruction {
  if (node.args.length === 0) throw errAtLeastOne('ONBUILD');
  flags.parse();
  const trigger = node.args[0].trim().toUpperCase();
  if (trigger === 'ONBUILD') throw err('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
  if (trigger === 'MAINTAINER' || trigger === 'FROM') throw err(`${trigger} isn't allowed as an ONBUILD trigger`);
  let expression = node.original.replace(/^[\t\n\f\r ]*ONBUILD[\t\n\f\r ]*/i, '');
  for (const h of node.heredocs) expression += '\n' + h.content + h.name;
  return { kind: 'onbuild', ...base(node), expression };
}

function parseShell(node: DockerfileInstruction, flags: BFlags): Instruction {
  flags.parse();
  if (node.args.length === 0) throw errAtLeastOne('SHELL');
  if (!node.json) throw err('SHELL requires the arguments to be in JSON form');
  return { kind: 'shell', ...base(node), shell: [...node.args] };
}

function parseVolume(node: DockerfileInstruction, flags: BFlags): Instruction {
  if (node.args.length === 0) throw errAtLeastOne('VOLUME');
  flags.parse();
  const volumes = node.args.map((v) => {
    const t = v.trim();
    if (t === '') throw err('VOLUME specified can not be an empty string');
    return t;
  });
  return { kind: 'volume', ...base(node), volumes };
}

function dispatch(node: DockerfileInstruction): Instruction {
  const flags = new BFlags(node.flags);
  const b = () => base(node);
  switch (node.keyword) {
    case 'env':
      return parseKeyValues(node, flags, 'env');
    case 'label':
      return parseKeyValues(node, flags, 'label');
    case 'maintainer':
      return { kind: 'maintainer', ...b(), maintainer: exactlyOne(node, 'MAINTAINER', flags) };
    case 'add':
      return parseAdd(node, flags);
    case 'copy':
      return parseCopy(node, flags);
    case 'from':
      return parseFrom(node, flags);
    case 'onbuild':
      return parseOnbuild(node, flags);
    case 'workdir':
      return { kind: 'workdir', ...b(), path: exactlyOne(node, 'WORKDIR', flags) };
    case 'run':
      return parseRun(node, flags);
    case 'cmd':
      flags.parse();
      return { kind: 'cmd', ...b(), ...shellDependent(node) };
    case 'entrypoint':
      flags.parse();
      return { kind: 'entrypoint', ...b(), ...shellDependent(node) };
    case 'healthcheck':
      return parseHealthcheck(node, flags);
    case 'expose':
      if (node.args.length === 0) throw errAtLeastOne('EXPOSE');
      flags.parse();
      return { kind: 'expose', ...b(), ports: [...node.args].sort() };
    case 'user':
      return { kind: 'user', ...b(), user: exactlyOne(node, 'USER', flags) };
    case 'volume':
      return parseVolume(node, flags);
    case 'stopsignal':
      // buildkit does not look at STOPSIGNAL's flags
      return { kind: 'stopsignal', ...b(), signal: exactlyOne(node, 'STOPSIGNAL') };
    case 'arg':
      return parseArg(node);
    case 'shell':
      return parseShell(node, flags);
  }
  throw err(suggestMessage(`unknown instruction: ${node.rawKeyword}`, node.rawKeyword, INSTRUCTION_NAMES, false));
}

/** Convert one node; errors are DockerfileErrors located at the node. */
export function parseInstruction(node: DockerfileInstruction): Instruction {
  try {
    return dispatch(node);
  } catch (e) {
    throw withLocation(e, { line: node.startLine, endLine: node.endLine, column: node.column });
  }
}

export interface ParsedStages {
  stages: Stage[];
  /** ARGs before the first FROM. */
  metaArgs: ArgInstruction[];
}

/** All nodes -> build stages (buildkit instructions.Parse). */
export function parseInstructions(ast: { instructions: readonly DockerfileInstruction[] }): ParsedStages {
  const stages: Stage[] = [];
  const metaArgs: ArgInstruction[] = [];
  for (const node of ast.instructions) {
    const ins = parseInstruction(node);
    if (ins.kind === 'from') {
      stages.push({
        name: ins.stageName,
        baseName: ins.baseName,
        platform: ins.platform,
        comment: ins.comment,
        location: ins.location,
        commands: [],
      });
      continue;
    }
    if (stages.length === 0) {
      if (ins.kind === 'arg') {
        metaArgs.push(ins);
        continue;
      }
      throw new DockerfileError('no build stage in current context', {
        line: node.startLine,
        endLine: node.endLine,
        column: node.column,
      });
    }
    stages[stages.length - 1].commands.push(ins as Command);
  }
  return { stages, metaArgs };
}

