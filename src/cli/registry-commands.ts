import type { Command } from 'commander';
import type { Context } from './context.js';
import type { Output } from './output.js';

/** pull, push, login, logout: registered apart from program.ts to keep that file a table of contents. */
export function registerRegistryCommands(program: Command, ctx: () => Promise<Context>, out: Output): void {
  const configDir = (): string | undefined => program.opts().config;

  program.command('pull')
    .description('Download an image from a registry')
    .argument('<name>', 'NAME[:TAG|@DIGEST]')
    .option('-q, --quiet', 'suppress verbose output')
    .option('--platform <os/arch[/variant]>', 'pull this platform from a multi-platform image (default: the host\'s)')
    .action(async (name: string, opts: { quiet?: boolean; platform?: string }) => {
      const { pull } = await import('./commands/pull.js');
      await pull(await ctx(), name, { ...opts, configDir: configDir(), tty: process.stderr.isTTY === true }, out);
    });

  program.command('push')
    .description('Upload an image to a registry')
    .argument('<name>', 'NAME[:TAG]')
    .option('-q, --quiet', 'suppress verbose output')
    .action(async (name: string, opts: { quiet?: boolean }) => {
      const { push } = await import('./commands/push.js');
      await push(await ctx(), name, { ...opts, configDir: configDir(), tty: process.stderr.isTTY === true }, out);
    });

  program.command('login')
    .description('Log in to a registry (Docker Hub by default)')
    .argument('[server]')
    .option('-u, --username <username>', 'username')
    .option('-p, --password <password>', 'password')
    .option('--password-stdin', 'take the password from stdin')
    .action(async (server: string | undefined, opts: { username?: string; password?: string; passwordStdin?: boolean }) => {
      const { login } = await import('./commands/login.js');
      await login(server, { ...opts, configDir: configDir() }, out);
    });

  program.command('logout')
    .description('Log out from a registry (Docker Hub by default)')
    .argument('[server]')
    .action(async (server: string | undefined) => {
      const { logout } = await import('./commands/login.js');
      await logout(server, { configDir: configDir() }, out);
    });
}
