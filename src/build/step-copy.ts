/**
 * COPY and ADD: sources from the context, a stage, an image, a URL (ADD) or
 * a heredoc, hashed for the cache key, then written straight into a fresh
 * upper dir that becomes the step's one layer. ADD extracts local tar
 * archives. Destinations follow Docker's rules: a trailing `/` or an
 * existing directory receives files by name; a source directory's contents
 * are copied, not the directory itself.
 */
import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { TsrunError } from '../core/errors.js';
import { archiveKind, extractArchive } from './archive.js';
import { commitUpper } from './commit.js';
import { createIgnoreMatcher } from './dockerignore.js';
import { combinedSourceHash, copyComment, nopCommentString } from './history.js';
import type { AddInstruction, CopyInstruction } from './instructions.js';
import { shellOf } from './meta-steps.js';
import { parseChmod, parseChown } from './owner.js';
import { download, isRemoteUrl, type Download } from './remote.js';
import { MAX_EXPLAINED_FILES } from './cache.js';
import { ContextTree, readTreeFile, resolveInTree } from './source-tree.js';
import { resolveSources, type Source } from './sources.js';
import type { PreparedStep, StepContext, TreeSource } from './step.js';
import { UpperWriter, type CopyOptions } from './upper-writer.js';

type Item =
  | { kind: 'tree'; source: TreeSource; src: Source }
  | { kind: 'url'; dl: Download; url: string }
  | { kind: 'inline'; name: string; data: string };

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Relative destinations are relative to WORKDIR; a trailing slash is kept (normalizeDest). */
export function normalizeDest(workdir: string | undefined, dest: string): string {
  if (path.posix.isAbsolute(dest)) return dest;
  const joined = path.posix.join('/', workdir ?? '', dest);
  return dest.endsWith('/') && !joined.endsWith('/') ? joined + '/' : joined;
}

function checkFlags(cmd: CopyInstruction | AddInstruction): void {
  if (cmd.exclude.length) throw new TsrunError('INVALID_ARGUMENT', `${cmd.kind.toUpperCase()} --exclude is not supported by tsrun build`);
  if (cmd.kind === 'copy' && cmd.parents) throw new TsrunError('INVALID_ARGUMENT', 'COPY --parents is not supported by tsrun build');
}

