/**
 * An OCI bundle: config.json beside a root filesystem. Read, checked (one
 * clear line naming what is wrong), then made concrete for spawnPlanFor:
 * absolute rootfs, bind sources resolved against the bundle, file binds
 * marked, the devices every container gets, and a `cgroup` mount turned into
 * something this host can give.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { TsrunError } from '../core/errors.js';
import type { LinuxDevice, Mount, NamespaceType, RuntimeSpec } from '../oci/runtime-spec.js';
import { FILE_MOUNT_OPTION } from '../runtime/plan.js';

const NAMESPACE_TYPES: NamespaceType[] = ['pid', 'network', 'mount', 'ipc', 'uts', 'user', 'cgroup'];

/** The nodes a runtime must provide (OCI runtime spec, "Default Devices"). */
export const DEFAULT_DEVICES: LinuxDevice[] = [
  { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/zero', type: 'c', major: 1, minor: 5, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/full', type: 'c', major: 1, minor: 7, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/random', type: 'c', major: 1, minor: 8, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/urandom', type: 'c', major: 1, minor: 9, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/tty', type: 'c', major: 5, minor: 0, fileMode: 0o666, uid: 0, gid: 0 },
];

const invalid = (message: string) => new TsrunError('INVALID_ARGUMENT', message);

export function readBundleConfig(bundle: string): RuntimeSpec {
  const file = path.join(bundle, 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new TsrunError('NOT_FOUND', `JSON specification file ${file} not found`);
    throw err;
  }
  try {
    return JSON.parse(text) as RuntimeSpec;
  } catch (err) {
    throw invalid(`${file}: ${(err as Error).message}`);
  }
}

/** Checks what the runtime relies on; returns the first problem as an error. */
export function validateSpec(spec: RuntimeSpec, opts: { needProcess: boolean } = { needProcess: true }): void {
  if (typeof spec !== 'object' || spec === null) throw invalid('config.json: not a JSON object');
  if (typeof spec.ociVersion !== 'string') throw invalid('config.json: ociVersion must be a string');
  if (!spec.root || typeof spec.root.path !== 'string' || !spec.root.path) throw invalid('config.json: root.path is required');
  if (!spec.linux || typeof spec.linux !== 'object') throw invalid('config.json: linux section is required (Linux containers only)');
  const p = spec.process;
  if (opts.needProcess) {
    if (!p) throw invalid('config.json: process is required');
    if (!Array.isArray(p.args) || p.args.length === 0) throw invalid('config.json: process.args must not be empty');
    if (typeof p.cwd !== 'string' || !p.cwd.startsWith('/')) throw invalid(`config.json: process.cwd must be an absolute path, got ${JSON.stringify(p.cwd)}`);
    if (!p.user || !Number.isInteger(p.user.uid) || !Number.isInteger(p.user.gid)) throw invalid('config.json: process.user.uid and gid must be integers');
  }
  const seen = new Set<string>();
  for (const ns of spec.linux.namespaces ?? []) {
    if (!NAMESPACE_TYPES.includes(ns.type)) throw invalid(`config.json: unknown namespace type "${ns.type}"`);
    if (seen.has(ns.type)) throw invalid(`config.json: namespace "${ns.type}" listed twice`);
    seen.add(ns.type);
  }
  const has = (t: NamespaceType) => seen.has(t);
  if (spec.hostname && !has('uts')) throw invalid('config.json: unable to set hostname without a private UTS namespace');
  if ((spec.linux.uidMappings?.length || spec.linux.gidMappings?.length) && !has('user')) {
    throw invalid('config.json: user namespace mappings given without a user namespace');
  }
  if (has('user') && !spec.linux.namespaces.find((n) => n.type === 'user')?.path && !spec.linux.uidMappings?.length) {
    throw invalid('config.json: a new user namespace needs uidMappings and gidMappings');
  }
  for (const m of spec.mounts ?? []) {
    if (typeof m.destination !== 'string' || !m.destination.startsWith('/')) throw invalid(`config.json: mount destination ${JSON.stringify(m.destination)} is not absolute`);
  }
}

const isBind = (m: Mount) => m.type === 'bind' || (m.options ?? []).some((o) => o === 'bind' || o === 'rbind');

/**
 * A `cgroup` mount: cgroup2 on a pure v2 host (in the container's cgroup
 * namespace it shows the container's own tree); elsewhere the host's
 * /sys/fs/cgroup bound read-only, since a v1 hierarchy cannot be mounted twice
 * with another set of controllers.
 */
function cgroupMount(m: Mount, pureV2: boolean): Mount {
  const keep = (m.options ?? []).filter((o) => ['nosuid', 'noexec', 'nodev', 'relatime', 'ro', 'rw'].includes(o));
  if (pureV2) return { ...m, type: 'cgroup2', source: 'cgroup', options: keep };
  return { destination: m.destination, type: 'bind', source: '/sys/fs/cgroup', options: ['rbind', ...keep] };
}

/** The spec with every path made absolute and the runtime's defaults added (pure but for stat of bind sources). */
export function concreteSpec(spec: RuntimeSpec, bundle: string, host: { pureCgroupV2: boolean }): RuntimeSpec {
  const rootfs = path.resolve(bundle, spec.root.path);
  const mounts = (spec.mounts ?? []).map((m): Mount => {
    if (m.type === 'cgroup') return cgroupMount(m, host.pureCgroupV2);
    if (!isBind(m)) return m;
    const source = path.resolve(bundle, m.source ?? '');
    let isFile = false;
    try {
      isFile = !statSync(source).isDirectory();
    } catch {
      throw new TsrunError('NOT_FOUND', `mount source ${source} for ${m.destination}: no such file or directory`);
    }
    const options = [...(m.options ?? [])];
    if (!options.includes('bind') && !options.includes('rbind')) options.push('rbind');
    return { ...m, source, options: isFile ? [...options, FILE_MOUNT_OPTION] : options };
  });
  const devices = [...(spec.linux.devices ?? [])];
  for (const d of DEFAULT_DEVICES) if (!devices.some((x) => path.posix.normalize(x.path) === d.path)) devices.push(d);
  return {
    ...spec,
    root: { ...spec.root, path: rootfs },
    mounts,
    linux: { ...spec.linux, namespaces: spec.linux.namespaces ?? [], devices },
  };
}

export function checkRootfs(rootfs: string): void {
  let ok = false;
  try {
    ok = statSync(rootfs).isDirectory();
  } catch { /* reported below */ }
  if (!ok) throw new TsrunError('NOT_FOUND', `rootfs (${rootfs}) does not exist or is not a directory`);
}
