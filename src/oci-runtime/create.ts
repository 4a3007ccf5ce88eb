/**
 * `create`: config.json -> the same SpawnPlan `tsrun run` uses -> a child
 * cloned from this process that does all its setup, reports ready and then
 * blocks on the exec FIFO until `start`. When this process exits the child is
 * re-parented to the nearest subreaper (containerd-shim), as with runc.
 *
 * Order: cgroup, clone (child waits for GO), uid/gid maps, oom_score_adj,
 * createRuntime + prestart hooks, GO, ready (or the child's error record).
 */
import { chmodSync, chownSync, closeSync, openSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { TsrunError } from '../core/errors.js';
import type { LinuxIdMapping, RuntimeSpec } from '../oci/runtime-spec.js';
import { createCgroup, readCgroupLayout, removeCgroup } from '../runtime/cgroups/index.js';
import { spawnPlanFor } from '../runtime/plan.js';
import { childSetupError, readChildErrorSync } from '../runtime/spawn.js';
import type { Pty, SpawnedChild, SpawnPlan, Sys } from '../sys/index.js';
import { checkRootfs, concreteSpec, readBundleConfig, validateSpec } from './bundle.js';
import { containerCgroupDirsFor, deviceRules } from './cgroup.js';
import { runHooks } from './hooks.js';
import { planRlimits } from './rlimits.js';
import { ociState, readProcStat, type ContainerState, type StateDir } from './state.js';

/** O_PATH (not in Node's fs.constants): a handle on the FIFO that does not open it. */
const O_PATH = 0o10000000;
const S_IFIFO = 0o010000;
/** Joined in this order (tsrun exec's): user last, so the other joins still have the host's privileges. */
const JOIN_ORDER = ['ipc', 'uts', 'network', 'pid', 'cgroup', 'mount', 'user'];
const PROC_NS: Record<string, string> = { network: 'net', mount: 'mnt' };
export const procNsName = (type: string) => PROC_NS[type] ?? type;

export interface CreateOptions {
  id: string;
  bundle: string;
  pidFile?: string;
  consoleSocket?: string;
  /** Kernel features the spec asks for but the host lacks (Docker's warnings). */
  warn(message: string): void;
}

export interface CreatedContainer {
  state: ContainerState;
  plan: SpawnPlan;
  /** Read end of the child's error pipe: EOF once it has exec'd (used by `run`). */
  errFd: number;
}

/**
 * What native/oci-fast.c (start, state, kill, delete without Node) reads:
 * line-based facts, and the OCI state with placeholders for what it derives.
 */
function writeFastState(dir: StateDir, state: ContainerState): void {
  const lines = [`pid ${state.pid}`, `start ${state.startTime}`, `poststart ${state.hooks?.poststart?.length ? 1 : 0}`,
    `poststop ${state.hooks?.poststop?.length ? 1 : 0}`, ...state.cgroupDirs.map((d) => `cgroup ${d}`)];
  const template = { ...ociState(state, 'running'), status: '__STATUS__', pid: '__PID__' };
  writeAtomic(path.join(dir.dir(state.id), 'oci-state.json'), JSON.stringify(template, null, 2) + '\n');
  writeAtomic(path.join(dir.dir(state.id), 'fast'), lines.join('\n') + '\n');
}

/** Writes a file atomically (containerd reads the pid file as soon as create returns). */
export function writeAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}`);
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}


/** GO, then the child's answer: 'R' when it is blocked before its program, else its error record. */
function releaseUntilReady(child: SpawnedChild, plan: SpawnPlan): void {
  writeSync(child.syncFd, 'G');
  const answer = Buffer.alloc(1);
  const n = readSync(child.syncFd, answer, 0, 1, null);
  if (n === 1 && answer[0] === 'R'.charCodeAt(0)) return;
  const record = readChildErrorSync(child.errFd);
  if (record) throw childSetupError(record, plan);
  throw new TsrunError('CHILD_SETUP', 'container init exited before it was ready');
}

function openNamespaceFds(spec: RuntimeSpec): number[] {
  const byType = new Map(spec.linux.namespaces.filter((n) => n.path).map((n) => [n.type as string, n.path!]));
  return JOIN_ORDER.filter((t) => byType.has(t)).map((t) => {
    try {
      return openSync(byType.get(t)!, 'r');
    } catch (err) {
      throw new TsrunError('NOT_FOUND', `joining ${t} namespace ${byType.get(t)}: ${(err as Error).message}`);
    }
  });
}

/** The terminal: a pty whose slave is the container's stdio and its /dev/console; the master goes to the console socket. */
function terminalFor(sys: Sys, spec: RuntimeSpec, consoleSocket: string | undefined): Pty | undefined {
  if (!spec.process.terminal) return undefined;
  if (!consoleSocket) throw new TsrunError('INVALID_ARGUMENT', 'cannot allocate tty if tsrun-oci will detach without setting console socket (--console-socket)');
  const pty = sys.openPty();
  if (spec.process.consoleSize) sys.setWindowSize(pty.master, spec.process.consoleSize.width, spec.process.consoleSize.height);
  spec.mounts.push({ destination: '/dev/console', type: 'bind', source: pty.path, options: ['bind', 'tsrun.file'] });
  return pty;
}

export async function createContainer(sys: Sys, dir: StateDir, opts: CreateOptions): Promise<CreatedContainer> {
  const bundle = path.resolve(opts.bundle);
  const raw = readBundleConfig(bundle);
  validateSpec(raw);
  const layout = await readCgroupLayout();
  const spec = concreteSpec(raw, bundle, { pureCgroupV2: layout.mode === 'v2' });
  checkRootfs(spec.root.path);
  dir.claim(opts.id);
  const cleanups: Array<() => unknown> = [];
  const fds: number[] = [];
  let child: SpawnedChild | undefined;
  try {
    const fifo = dir.fifo(opts.id);
    sys.mknod(fifo, S_IFIFO | 0o622, 0, 0);
    // any user may write it (the umask took that away), and it belongs to the container's root (runc's rules)
    chmodSync(fifo, 0o622);
    const rootId = (maps: LinuxIdMapping[] | undefined) => maps?.find((m) => m.containerID === 0)?.hostID ?? 0;
    chownSync(fifo, rootId(spec.linux.uidMappings), rootId(spec.linux.gidMappings));
    const fifoFd = openSync(fifo, O_PATH);
    fds.push(fifoFd);
    const cgroupDirs = layout.mode === 'none' ? [] : containerCgroupDirsFor(layout, spec.linux.cgroupsPath, opts.id);
    cleanups.push(() => removeCgroup(cgroupDirs));
    const joined = cgroupDirs.length
      ? await createCgroup({ layout, dirs: cgroupDirs, resources: { ...spec.linux.resources, devices: deviceRules(spec) }, sys, warn: opts.warn })
      : undefined;
    const pty = terminalFor(sys, spec, opts.consoleSocket);
    if (pty) fds.push(pty.master, pty.slave);
    const seccomp = spec.linux.seccomp && sys.compileSeccomp((await import('../runtime/seccomp/filter-input.js')).seccompFilterInput(spec.linux.seccomp));
    const plan: SpawnPlan = {
      ...spawnPlanFor({
        spec,
        rootfsMount: { type: 'bind', source: spec.root.path, options: ['rbind'] },
        stdio: pty ? [pty.slave, pty.slave, pty.slave] : [0, 1, 2],
        pdeathsig: 0,
        cgroup: joined,
        seccomp,
      }),
      rlimits: planRlimits(spec.process.rlimits),
      execFifoFd: fifoFd,
    };
    const nsFds = openNamespaceFds(spec);
    fds.push(...nsFds);
    if (nsFds.length > 0) delete plan.netnsPath; // joined with the others
    child = nsFds.length > 0 ? sys.spawnJoin(plan, nsFds) : sys.spawn(plan);
    if (child.pid < 0) {
      const record = readChildErrorSync(child.errFd);
      throw record ? childSetupError(record, plan) : new TsrunError('CHILD_SETUP', 'could not join the namespaces');
    }
    const pid = child.pid;
    cleanups.push(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } });
    if (plan.uidMap !== undefined) {
      writeFileSync(`/proc/${pid}/uid_map`, plan.uidMap);
      writeFileSync(`/proc/${pid}/gid_map`, plan.gidMap ?? '');
    }
    const oomScoreAdj = (raw.process as { oomScoreAdj?: number }).oomScoreAdj;
    if (oomScoreAdj !== undefined) writeFileSync(`/proc/${pid}/oom_score_adj`, String(oomScoreAdj));
    const state: ContainerState = {
      id: opts.id,
      pid,
      startTime: readProcStat(pid)?.startTime ?? '',
      bundle,
      rootfs: spec.root.path,
      created: new Date().toISOString(),
      annotations: spec.annotations ?? {},
      cgroupDirs,
      hooks: spec.hooks,
      ownNamespaces: spec.linux.namespaces.filter((n) => !n.path).map((n) => n.type),
    };
    dir.write(state);
    writeFastState(dir, state);
    const creating = ociState(state, 'creating');
    runHooks('createRuntime', spec.hooks?.createRuntime, creating);
    runHooks('prestart', spec.hooks?.prestart, creating);
    if (pty && opts.consoleSocket) sys.sendFd(opts.consoleSocket, pty.master, '/dev/ptmx');
    releaseUntilReady(child, plan);
    if (opts.pidFile) writeAtomic(path.resolve(opts.pidFile), String(pid));
    closeSync(child.syncFd);
    return { state, plan, errFd: child.errFd };
  } catch (err) {
    if (child) [child.syncFd, child.errFd].forEach((fd) => { try { closeSync(fd); } catch { /* closed */ } });
    for (const undo of cleanups.reverse()) await Promise.resolve().then(undo).catch(() => undefined);
    dir.remove(opts.id);
    throw err;
  } finally {
    for (const fd of fds) try { closeSync(fd); } catch { /* closed */ }
  }
}
