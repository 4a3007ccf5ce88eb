/**
 * The build context and its Dockerfile, as `docker build` takes them:
 *   DIR        files of DIR; Dockerfile is DIR/Dockerfile or -f (relative to
 *              the current directory; `-f -` reads it from stdin)
 *   -          stdin holds a Dockerfile (no context) or a context tar (plain
 *              or gzip) with the Dockerfile inside
 * `.dockerignore` (or `<Dockerfile>.dockerignore` beside a custom Dockerfile)
 * hides files from COPY/ADD and from the cache.
 */
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { TsrunError, isErrno } from '../core/errors.js';
import { scratchPath } from '../core/scratch.js';
import { applyLayer } from '../snapshot/apply-layer.js';
import { detectCompression } from '../snapshot/decompress.js';
import { decodeHeader } from '../snapshot/tar-format.js';
import type { FsOps } from '../sys/types.js';
import { createIgnoreMatcher, DOCKERIGNORE_FILE, dockerfileIgnoreFile, readIgnoreFile } from './dockerignore.js';
import { ContextTree } from './source-tree.js';

export interface BuildContext {
  /** The context's files, .dockerignore applied (an empty tree for a Dockerfile from stdin). */
  tree: ContextTree;
  dockerfileText: string;
  /** How errors name the Dockerfile (`Dockerfile`, `app.Dockerfile`). */
  dockerfileName: string;
  /** Removes a context unpacked from stdin. */
  cleanup?: () => Promise<void>;
}

export interface ContextOptions {
  /** A directory, or `-` for stdin. */
  context: string;
  /** -f: a path (relative to the current directory), `-` for stdin. */
  file?: string;
  stdin: Readable;
  /** Where a context that came as a tar is unpacked (scratch space). */
  tmpDir: string;
  fsops: FsOps;
  cwd?: string;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}

function looksLikeTar(data: Buffer): boolean {
  const kind = detectCompression(data);
  if (kind !== 'none') return kind === 'gzip';
  try {
    return data.length >= 512 && decodeHeader(data.subarray(0, 512)) !== null;
  } catch {
    return false;
  }
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
    throw err;
  }
}

async function ignoreTree(root: string, dockerfile: string | undefined): Promise<ContextTree> {
  const text = (dockerfile && (await readIfExists(dockerfileIgnoreFile(dockerfile)))) ?? (await readIfExists(path.join(root, DOCKERIGNORE_FILE))) ?? '';
  const patterns = readIgnoreFile(text);
  return new ContextTree(root, createIgnoreMatcher(patterns), patterns.some((p) => p.startsWith('!')));
}

async function fromStdin(opts: ContextOptions): Promise<BuildContext> {
  if (opts.file === '-') throw new TsrunError('INVALID_ARGUMENT', 'invalid argument: can\'t use stdin for both build context and dockerfile');
  const data = await readAll(opts.stdin);
  if (!looksLikeTar(data)) {
    const empty = await scratchPath(opts.tmpDir, 'context');
    await mkdir(empty);
    return { tree: await ignoreTree(empty, undefined), dockerfileText: data.toString('utf8'), dockerfileName: 'Dockerfile', cleanup: () => rm(empty, { recursive: true, force: true }) };
  }
  const dir = await scratchPath(opts.tmpDir, 'context');
  await mkdir(dir);
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const { Readable } = await import('node:stream');
  await applyLayer(Readable.from([data]), dir, opts.fsops);
  const name = opts.file ?? 'Dockerfile';
  const text = await readIfExists(path.join(dir, name));
  if (text === undefined) {
    await cleanup();
    throw new TsrunError('NOT_FOUND', `Cannot locate specified Dockerfile: ${name}`);
  }
  return { tree: await ignoreTree(dir, path.join(dir, name)), dockerfileText: text, dockerfileName: path.basename(name), cleanup };
}

export async function loadContext(opts: ContextOptions): Promise<BuildContext> {
  if (opts.context === '-') return fromStdin(opts);
  const cwd = opts.cwd ?? process.cwd();
  const root = path.resolve(cwd, opts.context);
  const st = await stat(root).catch(() => undefined);
  if (!st) throw new TsrunError('NOT_FOUND', `unable to prepare context: path "${opts.context}" not found`);
  if (!st.isDirectory()) throw new TsrunError('INVALID_ARGUMENT', `unable to prepare context: context must be a directory: ${root}`);
  if (opts.file === '-') {
    const text = (await readAll(opts.stdin)).toString('utf8');
    return { tree: await ignoreTree(root, undefined), dockerfileText: text, dockerfileName: 'Dockerfile' };
  }
  const file = opts.file ? path.resolve(cwd, opts.file) : path.join(root, 'Dockerfile');
  const text = await readIfExists(file);
  if (text === undefined) throw new TsrunError('NOT_FOUND', `Cannot locate specified Dockerfile: ${opts.file ?? 'Dockerfile'}`);
  return { tree: await ignoreTree(root, opts.file ? file : undefined), dockerfileText: text, dockerfileName: path.basename(file) };
}
