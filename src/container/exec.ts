/**
 * `tsrun exec`: a new process in a running container. The namespace fds are
 * opened here, before clone; the native side joins them in a fresh child and
 * clones once more into the PID namespace (native/spawn.c tsrun_spawn_join).
 */
import { closeSync, openSync, promises as fs, statSync } from 'node:fs';
import { TsrunError } from '../core/errors.js';
import type { RuntimeSpec } from '../oci/runtime-spec.js';
import { spawnPlanFor, startProcess } from '../runtime/index.js';
import type { ContainerDeps } from './deps.js';
import { cgroupProcsOf, compiledSeccomp, withGroupAdd } from './isolation.js';
import { containerSecurity, type ContainerSecurity } from './security.js';
import { currentState } from './liveness.js';
import { mergeEnv } from './process-args.js';
import { resolveInRoot } from './root-view.js';
import { SignalForwarder } from './signals.js';
import type { ContainerRecord } from './store.js';
import { TerminalSession, type TerminalIo } from './terminal.js';
import { resolveUser } from './user.js';

export interface ExecOptions {
  args: string[];
  interactive: boolean;
  tty: boolean;
  env: string[];
  workdir?: string;
  user?: string;
}

/**
 * Joined in this order; mnt late, so the rest are found through the host's
 * /proc; user last, so every other join still has the host's privileges.
 * cgroup and user only when the container has its own.
 */
const NAMESPACES = ['ipc', 'uts', 'net', 'pid', 'cgroup', 'mnt', 'user'];

function ownNamespace(pid: number, ns: string): boolean {
  if (ns !== 'cgroup' && ns !== 'user') return true;
  return statSync(`/proc/${pid}/ns/${ns}`).ino !== statSync(`/proc/self/ns/${ns}`).ino;
}

async function containerFile(root: string, file: string): Promise<string | undefined> {
  return fs.readFile(await resolveInRoot(root, file), 'utf8').catch(() => undefined);
}

async function execSpec(record: ContainerRecord, pid: number, opts: ExecOptions, security: ContainerSecurity): Promise<RuntimeSpec> {
  const root = `/proc/${pid}/root`;
  const groups = await containerFile(root, '/etc/group');
  const user = withGroupAdd(resolveUser(opts.user ?? record.Config.User, await containerFile(root, '/etc/passwd'), groups), record, groups);
  const caps = security.capabilities;
  const granted = user.uid === 0 ? caps : []; // Docker's SetCapabilities
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: opts.tty,
      user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
      args: opts.args,
      env: mergeEnv(record.Config.Env, opts.env, opts.tty ? { TERM: 'xterm' } : {}),
      cwd: opts.workdir ?? record.Config.WorkingDir,
      capabilities: { bounding: caps, effective: granted, permitted: granted, inheritable: [], ambient: [] },
      noNewPrivileges: security.noNewPrivileges,
    },
    root: { path: '/' },
    mounts: [],
    linux: { namespaces: [] }, // none new: it joins the container's
  };
}

/**
 * From the container's own devpts, so `tty` inside says /dev/pts/N (one the
 * container can see) rather than "not a tty"; the host's when the container
 * has no devpts of its own at /dev/pts.
 */
function execPty(deps: ContainerDeps, pid: number) {
  try {
    return deps.sys.openPty(`/proc/${pid}/root`);
  } catch {
    return deps.sys.openPty();
  }
}

export async function execInContainer(deps: ContainerDeps, record: ContainerRecord, opts: ExecOptions, io: TerminalIo): Promise<number> {
  if (opts.args.length === 0) throw new TsrunError('INVALID_ARGUMENT', 'exec requires at least 1 command argument', { exitCode: 1 });
  // the recorded pid is the other runtime's, outside the container's namespaces: never join those
  if (record.HostConfig.Runtime) throw new TsrunError('FAILED_PRECONDITION', `exec is not supported in a container run with --runtime ${record.HostConfig.Runtime}`, { exitCode: 1 });
  const state = await currentState(deps.containers, record.Id);
  if (!state.Running) throw new TsrunError('FAILED_PRECONDITION', `container ${record.Id} is not running`, { exitCode: 1 });
  const security = await containerSecurity(record);
  const spec = await execSpec(record, state.Pid, opts, security);
  const seccomp = security.seccomp && (await compiledSeccomp(deps, security.seccomp));
  const nsFds = NAMESPACES.filter((ns) => ownNamespace(state.Pid, ns)).map((ns) => openSync(`/proc/${state.Pid}/ns/${ns}`, 'r'));
  const pty = opts.tty ? execPty(deps, state.Pid) : undefined;
  const stdin = pty ? pty.slave : opts.interactive ? 0 : openSync('/dev/null', 'r');
  const plan = spawnPlanFor({ spec, stdio: pty ? [pty.slave, pty.slave, pty.slave] : [stdin, 1, 2], pdeathsig: 9, seccomp });
  // the exec'd process counts against the container's limits: it joins the cgroup before GO
  const joinCgroup = async (pid: number) => { for (const procs of cgroupProcsOf(record)) await fs.writeFile(procs, String(pid)); };
  const terminal = pty && new TerminalSession(deps.sys, pty, io, opts.interactive);
  const signals = new SignalForwarder().attach();
  try {
    const started = await startProcess(deps.sys, plan, joinCgroup, nsFds);
    if (pty) deps.sys.close(pty.slave);
    terminal?.start();
    signals.started(started.pid);
    const status = await started.exit;
    await terminal?.finish();
    return status.code ?? 128 + (status.signal ?? 0);
  } catch (err) {
    if (pty) [pty.slave, pty.master].forEach((fd) => { try { deps.sys.close(fd); } catch { /* closed */ } });
    throw err;
  } finally {
    signals.detach();
    nsFds.forEach((fd) => closeSync(fd));
    if (!pty && !opts.interactive) closeSync(stdin);
  }
}
