import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { lstatSync, writeFileSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { applyLayer } from '../../../src/snapshot/apply-layer.js';
import { TsrunError } from '../../../src/core/errors.js';
import type { FsOps } from '../../../src/sys/types.js';

const UID = process.getuid?.() ?? 0;
const GID = process.getgid?.() ?? 0;
const IS_ROOT = UID === 0;
const S_IFCHR = 0o020000;
const S_IFIFO = 0o010000;

/** Real files for what Node can do; mknod leaves an empty placeholder file and is recorded. */
class RecordingFsOps implements FsOps {
  mknods: Array<{ path: string; mode: number; major: number; minor: number }> = [];
  setxattrs: Array<{ path: string; name: string; value: Buffer }> = [];
  mknod(path: string, mode: number, major: number, minor: number): void {
    writeFileSync(path, '', { flag: 'wx' });
    this.mknods.push({ path, mode, major, minor });
  }
  lsetxattr(path: string, name: string, value: Buffer): void {
    lstatSync(path);
    this.setxattrs.push({ path, name, value: Buffer.from(value) });
  }
  lgetxattr(path: string, name: string): Buffer | undefined {
    return this.setxattrs.filter((x) => x.path === path && x.name === name).pop()?.value;
  }
  llistxattr(path: string): string[] {
    return [...new Set(this.setxattrs.filter((x) => x.path === path).map((x) => x.name))];
  }
}

type Entry = Partial<Header> & { name: string; pax?: Record<string, string>; content?: string | Buffer };

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of p) chunks.push(c as Buffer);
  })();
  for (const { content, ...h } of entries) {
    const header: Entry = { uid: UID, gid: GID, mtime: new Date(1_600_000_000_000), ...h };
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: unknown) => (err ? reject(err) : resolve());
      if ((header.type ?? 'file') === 'file') p.entry(header, content ?? '', cb);
      else p.entry(header, cb);
    });
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** A tmp base holding `layer/` (the target) and `victim/` (must stay untouched). */
async function setup(t: Test): Promise<{ base: string; dir: string; victim: string }> {
  const base = await realpath(await mkdtemp(`${tmpdir()}/apply-layer-`));
  t.teardown(() => {
    execFileSync('chmod', ['-R', 'u+rwX', base]); // read-only dirs made by a test
    return rm(base, { recursive: true, force: true });
  });
  await mkdir(`${base}/layer`);
  await mkdir(`${base}/victim`);
  return { base, dir: `${base}/layer`, victim: `${base}/victim` };
}

