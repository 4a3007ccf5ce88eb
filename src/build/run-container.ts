/**
 * RUN: one process in new namespaces on an overlay of the image's layers
 * (mounted inside its own mount namespace, so nothing is left on the host),
 * writing into a fresh upper dir that becomes the step's layer. Docker's
 * defaults for builds: its default capabilities, no no_new_privs (sudo and
 * setuid tools work); the default bridge unless --network host or none.
 */
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { StorePaths } from '../core/paths.js';
import { mergeEnv } from '../container/process-args.js';
import { containerSpec, hostsFile } from '../container/spec.js';
import { attachStepNetwork, type StepNetwork } from '../container/build-network.js';
import { resolveUser, type ResolvedUser } from '../container/user.js';
import type { Mount, RuntimeSpec } from '../oci/runtime-spec.js';
import { DOCKER_DEFAULT_CAPS, ownBoundingSet } from '../runtime/capabilities.js';
import { FILE_MOUNT_OPTION, spawnPlanFor } from '../runtime/plan.js';
import { startProcess } from '../runtime/spawn.js';
import type { LayerStore } from '../snapshot/layer-store.js';
import type { ExitStatus, Sys } from '../sys/types.js';
import type { ImageState } from './commit.js';
import { prepareInitLayer } from './init-layer.js';
import { LayerView, readTreeFile } from './source-tree.js';

export type RunNetwork = 'host' | 'none' | 'bridge';

export interface RunDeps {
  paths: StorePaths;
  layers: LayerStore;
  sys: Sys;
}

export interface RunRequest {
  image: ImageState;
  argv: string[];
  /** Build args for the environment (ENV wins over them). */
  argEnv: string[];
  network: RunNetwork;
  /** RUN --mount binds, already prepared on the host. */
  mounts: Mount[];
  stdout: number;
  stderr: number;
  /** The short container id, for ` ---> Running in <id>`. */
  id: string;
}

const ETC_FILES = ['/etc/hostname', '/etc/hosts', '/etc/resolv.conf'];
const isFileMount = (m: Mount) => m.options?.includes(FILE_MOUNT_OPTION) === true;

async function etcFiles(dir: string, hostname: string, network: RunNetwork, bridge?: StepNetwork) {
  const files = { hostname: path.join(dir, 'hostname'), hosts: path.join(dir, 'hosts'), resolvConf: path.join(dir, 'resolv.conf') };
  await writeFile(files.hostname, hostname + '\n');
  const hostHosts = network === 'host' ? await readFile('/etc/hosts', 'utf8').catch(() => '') : '';
  await writeFile(files.hosts, bridge?.hosts ?? (hostHosts || hostsFile(hostname)));
  await writeFile(files.resolvConf, bridge?.resolvConf ?? (await readFile('/etc/resolv.conf', 'utf8').catch(() => '')));
  return files;
}

/** The step's network namespace: the host's (none in the spec), a fresh one with lo only, or one on the bridge. */
function withNetwork(spec: RuntimeSpec, network: RunNetwork, bridge?: StepNetwork): void {
  const others = spec.linux.namespaces.filter((ns) => ns.type !== 'network');
  if (network === 'host') spec.linux.namespaces = others;
  else if (bridge) spec.linux.namespaces = [...others, { type: 'network', path: bridge.netnsPath }];
}

/** Runs the step's command in `scratch` (upper/, work/, init/, merged/); resolves to its exit status. */
export async function runInContainer(deps: RunDeps, req: RunRequest, scratch: string): Promise<ExitStatus> {
  const { paths, sys } = deps;
  const diffIDs = req.image.config.rootfs.diff_ids;
  const view = new LayerView(diffIDs.map((d) => paths.layerDiff(d)).reverse(), sys);
  const config = req.image.config.config ?? {};
  const cwd = config.WorkingDir || '/';
  for (const d of ['upper', 'work', 'merged', 'init', 'etc']) await mkdir(path.join(scratch, d), { recursive: true });
  const withInit = await prepareInitLayer(view, path.join(scratch, 'init'), {
    dirs: ['/proc', '/sys', '/dev', cwd, ...req.mounts.filter((m) => !isFileMount(m)).map((m) => m.destination)],
    files: [...ETC_FILES, ...req.mounts.filter(isFileMount).map((m) => m.destination)],
  });
  const lowers = [];
  if (withInit) lowers.push(path.relative(paths.root, path.join(scratch, 'init')));
  for (const d of [...diffIDs].reverse()) lowers.push(await deps.layers.lowerDir(d));
  if (lowers.length === 0) {
    await mkdir(paths.emptyDir, { recursive: true });
    lowers.push(paths.emptyDir);
  }
  const user = resolveUser(config.User ?? '', await readTreeFile(view, '/etc/passwd'), await readTreeFile(view, '/etc/group'));
  const hostname = req.id;
  const env = mergeEnv(config.Env ?? [], req.argEnv, { HOSTNAME: hostname, HOME: user.home });
  const own = ownBoundingSet(await readFile('/proc/self/status', 'utf8'));
  const bridge = req.network === 'bridge' ? await attachStepNetwork({ sys }, req.id) : undefined;
  try {
    return await runProcess(deps, req, scratch, { lowers, user, env, cwd, own, bridge });
  } finally {
    await bridge?.release();
  }
}

interface Prepared {
  lowers: string[];
  user: ResolvedUser;
  env: string[];
  cwd: string;
  own: string[];
  bridge?: StepNetwork;
}

async function runProcess(deps: RunDeps, req: RunRequest, scratch: string, p: Prepared): Promise<ExitStatus> {
  const { paths, sys } = deps;
  const { lowers, user, env, cwd, own, bridge } = p;
  const hostname = req.id;
  const spec = containerSpec({
    rootfs: path.join(scratch, 'merged'),
    args: req.argv,
    env,
    cwd,
    user,
    hostname,
    terminal: false,
    etcFiles: await etcFiles(path.join(scratch, 'etc'), hostname, req.network, bridge),
    capabilities: DOCKER_DEFAULT_CAPS.filter((c) => own.includes(c)),
    noNewPrivileges: false,
    readonlyRoot: false,
  });
  spec.mounts.push(...req.mounts);
  withNetwork(spec, req.network, bridge);
  const stdin = openSync('/dev/null', 'r');
  const plan = spawnPlanFor({
    spec,
    rootfsMount: {
      type: 'overlay', source: 'overlay', cwd: paths.root,
      // whole files and dirs in the upper dir: it is turned into the layer
      options: [`lowerdir=${lowers.join(':')}`, `upperdir=${path.join(scratch, 'upper')}`, `workdir=${path.join(scratch, 'work')}`, 'redirect_dir=off', 'metacopy=off'],
    },
    stdio: [stdin, req.stdout, req.stderr],
    pdeathsig: 9,
  });
  try {
    const started = await startProcess(sys, plan);
    return await started.exit;
  } finally {
    closeSync(stdin);
  }
}
