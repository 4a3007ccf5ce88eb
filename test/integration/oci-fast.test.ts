import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readCgroupLayout } from '../../src/runtime/cgroups/index.js';
import { cgroupDir } from '../../src/runtime/cgroups/paths.js';
import { removeTestCgroupParent, TEST_CGROUP_PARENT } from '../helpers/cgroups.js';
import { defaultSpec, makeBundle, oci, ociRoot } from '../helpers/oci.js';
import { poll } from '../helpers/poll.js';
import { requiresRoot } from '../helpers/requires.js';
import { repoRoot } from '../helpers/tsrun.js';

/** build/Release/tsrun-oci-fast: start/state/kill/delete in C, everything else through Node. */
const fastPath = path.join(repoRoot, 'build/Release/tsrun-oci-fast');
const fast = (root: string, args: string[]) => {
  const r = spawnSync(fastPath, ['--root', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
};

if (requiresRoot(t)) {
  t.teardown(removeTestCgroupParent);
  const root = ociRoot(t);

  t.test('the C entry agrees with the Node one on every step it takes', async (t) => {
    const bundle = makeBundle(t, defaultSpec(['sleep', '600']));
    const created = oci(root, ['create', '--bundle', bundle, 'quick']);
    t.equal(created.code, 0, created.stderr);
    t.equal(fast(root, ['state', 'quick']).stdout, oci(root, ['state', 'quick']).stdout, 'state while created');
    t.match(fast(root, ['state', 'quick']).stdout, /"status": "created"/);

    t.equal(fast(root, ['start', 'quick']).code, 0);
    t.equal(fast(root, ['state', 'quick']).stdout, oci(root, ['state', 'quick']).stdout, 'state while running');
    t.match(fast(root, ['state', 'quick']).stdout, /"status": "running"/);
    t.match(fast(root, ['start', 'quick']).stderr, /already running/);
    const refused = fast(root, ['delete', 'quick']);
    t.equal(refused.code, 1);
    t.match(refused.stderr, /^tsrun-oci: cannot delete container quick that is not stopped: running\n$/);

    t.match(fast(root, ['list']).stdout, /quick\s+\d+\s+running/, 'other commands go through Node');

    t.equal(fast(root, ['kill', 'quick', 'SIGKILL']).code, 0);
    t.ok(await poll(() => /"status": "stopped"/.test(fast(root, ['state', 'quick']).stdout)), 'stopped after kill');
    t.equal(fast(root, ['state', 'quick']).stdout, oci(root, ['state', 'quick']).stdout, 'state once stopped (pid 0)');
    t.match(fast(root, ['kill', 'quick']).stderr, /container not running/);

    const layout = await readCgroupLayout();
    const dirs = layout.hierarchies.map((h) => cgroupDir(h, TEST_CGROUP_PARENT, `oci-${process.pid}`));
    t.ok(dirs.every((d) => existsSync(d)), 'the cgroup exists until delete');
    t.equal(fast(root, ['delete', 'quick']).code, 0);
    t.notOk(existsSync(path.join(root, 'quick')), 'the state is gone');
    t.ok(dirs.every((d) => !existsSync(d)), 'the cgroup is gone');
    const missing = fast(root, ['state', 'quick']);
    t.equal(missing.code, 1);
    t.match(missing.stderr, /container does not exist: quick/, 'Node words the errors it knows');
  });

  t.test('errors reach the --log file as JSON, as from the Node entry', async (t) => {
    const bundle = makeBundle(t, defaultSpec(['true']));
    t.equal(oci(root, ['run', '--detach', '--bundle', bundle, 'quick-log']).code, 0);
    t.ok(await poll(() => /"status": "stopped"/.test(fast(root, ['state', 'quick-log']).stdout)), 'true exits');
    const log = path.join(bundle, 'log.json');
    t.equal(fast(root, ['--log', log, '--log-format', 'json', 'start', 'quick-log']).code, 1);
    const line = JSON.parse(readFileSync(log, 'utf8').trim()) as { level: string; msg: string };
    t.same([line.level, line.msg], ['error', 'cannot start a container that has stopped']);
    t.equal(fast(root, ['delete', 'quick-log']).code, 0);
  });
}
