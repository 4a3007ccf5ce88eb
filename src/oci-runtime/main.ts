#!/usr/bin/env node
/**
 * tsrun-oci: a runc-compatible OCI runtime (containerd's --runc-binary, or
 * BinaryName in its runc options). The composition root of this bin: it loads
 * the addon and nothing of tsrun's image or container stores.
 *
 * Output goes through fs.writeSync on fds 1 and 2: process.stdout would make
 * Node switch a pipe to non-blocking, and the container shares that pipe.
 */
import { appendFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { TsrunError } from '../core/errors.js';
import { loadNativeSys } from '../sys/native.js';
import { list, parseArgs, requireId, str, type ParsedArgs } from './args.js';
import { StateDir } from './state.js';

const DEFAULT_ROOT = '/run/tsrun-oci';

const USAGE = `tsrun-oci: an OCI runtime with runc's command line (tsrun's native core)

usage: tsrun-oci [--root DIR] [--log FILE] [--log-format text|json] COMMAND [flags] ID ...

commands:
  create [--bundle DIR] [--pid-file F] [--console-socket SOCK] ID
  start ID                 run the program of a created container
  run [create flags] [--detach] [--keep] ID
  state ID                 OCI state JSON
  kill [--all] ID [SIGNAL]
  delete [--force] ID
  exec [--process FILE | ARGS...] [--detach] [--tty] [--pid-file F] [--console-socket SOCK] ID
  list [--format table|json] [--quiet]
  ps [--format table|json] ID [PS-ARGS...]
  features
`;

class Logger {
  constructor(private readonly file: string | undefined, private readonly json: boolean) {}

  write(level: 'error' | 'warning', msg: string): void {
    if (!this.file) return;
    const line = this.json
      ? JSON.stringify({ level, msg, time: new Date().toISOString() })
      : `time="${new Date().toISOString()}" level=${level} msg=${JSON.stringify(msg)}`;
    try {
      appendFileSync(this.file, line + '\n');
    } catch { /* the log is best effort; stderr still gets the error */ }
  }
}

const out = (text: string) => writeSync(1, text);

async function dispatch(args: ParsedArgs, log: Logger): Promise<number> {
  const { global, command, flags, positionals } = args;
  if (global.version) {
    const { VERSION } = await import('./report.js');
    out(`tsrun-oci version ${VERSION}\nspec: 1.0.2\n`);
    return 0;
  }
  if (!command || global.help || flags.help) {
    out(USAGE);
    return command || global.help || flags.help ? 0 : 1;
  }
  if (global['systemd-cgroup']) {
    throw new TsrunError('INVALID_ARGUMENT', '--systemd-cgroup is not supported: tsrun-oci manages cgroupfs paths (set SystemdCgroup = false)');
  }
  const dir = new StateDir(path.resolve(str(global.root) ?? DEFAULT_ROOT));
  const warn = (m: string) => { log.write('warning', m); writeSync(2, `tsrun-oci: warning: ${m}\n`); };
  switch (command) {
    case 'create': {
      const { createContainer } = await import('./create.js');
      await createContainer(loadNativeSys(), dir, {
        id: requireId(positionals, command), bundle: str(flags.bundle) ?? '.', pidFile: str(flags['pid-file']),
        consoleSocket: str(flags['console-socket']), warn,
      });
      return 0;
    }
    case 'run': {
      const { runContainer } = await import('./run.js');
      return runContainer(loadNativeSys(), dir, {
        id: requireId(positionals, command), bundle: str(flags.bundle) ?? '.', pidFile: str(flags['pid-file']),
        consoleSocket: str(flags['console-socket']), warn, detach: flags.detach === true, keep: flags.keep === true,
      });
    }
    case 'start': {
      const { startContainer } = await import('./lifecycle.js');
      startContainer(dir, requireId(positionals, command), warn);
      return 0;
    }
    case 'state': {
      const { stateOf } = await import('./report.js');
      out(JSON.stringify(stateOf(dir, requireId(positionals, command)), null, 2) + '\n');
      return 0;
    }
    case 'kill': {
      const { killContainer, parseSignal } = await import('./lifecycle.js');
      killContainer(dir, requireId(positionals, command), parseSignal(positionals[1]), flags.all === true);
      return 0;
    }
    case 'delete': {
      const { deleteContainer } = await import('./lifecycle.js');
      await deleteContainer(dir, requireId(positionals, command), flags.force === true, warn);
      return 0;
    }
    case 'exec': {
      const { execInContainer } = await import('./exec.js');
      return execInContainer(loadNativeSys(), dir, {
        id: requireId(positionals, command), processFile: str(flags.process), args: positionals.slice(1), env: list(flags.env),
        cwd: str(flags.cwd), user: str(flags.user), additionalGids: list(flags['additional-gids']), tty: flags.tty === true,
        caps: list(flags.cap), noNewPrivs: flags['no-new-privs'] === true, detach: flags.detach === true,
        pidFile: str(flags['pid-file']), consoleSocket: str(flags['console-socket']),
      });
    }
    case 'list': {
      const { listContainers, listText } = await import('./report.js');
      out(listText(listContainers(dir), str(flags.format), flags.quiet === true));
      return 0;
    }
    case 'ps': {
      const { psText } = await import('./report.js');
      out(psText(dir, requireId(positionals, command), str(flags.format), positionals.slice(1)));
      return 0;
    }
    case 'features': {
      const { features } = await import('./report.js');
      out(JSON.stringify(features(), null, 2) + '\n');
      return 0;
    }
    default:
      throw new TsrunError('INVALID_ARGUMENT', `${command} is not supported by tsrun-oci`);
  }
}

async function main(): Promise<void> {
  let log = new Logger(undefined, false);
  try {
    const args = parseArgs(process.argv.slice(2));
    log = new Logger(str(args.global.log), str(args.global['log-format']) === 'json');
    process.exit(await dispatch(args, log));
  } catch (err) {
    const message = err instanceof TsrunError ? err.message : (err as Error)?.stack ?? String(err);
    log.write('error', message);
    writeSync(2, `tsrun-oci: ${message}\n`);
    process.exit(err instanceof TsrunError && err.exitCode !== undefined ? err.exitCode : 1);
  }
}

void main();
