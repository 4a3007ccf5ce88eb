import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { lstatSync, writeFileSync } from 'node:fs';
import { chmod, link, lstat, lutimes, mkdir, mkdtemp, readFile, readdir, readlink, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { applyLayer } from '../../../src/snapshot/apply-layer.js';
import { changesOf } from '../../../src/snapshot/changes.js';
import { tarDirectory, writeLayer } from '../../../src/snapshot/write-layer.js';
import type { FsOps } from '../../../src/sys/types.js';

const IS_ROOT = process.getuid?.() === 0;
const S_IFCHR = 0o020000;
const CAP = Buffer.from([0x01, 0x00, 0x00, 0x02, 0x80, 0x20, 0x00, 0x00, 0xff, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

/** xattrs answered from a map (path -> name -> value); writes are recorded into the same map. */
class MapFsOps implements FsOps {
  mknods: Array<{ path: string; mode: number; major: number; minor: number }> = [];
  constructor(readonly xattrs = new Map<string, Map<string, Buffer>>()) {}
  set(path: string, name: string, value: Buffer | string): void {
    if (!this.xattrs.has(path)) this.xattrs.set(path, new Map());
    this.xattrs.get(path)!.set(name, Buffer.from(value));
  }
  mknod(path: string, mode: number, major: number, minor: number): void {
    writeFileSync(path, '', { flag: 'wx' });
    this.mknods.push({ path, mode, major, minor });
  }
  lsetxattr(path: string, name: string, value: Buffer): void {
    lstatSync(path);
    this.set(path, name, value);
  }
  lgetxattr(path: string, name: string): Buffer | undefined {
    return this.xattrs.get(path)?.get(name);
  }
  llistxattr(path: string): string[] {
    return [...(this.xattrs.get(path)?.keys() ?? [])];
  }
}

async function tmp(t: Test, name: string): Promise<string> {
  const dir = await realpath(await mkdtemp(`${tmpdir()}/${name}-`));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function sha256(buf: Buffer): string {
  return `sha256:${createHash('sha256').update(buf).digest('hex')}`;
}

/** A char device 0/0 (an overlayfs whiteout); unprivileged since Linux 5.8. */
function mkWhiteout(path: string): boolean {
  try {
    execFileSync('mknod', [path, 'c', '0', '0'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const CAN_WHITEOUT = (() => {
  const probe = `${tmpdir()}/whiteout-probe-${process.pid}`;
  const ok = mkWhiteout(probe);
  if (ok) execFileSync('rm', ['-f', probe]);
  return ok;
})();

/** Sets every mtime under root (post-order, so dir times stick) to whole seconds. */
async function stamp(root: string, rel = '', seconds = 1_500_000_000): Promise<void> {
  const path = rel === '' ? root : `${root}/${rel}`;
  const st = await lstat(path);
  if (st.isDirectory()) {
    for (const name of (await readdir(path)).sort()) await stamp(root, rel === '' ? name : `${rel}/${name}`, seconds + 1);
  }
  await lutimes(path, seconds, seconds);
}

interface Node {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  size: number;
  content?: string;
  target?: string;
  /** Names sharing the inode (hardlinks), for non-directories. */
  links?: string[];
}

/** Everything we care about in a tree, keyed by relative path (root excluded). */
async function snapshot(root: string): Promise<Record<string, Node>> {
  const out: Record<string, Node> = {};
  const byIno = new Map<number, string[]>();
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await readdir(rel === '' ? root : `${root}/${rel}`)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = await lstat(`${root}/${r}`);
      const type = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : 'other';
      const node: Node = { type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000), size: type === 'file' ? st.size : 0 };
      if (type === 'symlink') {
        node.target = await readlink(`${root}/${r}`);
        node.mode = 0;
      }
      if (type === 'file') node.content = createHash('sha256').update(await readFile(`${root}/${r}`)).digest('hex');
      if (type !== 'dir') byIno.set(st.ino, [...(byIno.get(st.ino) ?? []), r]);
      out[r] = node;
      if (type === 'dir') await walk(r);
    }
  };
  await walk('');
  for (const names of byIno.values()) for (const n of names) out[n]!.links = names;
  return out;
}

async function buildTree(root: string): Promise<void> {
  const long = `${'l'.repeat(90)}/${'m'.repeat(90)}/${'n'.repeat(90)}`;
  await mkdir(`${root}/etc`, { mode: 0o755 });
  await mkdir(`${root}/shared`, { mode: 0o2775 });
  await mkdir(`${root}/tmp`);
  await chmod(`${root}/tmp`, 0o1777);
  await mkdir(`${root}/${long}`, { recursive: true });
  await writeFile(`${root}/etc/hostname`, 'box\n');
  await chmod(`${root}/etc/hostname`, 0o644);
  await writeFile(`${root}/etc/empty`, '');
  await writeFile(`${root}/etc/secret`, 'x', { mode: 0o600 });
  await writeFile(`${root}/suid`, '#!/bin/sh\n');
  await chmod(`${root}/suid`, 0o4755);
  await writeFile(`${root}/big`, createHash('sha512').update('seed').digest().toString('hex').repeat(40_000)); // 5 MiB
  await link(`${root}/big`, `${root}/etc/big-again`);
  await link(`${root}/etc/hostname`, `${root}/tmp/hostname-link`);
  await symlink('/etc/hostname', `${root}/abs-link`);
  await symlink('../etc', `${root}/tmp/rel-link`);
  await symlink('does/not/exist', `${root}/dangling`);
  await symlink(`/${'t'.repeat(200)}`, `${root}/long-target`);
  await writeFile(`${root}/${long}/deep-file`, 'deep');
  await writeFile(`${root}/ünïcödé 名前`, 'u');
  await stamp(root);
}

t.test('round trip: writeLayer then applyLayer gives the same tree', async (t) => {
  const src = await tmp(t, 'wl-src');
  const dst = await tmp(t, 'wl-dst');
  await buildTree(src);
  const tar = await collect(writeLayer(src, new MapFsOps()));
  const res = await applyLayer(Readable.from([tar]), dst, new MapFsOps());
  t.equal(res.diffID, sha256(tar), 'diffID of an uncompressed layer is the digest of its bytes');
  const [a, b] = [await snapshot(src), await snapshot(dst)];
  t.same(Object.keys(b), Object.keys(a), 'same names');
  t.same(b, a, 'same types, modes, owners, mtimes, contents, symlink targets and hardlinks');
  t.equal(b['etc/big-again']!.links!.length, 2);
  t.equal(b['suid']!.mode, 0o4755);
});

t.test('output is a tar other tools read: names in sorted pre-order', async (t) => {
  const src = await tmp(t, 'wl-order');
  await mkdir(`${src}/b/sub`, { recursive: true });
  await writeFile(`${src}/b/z`, 'z');
  await writeFile(`${src}/b/a`, 'a');
  await writeFile(`${src}/a`, 'a');
  await link(`${src}/a`, `${src}/c`);
  await symlink('a', `${src}/b/sub/s`);
  const names: Array<[string, string, string]> = [];
  const ex = extract();
  ex.on('entry', (h, stream, next) => {
    names.push([h.name, h.type, h.linkname ?? '']);
    stream.resume();
    stream.on('end', () => next());
  });
  const done = new Promise((resolve, reject) => {
    ex.on('finish', () => resolve(undefined));
    ex.on('error', reject);
  });
  writeLayer(src, new MapFsOps()).pipe(ex);
  await done;
  t.same(names, [
    ['a', 'file', ''],
    ['b/', 'directory', ''],
    ['b/a', 'file', ''],
    ['b/sub/', 'directory', ''],
    ['b/sub/s', 'symlink', 'a'],
    ['b/z', 'file', ''],
    ['c', 'link', 'a'],
  ]);
});

t.test('deterministic: same content, same digest, whatever the creation order', async (t) => {
  const one = await tmp(t, 'wl-det1');
  const two = await tmp(t, 'wl-det2');
  for (const [root, order] of [[one, ['x', 'y', 'z']], [two, ['z', 'y', 'x']]] as const) {
    for (const n of order) {
      await mkdir(`${root}/${n}`);
      await writeFile(`${root}/${n}/f`, n);
    }
    await link(`${root}/x/f`, `${root}/z/hard`);
    await stamp(root);
  }
  const d1 = sha256(await collect(writeLayer(one, new MapFsOps())));
  const d1again = sha256(await collect(writeLayer(one, new MapFsOps())));
  const d2 = sha256(await collect(tarDirectory(two)));
  t.equal(d1, d1again, 'two runs, same digest');
  t.equal(d1, d2, 'independent of inode and creation order');
  await writeFile(`${two}/y/f`, 'Y');
  await stamp(two);
  t.not(sha256(await collect(tarDirectory(two))), d1, 'content change changes the digest');
});

t.test('xattrs: SCHILY.xattr records, binary-exact, overlay ones dropped', async (t) => {
  const src = await tmp(t, 'wl-x');
  const dst = await tmp(t, 'wl-x-dst');
  await writeFile(`${src}/ping`, 'bin');
  await mkdir(`${src}/d`);
  const fsops = new MapFsOps();
  fsops.set(`${src}/ping`, 'security.capability', CAP);
  fsops.set(`${src}/ping`, 'user.comment', 'hello');
  fsops.set(`${src}/d`, 'trusted.overlay.origin', 'xyz');
  fsops.set(`${src}/d`, 'trusted.overlay.impure', 'y');
  fsops.set(`${src}/d`, 'user.overlay.origin', 'xyz');
  const tar = await collect(writeLayer(src, fsops));
  t.notOk(tar.includes('trusted.overlay'), 'no overlay xattrs in the layer');
  t.notOk(tar.includes('user.overlay'), 'no userxattr overlay xattrs either');
  const applied = new MapFsOps();
  await applyLayer(Readable.from([tar]), dst, applied);
  t.ok(applied.lgetxattr(`${dst}/ping`, 'security.capability')?.equals(CAP), 'binary value unchanged');
  t.equal(applied.lgetxattr(`${dst}/ping`, 'user.comment')?.toString(), 'hello');
  t.same(applied.llistxattr(`${dst}/d`), []);
  t.same(await collect(tarDirectory(src)), await collect(tarDirectory(src)), 'tarDirectory without fsops: no xattrs, still stable');
  t.notOk((await collect(tarDirectory(src))).includes('SCHILY'), 'no fsops, no xattrs');
});

t.test('opaque dirs become <dir>/.wh..wh..opq right after the dir', async (t) => {
  const upper = await tmp(t, 'wl-opq');
  const dst = await tmp(t, 'wl-opq-dst');
  await mkdir(`${upper}/usr/share`, { recursive: true });
  await writeFile(`${upper}/usr/share/new`, 'n');
  await mkdir(`${upper}/var`);
  const fsops = new MapFsOps();
  fsops.set(`${upper}/usr`, 'trusted.overlay.opaque', 'y');
  fsops.set(`${upper}/var`, 'user.overlay.opaque', 'y');
  const tar = await collect(writeLayer(upper, fsops));
  const names = await tarNames(tar);
  t.same(names, ['usr/', 'usr/.wh..wh..opq', 'usr/share/', 'usr/share/new', 'var/', 'var/.wh..wh..opq']);
  t.notOk((await tarNames(await collect(tarDirectory(upper, fsops)))).some((n) => n.includes('.wh.')), 'tarDirectory does not translate');
  const applied = new MapFsOps();
  await applyLayer(Readable.from([tar]), dst, applied);
  t.equal(applied.lgetxattr(`${dst}/usr`, 'trusted.overlay.opaque')?.toString(), 'y', 'round trip back to the xattr');
  t.equal(applied.lgetxattr(`${dst}/var`, 'trusted.overlay.opaque')?.toString(), 'y');
});

async function tarNames(tar: Buffer): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Readable.from([tar]).pipe(extract())) {
    names.push(entry.header.name);
    entry.resume();
  }
  return names;
}

t.test('overlay whiteouts (char 0/0) become .wh.<name>', { skip: !CAN_WHITEOUT && 'cannot mknod c 0 0 here' }, async (t) => {
  const upper = await tmp(t, 'wl-wh');
  const dst = await tmp(t, 'wl-wh-dst');
  await mkdir(`${upper}/etc`);
  mkWhiteout(`${upper}/etc/passwd`);
  mkWhiteout(`${upper}/gone`);
  await writeFile(`${upper}/etc/group`, 'g');
  const tar = await collect(writeLayer(upper, new MapFsOps()));
  t.same(await tarNames(tar), ['.wh.gone', 'etc/', 'etc/.wh.passwd', 'etc/group']);
  const applied = new MapFsOps();
  await applyLayer(Readable.from([tar]), dst, applied);
  t.same(applied.mknods, [
    { path: `${dst}/gone`, mode: S_IFCHR, major: 0, minor: 0 },
    { path: `${dst}/etc/passwd`, mode: S_IFCHR, major: 0, minor: 0 },
  ]);
  const plain = await tarNames(await collect(tarDirectory(upper)));
  t.same(plain, ['etc/', 'etc/group', 'etc/passwd', 'gone'], 'tarDirectory keeps them as devices');
});

t.test('large uids go to pax records (root only)', { skip: !IS_ROOT && 'needs root' }, async (t) => {
  const src = await tmp(t, 'wl-uid');
  const dst = await tmp(t, 'wl-uid-dst');
  await writeFile(`${src}/f`, 'x');
  execFileSync('chown', ['3000000:3000001', `${src}/f`]);
  await applyLayer(Readable.from([await collect(tarDirectory(src))]), dst, new MapFsOps());
  const st = await lstat(`${dst}/f`);
  t.same([st.uid, st.gid], [3000000, 3000001]);
});

t.test('changesOf: A, C and D against the lower layers', async (t) => {
  const top = await tmp(t, 'ch-lower1');
  const bottom = await tmp(t, 'ch-lower2');
  const upper = await tmp(t, 'ch-upper');
  await mkdir(`${bottom}/etc`);
  await writeFile(`${bottom}/etc/passwd`, 'root');
  await writeFile(`${bottom}/etc/hosts`, 'h');
  await mkdir(`${bottom}/opq`);
  await writeFile(`${bottom}/opq/a`, 'a');
  await writeFile(`${bottom}/opq/b`, 'b');
  await mkdir(`${top}/opq`);
  await writeFile(`${top}/opq/c`, 'c');
  await mkdir(`${top}/hidden`);
  await writeFile(`${bottom}/lowerfile`, 'x');
  await mkdir(`${bottom}/hidden`);
  await writeFile(`${bottom}/hidden/old`, 'o');
  const fsops = new MapFsOps();
  fsops.set(`${top}/hidden`, 'trusted.overlay.opaque', 'y');

  await mkdir(`${upper}/etc`);
  await writeFile(`${upper}/etc/passwd`, 'root\nme');
  await writeFile(`${upper}/etc/new`, 'n');
  await mkdir(`${upper}/newdir`);
  await writeFile(`${upper}/newdir/f`, 'f');
  await mkdir(`${upper}/opq`);
  await writeFile(`${upper}/opq/b`, 'B');
  fsops.set(`${upper}/opq`, 'trusted.overlay.opaque', 'y');
  await mkdir(`${upper}/hidden`);
  await writeFile(`${upper}/hidden/old`, 'back');
  const expected = [
    { kind: 'C', path: '/etc' },
    { kind: 'A', path: '/etc/new' },
    { kind: 'C', path: '/etc/passwd' },
    { kind: 'C', path: '/hidden' },
    { kind: 'A', path: '/hidden/old' },
    { kind: 'A', path: '/newdir' },
    { kind: 'A', path: '/newdir/f' },
    { kind: 'C', path: '/opq' },
    { kind: 'D', path: '/opq/a' },
    { kind: 'C', path: '/opq/b' },
    { kind: 'D', path: '/opq/c' },
  ];
  if (CAN_WHITEOUT) {
    mkWhiteout(`${upper}/lowerfile`);
    mkWhiteout(`${upper}/etc/hosts`);
    expected.push({ kind: 'D', path: '/etc/hosts' }, { kind: 'D', path: '/lowerfile' });
    expected.sort((a, b) => (a.path < b.path ? -1 : 1));
  }
  t.same(await changesOf(upper, [top, bottom], fsops), expected);
});

t.test('refuses upper dirs using overlay metacopy or redirect_dir', async (t) => {
  const upper = await tmp(t, 'wl-meta');
  await writeFile(`${upper}/f`, '');
  await mkdir(`${upper}/moved`);
  const meta = new MapFsOps();
  meta.set(`${upper}/f`, 'trusted.overlay.metacopy', '');
  await t.rejects(collect(writeLayer(upper, meta)), { code: 'FAILED_PRECONDITION', message: /metacopy/ });
  const redirect = new MapFsOps();
  redirect.set(`${upper}/moved`, 'trusted.overlay.redirect', '/old');
  await t.rejects(collect(writeLayer(upper, redirect)), { code: 'FAILED_PRECONDITION', message: /redirect/ });
  t.ok((await collect(tarDirectory(upper, redirect))).length > 0, 'tarDirectory does not care');
});
