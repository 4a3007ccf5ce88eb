/** `tsrun run` = create + start; in the foreground also attach, wait, and (with --rm) remove. */
import { startAttached } from './attach.js';
import { createContainerFrom, type CreateOptions } from './create.js';
import type { ContainerDeps } from './deps.js';
import { removeContainer } from './lifecycle.js';
import { startContainer } from './start.js';
import type { TerminalIo } from './terminal.js';

export type { ContainerDeps } from './deps.js';

export interface RunOptions extends CreateOptions {
  /** `-d`: start under the monitor and return at once. */
  detach?: boolean;
}

export interface RunResult {
  id: string;
  /** The container's exit code (foreground runs only). */
  exitCode?: number;
}

export async function runContainer(deps: ContainerDeps, opts: RunOptions, io: TerminalIo): Promise<RunResult> {
  const { record, image } = await createContainerFrom(deps, opts);
  if (opts.detach) {
    await startContainer(deps, record, { image });
    return { id: record.Id };
  }
  try {
    return { id: record.Id, exitCode: await startAttached(deps, record, io, { interactive: opts.interactive, releasedBy: opts.rm ? 'caller' : 'self', image }) };
  } finally {
    if (opts.rm) await removeContainer(deps, record, { force: true, volumes: true });
  }
}
