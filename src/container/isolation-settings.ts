/** Host-wide isolation settings (settings file and environment), filled in by the CLI. */
import type { LinuxIdMapping } from '../oci/runtime-spec.js';

export interface IdRange { start: number; count: number }

export interface IdMappings { uid: LinuxIdMapping[]; gid: LinuxIdMapping[] }

export interface IsolationSettings {
  /** Where container cgroups go: --cgroup-parent's default ("cgroup-parent", $TSRUN_CGROUP_PARENT, else /tsrun). */
  cgroupParent: string;
  /** "userns-remap": the subordinate ranges every container maps (unless --userns=host). */
  remap?: { uid: IdRange[]; gid: IdRange[] };
  /** The name the remap came from, for messages. */
  remapName?: string;
  /** --userns=auto takes slices of these (the remap ranges, else user tsrun's). */
  pool: { uid: IdRange[]; gid: IdRange[] };
  /** false: never idmap layers, use chowned copies. */
  idmappedMounts: boolean;
}

export const DEFAULT_ISOLATION_SETTINGS: IsolationSettings = { cgroupParent: '/tsrun', pool: { uid: [], gid: [] }, idmappedMounts: true };

/** Ranges -> maps with container ids counted on from 0 across them (Docker's createIDMap). */
export function mappingsOf(ranges: IdRange[]): LinuxIdMapping[] {
  let next = 0;
  return ranges.map((r) => {
    const m = { containerID: next, hostID: r.start, size: r.count };
    next += r.count;
    return m;
  });
}

/** The host id a container id maps to (undefined: unmapped). */
export function hostIdOf(maps: readonly LinuxIdMapping[], id: number): number | undefined {
  const m = maps.find((x) => id >= x.containerID && id < x.containerID + x.size);
  return m && m.hostID + (id - m.containerID);
}
