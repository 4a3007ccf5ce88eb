import t from 'tap';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createIgnoreMatcher, readIgnoreFile } from '../../../src/build/dockerignore.js';
import { SourceHasher } from '../../../src/build/source-hash.js';
import { ContextTree, LayerView, relativePath, resolveInTree } from '../../../src/build/source-tree.js';
import { hasWildcard, resolveSources } from '../../../src/build/sources.js';
import type { FsOps } from '../../../src/sys/types.js';

function tmp(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsrun-tree-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function files(root: string, spec: Record<string, string>): void {
  for (const [rel, content] of Object.entries(spec)) {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    if (content.startsWith('->')) symlinkSync(content.slice(2), p);
    else if (rel.endsWith('/')) mkdirSync(p, { recursive: true });
    else writeFileSync(p, content);
  }
}

const context = (root: string, ignore = '') => {
  const patterns = readIgnoreFile(ignore);
  return new ContextTree(root, createIgnoreMatcher(patterns), patterns.some((p) => p.startsWith('!')));
};

/** FsOps that knows which directories are opaque (no xattrs needed, no root). */
const fakeFsops = (opaque: string[]): FsOps => ({
  mknod: () => undefined,
  lsetxattr: () => undefined,
  llistxattr: () => [],
  lgetxattr: (p, name) => (name === 'trusted.overlay.opaque' && opaque.includes(p) ? Buffer.from('y') : undefined),
});

t.test('the context hides ignored paths, but not a directory holding an exception', async (t) => {
  const root = tmp(t);
  files(root, { 'a.txt': 'a', 'b.log': 'b', 'docs/x.md': 'x', 'docs/keep.md': 'k', 'node_modules/m/i.js': 'm' });
  const tree = context(root, '*.log\ndocs\n!docs/keep.md\nnode_modules\n');
  t.same(await tree.readdir(''), ['a.txt', 'docs']);
  t.same(await tree.readdir('docs'), ['keep.md']);
  t.equal(await tree.lstat('b.log'), undefined);
  t.equal(await tree.lstat('node_modules/m/i.js'), undefined);
  t.equal((await tree.lstat('docs'))?.type, 'dir');
});

t.test('layers: the top copy wins, an opaque dir hides lower content', async (t) => {
  const root = tmp(t);
  files(root, {
    'top/etc/issue': 'top', 'top/opq/new': 'n',
    'low/etc/issue': 'low', 'low/etc/passwd': 'p', 'low/opq/old': 'o', 'low/file': 'f',
  });
  const view = new LayerView([path.join(root, 'top'), path.join(root, 'low')], fakeFsops([path.join(root, 'top/opq')]));
  t.equal((await view.lstat('etc/issue'))?.hostPath, path.join(root, 'top/etc/issue'));
  t.equal((await view.lstat('etc/passwd'))?.hostPath, path.join(root, 'low/etc/passwd'));
  t.same(await view.readdir('etc'), ['issue', 'passwd']);
  t.same(await view.readdir('opq'), ['new']);
  t.equal(await view.lstat('opq/old'), undefined);
  t.same(await view.readdir(''), ['etc', 'file', 'opq']);
});

t.test('a file in an upper layer hides a directory below', async (t) => {
  const root = tmp(t);
  files(root, { 'top/d': 'now a file', 'low/d/inside': 'x' });
  const view = new LayerView([path.join(root, 'top'), path.join(root, 'low')], fakeFsops([]));
  t.equal((await view.lstat('d'))?.type, 'file');
  t.equal(await view.lstat('d/inside'), undefined);
});

t.test('symlinks resolve inside the tree; .. and absolute targets never leave it', async (t) => {
  const root = tmp(t);
  files(root, { 'usr/lib/x': 'x', lib: '->usr/lib', 'abs/up': '->/../../usr', 'loop/a': '->b', 'loop/b': '->a' });
  const tree = context(root);
  t.equal(await resolveInTree(tree, '/lib/x'), 'usr/lib/x');
  t.equal(await resolveInTree(tree, 'abs/up/lib'), 'usr/lib');
  t.equal(await resolveInTree(tree, '../../etc/passwd'), 'etc/passwd');
  t.equal(await resolveInTree(tree, 'lib', false), 'lib', 'the last link is kept when asked');
  await t.rejects(resolveInTree(tree, 'loop/a'), /too many levels of symbolic links/);
  t.equal(relativePath('/a/./b/'), 'a/b');
  t.equal(relativePath('.'), '');
});

t.test('sources: wildcards per path component, Docker\'s errors', async (t) => {
  const root = tmp(t);
  files(root, { 'a1.txt': '1', 'a2.txt': '2', 'b.txt': 'b', 'sub/a3.txt': '3', 'secret.txt': 's' });
  const tree = context(root, 'secret.txt');
  const opts = { cmd: 'COPY' as const, isContext: true };
  t.same((await resolveSources(tree, ['a*.txt'], opts)).map((s) => s.rel), ['a1.txt', 'a2.txt']);
  t.same((await resolveSources(tree, ['*/a?.txt'], opts)).map((s) => s.rel), ['sub/a3.txt']);
  t.same((await resolveSources(tree, ['.'], opts)).map((s) => [s.rel, s.info.type]), [['', 'dir']]);
  await t.rejects(resolveSources(tree, ['secret.txt'], opts), /COPY failed: file not found in build context or excluded by \.dockerignore: stat secret\.txt: file does not exist/);
  await t.rejects(resolveSources(tree, ['z*'], opts), /COPY failed: no source files were specified/);
  await t.rejects(resolveSources(tree, ['../outside'], opts), /Forbidden path outside the build context: \.\.\/outside/);
  t.ok(hasWildcard('a[12].txt'));
  t.notOk(hasWildcard('plain.txt'));
});

t.test('hashes: content, mode and names count; mtime does not', async (t) => {
  const root = tmp(t);
  files(root, { 'd/a': 'one', 'd/b': 'two' });
  const hashOf = async () => {
    const tree = context(root);
    return new SourceHasher(tree).hash('d', (await tree.lstat('d'))!);
  };
  const first = await hashOf();
  t.same([...first.files.keys()].sort(), ['a', 'b']);
  utimesSync(path.join(root, 'd/a'), 1, 1);
  t.equal((await hashOf()).digest, first.digest, 'touching a file keeps the hash');
  chmodSync(path.join(root, 'd/a'), 0o755);
  const modeChanged = await hashOf();
  t.not(modeChanged.digest, first.digest, 'a mode change counts');
  t.not(modeChanged.files.get('a'), first.files.get('a'));
  t.equal(modeChanged.files.get('b'), first.files.get('b'));
  writeFileSync(path.join(root, 'd/b'), 'TWO');
  t.not((await hashOf()).files.get('b'), first.files.get('b'), 'a content change counts');
});
