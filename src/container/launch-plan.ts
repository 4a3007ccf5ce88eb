/** A container record -> the SpawnPlan its monitor runs (done at every start). */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import type { Image } from '../image/index.js';
import { lowerDirs } from '../image/unpack.js';
import { spawnPlanFor } from '../runtime/index.js';
import type { SpawnPlan } from '../sys/index.js';
import { imageUserFiles } from './create.js';
import { externalRuntimePlan } from './external-runtime.js';
import type { ContainerDeps } from './deps.js';
import { prepareLaunch, withGroupAdd } from './isolation.js';
import type { LaunchNetwork } from './network.js';
import { specMounts } from './mounts.js';
import { containerSpec, hostsFile } from './spec.js';
import type { ContainerRecord } from './store.js';
import { resolveUser } from './user.js';
import { chownEtcFiles } from './userns.js';

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

/**
 * The network is prepared meanwhile (mostly `ip` in child processes, while this makes the cgroup):
 * it is needed only for the /etc files and the namespace to join.
 */
export async function launchPlan(deps: ContainerDeps, record: ContainerRecord, image: Image, consolePath?: string, networkReady?: Promise<LaunchNetwork>): Promise<SpawnPlan> {
  const dir = deps.paths.containerDir(record.Id);
  const [[passwd, groups], isolation, network] = await allSettled(imageUserFiles(deps, image), prepareLaunch(deps, record, image), networkReady);
  const user = withGroupAdd(resolveUser(record.Config.User, passwd, groups), record, groups);
  const etcFiles = await writeEtcFiles(dir, record.Config.Hostname, network);
  if (isolation.spec.idMappings) await chownEtcFiles(Object.values(etcFiles), isolation.spec.idMappings);
  const spec = containerSpec({
    rootfs: path.join(dir, 'merged'),
    args: [record.Path, ...record.Args],
    env: record.Config.Env,
    cwd: record.Config.WorkingDir,
    user,
    hostname: record.Config.Hostname,
    terminal: record.Config.Tty,
    etcFiles,
    consolePath,
    capabilities: isolation.security.capabilities,
    noNewPrivileges: isolation.security.noNewPrivileges,
    readonlyRoot: record.HostConfig.ReadonlyRootfs === true,
    extraMounts: await specMounts(record.Mounts ?? []),
    ...isolation.spec,
  });
  if (network) { // born in the prepared (or shared) namespace, in a new one of its own, or in the host's
    spec.linux.namespaces = spec.linux.namespaces.filter((ns) => ns.type !== 'network');
    if (!network.hostNetwork) spec.linux.namespaces.push(network.netnsPath ? { type: 'network', path: network.netnsPath } : { type: 'network' });
  }
  const rootfsMount = { type: 'overlay', source: 'overlay', cwd: deps.paths.root, options: withLowers(await rootfsOverlayOptions(deps, record, image), isolation.lowers) };
  if (record.HostConfig.Runtime) {
    return externalRuntimePlan({ runtime: record.HostConfig.Runtime, id: record.Id, containerDir: dir, spec, rootfsMount, cgroup: isolation.plan.cgroup, tty: record.Config.Tty });
  }
  return spawnPlanFor({
    spec,
    rootfsMount,
    stdio: [0, 1, 2], // the monitor wires its own
    pdeathsig: 9, // the container dies with its monitor: nothing runs unwatched
    ...isolation.plan,
  });
}

/** Written at every start before the container sees them, so no fsync: a crash loses nothing a start would not rewrite. */
async function writeEtcFiles(dir: string, hostname: string, network?: LaunchNetwork) {
  const files = { hostname: path.join(dir, 'hostname'), hosts: path.join(dir, 'hosts'), resolvConf: path.join(dir, 'resolv.conf') };
  const resolv = network?.resolvConf ?? await fs.readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  await Promise.all([
    writeFileAtomic(files.hostname, hostname + '\n', 0o644, 'rebuilt'),
    // on a bridge the network layer wrote hosts already and rewrites it in place as peers come and go
    !network || network.hosts !== undefined ? writeFileAtomic(files.hosts, network?.hosts ?? hostsFile(hostname), 0o644, 'rebuilt') : undefined,
    writeFileAtomic(files.resolvConf, resolv, 0o644, 'rebuilt'),
  ]);
  return files;
}

/** Promise.all that lets every promise finish before throwing the first failure (nothing runs on behind the caller's cleanup). */
async function allSettled<A, B, C>(a: Promise<A>, b: Promise<B>, c: Promise<C> | undefined): Promise<[A, B, C | undefined]> {
  const results = await Promise.allSettled([a, b, c]);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [A, B, C | undefined];
}

/** Chowned copies of the layers replace the image's own (user namespaces without idmapped layers). */
function withLowers(options: string[], lowers: string[] | undefined): string[] {
  return lowers ? options.map((o) => (o.startsWith('lowerdir=') ? `lowerdir=${lowers.join(':')}` : o)) : options;
}
