/**
 * Isolation decided at create (cgroup directories, user namespace maps) and
 * prepared at each start (cgroup with its limits and device rules, seccomp
 * filter, capabilities, idmapped or chowned layers).
 */
import path from 'node:path';
import { TsrunError } from '../core/errors.js';
import type { Image } from '../image/index.js';
import type { LinuxIdMapping, LinuxResources } from '../oci/runtime-spec.js';
import { compileSeccompCached, containerCgroupDirs, createCgroup, readCgroupLayout, removeCgroup, seccompFilterInput, type JoinedCgroup } from '../runtime/index.js';
import type { ContainerDeps } from './deps.js';
import { containerDevices } from './devices.js';
import { idmappedLayersWork } from './idmap-probe.js';
import { DEFAULT_ISOLATION_SETTINGS, type IsolationSettings } from './isolation-settings.js';
import { containerSecurity, type ContainerSecurity } from './security.js';
import type { ContainerRecord } from './store.js';
import type { ResolvedUser } from './user.js';
import { chooseIdMappings, prepareUserNamespaceFiles, remappedLowers, removeRemappedLayers } from './userns.js';

export interface Isolation {
  /** One directory per cgroup hierarchy; fixed at create (a relative --cgroup-parent depends on the creator's cgroup). */
  CgroupDirs: string[];
  UidMap?: LinuxIdMapping[];
  GidMap?: LinuxIdMapping[];
}

const settingsOf = (deps: ContainerDeps): Promise<IsolationSettings> =>
  deps.isolationSettings ? deps.isolationSettings() : Promise.resolve(DEFAULT_ISOLATION_SETTINGS);

export const idMapsOf = (record: ContainerRecord) =>
  record.Isolation?.UidMap && record.Isolation.GidMap ? { uid: record.Isolation.UidMap, gid: record.Isolation.GidMap } : undefined;

/** At create, under the containers lock (userns=auto: ranges no other container has): where the cgroup goes and which ids the container maps. */
export async function isolationOf(deps: ContainerDeps, record: ContainerRecord): Promise<Isolation> {
  const settings = await settingsOf(deps);
  const layout = await readCgroupLayout();
  const parent = record.HostConfig.CgroupParent ?? settings.cgroupParent;
  const CgroupDirs = layout.mode === 'none' ? [] : containerCgroupDirs(layout, parent, record.Id);
  const maps = await chooseIdMappings(deps, record, settings);
  return { CgroupDirs, ...(maps ? { UidMap: maps.uid, GidMap: maps.gid } : {}) };
}

/** Once the record is written: chowns what the container's root must own (user namespaces). */
export async function prepareIsolationFiles(deps: ContainerDeps, record: ContainerRecord): Promise<void> {
  const maps = idMapsOf(record);
  if (maps) await prepareUserNamespaceFiles(deps, record, maps);
}

/** Docker's HostConfig limits in OCI units; --memory alone allows as much swap again (Docker's default). */
export function resourcesOf(record: ContainerRecord): LinuxResources {
  const h = record.HostConfig;
  const r: LinuxResources = {};
  if (h.Memory) r.memory = { limit: h.Memory, swap: h.MemorySwap || h.Memory * 2 };
  if (h.CpuShares || h.NanoCpus) {
    r.cpu = {
      ...(h.CpuShares ? { shares: h.CpuShares } : {}),
      ...(h.NanoCpus ? { period: 100000, quota: Math.round((h.NanoCpus * 100000) / 1e9) } : {}),
    };
  }
  if (h.PidsLimit !== undefined) r.pids = { limit: h.PidsLimit };
  return r;
}

export interface LaunchIsolation {
  security: ContainerSecurity;
  /** containerSpec inputs */
  spec: {
    privileged: boolean;
    devices: Awaited<ReturnType<typeof containerDevices>>['devices'];
    seccomp?: ContainerSecurity['seccomp'];
    resources: LinuxResources;
    idMappings?: { uid: LinuxIdMapping[]; gid: LinuxIdMapping[] };
    cgroupNamespace: boolean;
    init?: string;
  };
  /** spawnPlanFor inputs */
  plan: { cgroup?: JoinedCgroup; seccomp?: Buffer; idmapLowers: boolean };
  /** Chowned copies of the layers (user namespaces where idmapping does not work): replaces lowerdir. */
  lowers?: string[];
}

/** At start: the cgroup made and limited, the filter compiled, the layers ready for the user namespace. */
export async function prepareLaunch(deps: ContainerDeps, record: ContainerRecord, image: Image): Promise<LaunchIsolation> {
  const security = await containerSecurity(record);
  for (const cap of security.notGranted) warn(deps, `${cap} is not in tsrun's capability bounding set on this host: not granted`);
  const devices = await containerDevices(record);
  const layout = await readCgroupLayout();
  const resources: LinuxResources = { ...resourcesOf(record), devices: devices.rules };
  const dirs = record.Isolation?.CgroupDirs ?? [];
  const cgroup = dirs.length
    ? await createCgroup({ layout, dirs, resources, sys: deps.sys, warn: (m) => warn(deps, m) })
    : undefined;
  const idMappings = idMapsOf(record);
  const settings = await settingsOf(deps);
  const idmap = idMappings !== undefined && settings.idmappedMounts && (await idmappedLayersWork(deps));
  const seccomp = security.seccomp && (await compiledSeccomp(deps, security.seccomp));
  return {
    security,
    spec: {
      privileged: security.privileged,
      devices: devices.devices,
      seccomp: security.seccomp,
      resources,
      idMappings,
      cgroupNamespace: layout.mode === 'v2',
      init: record.HostConfig.Init ? deps.sys.initExecutable() : undefined,
    },
    plan: {
      cgroup,
      seccomp,
      idmapLowers: idmap,
    },
    lowers: idMappings && !idmap ? await remappedLowers(deps, image, idMappings) : undefined,
  };
}

/** --group-add: names from the image's /etc/group, or numbers (Docker resolves them at start). */
export function withGroupAdd(user: ResolvedUser, record: ContainerRecord, groupText: string | undefined): ResolvedUser {
  const extra = (record.HostConfig.GroupAdd ?? []).map((g) => {
    if (/^\d+$/.test(g)) return Number(g);
    const line = (groupText ?? '').split('\n').find((l) => l.split(':')[0] === g);
    if (!line) throw new TsrunError('INVALID_ARGUMENT', `Unable to find group ${g}: no matching entries in group file`);
    return Number(line.split(':')[2]);
  });
  return { ...user, additionalGids: [...new Set([...user.additionalGids, ...extra])] };
}

/** rm: the cgroup goes with the container (the monitor removes it at exit too), and chowned layer copies nobody else maps. */
export async function removeIsolation(deps: ContainerDeps, record: ContainerRecord): Promise<void> {
  if (record.Isolation?.CgroupDirs.length) await removeCgroup(record.Isolation.CgroupDirs);
  const maps = idMapsOf(record);
  if (maps) await removeRemappedLayers(deps, record, maps);
}

/** The container's filter as BPF, compiled once per profile and libseccomp (ROOT/cache/seccomp). */
export function compiledSeccomp(deps: ContainerDeps, profile: NonNullable<ContainerSecurity['seccomp']>): Promise<Buffer> {
  return compileSeccompCached(deps.sys, seccompFilterInput(profile), deps.paths.seccompCacheDir);
}

function warn(deps: ContainerDeps, message: string): void {
  deps.warn?.(message);
}

export const cgroupProcsOf = (record: ContainerRecord) => (record.Isolation?.CgroupDirs ?? []).map((d) => path.join(d, 'cgroup.procs'));
