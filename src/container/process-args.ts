import { TsrunError } from '../core/errors.js';
import type { ContainerConfig } from '../oci/image.js';

export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ProcessOptions {
  /** `--entrypoint`: '' clears the image's entrypoint. */
  entrypoint?: string;
  /** Arguments after IMAGE; they replace the image's CMD. */
  args: string[];
  env: string[];
  workdir?: string;
  user?: string;
}

/**
 * Docker's ENTRYPOINT/CMD table: args replace CMD; --entrypoint replaces the
 * entrypoint and clears the image's CMD; the result is ENTRYPOINT + CMD.
 */
export function commandLine(config: ContainerConfig, opts: Pick<ProcessOptions, 'entrypoint' | 'args'>): string[] {
  const entrypoint = opts.entrypoint !== undefined ? (opts.entrypoint === '' ? [] : [opts.entrypoint]) : config.Entrypoint ?? [];
  const cmd = opts.args.length > 0 ? opts.args : opts.entrypoint !== undefined ? [] : config.Cmd ?? [];
  const argv = [...entrypoint, ...cmd];
  if (argv.length === 0) throw new TsrunError('INVALID_ARGUMENT', 'no command specified');
  return argv;
}

/** Image Env, then the user's -e/--env-file (later wins per key); PATH defaulted like Docker. */
export function mergeEnv(imageEnv: readonly string[], userEnv: readonly string[], extra: Record<string, string>): string[] {
  const merged = new Map<string, string>();
  const put = (entry: string) => {
    const eq = entry.indexOf('=');
    merged.set(eq < 0 ? entry : entry.slice(0, eq), entry);
  };
  if (!imageEnv.some((e) => e.startsWith('PATH='))) put(DEFAULT_PATH);
  imageEnv.forEach(put);
  for (const [k, v] of Object.entries(extra)) if (!merged.has(k)) put(`${k}=${v}`);
  userEnv.forEach(put);
  return [...merged.values()].filter((e) => e.includes('='));
}

/** `-e KEY` takes KEY from tsrun's own environment, or drops it when unset (Docker's rule). */
export function resolveEnvFlags(flags: readonly string[], hostEnv: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const flag of flags) {
    if (flag.includes('=')) out.push(flag);
    else if (hostEnv[flag] !== undefined) out.push(`${flag}=${hostEnv[flag]}`);
  }
  return out;
}

/** An --env-file: KEY=VALUE lines, `#` comments and blank lines skipped, bare KEY from the host. */
export function parseEnvFile(text: string, file: string, hostEnv: NodeJS.ProcessEnv): string[] {
  const lines: string[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const key = line.split('=')[0];
    if (key === '' || /\s/.test(key)) {
      throw new TsrunError('INVALID_ARGUMENT', `${file}:${i + 1}: invalid variable name ${JSON.stringify(key)}`);
    }
    lines.push(line);
  }
  return resolveEnvFlags(lines, hostEnv);
}

export function workingDir(config: ContainerConfig, workdir?: string): string {
  const dir = workdir ?? (config.WorkingDir || '/');
  if (!dir.startsWith('/')) throw new TsrunError('INVALID_ARGUMENT', `the working directory '${dir}' is invalid, it needs to be an absolute path`);
  return dir;
}
