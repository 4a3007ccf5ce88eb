/** A container record -> the SpawnPlan its monitor runs (done at every start). */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import type { Image } from '../image/index.js';
import { lowerDirs } from '../image/unpack.js';
import { DOCKER_DEFAULT_CAPS, ownBoundingSet, spawnPlanFor } from '../runtime/index.js';
import type { SpawnPlan } from '../sys/index.js';
import { imageUserFiles } from './create.js';
import type { ContainerDeps } from './deps.js';
import type { LaunchNetwork } from './network.js';
import { specMounts } from './mounts.js';
import { containerSpec, hostsFile } from './spec.js';
import type { ContainerRecord } from './store.js';
import { resolveUser } from './user.js';

/** The overlay options of a container's root: its upper dir over the image's layers. */
export async function rootfsOverlayOptions(deps: ContainerDeps, record: ContainerRecord, image: Image): Promise<string[]> {
  const dir = deps.paths.containerDir(record.Id);
  const lowers = await lowerDirs(deps, image);
  if (lowers.length === 0) {
    await fs.mkdir(deps.paths.emptyDir, { recursive: true });
    lowers.push(deps.paths.emptyDir);
  }
  // redirect_dir/metacopy off: an upper dir must hold whole files and dirs so commit can turn it into a layer
  return [`lowerdir=${lowers.join(':')}`, `upperdir=${path.join(dir, 'upper')}`, `workdir=${path.join(dir, 'work')}`, 'redirect_dir=off', 'metacopy=off'];
}

export async function launchPlan(deps: ContainerDeps, record: ContainerRecord, image: Image, consolePath?: string, network?: LaunchNetwork): Promise<SpawnPlan> {
  const dir = deps.paths.containerDir(record.Id);
  const user = resolveUser(record.Config.User, ...(await imageUserFiles(deps, image)));
  const privileged = record.HostConfig.Privileged === true;
  const spec = containerSpec({
    rootfs: path.join(dir, 'merged'),
    args: [record.Path, ...record.Args],
    env: record.Config.Env,
    cwd: record.Config.WorkingDir,
    user,
    hostname: record.Config.Hostname,
    terminal: record.Config.Tty,
    etcFiles: await writeEtcFiles(dir, record.Config.Hostname, network),
    consolePath,
    capabilities: await allowedCapabilities(privileged),
    noNewPrivileges: !privileged,
    readonlyRoot: record.HostConfig.ReadonlyRootfs === true,
    extraMounts: await specMounts(record.Mounts ?? []),
  });
  if (network) { // born in the prepared (or shared) namespace, or in the host's
    spec.linux.namespaces = spec.linux.namespaces.filter((ns) => ns.type !== 'network');
    if (!network.hostNetwork && network.netnsPath) spec.linux.namespaces.push({ type: 'network', path: network.netnsPath });
  }
  return spawnPlanFor({
    spec,
    rootfsMount: { type: 'overlay', source: 'overlay', cwd: deps.paths.root, options: await rootfsOverlayOptions(deps, record, image) },
    stdio: [0, 1, 2], // the monitor wires its own
    pdeathsig: 9, // the container dies with its monitor: nothing runs unwatched
  });
}

async function writeEtcFiles(dir: string, hostname: string, network?: LaunchNetwork) {
  const files = { hostname: path.join(dir, 'hostname'), hosts: path.join(dir, 'hosts'), resolvConf: path.join(dir, 'resolv.conf') };
  await writeFileAtomic(files.hostname, hostname + '\n');
  // on a bridge the network layer wrote hosts already and rewrites it in place as peers come and go
  if (!network || network.hosts !== undefined) await writeFileAtomic(files.hosts, network?.hosts ?? hostsFile(hostname));
  const resolv = network?.resolvConf ?? await fs.readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  await writeFileAtomic(files.resolvConf, resolv);
  return files;
}

/** Docker's default set, limited to what this host lets us grant; --privileged = all we have. */
export async function allowedCapabilities(privileged: boolean): Promise<string[]> {
  const own = ownBoundingSet(await fs.readFile('/proc/self/status', 'utf8'));
  return privileged ? own : DOCKER_DEFAULT_CAPS.filter((c) => own.includes(c));
}
