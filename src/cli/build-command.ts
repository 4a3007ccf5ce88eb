import type { Command } from 'commander';
import type { Context } from './context.js';
import type { Output } from './output.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** build: registered apart from program.ts to keep that file a table of contents. */
export function registerBuildCommand(program: Command, ctx: () => Promise<Context>, out: Output): void {
  program.command('build')
    .description('Build an image from a Dockerfile')
    .usage('[OPTIONS] PATH | -')
    .argument('<context>', 'build context directory, or - to read a Dockerfile or a context tar from stdin')
    .option('-t, --tag <name>', 'name and optionally a tag in the "name:tag" format', collect, [])
    .option('-f, --file <file>', 'name of the Dockerfile (default: PATH/Dockerfile)')
    .option('--build-arg <K=V>', 'set build-time variables', collect, [])
    .option('--label <K=V>', 'set metadata for an image', collect, [])
    .option('--no-cache', 'do not use cache when building the image')
    .option('--pull', 'always attempt to pull a newer version of the image')
    .option('--target <stage>', 'set the target build stage to build')
    .option('-q, --quiet', 'suppress the build output and print image ID on success')
    .option('--iidfile <file>', 'write the image ID to the file')
    .option('--network <mode>', 'networking mode for the RUN instructions: bridge (default), host or none')
    .option('--explain-cache', 'say for every step whether it hit the cache, and why not')
    .action(async (context: string, flags) => {
      const { build } = await import('./commands/build.js');
      await build(await ctx(), context, { ...flags, configDir: program.opts().config }, out);
    });
}
