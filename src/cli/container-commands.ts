import type { Command } from 'commander';
import { TsrunError } from '../core/errors.js';
import type { Context } from './context.js';
import { addCreateOptions } from './create-options.js';
import type { ProgramHooks } from './program.js';
import { registerInspectionCommands } from './inspection-commands.js';
import { registerVolumeCommands } from './volume-commands.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** Docker's client exits 1 when the daemon refuses (only run/create/exec use 125-127). */
export function exitOne<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      if (err instanceof TsrunError && err.exitCode === undefined) {
        throw new TsrunError(err.code, err.message, { cause: err, hint: err.hint, exitCode: 1 });
      }
      throw err;
    }
  };
}

/** create, start, stop, restart, kill, wait, rm, ps, and the commands that look inside containers. */
export function registerContainerCommands(program: Command, hooks: ProgramHooks, ctx: () => Promise<Context>): void {
  const { out } = hooks;
  const lifecycle = () => import('./commands/lifecycle.js');

  addCreateOptions(program.command('create')
    .description('Create a new container')
    .usage('[OPTIONS] IMAGE [COMMAND] [ARG...]')
    .argument('<image>').argument('[command...]'))
    .action(async (image: string, command: string[], flags) => {
      await (await lifecycle()).create(await ctx(), image, command, flags, out);
    });

  program.command('start').description('Start one or more stopped containers')
    .argument('<container...>')
    .option('-a, --attach', "attach STDOUT/STDERR and forward signals")
    .option('-i, --interactive', "attach container's STDIN")
    .action(exitOne(async (refs: string[], opts) => {
      hooks.setExitCode(await (await lifecycle()).start(await ctx(), refs, opts, out));
    }));

  program.command('stop').description('Stop one or more running containers')
    .argument('<container...>')
    .option('-t, --time <seconds>', 'seconds to wait before killing the container', '10')
    .action(async (refs: string[], opts) => (await lifecycle()).stop(await ctx(), refs, opts, out));

  program.command('restart').description('Restart one or more containers')
    .argument('<container...>')
    .option('-t, --time <seconds>', 'seconds to wait before killing the container', '10')
    .action(async (refs: string[], opts) => (await lifecycle()).restart(await ctx(), refs, opts, out));

  program.command('kill').description('Kill one or more running containers')
    .argument('<container...>')
    .option('-s, --signal <signal>', 'signal to send to the container', 'KILL')
    .action(async (refs: string[], opts) => (await lifecycle()).kill(await ctx(), refs, opts, out));

  program.command('attach').description('Attach local standard input, output, and error streams to a running container')
    .argument('<container>')
    .option('--no-stdin', 'do not attach STDIN')
    .option('--sig-proxy [bool]', 'proxy all received signals to the process (without a tty)', true)
    .addHelpText('after', `
Output from now on (earlier output: tsrun logs) until the container exits; exits with its code.
Stdin reaches the container when it was started with -i (run -di, run -dit). With -t, the
terminal is put in raw mode and its size passed on; Ctrl-C goes to the container as a key.
Not done: --detach-keys (end tsrun attach from another terminal, or with kill).`)
    .action(exitOne(async (ref: string, opts: { stdin: boolean; sigProxy: boolean | string }) => {
      const { attach } = await import('./commands/attach.js');
      hooks.setExitCode(await attach(await ctx(), ref, { stdin: opts.stdin, sigProxy: opts.sigProxy !== false && opts.sigProxy !== 'false' }));
    }));

  program.command('wait').description('Block until one or more containers stop, then print their exit codes')
    .argument('<container...>')
    .action(async (refs: string[]) => (await lifecycle()).wait(await ctx(), refs, out));

  program.command('rm').description('Remove one or more containers')
    .argument('<container...>')
    .option('-f, --force', 'force the removal of a running container (uses SIGKILL)')
    .option('-v, --volumes', 'remove anonymous volumes associated with the container')
    .action(async (refs: string[], opts) => (await lifecycle()).rm(await ctx(), refs, opts, out));

  program.command('ps').description('List containers')
    .option('-a, --all', 'show all containers (default shows just running)')
    .option('-q, --quiet', 'only display container IDs')
    .option('--no-trunc', "don't truncate output")
    .option('-f, --filter <filter>', 'filter output based on conditions provided', collect, [])
    .action(exitOne(async (opts) => {
      const { ps } = await import('./commands/ps.js');
      await ps(await ctx(), { all: opts.all, quiet: opts.quiet, noTrunc: opts.trunc === false, filter: opts.filter }, out);
    }));

  registerInspectionCommands(program, hooks, ctx);
  registerVolumeCommands(program, hooks, ctx);
}
