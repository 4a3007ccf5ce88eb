/**
 * Docker credential helpers: `docker-credential-NAME get|store|erase`, the
 * server URL or a JSON record on stdin, JSON on stdout.
 */
import { spawn } from 'node:child_process';
import { TsrunError } from '../core/errors.js';

export interface HelperCredentials {
  username: string;
  secret: string;
}

const NOT_FOUND = /credentials not found/i;

function runHelper(name: string, action: 'get' | 'store' | 'erase', input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = `docker-credential-${name}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, [action], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    child.on('error', (err) => reject(new TsrunError('UNAVAILABLE', `error getting credentials - err: exec: "${program}": executable file not found in $PATH`, { cause: err })));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.on('error', () => {}); // a helper that exits without reading
    child.stdin.end(input);
  });
}

export async function helperGet(name: string, serverUrl: string): Promise<HelperCredentials | undefined> {
  const r = await runHelper(name, 'get', serverUrl);
  if (r.code !== 0) {
    if (NOT_FOUND.test(r.stdout + r.stderr)) return undefined;
    throw new TsrunError('UNAVAILABLE', `error getting credentials - err: docker-credential-${name} get: ${(r.stdout + r.stderr).trim()}`);
  }
  const parsed = JSON.parse(r.stdout) as { Username?: string; Secret?: string };
  return { username: parsed.Username ?? '', secret: parsed.Secret ?? '' };
}

export async function helperStore(name: string, serverUrl: string, creds: HelperCredentials): Promise<void> {
  const r = await runHelper(name, 'store', JSON.stringify({ ServerURL: serverUrl, Username: creds.username, Secret: creds.secret }));
  if (r.code !== 0) throw new TsrunError('UNAVAILABLE', `error storing credentials - err: docker-credential-${name} store: ${(r.stdout + r.stderr).trim()}`);
}

export async function helperErase(name: string, serverUrl: string): Promise<void> {
  const r = await runHelper(name, 'erase', serverUrl);
  if (r.code !== 0 && !NOT_FOUND.test(r.stdout + r.stderr)) {
    throw new TsrunError('UNAVAILABLE', `error erasing credentials - err: docker-credential-${name} erase: ${(r.stdout + r.stderr).trim()}`);
  }
}
