import tty from 'node:tty';
import type { Pty, Sys } from '../sys/index.js';

export interface TerminalIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

/**
 * Wires a pty master to the user's terminal: raw mode while the container
 * runs, keystrokes in (with -i), output out, window size and resizes passed on.
 */
export class TerminalSession {
  private master?: tty.ReadStream;
  private closed?: Promise<void>;
  private readonly onResize = () => this.resize();

  constructor(private readonly sys: Sys, readonly pty: Pty, private readonly io: TerminalIo, private readonly interactive: boolean) {
    this.resize();
  }

  start(): void {
    const master = new tty.ReadStream(this.pty.master);
    this.master = master;
    this.closed = new Promise((resolve) => {
      master.on('error', () => resolve()); // EIO once the last slave fd closes: the container is done
      master.on('close', () => resolve());
      master.on('end', () => resolve());
    });
    master.on('data', (chunk: Buffer) => this.io.stdout.write(chunk));
    if (this.interactive) {
      if (this.io.stdin.isTTY) this.io.stdin.setRawMode(true);
      this.io.stdin.on('data', this.forwardInput);
      this.io.stdin.resume();
    }
    this.io.stdout.on('resize', this.onResize);
  }

  private readonly forwardInput = (chunk: Buffer) => {
    this.master?.write(chunk);
  };

  private resize(): void {
    const { columns, rows } = this.io.stdout;
    if (columns && rows) this.sys.setWindowSize(this.pty.master, columns, rows);
  }

  /** Drains what the container wrote (bounded wait), then restores the user's terminal. */
  async finish(): Promise<void> {
    if (this.closed) await Promise.race([this.closed, new Promise((r) => setTimeout(r, 500).unref())]);
    this.io.stdout.off('resize', this.onResize);
    if (this.interactive) {
      this.io.stdin.off('data', this.forwardInput);
      if (this.io.stdin.isTTY) this.io.stdin.setRawMode(false);
      this.io.stdin.pause();
    }
    this.master?.destroy();
  }
}
