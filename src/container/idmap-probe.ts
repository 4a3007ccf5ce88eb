/**
 * Can this kernel and the store's filesystem idmap overlay's lower layers?
 * Asked for real (tsrun-monitor --probe idmap in a scratch dir of the store,
 * so the answer is about the filesystem the layers are on).
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { promisify } from 'node:util';
import { scratchPath } from '../core/scratch.js';
import type { ContainerDeps } from './deps.js';

const execFileAsync = promisify(execFile);

/** The probe's answer: "ok", or what failed with its errno. */
export async function probeKernel(deps: Pick<ContainerDeps, 'sys' | 'paths'>, probe: 'idmap' | 'pivot_root'): Promise<{ ok: boolean; detail: string }> {
  const dir = await scratchPath(deps.paths.tmpDir, `probe-${probe}`);
  await fs.mkdir(dir, { recursive: true });
  try {
    const { stdout } = await execFileAsync(deps.sys.monitorExecutable(), ['--probe', probe, dir]);
    return { ok: stdout.trim() === 'ok', detail: stdout.trim() };
  } catch (err) {
    const out = (err as { stdout?: string }).stdout?.trim();
    return { ok: false, detail: out || (err as Error).message };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Asked at each start of a user-namespaced container (a few milliseconds). */
export async function idmappedLayersWork(deps: Pick<ContainerDeps, 'sys' | 'paths'>): Promise<boolean> {
  return (await probeKernel(deps, 'idmap')).ok;
}
