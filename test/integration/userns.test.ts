import t from 'tap';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requiresRoot } from '../helpers/requires.js';
import { importBusybox, tmpStore, tsrun } from '../helpers/tsrun.js';

const uidOf = (pid: number) => Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

if (requiresRoot(t)) {
  const root = tmpStore(t);
  importBusybox(t, root);
  // subordinate ids and settings of our own: the host's /etc/subuid and config stay untouched
  const etc = mkdtempSync(path.join(os.tmpdir(), 'tsrun-userns-'));
  t.teardown(() => rmSync(etc, { recursive: true, force: true }));
  writeFileSync(path.join(etc, 'subuid'), 'tsrun:300000:196608\n');
  writeFileSync(path.join(etc, 'subgid'), 'tsrun:300000:196608\n');
  const base = { TSRUN_SUBUID: path.join(etc, 'subuid'), TSRUN_SUBGID: path.join(etc, 'subgid'), TSRUN_CONFIG: path.join(etc, 'none.json') };
  const ts = (args: string[], env: Record<string, string> = {}) => tsrun(root, args, { env: { ...base, ...env } });
  const statePid = (name: string) => Number(ts(['inspect', '-f', '{{.State.Pid}}', name]).stdout);

  t.test('--userns=auto: root in the container is an unprivileged uid on the host', async (t) => {
    t.equal(ts(['run', '-d', '--name', 'a1', '--userns', 'auto', '-v', 'data:/data', 'busybox', 'sh', '-c', 'touch /data/made /made; exec sleep 60']).code, 0);
    t.equal(ts(['run', '-d', '--name', 'a2', '--userns', 'auto', 'busybox', 'sleep', '60']).code, 0);
    const inside = ts(['exec', 'a1', 'sh', '-c', 'id -u; cat /proc/self/uid_map']).stdout.split('\n');
    t.equal(inside[0], '0', 'uid 0 inside');
    t.match(inside[1], /^\s*0\s+300000\s+65536$/, 'mapped to the first free slice');
    t.equal(uidOf(statePid('a1')), 300000, 'the host sees uid 300000');
    t.equal(uidOf(statePid('a2')), 365536, 'a second auto container gets the next slice');
    const volume = JSON.parse(ts(['volume', 'inspect', 'data']).stdout)[0].Mountpoint;
    t.equal(statSync(path.join(volume, 'made')).uid, 300000, 'a file made in a volume belongs to it');
    const id = ts(['inspect', '-f', '{{.Id}}', 'a1']).stdout.trim();
    t.equal(statSync(path.join(root, 'containers', id, 'upper', 'made')).uid, 300000, 'and so do files in its upper dir');
    const probe = ts(['exec', 'a1', 'sh', '-c', 'ls -ln /bin/busybox; mount -t tmpfs x /tmp; echo "mount $?"; grep CapEff /proc/self/status']).stdout;
    t.match(probe, /^\S+\s+\d+\s+0\s+0\s/m, 'image files appear owned by root (idmapped layers)');
    t.match(probe, /mount 255|mount 1/, 'still no mount');
    t.match(probe, /CapEff:\s+00000000a80425fb/, "Docker's capabilities, inside the namespace");
    t.equal(ts(['rm', '-f', '-v', 'a1', 'a2']).code, 0);
  });

  t.test('"userns-remap" in the settings file maps every container, --userns=host opts out', async (t) => {
    writeFileSync(path.join(etc, 'remap.json'), JSON.stringify({ 'userns-remap': 'default' }));
    const env = { TSRUN_CONFIG: path.join(etc, 'remap.json') };
    t.match(ts(['run', '--rm', 'busybox', 'cat', '/proc/self/uid_map'], env).stdout, /^\s*0\s+300000\s+196608$/m, 'all of user tsrun\'s ranges');
    t.match(ts(['run', '--rm', '--userns', 'host', 'busybox', 'cat', '/proc/self/uid_map'], env).stdout, /^\s*0\s+0\s+4294967295$/m, 'the host\'s namespace');
    const privileged = ts(['run', '--rm', '--privileged', 'busybox', 'true'], env);
    t.equal(privileged.code, 125);
    t.match(privileged.stderr, /privileged mode is incompatible with user namespaces/);
    writeFileSync(path.join(etc, 'copies.json'), JSON.stringify({ 'userns-remap': 'default', 'idmapped-mounts': false }));
    const copies = ts(['run', '--rm', 'busybox', 'sh', '-c', 'ls -ln /bin/busybox && touch /bin/new && echo wrote'], { TSRUN_CONFIG: path.join(etc, 'copies.json') });
    t.match(copies.stdout, /^\S+\s+\d+\s+0\s+0\s.*\nwrote$/m, 'chowned copies of the layers work the same');
    t.same(readdirSync(path.join(root, 'remapped')), [], 'the copies go with the last container of their mapping');
    writeFileSync(path.join(etc, 'nobody.json'), JSON.stringify({ 'userns-remap': 'nobody-here' }));
    const none = ts(['run', '--rm', 'busybox', 'true'], { TSRUN_CONFIG: path.join(etc, 'nobody.json') });
    t.equal(none.code, 125);
    t.match(none.stderr, /No subuid ranges found for user "nobody-here"/);
  });
}
