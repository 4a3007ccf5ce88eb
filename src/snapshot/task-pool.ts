/**
 * Bounded concurrency for independent async work (file finishing during
 * layer extraction): at most `maxTasks` running and `maxBytes` held.
 * The first failure is kept and rethrown by the next run() or drain().
 */
export class TaskPool {
  private readonly running = new Set<Promise<void>>();
  private heldBytes = 0;
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly maxTasks: number,
    private readonly maxBytes: number,
  ) {}

  /** Starts `task` as soon as there is room (it holds `bytes` until it ends). */
  async run(task: () => Promise<void>, bytes = 0): Promise<void> {
    this.rethrow();
    while (this.running.size >= this.maxTasks || (this.running.size > 0 && this.heldBytes + bytes > this.maxBytes)) {
      await Promise.race(this.running);
      this.rethrow();
    }
    this.heldBytes += bytes;
    const done: Promise<void> = task()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.running.delete(done);
        this.heldBytes -= bytes;
      });
    this.running.add(done);
  }

  /** Waits for everything started; rethrows the first failure. */
  async drain(): Promise<void> {
    await this.settle();
    this.rethrow();
  }

  /** Waits for everything started, ignoring failures (cleanup after an error). */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
  }

  private rethrow(): void {
    if (this.failure) throw this.failure.error;
  }
}
