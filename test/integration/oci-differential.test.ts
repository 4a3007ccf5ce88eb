import t from 'tap';
import { spawnSync } from 'node:child_process';
import { DOCKER_DEFAULT_CAPS } from '../../src/runtime/capabilities.js';
import type { RuntimeSpec } from '../../src/oci/runtime-spec.js';
import { removeTestCgroupParent } from '../helpers/cgroups.js';
import { defaultSpec, makeBundle, oci, ociRoot, writeConfig } from '../helpers/oci.js';
import { requires, requiresRoot } from '../helpers/requires.js';

/** What a container sees of its own confinement, one section per line group. */
const PROBE = [
  "grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)' /proc/self/status",
  'echo host=$(hostname)',
  'echo id=$(id)',
  'echo nofile=$(ulimit -n)',
  // mount points only: options differ in harmless ways (tmpfs size=0k vs none on masked dirs)
  "cut -d' ' -f5 /proc/self/mountinfo | sort",
].join('; ');

/**
 * crun 1.8 refuses hybrid cgroup hosts while a controller sits on v2; in a
 * private mount namespace without the v2 mount, and with cgroups off, it runs
 * the same bundle (bench/start.sh does the same).
 */
function crunRun(bundle: string, id: string) {
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c',
    'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --cgroup-manager=disabled run --bundle "$1" "$2"', 'sh', bundle, id], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

if (requiresRoot(t)) {
  // vm/provision.sh installs it
  if (requires(t, spawnSync('crun', ['--version']).status === 0, 'the differential tests need crun (apt-get install crun)')) {
    t.teardown(removeTestCgroupParent);
    const root = ociRoot(t);
    const cases: Array<[string, (s: RuntimeSpec) => void]> = [
      ['the default spec (crun spec)', () => undefined],
      ["Docker's capabilities as root", (s) => {
        const caps = DOCKER_DEFAULT_CAPS.map((c) => `CAP_${c}`);
        s.process.capabilities = { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] };
      }],
      ['a user with supplementary groups', (s) => {
        s.process.user = { uid: 1000, gid: 1000, additionalGids: [10, 20] };
        s.hostname = 'other-name';
      }],
      ['a read-write root, a tmpfs and a bind mount', (s) => {
        s.root.readonly = false;
        s.mounts.push({ destination: '/scratch', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] });
        s.mounts.push({ destination: '/etc/hostname-copy', type: 'bind', source: '/etc/hostname', options: ['rbind', 'ro'] });
      }],
    ];
    for (const [name, change] of cases) {
      t.test(`tsrun-oci and crun agree: ${name}`, async (t) => {
        const spec = defaultSpec(['sh', '-c', PROBE]);
        change(spec);
        const bundle = makeBundle(t, spec);
        writeConfig(bundle, spec);
        const ours = oci(root, ['run', '--bundle', bundle, `diff-${process.pid}`]);
        t.equal(ours.code, 0, ours.stderr);
        const theirs = crunRun(bundle, `crun-diff-${process.pid}`);
        t.equal(theirs.code, 0, theirs.stderr);
        const lines = (out: string) => out.split('\n').filter((l) => l && !l.startsWith('/sys/fs/cgroup'));
        t.same(lines(ours.stdout), lines(theirs.stdout), 'capability sets, hostname, ids, rlimit and mount points');
        t.match(ours.stdout, /^CapBnd:/m, 'the probe ran');
      });
    }
  }
}