function chunked(buf: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

function sha256(buf: Buffer): string {
  return `sha256:${createHash('sha256').update(buf).digest('hex')}`;
}

async function apply(tar: Buffer, dir: string, fsops: FsOps = new RecordingFsOps(), warnings: string[] = []) {
  return applyLayer(Readable.from([tar]), dir, fsops, { onWarning: (m) => warnings.push(m) });
}

async function expectUntouched(t: Test, base: string, victim: string): Promise<void> {
  t.same((await readdir(base)).sort(), ['layer', 'victim'], 'nothing new next to the layer');
  t.same(await readdir(victim), [], 'victim dir stays empty');
}

t.test('regular files, dirs, symlinks, hardlinks; diffID and size', async (t) => {
  const { dir } = await setup(t);
  const tar = await tarOf([
    { name: 'etc/', type: 'directory', mode: 0o755 },
    { name: 'etc/hostname', content: 'box\n', mode: 0o644 },
    { name: 'bin/', type: 'directory', mode: 0o755 },
    { name: 'bin/tool', content: Buffer.alloc(100_000, 7), mode: 0o755 },
    { name: 'bin/alias', type: 'link', linkname: 'bin/tool' },
    { name: 'bin/sh', type: 'symlink', linkname: '/bin/tool' },
    { name: 'rel', type: 'symlink', linkname: '../nowhere/at/all' },
  ]);
  const res = await apply(tar, dir);
  t.equal(res.diffID, sha256(tar));
  t.equal(res.size, 4 + 100_000);
  t.equal(await readFile(`${dir}/etc/hostname`, 'utf8'), 'box\n');
  t.ok((await readFile(`${dir}/bin/tool`)).equals(Buffer.alloc(100_000, 7)));
  const tool = await lstat(`${dir}/bin/tool`);
  const alias = await lstat(`${dir}/bin/alias`);
  t.equal(alias.ino, tool.ino, 'hardlink shares the inode');
  t.equal(tool.nlink, 2);
  t.equal(await readlink(`${dir}/bin/sh`), '/bin/tool', 'absolute symlink targets are kept as data');
  t.equal(await readlink(`${dir}/rel`), '../nowhere/at/all');
  t.equal(tool.mode & 0o7777, 0o755);
});

t.test('modes incl. setuid/setgid/sticky, ownership and mtimes', async (t) => {
  const { dir } = await setup(t);
  const tar = await tarOf([
    { name: 'd/', type: 'directory', mode: 0o2750, mtime: new Date(1_000_000_000_000) },
    { name: 'd/suid', content: 'x', mode: 0o4755, mtime: new Date(1_100_000_000_000) },
    { name: 'd/sgid', content: 'x', mode: 0o2711 },
    { name: 'tmp/', type: 'directory', mode: 0o1777 },
    { name: 'd/link', type: 'symlink', linkname: 'suid', mtime: new Date(1_200_000_000_000) },
    { name: 'ro/', type: 'directory', mode: 0o555 },
    { name: 'ro/file', content: 'y', mode: 0o400 },
  ]);
  await apply(tar, dir);
  t.equal((await lstat(`${dir}/d/suid`)).mode & 0o7777, 0o4755);
  t.equal((await lstat(`${dir}/d/sgid`)).mode & 0o7777, 0o2711);
  t.equal((await lstat(`${dir}/d`)).mode & 0o7777, 0o2750);
  t.equal((await lstat(`${dir}/tmp`)).mode & 0o7777, 0o1777);
  t.equal((await lstat(`${dir}/ro`)).mode & 0o7777, 0o555);
  t.equal((await lstat(`${dir}/ro/file`)).mode & 0o7777, 0o400);
  t.equal((await lstat(`${dir}/d/suid`)).mtimeMs, 1_100_000_000_000);
  t.equal((await lstat(`${dir}/d/link`)).mtimeMs, 1_200_000_000_000, 'symlink mtime via lutimes');
  t.equal((await lstat(`${dir}/d`)).mtimeMs, 1_000_000_000_000, 'dir mtime survives writing its children');
  t.equal((await lstat(`${dir}/d/suid`)).uid, UID);
});

t.test('numeric ownership from the header (root only)', { skip: !IS_ROOT && 'needs root' }, async (t) => {
  const { dir } = await setup(t);
  const tar = await tarOf([
    { name: 'd/', type: 'directory', uid: 1234, gid: 5678 },
    { name: 'd/f', content: 'x', uid: 1234, gid: 5678, mode: 0o4755 },
    { name: 'd/l', type: 'symlink', linkname: '/etc/passwd', uid: 4321, gid: 8765 },
  ]);
  await apply(tar, dir);
  const f = await lstat(`${dir}/d/f`);
  t.same([f.uid, f.gid, f.mode & 0o7777], [1234, 5678, 0o4755], 'setuid kept after chown');
  const d = await lstat(`${dir}/d`);
  t.same([d.uid, d.gid], [1234, 5678]);
  const l = await lstat(`${dir}/d/l`);
  t.same([l.uid, l.gid], [4321, 8765], 'lchown on the symlink itself');
  t.not((await lstat('/etc/passwd')).uid, 4321);
});

t.test('long names and link names, pax xattrs', async (t) => {
  const { dir } = await setup(t);
  const deep = `${'a'.repeat(80)}/${'b'.repeat(80)}/${'c'.repeat(80)}/${'d'.repeat(120)}`;
  const longTarget = `/${'t'.repeat(150)}/target`;
  const fsops = new RecordingFsOps();
  const warnings: string[] = [];
  const tar = await tarOf([
    { name: deep, content: 'deep' },
    { name: 'ln', type: 'symlink', linkname: longTarget },
    { name: 'caps', content: 'x', pax: { 'SCHILY.xattr.user.comment': 'hello', 'SCHILY.xattr.trusted.overlay.redirect': '/x' } },
    { name: 'ünïcödé-名前', content: 'u' },
  ]);
  await apply(tar, dir, fsops, warnings);
  t.equal(await readFile(`${dir}/${deep}`, 'utf8'), 'deep');
  t.equal(await readlink(`${dir}/ln`), longTarget);
  t.equal(await readFile(`${dir}/ünïcödé-名前`, 'utf8'), 'u');
  t.same(fsops.setxattrs.map((x) => [x.path, x.name, x.value.toString()]), [[`${dir}/caps`, 'user.comment', 'hello']]);
  t.match(warnings, [/trusted\.overlay\.redirect/], 'overlay xattrs from the tar are not applied');
});

/** A minimal ustar header, independent of src/ (checks binary pax values byte for byte). */
function ustar(name: string, typeflag: string, size: number): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0);
  b.write('0000644\0', 100);
  b.write(`${UID.toString(8).padStart(7, '0')}\0`, 108);
  b.write(`${GID.toString(8).padStart(7, '0')}\0`, 116);
  b.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  b.write('00000000000\0', 136);
  b.write(typeflag, 156);
  b.write('ustar\x0000', 257, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return b;
}
const pad = (n: number) => Buffer.alloc((512 - (n % 512)) % 512);

