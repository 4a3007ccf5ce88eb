/** `tsrun create`: the record, its upper dir and its volumes; nothing runs yet. */
import { TsrunError } from '../core/errors.js';
import type { Image } from '../image/index.js';
import { ensureUnpacked, lowerDirs } from '../image/unpack.js';
import type { ContainerDeps } from './deps.js';
import { readImageFile } from './image-files.js';
import type { MountRequest } from './mount-flags.js';
import { isolationHostConfig, type IsolationOptions } from './isolation-options.js';
import { isolationOf, prepareIsolationFiles } from './isolation.js';
import { resolveMounts } from './mounts.js';
import { commandLine, mergeEnv, workingDir, type ProcessOptions } from './process-args.js';
import { networkFields, type NetworkOptions } from './network.js';
import { newContainerId, type ContainerRecord } from './store.js';
import { resolveUser } from './user.js';

export interface CreateOptions extends ProcessOptions {
  image: string;
  name?: string;
  hostname?: string;
  rm: boolean;
  interactive: boolean;
  tty: boolean;
  privileged: boolean;
  readOnly: boolean;
  /** --runtime: crun, runc or a path to a runc-compatible runtime. */
  runtime?: string;
  mounts: MountRequest[];
  /** --cap-add/--cap-drop, --security-opt, --device, limits, --cgroup-parent, --userns, --init, --group-add. */
  isolation?: IsolationOptions;
  /** --network, -p, -P, --expose, --ip (default: the bridge, nothing published). */
  net?: Omit<NetworkOptions, 'hostname'>;
}

export async function resolveImage(deps: ContainerDeps, ref: string): Promise<Image> {
  const image = await deps.images.resolve(ref);
  if (!image) throw new TsrunError('NOT_FOUND', `Unable to find image '${ref}' locally`);
  await ensureUnpacked(deps, image);
  return image;
}

/** The image's /etc/passwd and /etc/group, read from its layers without mounting. */
export async function imageUserFiles(deps: ContainerDeps, image: Image): Promise<[string | undefined, string | undefined]> {
  const diffs = image.config.rootfs.diff_ids.map((d) => deps.paths.layerDiff(d)).reverse();
  return [await readImageFile(diffs, '/etc/passwd', deps.sys), await readImageFile(diffs, '/etc/group', deps.sys)];
}

export async function createContainer(deps: ContainerDeps, opts: CreateOptions): Promise<ContainerRecord> {
  return (await createContainerFrom(deps, opts)).record;
}

/** createContainer, also giving the image it resolved (run starts at once: no second lookup). */
export async function createContainerFrom(deps: ContainerDeps, opts: CreateOptions): Promise<{ record: ContainerRecord; image: Image }> {
  const image = await resolveImage(deps, opts.image);
  const config = image.config.config ?? {};
  const args = commandLine(config, opts);
  const id = newContainerId();
  const net = await networkFields(deps, { publish: [], publishAll: false, expose: [], ...opts.net, hostname: opts.hostname }, config.ExposedPorts);
  const hostname = opts.hostname ?? net.Hostname ?? id.slice(0, 12);
  const isolation = await isolationHostConfig(opts.isolation);
  const userSpec = opts.user ?? config.User ?? '';
  const user = resolveUser(userSpec, ...(await imageUserFiles(deps, image)));
  const env = mergeEnv(config.Env ?? [], opts.env, { HOSTNAME: hostname, HOME: user.home, ...(opts.tty ? { TERM: 'xterm' } : {}) });
  const record = await deps.containers.create({
    Image: opts.image,
    ImageID: image.id,
    ManifestDigest: image.manifestDigest,
    Path: args[0],
    Args: args.slice(1),
    Config: {
      Hostname: hostname,
      User: userSpec,
      Env: env,
      Cmd: opts.args.length ? opts.args : opts.entrypoint !== undefined ? null : config.Cmd ?? null,
      Entrypoint: opts.entrypoint !== undefined ? (opts.entrypoint ? [opts.entrypoint] : null) : config.Entrypoint ?? null,
      WorkingDir: workingDir(config, opts.workdir),
      Tty: opts.tty,
      OpenStdin: opts.interactive,
      Labels: config.Labels ?? {},
      Image: opts.image,
      ...(config.StopSignal ? { StopSignal: config.StopSignal } : {}),
      ...(Object.keys(net.ExposedPorts).length ? { ExposedPorts: net.ExposedPorts } : {}),
      ...(config.Volumes ? { Volumes: config.Volumes } : {}),
    },
    HostConfig: {
      AutoRemove: opts.rm, Privileged: opts.privileged, ReadonlyRootfs: opts.readOnly, ...isolation,
      ...(opts.runtime ? { Runtime: opts.runtime } : {}),
      NetworkMode: net.NetworkMode, PortBindings: net.PortBindings, PublishAllPorts: net.PublishAllPorts,
    },
    ...(net.IPv4Address ? { NetworkingConfig: { IPv4Address: net.IPv4Address } } : {}),
    Mounts: [],
  }, opts.name, id, async (r) => { // one write of the record, with its mounts and isolation
    const lowers = await lowerDirs(deps, image);
    r.Mounts = await resolveMounts({ paths: deps.paths, volumes: deps.volumes, lowers }, opts.mounts, Object.keys(config.Volumes ?? {}));
    r.Isolation = await isolationOf(deps, r);
  });
  try {
    await prepareIsolationFiles(deps, record);
  } catch (err) {
    await deps.containers.remove(record.Id);
    throw err;
  }
  return { record, image };
}
