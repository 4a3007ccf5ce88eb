/**
 * Starting a container under tsrun-monitor (native/monitor.c): the monitor
 * does the clone, so it is the container's parent and outlives tsrun. tsrun
 * hands it a plan file and fds, then reads one report line on fd 3.
 */
import { spawn, type StdioOptions } from 'node:child_process';
import { promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { TsrunError } from '../core/errors.js';
import type { SpawnPlan, Sys } from '../sys/index.js';
import { errnoName } from '../sys/index.js';
import { encodePlan } from './plan-codec.js';
import { childSetupError } from './spawn.js';
import { strerror } from './strerror.js';

export interface MonitorLaunch {
  /** stdio in the plan is ignored: the monitor wires its own pipes or the pty. */
  plan: SpawnPlan;
  planFile: string;
  stateFile: string;
  logFile: string;
  /** The container's stdin: an fd (a pipe from tsrun, or the pty slave), or none (/dev/null). */
  stdin?: number;
  /** With a pty the monitor reads the master; the slave is `stdin`. */
  ptyMaster?: number;
  /** `start -a`: the monitor copies the output to these fds as well as to the log. */
  attach?: { stdout: number; stderr: number };
  /** Run by the monitor once the state is written (conmon's --exit-command): `tsrun rm` for `run -d --rm`. */
  exitCommand?: string[];
  /** Fds the monitor keeps open while the container lives (sockets reserving published ports); fd 5 on. */
  holdFds?: number[];
  /** The unix socket `tsrun attach` connects to. */
  attachSocket?: string;
  /** -i without an attached tsrun: the monitor holds the container's stdin open for attach clients. */
  openStdin?: boolean;
}

export interface MonitoredContainer {
  pid: number;
  monitorPid: number;
  /** Resolves when the monitor exits (the container has exited and the state is written). */
  monitorExit: Promise<void>;
}

export async function startMonitored(sys: Sys, launch: MonitorLaunch): Promise<MonitoredContainer> {
  await fs.writeFile(launch.planFile, encodePlan(launch.plan), { mode: 0o600 });
  const stdio: StdioOptions = [
    launch.stdin ?? 'ignore',
    launch.attach?.stdout ?? 'ignore',
    launch.attach?.stderr ?? 'ignore',
    'pipe',
    ...(launch.ptyMaster !== undefined ? [launch.ptyMaster] : launch.holdFds?.length ? ['ignore' as const] : []),
    ...(launch.holdFds ?? []),
  ];
  const args = [launch.planFile, launch.stateFile, launch.logFile, ...(launch.ptyMaster !== undefined ? ['tty'] : [])];
  if (launch.openStdin) args.push('stdin');
  if (launch.attachSocket) args.push(`attach=${launch.attachSocket}`);
  if (launch.exitCommand) args.push('--', ...launch.exitCommand);
  // detached: its own session, so a terminal hangup or tsrun's exit leaves it alone.
  const child = spawn(sys.monitorExecutable(), args, { stdio, detached: true });
  const monitorExit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<never>((_, reject) => child.once('error', (err) => reject(
    new TsrunError('INTERNAL', `cannot start the monitor ${sys.monitorExecutable()}: ${err.message}`, { cause: err }))));
  const line = await Promise.race([readReport(child.stdio[3] as Readable), spawnError]);
  const [kind, ...rest] = line.trim().split(' ');
  if (kind === 'pid') {
    if (!launch.attach) child.unref();
    return { pid: Number(rest[0]), monitorPid: child.pid ?? 0, monitorExit };
  }
  // still referenced: with nothing else pending, an unref'd child would let Node exit 0 right here
  await monitorExit;
  if (kind === 'child') {
    const [stage, errno, index] = rest.map(Number);
    throw childSetupError({ stage, errno, index }, launch.plan);
  }
  if (kind === 'error') {
    const errno = Number(rest[0]);
    throw new TsrunError('INTERNAL', `monitor: ${rest.slice(1).join(' ')}: ${strerror(errno)}`, { errno: errnoName(errno) });
  }
  throw new TsrunError('INTERNAL', 'the monitor exited without starting the container');
}

/** The monitor's one report line; '' when it closed fd 3 without one. */
function readReport(stream: Readable): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => { text += chunk; });
    stream.once('close', () => resolve(text));
    stream.once('end', () => resolve(text));
    stream.once('error', () => resolve(text));
  }).then((text) => {
    stream.destroy();
    return text as string;
  });
}