t.test('binary xattr values (security.capability) are byte-exact', async (t) => {
  const { dir } = await setup(t);
  const cap = Buffer.from([0x01, 0x00, 0x00, 0x02, 0x80, 0x20, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
  const body = Buffer.concat([Buffer.from(' SCHILY.xattr.security.capability='), cap, Buffer.from('\n')]);
  const len = body.length + 2; // two digits
  const record = Buffer.concat([Buffer.from(String(len)), body]);
  t.equal(record.length, len);
  const tar = Buffer.concat([
    ustar('PaxHeader', 'x', record.length), record, pad(record.length),
    ustar('ping', '0', 3), Buffer.from('bin'), pad(3),
    Buffer.alloc(1024),
  ]);
  const fsops = new RecordingFsOps();
  const res = await apply(tar, dir, fsops);
  t.equal(res.diffID, sha256(tar));
  t.equal(fsops.setxattrs.length, 1);
  t.equal(fsops.setxattrs[0]!.name, 'security.capability');
  t.ok(fsops.setxattrs[0]!.value.equals(cap), 'value bytes unchanged');
});

const HAS_GNU_TAR = (() => {
  try {
    return execFileSync('tar', ['--version'], { encoding: 'utf8' }).includes('GNU tar');
  } catch {
    return false;
  }
})();

t.test('GNU long names (tar --format=gnu)', { skip: !HAS_GNU_TAR && 'no GNU tar' }, async (t) => {
  const { base, dir } = await setup(t);
  const src = `${base}/src`;
  const long = `${'x'.repeat(120)}/${'y'.repeat(120)}`;
  await mkdir(`${src}/${'x'.repeat(120)}`, { recursive: true });
  await writeFile(`${src}/${long}`, 'gnu');
  execFileSync('tar', ['--format=gnu', '-C', src, '-cf', `${base}/gnu.tar`, '.'], { stdio: 'ignore' });
  await apply(await readFile(`${base}/gnu.tar`), dir);
  t.equal(await readFile(`${dir}/${long}`, 'utf8'), 'gnu');
});

t.test('gzip layers: diffID is the sha256 of the uncompressed tar, any chunking', async (t) => {
  const tar = await tarOf([{ name: 'a', content: 'hello' }, { name: 'b/', type: 'directory' }, { name: 'b/c', content: 'world!' }]);
  const padded = Buffer.concat([tar, Buffer.alloc(10240)]); // GNU tar pads to a 10 KiB record
  for (const [label, input, chunk] of [
    ['plain', padded, 1 << 20], ['plain, 7-byte chunks', padded, 7],
    ['gzip', gzipSync(padded), 1 << 20], ['gzip, 3-byte chunks', gzipSync(padded), 3],
  ] as const) {
    const { dir } = await setup(t);
    const res = await applyLayer(chunked(input, chunk), dir, new RecordingFsOps());
    t.equal(res.diffID, sha256(padded), `${label}: diffID covers the padding too`);
    t.equal(res.size, 11, label);
    t.equal(await readFile(`${dir}/b/c`, 'utf8'), 'world!', label);
  }
});

t.test('refuses zstd, corrupt gzip, truncated and non-tar input', async (t) => {
  const { dir } = await setup(t);
  const tar = await tarOf([{ name: 'a', content: 'x'.repeat(2000) }]);
  await t.rejects(apply(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4]), dir), { code: 'INVALID_ARGUMENT', message: /zstd/ });
  await t.rejects(apply(Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8]), dir), { code: 'INVALID_ARGUMENT', message: /gzip/ });
  await t.rejects(apply(gzipSync(tar).subarray(0, 40), dir), { code: 'INVALID_ARGUMENT' });
  await t.rejects(apply(tar.subarray(0, 1000), dir), { code: 'INVALID_ARGUMENT', message: /truncated/ });
  await t.rejects(apply(Buffer.from('this is not a tar archive'.repeat(40)), dir), { code: 'INVALID_ARGUMENT' });
  const empty = await apply(Buffer.alloc(1024), dir);
  t.equal(empty.diffID, sha256(Buffer.alloc(1024)), 'an empty layer is fine');
});

