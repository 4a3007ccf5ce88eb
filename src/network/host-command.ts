/**
 * Runs the host's networking tools (ip, iptables-restore). tsrun drives them
 * rather than speaking netlink itself: they are on every host that has
 * networking at all, their batch modes make one process per step, and what
 * they do is what an admin would type to check or undo it.
 */
import { spawn } from 'node:child_process';
import { TsrunError } from '../core/errors.js';

const PACKAGE: Record<string, string> = { ip: 'iproute2', 'iptables-restore': 'iptables', 'iptables-save': 'iptables' };

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with optional stdin; resolves whatever its exit code (callers decide). */
export function runCommand(program: string, args: string[], input?: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        reject(new TsrunError('FAILED_PRECONDITION', `${program} not found: networking needs it`, {
          cause: err, hint: `install ${PACKAGE[program] ?? program}`,
        }));
      } else reject(err);
    });
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Runs it and fails with its own message on a non-zero exit. */
export async function mustRun(program: string, args: string[], input?: string): Promise<string> {
  const r = await runCommand(program, args, input);
  if (r.code !== 0) {
    const what = [program, ...args].join(' ');
    throw new TsrunError('INTERNAL', `${what}: ${(r.stderr || r.stdout).trim() || `exit status ${r.code}`}`);
  }
  return r.stdout;
}

/** `ip -batch -`: one process for many commands; stops at the first failure. */
export function ipBatch(commands: string[], netns?: string): Promise<string> {
  if (commands.length === 0) return Promise.resolve('');
  return mustRun('ip', [...(netns ? ['-n', netns] : []), '-batch', '-'], commands.join('\n') + '\n');
}
