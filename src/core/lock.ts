import { promises as fs } from 'node:fs';

export type LockMode = 'shared' | 'exclusive';
/** The flock(2) primitive, injected so core never loads the addon. */
export type Flock = (fd: number, mode: LockMode | 'unlock') => Promise<void>;

/**
 * A kernel lock (dropped by the kernel if we crash: no stale-lock code) plus an
 * in-process queue, since flock is per open file and we open the file per call.
 */
export class FileLock {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: string, private readonly flock: Flock) {}

  async with<T>(mode: LockMode, fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => this.hold(mode, fn));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async hold<T>(mode: LockMode, fn: () => Promise<T>): Promise<T> {
    const fh = await fs.open(this.file, 'a');
    try {
      await this.flock(fh.fd, mode);
      return await fn();
    } finally {
      await fh.close(); // closing the file releases the flock
    }
  }
}
