import type { Command } from 'commander';
import { exitOne } from './container-commands.js';
import type { Context } from './context.js';
import type { ProgramHooks } from './program.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** `tsrun network create|ls|inspect|rm`, `tsrun port`, and the monitor's hidden `cleanup`. */
export function registerNetworkCommands(program: Command, hooks: ProgramHooks, ctx: () => Promise<Context>): void {
  const { out } = hooks;
  const cmds = () => import('./commands/network.js');
  const network = program.command('network').description('Manage networks');

  network.command('create').description('Create a network').argument('<name>')
    .option('-d, --driver <driver>', 'driver to manage the network', 'bridge')
    .option('--subnet <cidr>', 'subnet in CIDR format that represents a network segment')
    .option('--gateway <ip>', 'IPv4 gateway for the subnet')
    .option('--label <K=V>', 'set metadata on a network', collect, [])
    .action(exitOne(async (name: string, opts) => (await cmds()).networkCreate(await ctx(), name, opts, out)));

  const ls = (name: string) => network.command(name).description('List networks')
    .option('-q, --quiet', 'only display network IDs')
    .option('--no-trunc', "don't truncate the output")
    .action(exitOne(async (opts) => (await cmds()).networkLs(await ctx(), { quiet: opts.quiet, noTrunc: opts.trunc === false }, out)));
  ls('ls');
  ls('list');

  network.command('inspect').description('Display detailed information on one or more networks').argument('<network...>')
    .action(exitOne(async (refs: string[]) => (await cmds()).networkInspect(await ctx(), refs, out)));

  const rm = (name: string) => network.command(name).description('Remove one or more networks').argument('<network...>')
    .action(exitOne(async (refs: string[]) => (await cmds()).networkRm(await ctx(), refs, out)));
  rm('rm');
  rm('remove');

  program.command('port').description('List port mappings or a specific mapping for the container')
    .argument('<container>').argument('[private-port]', 'PRIVATE_PORT[/PROTO]')
    .action(exitOne(async (ref: string, port: string | undefined) => (await cmds()).port(await ctx(), ref, port, out)));

  // the monitor's exit command (podman's `container cleanup`): releases the network of an exited container
  program.command('cleanup', { hidden: true }).argument('<id>')
    .action(async (id: string) => (await cmds()).cleanup(await ctx(), id));
}
