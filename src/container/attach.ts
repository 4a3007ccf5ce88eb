/** Foreground `run` and `start -a`: start under the monitor with our stdio attached, wait, return the exit code. */
import { TsrunError } from '../core/errors.js';
import type { Image } from '../image/index.js';
import type { ContainerDeps } from './deps.js';
import { releaseNetwork } from './network.js';
import { SignalForwarder } from './signals.js';
import { startContainer } from './start.js';
import type { ContainerRecord } from './store.js';
import { TerminalInput } from './terminal-input.js';
import type { TerminalIo } from './terminal.js';

export interface AttachOptions {
  interactive: boolean;
  /** 'caller': it releases the network itself (`run --rm`: together with the removal). */
  releasedBy?: 'caller' | 'self';
  /** The record's image, already resolved (run). */
  image?: Image;
}

export async function startAttached(deps: ContainerDeps, record: ContainerRecord, io: TerminalIo, opts: AttachOptions): Promise<number> {
  const { interactive, releasedBy = 'self' } = opts;
  const signals = new SignalForwarder().attach(); // before start: a Ctrl-C while starting is held, then passed on
  try {
    const started = await startContainer(deps, record, { attach: true, stdinFd: interactive ? 0 : undefined, image: opts.image });
    if (!started) throw new TsrunError('FAILED_PRECONDITION', `container ${record.Name} is already running: use \`tsrun logs -f\` to follow it`, { exitCode: 1 });
    const terminal = started.ptyMaster !== undefined ? new TerminalInput(deps.sys, started.ptyMaster, io, interactive) : undefined;
    terminal?.start();
    signals.started(started.pid);
    await started.monitorExit;
    await started.adopted;
    if (releasedBy === 'self') await releaseNetwork(deps, record.Id);
    terminal?.finish();
    return (await deps.containers.state(record.Id)).ExitCode;
  } finally {
    signals.detach();
  }
}
