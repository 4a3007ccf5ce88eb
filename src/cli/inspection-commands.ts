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

  program.command('inspect').description('Return low-level information on containers or images')
    .argument('<name...>')
    .option('-f, --format <template>', 'format the output using the given Go template')
    .option('--type <type>', 'only inspect objects of the given type (container|image)')
    .action(exitOne(async (refs: string[], flags) => (await import('./commands/inspect.js')).inspect(await ctx(), refs, flags, out)));

  program.command('top').description('Display the running processes of a container')
    .usage('CONTAINER [ps OPTIONS]')
    .argument('<container>').argument('[ps-options...]')
    .passThroughOptions()
    .action(exitOne(async (ref: string, psArgs: string[]) => (await import('./commands/top.js')).top(await ctx(), ref, psArgs, out)));

  program.command('cp').description('Copy files/folders between a container and the local filesystem')
    .usage('CONTAINER:SRC_PATH DEST_PATH | SRC_PATH CONTAINER:DEST_PATH')
    .argument('<src>').argument('<dest>')
    .action(exitOne(async (src: string, dest: string) => (await import('./commands/copy.js')).cp(await ctx(), src, dest)));

  program.command('export').description("Export a container's filesystem as a tar archive")
    .argument('<container>')
    .option('-o, --output <file>', 'write to a file, instead of STDOUT')
    .action(exitOne(async (ref: string, opts) => (await import('./commands/copy.js')).exportCmd(await ctx(), ref, opts)));

  program.command('diff').description("Inspect changes to files or directories on a container's filesystem")
    .argument('<container>')
    .action(exitOne(async (ref: string) => (await import('./commands/commit.js')).diff(await ctx(), ref, out)));

  program.command('commit').description("Create a new image from a container's changes")
    .usage('[OPTIONS] CONTAINER [REPOSITORY[:TAG]]')
    .argument('<container>').argument('[reference]')
    .option('-m, --message <msg>', 'commit message')
    .option('-a, --author <author>', 'author (e.g., "John Hannibal Smith <hannibal@a-team.com>")')
    .option('-c, --change <instruction>', 'apply Dockerfile instruction to the created image', collect, [])
    .option('-p, --pause [bool]', 'pause container during commit', true)
    .action(exitOne(async (ref: string, reference: string | undefined, flags) => {
      await (await import('./commands/commit.js')).commit(await ctx(), ref, reference, flags, out);
    }));

  program.command('history').description('Show the history of an image')
    .argument('<image>')
    .option('--no-trunc', "don't truncate output")
    .option('-q, --quiet', 'only show image IDs')
    .option('-H, --human [bool]', 'print sizes and dates in human readable format', true)
    .option('--format <template>', 'format output using a Go template')
    .option('--layers', "add each layer's digest and the bytes later layers delete or overwrite (wasted)")
    .action(exitOne(async (ref: string, flags) => {
      await (await import('./commands/history.js')).history(await ctx(), ref, { ...flags, noTrunc: flags.trunc === false }, out);
    }));
}
