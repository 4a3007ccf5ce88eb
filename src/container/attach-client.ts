/**
 * `tsrun attach`: joins a running container through its monitor's attach
 * socket. Output from now on (no history: that is `logs`), stdin when the
 * container was started with -i, window sizes with a pty, signals passed on
 * (--sig-proxy, without a pty: there Ctrl-C is a keystroke). Ends when the
 * monitor closes the socket, i.e. the container exited and its state is final;
 * returns its exit code, as `docker attach` does.
 */
import net from 'node:net';
import { TsrunError, isErrno } from '../core/errors.js';
import { attachSocketPath, frame, FRAME_RESIZE, FRAME_STDIN, MAX_PAYLOAD, STREAM_STDERR } from './attach-socket.js';
import type { ContainerDeps } from './deps.js';
import { currentState } from './liveness.js';
import { waitForExit } from './lifecycle.js';
import { SignalForwarder } from './signals.js';
import type { ContainerRecord } from './store.js';

export interface AttachOptions {
  /** Forward our stdin (false with --no-stdin; ignored unless the container has -i). */
  stdin: boolean;
  /** Forward SIGINT/SIGTERM/… to the container (non-tty only, like Docker). */
  sigProxy: boolean;
}

export interface AttachIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export async function attachContainer(deps: ContainerDeps, record: ContainerRecord, opts: AttachOptions, io: AttachIo): Promise<number> {
  const state = await currentState(deps.containers, record.Id);
  if (!state.Running) throw new TsrunError('FAILED_PRECONDITION', 'You cannot attach to a stopped container, start it first', { exitCode: 1 });
  const socket = await connect(attachSocketPath(record.Id), record);
  const tty = record.Config.Tty;
  const withStdin = opts.stdin && record.Config.OpenStdin;
  const signals = opts.sigProxy && !tty ? new SignalForwarder().attach() : undefined;
  signals?.started(state.Pid);

  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
  socket.on('data', demux(io));

  const sendResize = () => {
    const { columns, rows } = io.stdout;
    if (!columns || !rows) return;
    const size = Buffer.alloc(4);
    size.writeUInt16BE(columns, 0);
    size.writeUInt16BE(rows, 2);
    socket.write(frame(FRAME_RESIZE, size));
  };
  const forward = (chunk: Buffer) => {
    for (let i = 0; i < chunk.length; i += MAX_PAYLOAD) socket.write(frame(FRAME_STDIN, chunk.subarray(i, i + MAX_PAYLOAD)));
  };
  const stdinEnded = () => socket.end(); // half-close: output keeps coming
  if (tty && io.stdout.isTTY) {
    sendResize();
    io.stdout.on('resize', sendResize);
  }
  if (withStdin) {
    if (tty && io.stdin.isTTY) io.stdin.setRawMode(true);
    io.stdin.on('data', forward);
    io.stdin.on('end', stdinEnded);
    io.stdin.resume();
  } else {
    socket.end(); // nothing to send: the monitor stops reading us
  }
  try {
    await closed;
  } finally {
    signals?.detach();
    io.stdout.off('resize', sendResize);
    if (withStdin) {
      io.stdin.off('data', forward);
      io.stdin.off('end', stdinEnded);
      if (tty && io.stdin.isTTY) io.stdin.setRawMode(false);
      io.stdin.pause();
    }
  }
  const final = await waitForExit(deps, record.Id, 5000);
  if (!final) throw new TsrunError('UNAVAILABLE', `lost the attach connection to container ${record.Name} while it still runs`, { exitCode: 1 });
  return final.ExitCode;
}

async function connect(path: string, record: ContainerRecord): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(path);
    socket.once('connect', () => resolve(socket));
    socket.once('error', (err) => {
      const why = isErrno(err, 'ENOENT') || isErrno(err, 'ECONNREFUSED')
        ? 'its monitor has no attach socket (started by an older tsrun?)'
        : err.message;
      reject(new TsrunError('UNAVAILABLE', `cannot attach to container ${record.Name}: ${why}`, { exitCode: 1, cause: err }));
    });
  });
}

/** Splits the monitor's frames into stdout and stderr. */
function demux(io: AttachIo): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 5) {
      const len = pending.readUInt32BE(1);
      if (pending.length < 5 + len) break;
      const data = pending.subarray(5, 5 + len);
      (pending[0] === STREAM_STDERR ? io.stderr : io.stdout).write(data);
      pending = pending.subarray(5 + len);
    }
  };
}
