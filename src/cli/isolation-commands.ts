import type { Command } from 'commander';
import type { Context } from './context.js';
import type { ProgramHooks } from './program.js';

/** stats and doctor. */
export function registerIsolationCommands(program: Command, hooks: ProgramHooks, ctx: () => Promise<Context>): void {
  program.command('stats').description('Display a live stream of container(s) resource usage statistics')
    .argument('[container...]')
    .option('-a, --all', 'show all containers (default shows just running)')
    .option('--no-stream', 'disable streaming stats and only pull the first result')
    .option('--no-trunc', "don't truncate output")
    .action(async (refs: string[], opts) => {
      const { stats } = await import('./commands/stats.js');
      await stats(await ctx(), refs, { all: opts.all, stream: opts.stream, noTrunc: opts.trunc === false }, hooks.out);
    });

  program.command('doctor').description('Check that this host has what tsrun needs, with a fix for each problem')
    .action(async () => {
      const { doctor } = await import('./commands/doctor.js');
      hooks.setExitCode(await doctor(await ctx(), hooks.out));
    });
}
