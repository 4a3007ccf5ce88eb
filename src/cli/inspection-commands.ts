import type { Command } from 'commander';
import { exitOne } from './container-commands.js';
import type { Context } from './context.js';
import type { ProgramHooks } from './program.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** logs, exec, inspect, top, cp, export, diff, commit, history. */
export function registerInspectionCommands(program: Command, hooks: ProgramHooks, ctx: () => Promise<Context>): void {
  const { out } = hooks;

  program.command('logs').description('Fetch the logs of a container')
    .argument('<container>')
    .option('-f, --follow', 'follow log output')
    .option('-n, --tail <lines>', 'number of lines to show from the end of the logs', 'all')
    .option('-t, --timestamps', 'show timestamps')
    .option('--since <time>', 'show logs since a timestamp (2013-01-02T13:23:37Z) or relative (42m)')
    .action(exitOne(async (ref: string, flags) => (await import('./commands/logs.js')).logs(await ctx(), ref, flags, out)));

  program.command('exec').description('Execute a command in a running container')
    .usage('[OPTIONS] CONTAINER COMMAND [ARG...]')
    .argument('<container>').argument('<command...>')
    .option('-i, --interactive', 'keep STDIN open')
    .option('-t, --tty', 'allocate a pseudo-TTY')
    .option('-e, --env <K=V>', 'set environment variables', collect, [])
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('-u, --user <user[:group]>', 'username or UID (format: <name|uid>[:<group|gid>])')
    .passThroughOptions()
    .action(exitOne(async (ref: string, command: string[], flags) => {
      hooks.setExitCode(await (await import('./commands/exec.js')).exec(await ctx(), ref, command, flags));
    }));
}
