import { runContainer } from '../../container/run.js';
import type { Context } from '../context.js';
import { processOutput } from '../output.js';
import { createOptions, type CreateFlags } from './create-flags.js';
import { pullForRun } from './run-pull.js';

export interface RunFlags extends CreateFlags {
  detach?: boolean;
  pull?: string;
  configDir?: string;
}

/** `tsrun run [flags] IMAGE [COMMAND [ARG...]]`; resolves to the container's exit code. */
export async function run(ctx: Context, image: string, args: string[], flags: RunFlags): Promise<number> {
  await pullForRun(ctx, image, flags.pull ?? 'missing', flags.configDir, processOutput);
  const result = await runContainer(ctx, { ...createOptions(image, args, flags), detach: flags.detach === true },
    { stdin: process.stdin, stdout: process.stdout });
  if (result.exitCode === undefined) processOutput.out(`${result.id}\n`); // -d prints the id, like Docker
  return result.exitCode ?? 0;
}
