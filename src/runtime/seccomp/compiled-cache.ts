/**
 * Compiled seccomp programs, cached by what they are compiled from: libseccomp
 * takes ~15 ms for Docker's profile, at every start and exec, and the input
 * rarely changes (the profile and the capability set decide it).
 *
 * A file is `<sha256 of the program>\n<program>`, written tmp + rename without
 * fsync: it is a cache, so a file a crash left torn fails the digest check and
 * is compiled (and written) again. The key covers the input, the libseccomp
 * version (a newer one knows more syscall names) and the architecture.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tempPathFor } from '../../core/atomic.js';
import type { SeccompFilterInput, Sys } from '../../sys/index.js';

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

export function seccompCacheKey(input: SeccompFilterInput, libseccomp: string): string {
  const text = JSON.stringify(input, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return sha256(`${process.arch}\0${libseccomp}\0${text}`);
}

/** The cached program if its digest checks out, else undefined. */
function decode(file: Buffer): Buffer | undefined {
  const nl = file.indexOf(0x0a);
  if (nl !== 64) return undefined;
  const program = file.subarray(65);
  if (program.length === 0 || program.length % 8 !== 0) return undefined; // struct sock_filter is 8 bytes
  return sha256(program) === file.subarray(0, 64).toString('latin1') ? program : undefined;
}

export async function compileSeccompCached(sys: Pick<Sys, 'compileSeccomp' | 'seccompVersion'>, input: SeccompFilterInput, cacheDir: string): Promise<Buffer> {
  const file = path.join(cacheDir, `${seccompCacheKey(input, sys.seccompVersion())}.bpf`);
  const cached = await fs.readFile(file).then(decode, () => undefined);
  if (cached) return cached;
  const program = sys.compileSeccomp(input);
  // best effort: a store we cannot write to still starts containers
  await writeQuietly(file, Buffer.concat([Buffer.from(`${sha256(program)}\n`, 'latin1'), program])).catch(() => undefined);
  return program;
}

async function writeQuietly(file: string, data: Buffer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = tempPathFor(file);
  try {
    await fs.writeFile(tmp, data, { mode: 0o600, flag: 'wx' });
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
