import { createReadStream, createWriteStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { TsrunError } from '../../core/errors.js';
import {
  familiarName, importRootfs, loadArchive, removeImage, saveImages, storedName,
} from '../../image/index.js';
import type { Context } from '../context.js';
import type { Output } from '../output.js';

/** `tsrun load [-i FILE]` */
export async function load(ctx: Context, opts: { input?: string; quiet?: boolean }, out: Output): Promise<void> {
  const input: Readable = opts.input ? createReadStream(opts.input) : process.stdin;
  if (!opts.input && process.stdin.isTTY) {
    throw new TsrunError('INVALID_ARGUMENT', 'requested load from stdin, but stdin is empty', { exitCode: 1 });
  }
  for (const image of await loadArchive(ctx, input)) {
    if (image.names.length === 0) out.out(`Loaded image ID: ${image.id}\n`);
    for (const n of image.names) out.out(`Loaded image: ${familiarName(n)}\n`);
  }
}

/** `tsrun save [-o FILE] IMAGE...` */
export async function save(ctx: Context, refs: string[], opts: { output?: string }): Promise<void> {
  if (!opts.output && process.stdout.isTTY) {
    throw new TsrunError('INVALID_ARGUMENT', 'cowardly refusing to save to a terminal. Use the -o flag or redirect', { exitCode: 1 });
  }
  const images = [];
  for (const ref of refs) images.push({ ref, image: await ctx.images.require(ref) });
  const target: Writable = opts.output ? createWriteStream(opts.output) : process.stdout;
  await saveImages(ctx, images, target);
}

/** `tsrun import FILE|- [REPO[:TAG]]` */
export async function importImage(ctx: Context, file: string, ref: string | undefined, out: Output): Promise<void> {
  if (ref) storedName(ref); // reject a bad reference before reading anything
  const input: Readable = file === '-' ? process.stdin : createReadStream(file);
  const image = await importRootfs(ctx, input, file, ref);
  out.out(`${image.id}\n`);
}

/** `tsrun tag SOURCE TARGET` */
export async function tag(ctx: Context, source: string, target: string): Promise<void> {
  const image = await ctx.images.require(source);
  const name = storedName(target);
  const size = await ctx.content.size(image.manifestDigest);
  await ctx.lock.with('exclusive', () => ctx.images.tag(name, image.manifestDigest, size, image.manifest.mediaType));
}

/** `tsrun rmi [-f] IMAGE...`: goes on after a failure and exits 1, like Docker. */
export async function rmi(ctx: Context, refs: string[], opts: { force?: boolean }, out: Output): Promise<void> {
  let failed: unknown;
  for (const ref of refs) {
    try {
      const result = await removeImage(ctx, ref, opts.force === true, () => ctx.containers.imageUsers());
      for (const n of result.untagged) out.out(`Untagged: ${n}\n`);
      for (const id of result.deleted) out.out(`Deleted: ${id}\n`);
    } catch (err) {
      if (!(err instanceof TsrunError)) throw err;
      out.err(`Error response from daemon: ${err.message}\n`);
      failed = err;
    }
  }
  if (failed) throw new TsrunError('CONFLICT', '', { exitCode: 1, cause: failed });
}
