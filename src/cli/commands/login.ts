import { createInterface } from 'node:readline';
import { TsrunError } from '../../core/errors.js';
import { loginServer, verifyLogin } from '../../image/index.js';
import type { Output } from '../output.js';
import { clientConfig, registrySettings } from '../registry-settings.js';
import { asDaemonCommand } from './registry-errors.js';

export interface LoginFlags {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
  configDir?: string;
}

/** `tsrun login [-u USER] [-p PASS | --password-stdin] [SERVER]` */
export async function login(server: string | undefined, flags: LoginFlags, out: Output): Promise<void> {
  if (flags.password && flags.passwordStdin) throw usage('--password and --password-stdin are mutually exclusive');
  if (flags.passwordStdin && !flags.username) throw usage('Must provide --username with --password-stdin');
  if (flags.password) out.err('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
  let password = flags.password;
  if (flags.passwordStdin) password = (await readAll(process.stdin)).replace(/\r?\n$/, '');
  let username = flags.username;
  if (username === undefined || password === undefined) {
    if (!process.stdin.isTTY) throw usage('Cannot perform an interactive login from a non TTY device');
    username ??= await prompt('Username: ', out);
    password ??= await promptHidden('Password: ', out);
  }
  if (!username) throw usage('Username is required');
  const { authKey } = await asDaemonCommand(out, async () => verifyLogin(await registrySettings(flags.configDir), server, username!, password!));
  await clientConfig(flags.configDir).store(authKey, username, password);
  out.out('Login Succeeded\n');
}

/** `tsrun logout [SERVER]` */
export async function logout(server: string | undefined, flags: { configDir?: string }, out: Output): Promise<void> {
  const { authKey } = loginServer(server);
  const shown = server ?? authKey;
  if (!(await clientConfig(flags.configDir).erase(authKey))) {
    out.out(`Not logged in to ${shown}\n`);
    return;
  }
  out.out(`Removing login credentials for ${shown}\n`);
}

function usage(message: string): TsrunError {
  return new TsrunError('INVALID_ARGUMENT', message, { exitCode: 1 });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

function prompt(question: string, out: Output): Promise<string> {
  out.err(question);
  const rl = createInterface({ input: process.stdin, terminal: false });
  return new Promise((resolve) => rl.once('line', (line) => { rl.close(); resolve(line.trim()); }));
}

/** Reads a line from the terminal without echo (raw mode); Ctrl-C aborts. */
function promptHidden(question: string, out: Output): Promise<string> {
  out.err(question);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      out.err('\n');
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new TsrunError('INVALID_ARGUMENT', 'login cancelled', { exitCode: 1 }));
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    stdin.on('data', onData);
  });
}
