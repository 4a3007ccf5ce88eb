/**
 * `tsrun run --runtime crun|runc|PATH`: the OCI spec tsrun built, run by
 * another OCI runtime (a differential test of tsrun's own core, and a way out
 * when a user needs that runtime's feature). The monitor still supervises
 * (stdio, log, state, exit code, cgroup), but its child is `RUNTIME run` in a
 * private mount namespace where the container's overlay is mounted on
 * merged/: other runtimes take a ready root directory, and a PID namespace
 * of its own, so nothing outlives it. The runtime's own
 * cgroup lands inside tsrun's (a relative path), so tsrun's limits hold.
 */
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TsrunError } from '../core/errors.js';
import type { RootfsMount, RuntimeSpec } from '../oci/runtime-spec.js';
import { CLONE, MS, spawnPlanFor } from '../runtime/index.js';
import type { SpawnPlan } from '../sys/index.js';
import type { JoinedCgroup } from '../runtime/index.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** crun, runc (looked up in PATH) or a path to any runc-compatible runtime; Docker's error otherwise. */
export function resolveRuntime(name: string, envPath = process.env.PATH ?? DEFAULT_PATH): string {
  const executable = (p: string) => { try { accessSync(p, constants.X_OK); return true; } catch { return false; } };
  const found = name.includes('/') ? (executable(name) ? path.resolve(name) : undefined)
    : envPath.split(':').filter(Boolean).map((d) => path.join(d, name)).find(executable);
  if (!found) throw new TsrunError('INVALID_ARGUMENT', `unknown or invalid runtime name: ${name}`);
  return found;
}

/**
 * The bundle's config: tsrun's spec without its cgroup path and limits (tsrun
 * makes and limits the cgroup the runtime's nests in). The device rules stay:
 * without them a runtime asks its nested cgroup for every device, which the
 * parent refuses.
 */
export function bundleSpec(spec: RuntimeSpec): RuntimeSpec {
  const linux = { ...spec.linux };
  delete linux.cgroupsPath;
  linux.resources = spec.linux.resources?.devices ? { devices: spec.linux.resources.devices } : undefined;
  if (!linux.resources) delete linux.resources;
  return { ...spec, linux };
}

export interface ExternalLaunch {
  runtime: string;
  id: string;
  /** containers/<id>: gets bundle/config.json and the runtime's --root. */
  containerDir: string;
  spec: RuntimeSpec;
  rootfsMount: RootfsMount;
  cgroup?: JoinedCgroup;
  tty: boolean;
}

export function externalRuntimePlan(launch: ExternalLaunch): SpawnPlan {
  if (launch.spec.linux.namespaces.some((n) => n.type === 'user')) {
    throw new TsrunError('INVALID_ARGUMENT', '--runtime cannot be combined with a user namespace (--userns)');
  }
  const runtime = resolveRuntime(launch.runtime);
  const bundle = path.join(launch.containerDir, 'bundle');
  mkdirSync(bundle, { recursive: true });
  writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(bundleSpec(launch.spec), null, 2));
  // tsrun's own plan for the same spec gives the overlay mount entry exactly as tsrun makes it
  const own = spawnPlanFor({ spec: launch.spec, rootfsMount: launch.rootfsMount, stdio: [0, 1, 2], pdeathsig: 9 });
  return {
    // its own PID namespace: when the runtime dies (stop's SIGKILL), the kernel kills its container too
    cloneFlags: CLONE.NEWNS | CLONE.NEWPID,
    candidates: [runtime],
    argv: [runtime, '--root', path.join(launch.containerDir, 'oci-runtime'), 'run', '--bundle', bundle, launch.id],
    env: [`PATH=${process.env.PATH ?? DEFAULT_PATH}`],
    cwd: '/',
    uid: 0, gid: 0, groups: [],
    stdio: [0, 1, 2],
    setControllingTty: launch.tty,
    // the overlay on merged/, and a /proc of the new PID namespace (runtimes read their own pids there);
    // no pivot_root: the runtime does its own
    mounts: [own.mounts[0], { source: 'proc', target: '/proc', fstype: 'proc', flags: MS.NOSUID | MS.NODEV | MS.NOEXEC, data: '' }],
    mountCwd: own.mountCwd,
    devices: [], symlinks: [], mkdirs: [], maskedPaths: [], readonlyPaths: [],
    readonlyRoot: false, loopbackUp: false, parentDeathSignal: 9, noNewPrivileges: false, maxFd: 4096,
    ...(launch.cgroup ? { cgroupProcs: launch.cgroup.procs, oomFile: launch.cgroup.oomFile } : {}),
  };
}
