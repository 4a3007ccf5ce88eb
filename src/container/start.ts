/** `tsrun start`: a created or exited container runs again under a new monitor. */
import { FileLock } from '../core/lock.js';
import { TsrunError } from '../core/errors.js';
import type { Image } from '../image/index.js';
import { ensureUnpacked } from '../image/unpack.js';
import { startMonitored } from '../runtime/index.js';
import type { Pty } from '../sys/index.js';
import { attachSocketPath, ensureAttachDir } from './attach-socket.js';
import type { ContainerDeps } from './deps.js';
import { launchPlan } from './launch-plan.js';
import { currentState } from './liveness.js';
import { prepareNetwork, type LaunchNetwork } from './network.js';
import type { ContainerRecord } from './store.js';

export interface StartOptions {
  /** `start -a` / foreground `run`: the monitor copies the output to our stdout and stderr too. */
  attach?: boolean;
  /** With attach and -i: our stdin becomes the container's (a pipe or file is passed as is). */
  stdinFd?: number;
  /** The record's image, when the caller has it already (run: create just resolved and unpacked it). */
  image?: Image;
}

export interface StartedContainer {
  pid: number;
  monitorExit: Promise<void>;
  /** With a tty and attach: the master, for keystrokes and window size (the monitor reads it). */
  ptyMaster?: number;
  /** The monitor holds the network lease: settled before start returns, unless attached (await it before releasing). */
  adopted: Promise<void>;
}

/** Starts the container unless it already runs (then undefined, as Docker's start is a no-op). */
export async function startContainer(deps: ContainerDeps, record: ContainerRecord, opts: StartOptions = {}): Promise<StartedContainer | undefined> {
  // Two starts of one container must not both mount its upper dir.
  const lock = new FileLock(deps.paths.containerFile(record.Id, 'start.lock'), deps.sys.flock);
  return lock.with('exclusive', async () => {
    if ((await currentState(deps.containers, record.Id)).Running) return undefined;
    return launch(deps, record, opts);
  });
}

async function launch(deps: ContainerDeps, record: ContainerRecord, opts: StartOptions): Promise<StartedContainer> {
  const image = opts.image?.id === record.ImageID ? opts.image : await deps.images.resolve(record.ImageID);
  if (!image) throw new TsrunError('NOT_FOUND', `No such image: ${record.ImageID}`);
  if (image !== opts.image) await ensureUnpacked(deps, image);
  const pty: Pty | undefined = record.Config.Tty ? deps.sys.openPty() : undefined;
  const file = (name: string) => deps.paths.containerFile(record.Id, name);
  const autoRemove = record.HostConfig.AutoRemove && !opts.attach;
  const self = [...deps.selfCommand, '--root', deps.paths.root];
  let network: LaunchNetwork | undefined;
  const networkReady = prepareNetwork(deps, record);
  try {
    const plan = await launchPlan(deps, record, image, pty?.path, networkReady);
    network = await networkReady;
    await ensureAttachDir();
    const started = await startMonitored(deps.sys, {
      plan,
      planFile: file('monitor.plan'),
      stateFile: file('state.json'),
      logFile: file('ctr.log'),
      stdin: pty ? pty.slave : opts.attach ? opts.stdinFd : undefined,
      ptyMaster: pty?.master,
      attach: opts.attach ? { stdout: 1, stderr: 2 } : undefined,
      holdFds: network.heldFds,
      attachSocket: attachSocketPath(record.Id),
      // run -di: stdin stays open for `tsrun attach` (an attached run passes its own stdin)
      openStdin: record.Config.OpenStdin && !opts.attach,
      // podman's `container cleanup`: the ports, address and namespace go as soon as the container exits
      // (an attached tsrun does it itself: it waits for the monitor, which would wait for the cleanup)
      exitCommand: autoRemove ? [...self, 'rm', '-f', '-v', record.Id] : !opts.attach && network.netnsPath && !network.hostNetwork ? [...self, 'cleanup', record.Id] : undefined,
    });
    // attached: the container runs meanwhile (the caller waits for it before releasing the network)
    const adopted = network.started(started.monitorPid);
    if (opts.attach) adopted.catch(() => undefined); // awaited by the caller
    else await adopted;
    const keepMaster = pty && opts.attach;
    if (pty) deps.sys.close(pty.slave);
    if (pty && !keepMaster) deps.sys.close(pty.master);
    return { pid: started.pid, monitorExit: started.monitorExit, ptyMaster: keepMaster ? pty.master : undefined, adopted };
  } catch (err) {
    if (pty) deps.sys.close(pty.slave), deps.sys.close(pty.master);
    network ??= await networkReady.catch(() => undefined); // settled: launchPlan waited for it
    await network?.abort();
    const exitCode = err instanceof TsrunError && err.exitCode !== undefined ? err.exitCode : 125;
    await deps.containers.setState(record.Id, {
      Status: 'exited', Running: false, Pid: 0, ExitCode: exitCode, FinishedAt: new Date().toISOString(),
      Error: err instanceof Error ? err.message : String(err),
    });
    throw err;
  }
}
