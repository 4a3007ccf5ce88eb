/**
 * `exec`: a new process in a container's namespaces and cgroup, described by
 * --process process.json or by the bundle's process with the given args
 * (runc's rules). Joins through the addon's two-step clone (spawnJoin, as
 * `tsrun exec`): the process is this one's child, re-parented to the shim
 * when we exit with --detach.
 */
import { closeSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { TsrunError } from '../core/errors.js';
import type { Process, RuntimeSpec } from '../oci/runtime-spec.js';
import { spawnPlanFor } from '../runtime/plan.js';
import { childSetupError, readChildErrorSync, startProcess } from '../runtime/spawn.js';
import type { Sys } from '../sys/index.js';
import { procNsName, writeAtomic } from './create.js';
import { planRlimits } from './rlimits.js';
import { statusOf, type StateDir } from './state.js';

export interface ExecOptions {
  id: string;
  processFile?: string;
  args: string[];
  env: string[];
  cwd?: string;
  user?: string;
  additionalGids: string[];
  tty: boolean;
  caps: string[];
  noNewPrivs: boolean;
  detach: boolean;
  pidFile?: string;
  consoleSocket?: string;
}

const EXEC_ORDER = ['ipc', 'uts', 'network', 'pid', 'cgroup', 'mount', 'user'];

/** runc exec without --process: the bundle's process, with the command line's changes. */
export function execProcess(base: Process, opts: ExecOptions): Process {
  if (opts.args.length === 0) throw new TsrunError('INVALID_ARGUMENT', 'exec args cannot be empty', { exitCode: 1 });
  const p: Process = { ...base, args: opts.args, terminal: opts.tty, env: [...(base.env ?? []), ...opts.env] };
  if (opts.cwd) p.cwd = opts.cwd;
  if (opts.user) {
    const [uid, gid] = opts.user.split(':');
    if (!/^\d+$/.test(uid) || (gid !== undefined && !/^\d+$/.test(gid))) throw new TsrunError('INVALID_ARGUMENT', `--user must be UID[:GID], got "${opts.user}"`);
    p.user = { uid: Number(uid), gid: gid === undefined ? 0 : Number(gid) };
  }
  if (opts.additionalGids.length) p.user = { ...p.user, additionalGids: opts.additionalGids.map(Number) };
  if (opts.caps.length && p.capabilities) {
    const add = (set: string[] | undefined) => [...new Set([...(set ?? []), ...opts.caps])];
    p.capabilities = { ...p.capabilities, bounding: add(p.capabilities.bounding), effective: add(p.capabilities.effective), permitted: add(p.capabilities.permitted) };
  }
  if (opts.noNewPrivs) p.noNewPrivileges = true;
  return p;
}

export async function execInContainer(sys: Sys, dir: StateDir, opts: ExecOptions): Promise<number> {
  const st = dir.read(opts.id);
  if (statusOf(dir, st) === 'stopped') throw new TsrunError('FAILED_PRECONDITION', 'cannot exec in a stopped container');
  const config = JSON.parse(readFileSync(path.join(st.bundle, 'config.json'), 'utf8')) as RuntimeSpec;
  const proc: Process = opts.processFile ? JSON.parse(readFileSync(opts.processFile, 'utf8')) as Process : execProcess(config.process, opts);
  if (!proc.args?.length) throw new TsrunError('INVALID_ARGUMENT', 'process.args must not be empty');
  const spec: RuntimeSpec = { ociVersion: config.ociVersion, process: { ...proc, cwd: proc.cwd || '/' }, root: { path: '/' }, mounts: [], linux: { namespaces: [] } };
  if (proc.terminal && !opts.consoleSocket && opts.detach) throw new TsrunError('INVALID_ARGUMENT', 'cannot allocate tty if tsrun-oci will detach without setting console socket');
  const own = (ns: string) => statSync(`/proc/${st.pid}/ns/${ns}`).ino !== statSync(`/proc/self/ns/${ns}`).ino;
  const nsFds = EXEC_ORDER.map(procNsName).filter(own).map((ns) => openSync(`/proc/${st.pid}/ns/${ns}`, 'r'));
  const pty = proc.terminal && opts.consoleSocket ? sys.openPty() : undefined;
  const seccomp = config.linux?.seccomp && sys.compileSeccomp((await import('../runtime/seccomp/filter-input.js')).seccompFilterInput(config.linux.seccomp));
  const plan = {
    ...spawnPlanFor({ spec, stdio: pty ? [pty.slave, pty.slave, pty.slave] : [0, 1, 2], pdeathsig: 0, seccomp }),
    rlimits: planRlimits(proc.rlimits),
  };
  // the new process counts against the container's limits: it joins the cgroup before GO
  const joinCgroup = async (pid: number) => {
    for (const d of st.cgroupDirs) writeFileSync(path.join(d, 'cgroup.procs'), String(pid));
    if (pty && opts.consoleSocket) sys.sendFd(opts.consoleSocket, pty.master, '/dev/ptmx');
  };
  try {
    if (!opts.detach) {
      const started = await startProcess(sys, plan, joinCgroup, nsFds);
      if (opts.pidFile) writeAtomic(path.resolve(opts.pidFile), String(started.pid));
      if (pty) [pty.slave, pty.master].forEach((fd) => closeSync(fd));
      const status = await started.exit;
      return status.code ?? 128 + (status.signal ?? 0);
    }
    // Detached: never wait for it (a waitpid here would reap it before the shim can), only see it exec
    const child = sys.spawnJoin(plan, nsFds);
    try {
      if (child.pid > 0) {
        await joinCgroup(child.pid);
        writeSync(child.syncFd, 'G');
      }
      const record = readChildErrorSync(child.errFd);
      if (record || child.pid < 0) {
        if (child.pid > 0) try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
        throw record ? childSetupError(record, plan) : new TsrunError('CHILD_SETUP', 'exec failed: could not join the container');
      }
    } finally {
      closeSync(child.syncFd);
      closeSync(child.errFd);
    }
    if (opts.pidFile) writeAtomic(path.resolve(opts.pidFile), String(child.pid));
    return 0;
  } finally {
    nsFds.forEach((fd) => closeSync(fd));
    if (pty && opts.detach) [pty.slave, pty.master].forEach((fd) => { try { closeSync(fd); } catch { /* closed */ } });
  }
}
