import t from 'tap';
import { encodePlan } from '../../../src/runtime/plan-codec.js';
import { CLONE, spawnPlanFor } from '../../../src/runtime/plan.js';
import type { RuntimeSpec } from '../../../src/oci/runtime-spec.js';

const spec = (network: { type: 'network'; path?: string }): RuntimeSpec => ({
  ociVersion: '1.0.2',
  process: { user: { uid: 0, gid: 0 }, args: ['/bin/true'], cwd: '/' },
  root: { path: '/' },
  mounts: [],
  linux: { namespaces: [{ type: 'pid' }, network] },
});

t.test('a network namespace with a path is joined (netnsPath), not created', async (t) => {
  const joined = spawnPlanFor({ spec: spec({ type: 'network', path: '/run/netns/tsrun-x' }), stdio: [0, 1, 2], pdeathsig: 9 });
  t.equal(joined.netnsPath, '/run/netns/tsrun-x');
  t.equal(joined.cloneFlags & CLONE.NEWNET, 0, 'no CLONE_NEWNET');
  t.equal(joined.loopbackUp, false, 'tsrun brought lo up when it made the namespace');
  t.ok(encodePlan(joined).includes(Buffer.from('\0netns\0/run/netns/tsrun-x\0')), 'the monitor gets it');
  const fresh = spawnPlanFor({ spec: spec({ type: 'network' }), stdio: [0, 1, 2], pdeathsig: 9 });
  t.equal(fresh.netnsPath, undefined);
  t.not(fresh.cloneFlags & CLONE.NEWNET, 0);
});