t.test('whiteouts and opaque dirs become overlayfs ones', async (t) => {
  const { dir } = await setup(t);
  const fsops = new RecordingFsOps();
  const tar = await tarOf([
    { name: 'etc/', type: 'directory' },
    { name: 'etc/.wh.passwd', content: '' },
    { name: 'usr/', type: 'directory' },
    { name: 'usr/.wh..wh..opq', content: '' },
    { name: 'usr/new', content: 'n' },
    { name: 'gone/.wh.deep', content: '' },
    { name: '.wh.toplevel', content: '' },
    { name: '.wh..wh.plnk/', type: 'directory' },
    { name: '.wh..wh.plnk/1234.5', content: 'aufs' },
    { name: 'keep', content: 'k' },
    { name: '.wh.keep', content: '' },
  ]);
  await apply(tar, dir, fsops);
  t.same(fsops.mknods, [
    { path: `${dir}/etc/passwd`, mode: S_IFCHR, major: 0, minor: 0 },
    { path: `${dir}/gone/deep`, mode: S_IFCHR, major: 0, minor: 0 },
    { path: `${dir}/toplevel`, mode: S_IFCHR, major: 0, minor: 0 },
  ]);
  t.same(fsops.setxattrs.map((x) => [x.path, x.name, x.value.toString()]), [[`${dir}/usr`, 'trusted.overlay.opaque', 'y']]);
  t.equal(await readFile(`${dir}/usr/new`, 'utf8'), 'n');
  t.equal(await readFile(`${dir}/keep`, 'utf8'), 'k', "a whiteout does not hide its own layer's entry");
  t.notOk((await readdir(dir)).some((n) => n.startsWith('.wh.')), 'no .wh. names on disk');
});

