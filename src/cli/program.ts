import { Command, Option } from 'commander';
import { defaultStoreRoot } from '../core/paths.js';
import type { Context } from './context.js';
import type { Output } from './output.js';
import { registerBuildCommand } from './build-command.js';
import { registerContainerCommands } from './container-commands.js';
import { registerNetworkCommands } from './network-commands.js';
import { addCreateOptions } from './create-options.js';
import { registerIsolationCommands } from './isolation-commands.js';
import { registerRegistryCommands } from './registry-commands.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export interface ProgramHooks {
  /** Creates the store context on first use (commands like --help never load the addon). */
  context(root: string): Promise<Context>;
  out: Output;
  /** Receives a command's exit code (run returns the container's). */
  setExitCode(code: number): void;
}

/** Every command: parse flags, call one function, print. */
export function createProgram(hooks: ProgramHooks): Command {
  const program = new Command('tsrun')
    .description('A daemonless container runtime')
    .version('0.1.0', '-v, --version')
    .option('--root <dir>', 'store directory (default: $TSRUN_ROOT or /var/lib/tsrun)')
    .option('--config <dir>', "location of the client config files (credentials; default: $DOCKER_CONFIG or ~/.docker)")
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .exitOverride(); // set before adding commands: subcommands copy it, so flag errors reach main (exit 125)
  const ctx = () => hooks.context(program.opts().root ?? defaultStoreRoot(process.env));
  const { out } = hooks;

  addCreateOptions(program.command('run')
    .description('Create and run a new container from an image')
    .usage('[OPTIONS] IMAGE [COMMAND] [ARG...]')
    .argument('<image>').argument('[command...]'))
    .option('-d, --detach', 'run the container in the background and print its ID')
    .option('--pull <policy>', 'pull image before running ("always", "missing", "never")', 'missing')
    .action(async (image: string, command: string[], flags) => {
      const context = ctx(); // its file work goes on while the run code loads
      context.catch(() => undefined); // awaited below: a failure surfaces there
      const { run } = await import('./commands/run.js');
      hooks.setExitCode(await run(await context, image, command, { ...flags, configDir: program.opts().config }));
    });

  const imagesCmd = (name: string) => program.command(name)
    .description('List images')
    .argument('[repository]', 'REPOSITORY[:TAG]')
    .option('-q, --quiet', 'only show image IDs')
    .option('--no-trunc', "don't truncate output")
    .option('--digests', 'show digests')
    .action(async (repo: string | undefined, opts) => {
      const { images } = await import('./commands/images.js');
      await images(await ctx(), repo, { quiet: opts.quiet, noTrunc: opts.trunc === false, digests: opts.digests }, out);
    });
  imagesCmd('images');

  const rmiCmd = (cmd: Command, name: string) => cmd.command(name)
    .description('Remove one or more images')
    .argument('<image...>')
    .option('-f, --force', 'force removal of the image')
    .action(async (refs: string[], opts) => {
      const { rmi } = await import('./commands/image-admin.js');
      await rmi(await ctx(), refs, opts, out);
    });
  rmiCmd(program, 'rmi');

  const image = program.command('image').description('Manage images');
  image.command('ls').description('List images').argument('[repository]')
    .option('-q, --quiet').option('--no-trunc').option('--digests')
    .action(async (repo: string | undefined, opts) => {
      const { images } = await import('./commands/images.js');
      await images(await ctx(), repo, { quiet: opts.quiet, noTrunc: opts.trunc === false, digests: opts.digests }, out);
    });
  rmiCmd(image, 'rm');

  program.command('tag')
    .description('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE')
    .argument('<source>').argument('<target>')
    .action(async (source: string, target: string) => {
      const { tag } = await import('./commands/image-admin.js');
      await tag(await ctx(), source, target);
    });

  program.command('load')
    .description('Load an image from a tar archive or STDIN')
    .option('-i, --input <file>', 'read from tar archive file, instead of STDIN')
    .option('-q, --quiet', 'suppress the load output')
    .action(async (opts) => {
      const { load } = await import('./commands/image-admin.js');
      await load(await ctx(), opts, out);
    });

  program.command('save')
    .description('Save one or more images to a tar archive (streamed to STDOUT by default)')
    .argument('<image...>')
    .option('-o, --output <file>', 'write to a file, instead of STDOUT')
    .action(async (refs: string[], opts) => {
      const { save } = await import('./commands/image-admin.js');
      await save(await ctx(), refs, opts);
    });

  program.command('import')
    .description('Import the contents from a tarball to create a filesystem image')
    .argument('<file>', 'file or - for STDIN').argument('[reference]', 'REPOSITORY[:TAG]')
    .action(async (file: string, ref: string | undefined) => {
      const { importImage } = await import('./commands/image-admin.js');
      await importImage(await ctx(), file, ref, out);
    });

  registerRegistryCommands(program, ctx, out);
  registerBuildCommand(program, ctx, out);

  program.addOption(new Option('--log-level <level>', 'log level').hideHelp());
  registerContainerCommands(program, hooks, ctx);
  registerIsolationCommands(program, hooks, ctx);
  registerNetworkCommands(program, hooks, ctx);
  return program;
}
