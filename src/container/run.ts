import { openSync, closeSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { TsrunError } from '../core/errors.js';
import type { Image, ImageDeps } from '../image/index.js';
import { ensureUnpacked, lowerDirs } from '../image/unpack.js';
import { DOCKER_DEFAULT_CAPS, ownBoundingSet, spawnPlanFor, startProcess } from '../runtime/index.js';
import type { ExitStatus, Sys } from '../sys/index.js';
import { readImageFile } from './image-files.js';
import { commandLine, mergeEnv, workingDir, type ProcessOptions } from './process-args.js';
import { containerSpec, hostsFile } from './spec.js';
import type { ContainerRecord, ContainerStore } from './store.js';
import { SignalForwarder } from './signals.js';
import { TerminalSession, type TerminalIo } from './terminal.js';
import { resolveUser } from './user.js';

export interface ContainerDeps extends ImageDeps {
  sys: Sys;
  containers: ContainerStore;
}

export interface RunOptions extends ProcessOptions {
  image: string;
  name?: string;
  hostname?: string;
  rm: boolean;
  interactive: boolean;
  tty: boolean;
  privileged: boolean;
  readOnly: boolean;
}

/** `tsrun run` in the foreground: create, start, wait, clean up; resolves to the exit code. */
export async function runContainer(deps: ContainerDeps, opts: RunOptions, io: TerminalIo): Promise<number> {
  const image = await deps.images.resolve(opts.image);
  if (!image) throw new TsrunError('NOT_FOUND', `Unable to find image '${opts.image}' locally`);
  await ensureUnpacked(deps, image);
  const record = await createContainer(deps, image, opts);
  try {
    const status = await startAndWait(deps, record, image, opts, io);
    return status.code ?? 128 + (status.signal ?? 0);
  } finally {
    if (opts.rm) await deps.containers.remove(record.Id);
  }
}

async function createContainer(deps: ContainerDeps, image: Image, opts: RunOptions): Promise<ContainerRecord> {
  const config = image.config.config ?? {};
  const args = commandLine(config, opts);
  return deps.containers.create({
    Image: opts.image,
    ImageID: image.id,
    ManifestDigest: image.manifestDigest,
    Path: args[0],
    Args: args.slice(1),
    Config: {
      Hostname: opts.hostname ?? '',
      User: opts.user ?? config.User ?? '',
      Env: opts.env,
      Cmd: opts.args.length ? opts.args : opts.entrypoint !== undefined ? null : config.Cmd ?? null,
      Entrypoint: opts.entrypoint !== undefined ? (opts.entrypoint ? [opts.entrypoint] : null) : config.Entrypoint ?? null,
      WorkingDir: workingDir(config, opts.workdir),
      Tty: opts.tty,
      OpenStdin: opts.interactive,
      Labels: config.Labels ?? {},
      Image: opts.image,
    },
    HostConfig: { AutoRemove: opts.rm },
  }, opts.name);
}

async function startAndWait(deps: ContainerDeps, record: ContainerRecord, image: Image, opts: RunOptions, io: TerminalIo): Promise<ExitStatus> {
  const { paths, sys } = deps;
  const dir = paths.containerDir(record.Id);
  const hostname = record.Config.Hostname || record.Id.slice(0, 12);
  const diffs = image.config.rootfs.diff_ids.map((d) => paths.layerDiff(d)).reverse();
  const user = resolveUser(record.Config.User,
    await readImageFile(diffs, '/etc/passwd', sys), await readImageFile(diffs, '/etc/group', sys));
  const env = mergeEnv(image.config.config?.Env ?? [], opts.env, {
    HOSTNAME: hostname, HOME: user.home, ...(opts.tty ? { TERM: 'xterm' } : {}),
  });
  const etcFiles = await writeEtcFiles(dir, hostname);
  const pty = opts.tty ? sys.openPty() : undefined;
  const terminal = pty && new TerminalSession(sys, pty, io, opts.interactive);
  const stdin = pty ? pty.slave : opts.interactive ? 0 : openSync('/dev/null', 'r');
  const lowers = await lowerDirs(deps, image);
  if (lowers.length === 0) {
    await fs.mkdir(paths.emptyDir, { recursive: true });
    lowers.push(paths.emptyDir);
  }
  const spec = containerSpec({
    rootfs: path.join(dir, 'merged'),
    args: [record.Path, ...record.Args],
    env,
    cwd: record.Config.WorkingDir,
    user,
    hostname,
    terminal: opts.tty,
    etcFiles,
    consolePath: pty?.path,
    capabilities: await allowedCapabilities(opts.privileged),
    noNewPrivileges: !opts.privileged,
    readonlyRoot: opts.readOnly,
  });
  const plan = spawnPlanFor({
    spec,
    rootfsMount: {
      type: 'overlay', source: 'overlay', cwd: paths.root,
      // redirect_dir/metacopy off: an upper dir must hold whole files and dirs so commit can turn it into a layer
      options: [`lowerdir=${lowers.join(':')}`, `upperdir=${path.join(dir, 'upper')}`, `workdir=${path.join(dir, 'work')}`, 'redirect_dir=off', 'metacopy=off'],
    },
    stdio: pty ? [pty.slave, pty.slave, pty.slave] : [stdin, 1, 2],
    pdeathsig: 9,
  });
  const signals = new SignalForwarder().attach();
  let started;
  try {
    started = await startProcess(sys, plan);
  } catch (err) {
    signals.detach();
    if (pty) sys.close(pty.master);
    await deps.containers.setState(record.Id, { Status: 'exited', ExitCode: exitCodeOf(err), FinishedAt: new Date().toISOString() });
    throw err;
  } finally {
    if (pty) sys.close(pty.slave);
    else if (!opts.interactive) closeSync(stdin);
  }
  await deps.containers.setState(record.Id, { Status: 'running', Running: true, Pid: started.pid, StartedAt: new Date().toISOString() });
  terminal?.start();
  signals.started(started.pid);
  try {
    const status = await started.exit;
    await terminal?.finish();
    await deps.containers.setState(record.Id, {
      Status: 'exited', Running: false, Pid: 0, ExitCode: status.code ?? 128 + (status.signal ?? 0), FinishedAt: new Date().toISOString(),
    });
    return status;
  } finally {
    signals.detach(); // the terminal session has closed the pty master
  }
}

function exitCodeOf(err: unknown): number {
  return err instanceof TsrunError && err.exitCode !== undefined ? err.exitCode : 125;
}

async function writeEtcFiles(dir: string, hostname: string) {
  const files = { hostname: path.join(dir, 'hostname'), hosts: path.join(dir, 'hosts'), resolvConf: path.join(dir, 'resolv.conf') };
  await writeFileAtomic(files.hostname, hostname + '\n');
  await writeFileAtomic(files.hosts, hostsFile(hostname));
  const resolv = await fs.readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  await writeFileAtomic(files.resolvConf, resolv);
  return files;
}

/** Docker's default set, limited to what this host lets us grant; --privileged = all we have. */
async function allowedCapabilities(privileged: boolean): Promise<string[]> {
  const own = ownBoundingSet(await fs.readFile('/proc/self/status', 'utf8'));
  return privileged ? own : DOCKER_DEFAULT_CAPS.filter((c) => own.includes(c));
}