t.test('device nodes and fifos go through fsops.mknod inside the layer', async (t) => {
  const { dir } = await setup(t);
  const fsops = new RecordingFsOps();
  const tar = await tarOf([
    { name: 'dev/', type: 'directory' },
    { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
    { name: 'dev/sda', type: 'block-device', devmajor: 8, devminor: 0, mode: 0o660 },
    { name: 'run/fifo', type: 'fifo', mode: 0o600 },
  ]);
  await apply(tar, dir, fsops);
  t.same(fsops.mknods, [
    { path: `${dir}/dev/null`, mode: S_IFCHR | 0o666, major: 1, minor: 3 },
    { path: `${dir}/dev/sda`, mode: 0o060000 | 0o660, major: 8, minor: 0 },
    { path: `${dir}/run/fifo`, mode: S_IFIFO | 0o600, major: 0, minor: 0 },
  ]);
  t.equal((await lstat(`${dir}/dev/null`)).mode & 0o7777, 0o666, 'mode set exactly despite the umask');
});

t.test('entries replace existing ones; a dir over a dir merges', async (t) => {
  const { dir } = await setup(t);
  const tar = await tarOf([
    { name: 'f', content: 'first' },
    { name: 'f', content: 'second' },
    { name: 'x', content: 'file' },
    { name: 'x/', type: 'directory' },
    { name: 'x/child', content: 'c' },
    { name: 'y/', type: 'directory' },
    { name: 'y/sub/', type: 'directory' },
    { name: 'y/sub/deep', content: 'd' },
    { name: 'y', content: 'now a file' },
    { name: 'm/', type: 'directory', mode: 0o700 },
    { name: 'm/a', content: 'a' },
    { name: 'm/', type: 'directory', mode: 0o751 },
    { name: 'm/b', content: 'b' },
    { name: 'h', content: 'old' },
    { name: 'h', type: 'link', linkname: 'f' },
  ]);
  await apply(tar, dir);
  t.equal(await readFile(`${dir}/f`, 'utf8'), 'second');
  t.equal(await readFile(`${dir}/x/child`, 'utf8'), 'c');
  t.equal(await readFile(`${dir}/y`, 'utf8'), 'now a file');
  t.same((await readdir(`${dir}/m`)).sort(), ['a', 'b']);
  t.equal((await lstat(`${dir}/m`)).mode & 0o7777, 0o751, 'the later header wins');
  t.equal((await lstat(`${dir}/h`)).ino, (await lstat(`${dir}/f`)).ino);
});

t.test('root entries: "./" sets the root metadata, "." as a file is refused', async (t) => {
  const { dir } = await setup(t);
  await apply(await tarOf([{ name: './', type: 'directory', mode: 0o750 }, { name: './a', content: 'a' }]), dir);
  t.equal((await lstat(dir)).mode & 0o7777, 0o750);
  t.equal(await readFile(`${dir}/a`, 'utf8'), 'a');
  await t.rejects(apply(await tarOf([{ name: '.', content: 'x' }]), dir), { code: 'INVALID_ARGUMENT', message: /"\." would replace the layer root/ });
  const empty = Buffer.concat([ustar('', '0', 0), Buffer.alloc(1024)]);
  await t.rejects(apply(empty, dir), { code: 'INVALID_ARGUMENT', message: /layer root/ });
});

t.test('hostile archives never touch anything outside the layer', async (t) => {
  const cases: Array<{ label: string; entries: (victim: string) => Entry[]; error?: RegExp; check?: (t: Test, dir: string) => Promise<unknown> }> = [
    { label: '../x', entries: () => [{ name: '../x', content: 'pwned' }], error: /layer entry "\.\.\/x" escapes the layer/ },
    { label: '../victim/x', entries: () => [{ name: '../victim/x', content: 'pwned' }], error: /escapes the layer/ },
    { label: 'a/../../x', entries: () => [{ name: 'a/../../x', content: 'pwned' }], error: /escapes the layer/ },
    { label: 'pax path ../x', entries: () => [{ name: 'innocent', content: 'p', pax: { path: '../x' } }], error: /"\.\.\/x" escapes/ },
    {
      label: 'absolute names are contained',
      entries: () => [{ name: '/abs/file', content: 'inside' }, { name: '/abs/../../../../top', content: 't' }],
      error: /escapes the layer/,
      check: async (t, dir) => t.equal(await readFile(`${dir}/abs/file`, 'utf8'), 'inside'),
    },
    {
      label: 'symlink parent (absolute)',
      entries: (v) => [{ name: 'a', type: 'symlink', linkname: v }, { name: 'a/pwned', content: 'x' }],
      error: /layer entry "a\/pwned" goes through the symlink "a"/,
    },
    {
      label: 'symlink parent (relative)',
      entries: () => [{ name: 'a', type: 'symlink', linkname: '../victim' }, { name: 'a/pwned', content: 'x' }],
      error: /goes through the symlink/,
    },
    {
      label: 'symlink chain',
      entries: (v) => [
        { name: 'b', type: 'symlink', linkname: v },
        { name: 'a', type: 'symlink', linkname: 'b' },
        { name: 'a/pwned', content: 'x' },
      ],
      error: /goes through the symlink "a"/,
    },
    {
      label: 'symlink parent of a dir, a whiteout, an opaque marker, a device',
      entries: (v) => [{ name: 'a', type: 'symlink', linkname: v }, { name: 'a/sub/', type: 'directory' }],
      error: /goes through the symlink/,
    },
    { label: 'whiteout via symlink', entries: (v) => [{ name: 'a', type: 'symlink', linkname: v }, { name: 'a/.wh.x', content: '' }], error: /symlink/ },
    { label: 'opaque via symlink', entries: (v) => [{ name: 'a', type: 'symlink', linkname: v }, { name: 'a/.wh..wh..opq', content: '' }], error: /symlink/ },
    {
      label: 'device via symlink',
      entries: (v) => [{ name: 'a', type: 'symlink', linkname: v }, { name: 'a/null', type: 'character-device', devmajor: 1, devminor: 3 }],
      error: /symlink/,
    },
    { label: 'whiteout of ".."', entries: () => [{ name: 'd/.wh...', content: '' }], error: /not a valid whiteout/ },
    { label: 'whiteout of "."', entries: () => [{ name: '.wh..', content: '' }], error: /not a valid whiteout/ },
    { label: 'hardlink to ../../etc/passwd', entries: () => [{ name: 'h', type: 'link', linkname: '../../etc/passwd' }], error: /"h" links to "\.\.\/\.\.\/etc\/passwd", which escapes the layer/ },
    { label: 'hardlink to a file not in the layer', entries: () => [{ name: 'h', type: 'link', linkname: 'nope' }], error: /is not in the layer/ },
    { label: 'hardlink to a directory', entries: () => [{ name: 'd/', type: 'directory' }, { name: 'h', type: 'link', linkname: 'd' }], error: /is a directory/ },
    {
      label: 'dir over a symlink replaces the symlink',
      entries: (v) => [{ name: 's', type: 'symlink', linkname: v }, { name: 's/', type: 'directory' }, { name: 's/f', content: 'in' }],
      check: async (t, dir) => t.equal(await readFile(`${dir}/s/f`, 'utf8'), 'in'),
    },
  ];
  for (const c of cases) {
    await t.test(c.label, async (t) => {
      const { base, dir, victim } = await setup(t);
      const fsops = new RecordingFsOps();
      const run = apply(await tarOf(c.entries(victim)), dir, fsops);
      if (c.error) await t.rejects(run, c.error);
      else await run;
      if (c.error) await run.catch((err: unknown) => t.ok(err instanceof TsrunError && err.code === 'INVALID_ARGUMENT', 'INVALID_ARGUMENT'));
      await c.check?.(t, dir);
      await expectUntouched(t, base, victim);
      const paths = [...fsops.mknods, ...fsops.setxattrs].map((x) => x.path);
      t.ok(paths.every((p) => p.startsWith(`${dir}/`) || p === dir), 'fsops only called inside the layer');
    });
  }
});

t.test('hostile hardlinks and symlinks never reach a file outside', async (t) => {
  const secretOf = async (victim: string) => {
    await writeFile(`${victim}/secret`, 'secret');
    return `${victim}/secret`;
  };
  const unchanged = async (t: Test, secret: string) => {
    t.equal(await readFile(secret, 'utf8'), 'secret', 'outside file content unchanged');
    t.equal((await lstat(secret)).nlink, 1, 'outside file not linked');
  };

  await t.test('hardlink to ../victim/secret', async (t) => {
    const { dir, victim } = await setup(t);
    const secret = await secretOf(victim);
    await t.rejects(apply(await tarOf([{ name: 'h', type: 'link', linkname: '../victim/secret' }]), dir), { code: 'INVALID_ARGUMENT' });
    await unchanged(t, secret);
  });

  await t.test('hardlink through a symlinked dir', async (t) => {
    const { dir, victim } = await setup(t);
    const secret = await secretOf(victim);
    const tar = await tarOf([{ name: 'd', type: 'symlink', linkname: victim }, { name: 'h', type: 'link', linkname: 'd/secret' }]);
    await t.rejects(apply(tar, dir), { code: 'INVALID_ARGUMENT', message: /symlink "d"/ });
    await unchanged(t, secret);
  });

  await t.test('hardlink to a symlink pointing out links the symlink itself', async (t) => {
    const { dir, victim } = await setup(t);
    const secret = await secretOf(victim);
    const tar = await tarOf([
      { name: 's', type: 'symlink', linkname: secret },
      { name: 'h', type: 'link', linkname: 's' },
      { name: 'abs', type: 'link', linkname: '/s' },
    ]);
    await apply(tar, dir);
    const h = await lstat(`${dir}/h`);
    t.ok(h.isSymbolicLink(), 'the link is a symlink');
    t.equal(h.ino, (await lstat(`${dir}/s`)).ino);
    t.equal((await lstat(`${dir}/abs`)).ino, h.ino, 'absolute link targets are relative to the layer');
    await unchanged(t, secret);
  });

  await t.test('a file entry over a symlink does not write through it', async (t) => {
    const { dir, victim } = await setup(t);
    const secret = await secretOf(victim);
    const tar = await tarOf([
      { name: 's', type: 'symlink', linkname: secret },
      { name: 's', content: 'pwned', mode: 0o777 },
      { name: 't', type: 'symlink', linkname: secret },
      { name: 't', type: 'directory', mode: 0o777 },
      { name: 'u', type: 'symlink', linkname: secret },
      { name: 'u', type: 'link', linkname: 's' },
    ]);
    await apply(tar, dir);
    t.equal(await readFile(`${dir}/s`, 'utf8'), 'pwned');
    t.ok((await lstat(`${dir}/t`)).isDirectory());
    t.equal((await lstat(secret)).mode & 0o777, 0o644 & ~process.umask(), 'no chmod through the symlink');
    await unchanged(t, secret);
  });

  await t.test('xattrs and mtimes on a symlink stay on the symlink', async (t) => {
    const { dir, victim } = await setup(t);
    const secret = await secretOf(victim);
    const before = (await lstat(secret)).mtimeMs;
    const fsops = new RecordingFsOps();
    const tar = await tarOf([
      { name: 's', type: 'symlink', linkname: secret, mtime: new Date(5_000_000), pax: { 'SCHILY.xattr.user.x': 'y' } },
    ]);
    await apply(tar, dir, fsops);
    t.equal((await lstat(secret)).mtimeMs, before);
    t.same(fsops.setxattrs.map((x) => x.path), [`${dir}/s`]);
    await unchanged(t, secret);
  });
});
