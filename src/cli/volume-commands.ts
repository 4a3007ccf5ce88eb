import type { Command } from 'commander';
import { exitOne } from './container-commands.js';
import type { Context } from './context.js';
import type { ProgramHooks } from './program.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** `tsrun volume create|ls|inspect|rm|prune`. */
export function registerVolumeCommands(program: Command, hooks: ProgramHooks, ctx: () => Promise<Context>): void {
  const { out } = hooks;
  const volume = program.command('volume').description('Manage volumes');
  const cmds = () => import('./commands/volume.js');

  volume.command('create').description('Create a volume').argument('[name]')
    .option('--label <K=V>', 'set metadata for a volume', collect, [])
    .action(exitOne(async (name: string | undefined, opts) => (await cmds()).volumeCreate(await ctx(), name, opts, out)));

  const ls = (name: string) => volume.command(name).description('List volumes')
    .option('-q, --quiet', 'only display volume names')
    .action(exitOne(async (opts) => (await cmds()).volumeLs(await ctx(), opts, out)));
  ls('ls');
  ls('list');

  volume.command('inspect').description('Display detailed information on one or more volumes').argument('<name...>')
    .action(exitOne(async (names: string[]) => (await cmds()).volumeInspect(await ctx(), names, out)));

  volume.command('rm').description('Remove one or more volumes').argument('<name...>')
    .option('-f, --force', 'do not error when a volume does not exist')
    .action(exitOne(async (names: string[], opts) => (await cmds()).volumeRm(await ctx(), names, opts, out)));

  volume.command('prune').description('Remove unused anonymous volumes')
    .option('-a, --all', 'remove all unused volumes, not just anonymous ones')
    .option('-f, --force', 'do not prompt for confirmation')
    .action(exitOne(async (opts) => (await cmds()).volumePrune(await ctx(), opts, out)));
}
