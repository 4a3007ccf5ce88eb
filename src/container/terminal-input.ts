import { writeSync } from 'node:fs';
import type { Sys } from '../sys/index.js';
import type { TerminalIo } from './terminal.js';

/**
 * The user's side of an attached pty whose output the monitor copies to our
 * stdout: raw mode, keystrokes into the master (with -i), window size and
 * resizes passed on. tsrun never reads the master, so nothing races the monitor.
 */
export class TerminalInput {
  private readonly onResize = () => this.resize();
  private readonly forward = (chunk: Buffer) => {
    try {
      writeSync(this.master, chunk);
    } catch {
      /* the container is gone */
    }
  };

  constructor(private readonly sys: Sys, private readonly master: number, private readonly io: TerminalIo, private readonly interactive: boolean) {
    this.resize();
  }

  start(): void {
    if (this.interactive) {
      if (this.io.stdin.isTTY) this.io.stdin.setRawMode(true);
      this.io.stdin.on('data', this.forward);
      this.io.stdin.resume();
    }
    this.io.stdout.on('resize', this.onResize);
  }

  private resize(): void {
    const { columns, rows } = this.io.stdout;
    if (columns && rows) this.sys.setWindowSize(this.master, columns, rows);
  }

  finish(): void {
    this.io.stdout.off('resize', this.onResize);
    if (this.interactive) {
      this.io.stdin.off('data', this.forward);
      if (this.io.stdin.isTTY) this.io.stdin.setRawMode(false);
      this.io.stdin.pause();
    }
    this.sys.close(this.master);
  }
}