export async function prepareCopy(ctx: StepContext, cmd: CopyInstruction | AddInstruction): Promise<PreparedStep> {
  checkFlags(cmd);
  const name = cmd.kind === 'add' ? 'ADD' : 'COPY';
  const { expand } = ctx;
  const from = cmd.kind === 'copy' && cmd.from ? expand.word(cmd.from) : '';
  const dest = expand.word(cmd.dest);
  const chown = expand.word(cmd.chown);
  const chmod = expand.word(cmd.chmod);
  const source = await ctx.sourceTree(from);
  const items: Item[] = [];
  const hashes: string[] = [];
  const sources: Record<string, string> = {};
  for (const pattern of cmd.sourcePaths.map((p) => expand.word(p))) {
    if (cmd.kind === 'add' && isRemoteUrl(pattern)) {
      const dl = await download(pattern, await ctx.scratch('add'), expand.word(cmd.checksum));
      items.push({ kind: 'url', dl, url: pattern });
      hashes.push(`file:${sha256(`${dl.name}\n${dl.mtimeMs}\n${dl.digest}`)}`);
      sources[pattern] = dl.digest;
      continue;
    }
    if (/^git@|\.git(#.*)?$/.test(pattern) && cmd.kind === 'add') throw new TsrunError('INVALID_ARGUMENT', `ADD of git repositories is not supported by tsrun build: ${pattern}`);
    for (const src of await resolveSources(source.tree, [pattern], { cmd: name, isContext: source.isContext })) {
      const hashed = await source.hasher.hash(src.rel, src.info);
      items.push({ kind: 'tree', source, src });
      hashes.push(`${src.info.type === 'dir' ? 'dir' : 'file'}:${hashed.digest}`);
      for (const [p, d] of hashed.files) sources[p === '' ? src.display : `${src.display}/${p}`] = d;
    }
  }
  for (const c of cmd.sourceContents) {
    const data = c.expand ? expand.heredoc(c.data) : c.data;
    items.push({ kind: 'inline', name: c.path, data });
    hashes.push(`file:${sha256(data)}`);
    sources[`<<${c.path}`] = sha256(data);
  }
  if (items.length > 1 && !dest.endsWith('/')) {
    throw new TsrunError('INVALID_ARGUMENT', `When using ${name} with more than one source file, the destination must be a directory and end with a /`);
  }
  const config = ctx.stage.image.config.config ?? {};
  const truncated = Object.keys(sources).length > MAX_EXPLAINED_FILES;
  return {
    createdBy: nopCommentString(shellOf(config), copyComment(name, chown, combinedSourceHash(hashes), dest)),
    args: expand.usedArgs(),
    sources: truncated ? { '': combinedSourceHash(hashes) } : sources,
    ...(truncated ? { sourcesTruncated: true } : {}),
    extra: [`chmod=${chmod}`, `owners=${source.preserveOwner ? 'kept' : 'root'}`],
    async execute() {
      const scratch = await ctx.scratch('copy');
      try {
        const upper = path.join(scratch, 'upper');
        await mkdir(upper);
        const layerDirs = ctx.stage.image.config.rootfs.diff_ids.map((d) => ctx.deps.paths.layerDiff(d)).reverse();
        const writer = new UpperWriter(upper, layerDirs, ctx.deps.sys);
        const owner = chown ? parseChown(chown, await readTreeFile(writer.view, '/etc/passwd'), await readTreeFile(writer.view, '/etc/group')) : undefined;
        const opts = { ...(owner ? { owner } : {}), ...(chmod ? { chmod: parseChmod(chmod) } : {}) };
        const destAbs = normalizeDest(config.WorkingDir, dest);
        for (const [i, item] of items.entries()) await copyItem(ctx, writer, item, destAbs, opts, path.join(scratch, `x${i}`), name);
        const layer = await commitUpper(ctx.deps, upper);
        return { config, ...(layer ? { layer } : {}) };
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },
  };
}

/** Where a single file goes: into the destination when it is (or ends like) a directory. */
async function fileTarget(writer: UpperWriter, destAbs: string, fileName: string, what: string): Promise<string> {
  const intoDir = destAbs.endsWith('/') || (await writer.isDir(await writer.resolve(destAbs)));
  if (intoDir && fileName === '') throw new TsrunError('INVALID_ARGUMENT', `cannot determine filename for ${what}`);
  return resolveInTree(writer.view, intoDir ? path.posix.join(destAbs, fileName) : destAbs, false);
}

type Opts = Omit<CopyOptions, 'preserveOwner'>;

async function copyItem(ctx: StepContext, writer: UpperWriter, item: Item, destAbs: string, opts: Opts, work: string, name: string): Promise<void> {
  const root = { uid: opts.owner?.uid ?? 0, gid: opts.owner?.gid ?? 0 };
  if (item.kind === 'inline') {
    const rel = await fileTarget(writer, destAbs, item.name, 'a heredoc');
    await writer.writeData(rel, item.data, { mode: opts.chmod ?? 0o644, ...root, mtimeMs: 0 });
    return;
  }
  if (item.kind === 'url') {
    const rel = await fileTarget(writer, destAbs, item.dl.name, item.url);
    const plain = new ContextTree(path.dirname(item.dl.file), createIgnoreMatcher([]));
    const info = await plain.lstat(path.basename(item.dl.file));
    if (!info) throw new TsrunError('INTERNAL', `download of ${item.url} vanished`);
    await writer.copy(plain, path.basename(item.dl.file), { ...info, mode: 0o600, mtimeMs: item.dl.mtimeMs }, rel, { ...opts, preserveOwner: false });
    return;
  }
  const { source, src } = item;
  const copyOpts: CopyOptions = { ...opts, preserveOwner: source.preserveOwner };
  if (src.info.type === 'dir') {
    await writer.copy(source.tree, src.rel, src.info, await writer.resolve(destAbs), copyOpts);
    return;
  }
  if (name === 'ADD' && src.info.type === 'file') {
    const archive = await archiveKind(src.info.hostPath);
    if (archive.kind === 'tar') {
      await mkdir(work);
      await extractArchive(src.info.hostPath, work, ctx.deps.sys);
      const extracted = new ContextTree(work, createIgnoreMatcher([]));
      const top = await extracted.lstat('');
      if (top) await writer.copy(extracted, '', top, await writer.resolve(destAbs), { ...opts, preserveOwner: true });
      return;
    }
    if (archive.kind === 'unsupported') {
      ctx.print(`[Warning] ${src.display} is ${archive.compression}-compressed: tsrun extracts plain and gzip tars only, so it is copied as a file`);
    }
  }
  await writer.copy(source.tree, src.rel, src.info, await fileTarget(writer, destAbs, src.name, src.display), copyOpts);
}
