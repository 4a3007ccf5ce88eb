/**
 * COPY/ADD sources in a tree: wildcards (Go's filepath.Match over whole
 * relative paths, as Docker's classic builder walks the context), the
 * top-level symlink followed, and Docker's errors for missing files.
 */
import { TsrunError } from '../core/errors.js';
import { cleanPath, matchFilePath } from '../core/go-path.js';
import { relativePath, resolveInTree, type EntryInfo, type SourceTree } from './source-tree.js';

export interface Source {
  /** Resolved clean relative path in the tree. */
  rel: string;
  info: EntryInfo;
  /** The name a file gets in a destination directory. */
  name: string;
  /** How --explain-cache names it: the path as matched. */
  display: string;
}

export function hasWildcard(p: string): boolean {
  return /[*?[]/.test(p);
}

/** Every path in the tree with as many components as the pattern, matched component by component. */
async function glob(tree: SourceTree, pattern: string): Promise<string[]> {
  const parts = pattern.split('/');
  let level: string[] = [''];
  for (const [i, part] of parts.entries()) {
    const next: string[] = [];
    for (const dir of level) {
      const info = await tree.lstat(dir);
      if (info?.type !== 'dir') continue;
      const prefix = parts.slice(0, i + 1).join('/');
      for (const name of await tree.readdir(dir)) {
        const candidate = dir === '' ? name : `${dir}/${name}`;
        if (hasWildcard(part) ? matchFilePath(prefix, candidate) : name === part) next.push(candidate);
      }
    }
    level = next;
  }
  return level;
}

export interface ResolveOptions {
  cmd: 'COPY' | 'ADD';
  /** True for the build context (Docker's error mentions .dockerignore then). */
  isContext: boolean;
}

function notFound(p: string, opts: ResolveOptions): TsrunError {
  const where = opts.isContext ? 'file not found in build context or excluded by .dockerignore: ' : '';
  return new TsrunError('NOT_FOUND', `${opts.cmd} failed: ${where}stat ${p}: file does not exist`);
}

export async function resolveSources(tree: SourceTree, patterns: readonly string[], opts: ResolveOptions): Promise<Source[]> {
  const out: Source[] = [];
  for (const pattern of patterns) {
    const clean = relativePath(pattern);
    const lexical = cleanPath(pattern);
    if (lexical === '..' || lexical.startsWith('../')) {
      throw new TsrunError('INVALID_ARGUMENT', `Forbidden path outside the build context: ${pattern} ()`);
    }
    const matches = hasWildcard(clean) ? await glob(tree, clean) : [clean];
    if (hasWildcard(clean) && matches.length === 0) throw new TsrunError('NOT_FOUND', `${opts.cmd} failed: no source files were specified`);
    for (const m of matches) {
      const rel = await resolveInTree(tree, m);
      const info = await tree.lstat(rel);
      if (!info) throw notFound(m === '' ? '.' : m, opts);
      out.push({ rel, info, name: m.split('/').pop() ?? '', display: m === '' ? '.' : m });
    }
  }
  return out;
}
