import { spawn } from 'node:child_process';
import { cliPath, type Result } from './tsrun.js';

/**
 * Runs the CLI without blocking the event loop: needed whenever the test
 * process itself serves something tsrun talks to (token issuer, proxies).
 */
export function tsrunAsync(root: string, args: string[], opts: { env?: Record<string, string>; input?: string; timeout?: number } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      env: { ...process.env, TSRUN_ROOT: root, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
