import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deriveStatus, ociState, StateDir, type ContainerState } from '../../../src/oci-runtime/state.js';

t.test('status from the process and the exec FIFO', async (t) => {
  const live = { startTime: '100', state: 'S' };
  t.equal(deriveStatus(live, '100', true), 'created', 'alive and the FIFO still there: created');
  t.equal(deriveStatus(live, '100', false), 'running', 'alive, FIFO gone (start opened it): running');
  t.equal(deriveStatus(undefined, '100', true), 'stopped', 'no such process');
  t.equal(deriveStatus({ startTime: '200', state: 'S' }, '100', false), 'stopped', 'a reused pid is not the container');
  t.equal(deriveStatus({ startTime: '100', state: 'Z' }, '100', false), 'stopped', 'a zombie has exited');
});

const sample: ContainerState = {
  id: 'c1', pid: 42, startTime: '1', bundle: '/b', rootfs: '/b/rootfs', created: '2024-01-01T00:00:00.000Z',
  annotations: {}, cgroupDirs: [], ownNamespaces: ['pid'],
};

t.test('the OCI state: pid 0 once stopped, annotations only when present', async (t) => {
  t.same(ociState(sample, 'running'), {
    ociVersion: '1.0.2', id: 'c1', status: 'running', pid: 42, bundle: '/b', rootfs: '/b/rootfs', created: '2024-01-01T00:00:00.000Z', owner: '',
  });
  t.equal(ociState(sample, 'stopped').pid, 0);
  t.same(ociState({ ...sample, annotations: { a: 'b' } }, 'created').annotations, { a: 'b' });
});

t.test('the state directory: claimed once, written atomically, removed', async (t) => {
  const root = path.join(mkdtempSync(path.join(os.tmpdir(), 'tsrun-oci-state-')), 'root');
  t.teardown(() => rmSync(path.dirname(root), { recursive: true, force: true }));
  const dir = new StateDir(root);
  dir.claim('c1');
  t.throws(() => dir.claim('c1'), /container with id exists: c1/);
  t.notOk(dir.exists('c1'), 'no state.json yet');
  dir.write(sample);
  t.same(dir.read('c1'), sample);
  dir.remove('c1');
  t.throws(() => dir.read('c1'), /container does not exist: c1/);
});
