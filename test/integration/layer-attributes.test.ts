import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { requiresRoot } from '../helpers/requires.js';
import { importBusybox, tmpStore, tsrun } from '../helpers/tsrun.js';

// A file capability blob (VFS_CAP_REVISION_2, effective, permitted = CAP_NET_RAW) as the kernel stores it.
const CAP_NET_RAW_BLOB = '0100000200200000000000000000000000000000';

const python = (code: string, ...args: string[]) => execFileSync('python3', ['-c', code, ...args], { encoding: 'utf8' });

if (requiresRoot(t)) {
  const root = tmpStore(t);
  importBusybox(t, root);

  t.test('a layer keeps ownership, modes, device nodes, fifos, hardlinks, mtimes and security.capability', async (t) => {
    const src = path.join(root, 'attr-src');
    mkdirSync(path.join(src, 'opt'), { recursive: true });
    execFileSync('sh', ['-c', [
      `cd ${src}`,
      'printf x > opt/setuid && chown 1234:5678 opt/setuid && chmod 4755 opt/setuid',
      'printf y > opt/pinger',
      'mknod opt/mydev c 1 3 && mkfifo opt/fifo',
      'printf z > opt/a && ln opt/a opt/b',
      'ln -s setuid opt/link',
      'touch -d 2001-02-03T04:05:06Z opt/a',
    ].join(' && ')]);
    python('import os,sys; os.setxattr(sys.argv[1], "security.capability", bytes.fromhex(sys.argv[2]))', path.join(src, 'opt/pinger'), CAP_NET_RAW_BLOB);
    // GNU tar writes the xattr as a binary SCHILY.xattr pax record, as real image builders do.
    execFileSync('tar', ['--xattrs', '--xattrs-include=*', '--numeric-owner', '-C', src, '-cf', `${root}/attr.tar`, '.']);
    const archiveDir = path.join(root, 'attr-image');
    mkdirSync(archiveDir);
    t.equal(tsrun(root, ['import', `${root}/attr.tar`, 'attrs']).code, 0);

    const view = tsrun(root, ['run', '--rm', '--entrypoint', '', 'busybox', 'true']);
    t.equal(view.code, 0);
    const layers = path.join(root, 'layers');
    const diff = readdirSync(layers).map((d) => path.join(layers, d, 'diff')).find((d) => {
      try { return readdirSync(path.join(d, 'opt')).includes('pinger'); } catch { return false; }
    });
    t.ok(diff, 'the layer was unpacked');
    const stat = (p: string) => execFileSync('stat', ['-c', '%u:%g %a %F %t,%T', path.join(diff!, p)], { encoding: 'utf8' }).trim();
    t.equal(stat('opt/setuid'), '1234:5678 4755 regular file 0,0');
    t.match(stat('opt/mydev'), /character special file 1,3$/);
    t.match(stat('opt/fifo'), /fifo/);
    t.equal(execFileSync('stat', ['-c', '%i', path.join(diff!, 'opt/a')], { encoding: 'utf8' }), execFileSync('stat', ['-c', '%i', path.join(diff!, 'opt/b')], { encoding: 'utf8' }), 'hardlinks share an inode');
    t.equal(execFileSync('readlink', [path.join(diff!, 'opt/link')], { encoding: 'utf8' }).trim(), 'setuid');
    t.equal(execFileSync('stat', ['-c', '%Y', path.join(diff!, 'opt/a')], { encoding: 'utf8' }).trim(), String(Date.parse('2001-02-03T04:05:06Z') / 1000));
    const cap = python('import os,sys; print(os.getxattr(sys.argv[1], "security.capability").hex())', path.join(diff!, 'opt/pinger')).trim();
    t.equal(cap, CAP_NET_RAW_BLOB, 'security.capability survives byte for byte');

    const inside = tsrun(root, ['run', '--rm', 'attrs', '/bin/nothing']);
    t.equal(inside.code, 127, 'the image without a shell fails to exec cleanly');
  });

  t.test('a tsrun killed in the middle of a load leaves a store the next command can use', async (t) => {
    const big = path.join(root, 'big-src');
    mkdirSync(big);
    execFileSync('sh', ['-c', `cd ${big} && for i in $(seq 1 400); do head -c 65536 /dev/urandom > f$i; done && tar -cf ${root}/big.tar .`]);
    const child = spawnSync('sh', ['-c', `TSRUN_ROOT=${root} ${process.execPath} ${path.resolve('dist/tsrun.cjs')} import ${root}/big.tar big & pid=$!; sleep 0.25; kill -9 $pid; wait $pid; echo killed`], { encoding: 'utf8' });
    t.match(child.stdout, /killed/);
    const images = tsrun(root, ['images']);
    t.equal(images.code, 0, 'the store is readable');
    t.notMatch(images.stdout, /^big\s/m, 'no half image is listed');
    t.equal(tsrun(root, ['import', `${root}/big.tar`, 'big']).code, 0, 'the same import then succeeds');
    t.equal(readdirSync(path.join(root, 'tmp')).length, 0, 'scratch left by the killed process is gone');
    t.equal(tsrun(root, ['run', '--rm', '--entrypoint', '/bin/sh', 'busybox', '-c', 'true']).code, 0);
    t.equal(JSON.parse(readFileSync(path.join(root, 'index.json'), 'utf8')).manifests.length >= 2, true);
  });
}
