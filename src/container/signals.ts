const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/**
 * Forwards tsrun's SIGINT/SIGTERM/SIGHUP/SIGQUIT to the container. Installed
 * before the container starts, so a signal that arrives while it is starting
 * is held and delivered once the pid is known rather than killing tsrun.
 */
export class SignalForwarder {
  private pid = 0;
  private pending: NodeJS.Signals[] = [];
  private readonly handler = (sig: NodeJS.Signals) => {
    if (this.pid) this.send(sig);
    else this.pending.push(sig);
  };

  attach(): this {
    for (const sig of FORWARDED_SIGNALS) process.on(sig, this.handler);
    return this;
  }

  started(pid: number): void {
    this.pid = pid;
    for (const sig of this.pending.splice(0)) this.send(sig);
  }

  detach(): void {
    for (const sig of FORWARDED_SIGNALS) process.off(sig, this.handler);
  }

  private send(sig: NodeJS.Signals): void {
    try {
      process.kill(this.pid, sig);
    } catch {
      /* already gone */
    }
  }
}
