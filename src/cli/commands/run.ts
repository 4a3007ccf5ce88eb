import { readFileSync } from 'node:fs';
import { TsrunError } from '../../core/errors.js';
import { parseEnvFile, resolveEnvFlags } from '../../container/process-args.js';
import { runContainer } from '../../container/run.js';
import type { Context } from '../context.js';
import { processOutput } from '../output.js';
import { pullForRun } from './run-pull.js';

export interface RunFlags {
  rm?: boolean;
  interactive?: boolean;
  tty?: boolean;
  env: string[];
  envFile: string[];
  workdir?: string;
  user?: string;
  entrypoint?: string;
  name?: string;
  hostname?: string;
  privileged?: boolean;
  readOnly?: boolean;
  pull?: string;
  configDir?: string;
}

/** `tsrun run [flags] IMAGE [COMMAND [ARG...]]`; resolves to the container's exit code. */
export async function run(ctx: Context, image: string, args: string[], flags: RunFlags): Promise<number> {
  await pullForRun(ctx, image, flags.pull ?? 'missing', flags.configDir, processOutput);
  const env = [
    ...flags.envFile.flatMap((f) => parseEnvFile(readEnvFile(f), f, process.env)),
    ...resolveEnvFlags(flags.env, process.env),
  ];
  return runContainer(ctx, {
    image,
    args,
    env,
    entrypoint: flags.entrypoint,
    workdir: flags.workdir,
    user: flags.user,
    name: flags.name,
    hostname: flags.hostname,
    rm: flags.rm === true,
    interactive: flags.interactive === true,
    tty: flags.tty === true,
    privileged: flags.privileged === true,
    readOnly: flags.readOnly === true,
  }, { stdin: process.stdin, stdout: process.stdout });
}

function readEnvFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new TsrunError('INVALID_ARGUMENT', `open ${file}: no such file or directory (--env-file)`, { cause: err });
  }
}
