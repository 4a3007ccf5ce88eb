/** `tsrun inspect` of a container: Docker's shape, with tsrun's own paths. */
import type { ContainerDeps } from './deps.js';
import { currentState } from './liveness.js';
import { networkSettings } from './network.js';
import type { ContainerRecord } from './store.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';

export async function inspectContainer(deps: ContainerDeps, record: ContainerRecord): Promise<Record<string, unknown>> {
  const state = await currentState(deps.containers, record.Id);
  const file = (name: string) => deps.paths.containerFile(record.Id, name);
  const image = await deps.images.resolve(record.ImageID);
  const lowers = (image?.config.rootfs.diff_ids ?? []).map((d) => deps.paths.layerDiff(d)).reverse();
  return {
    Id: record.Id,
    Created: record.Created,
    Path: record.Path,
    Args: record.Args,
    State: {
      Status: state.Status, Running: state.Running, Paused: false, Restarting: false, OOMKilled: state.OOMKilled === true, Dead: false,
      Pid: state.Pid, ExitCode: state.ExitCode, Error: state.Error ?? '',
      StartedAt: state.StartedAt || ZERO_TIME, FinishedAt: state.FinishedAt || ZERO_TIME,
    },
    Image: record.ImageID,
    ResolvConfPath: file('resolv.conf'),
    HostnamePath: file('hostname'),
    HostsPath: file('hosts'),
    LogPath: file('ctr.log'),
    Name: `/${record.Name}`,
    RestartCount: 0,
    Driver: 'overlay',
    Platform: 'linux',
    HostConfig: {
      Binds: (record.Mounts ?? []).filter((m) => m.Type === 'bind').map((m) => `${m.Source}:${m.Destination}${m.RW ? '' : ':ro'}`),
      LogConfig: { Type: 'json-file', Config: {} },
      NetworkMode: record.HostConfig.NetworkMode ?? 'none',
      PortBindings: record.HostConfig.PortBindings ?? {},
      PublishAllPorts: record.HostConfig.PublishAllPorts === true,
      AutoRemove: record.HostConfig.AutoRemove,
      Privileged: record.HostConfig.Privileged === true,
      ReadonlyRootfs: record.HostConfig.ReadonlyRootfs === true,
      Runtime: record.HostConfig.Runtime ?? 'tsrun', // Docker's default is "runc"; tsrun's own core here
      ...isolationFields(record),
    },
    GraphDriver: {
      Name: 'overlay',
      Data: { LowerDir: lowers.join(':'), UpperDir: file('upper'), MergedDir: file('merged'), WorkDir: file('work') },
    },
    Mounts: (record.Mounts ?? []).map(({ Anonymous: _a, Options: _o, ...m }) => m),
    Config: {
      Hostname: record.Config.Hostname, Domainname: '', User: record.Config.User,
      AttachStdin: false, AttachStdout: !record.Config.OpenStdin, AttachStderr: !record.Config.OpenStdin,
      ExposedPorts: record.Config.ExposedPorts ?? {}, Tty: record.Config.Tty, OpenStdin: record.Config.OpenStdin,
      StdinOnce: false, Env: record.Config.Env, Cmd: record.Config.Cmd, Image: record.Config.Image,
      Volumes: record.Config.Volumes ?? null, WorkingDir: record.Config.WorkingDir, Entrypoint: record.Config.Entrypoint,
      Labels: record.Config.Labels, ...(record.Config.StopSignal ? { StopSignal: record.Config.StopSignal } : {}),
    },
    NetworkSettings: await networkSettings(deps, record),
  };
}

/** The isolation and limit fields, with Docker's zero values when unset. */
function isolationFields(record: ContainerRecord): Record<string, unknown> {
  const h = record.HostConfig;
  return {
    CapAdd: h.CapAdd ?? null, CapDrop: h.CapDrop ?? null, SecurityOpt: h.SecurityOpt ?? null, GroupAdd: h.GroupAdd ?? null,
    Devices: h.Devices ?? [], Memory: h.Memory ?? 0, MemorySwap: h.MemorySwap ?? 0, NanoCpus: h.NanoCpus ?? 0,
    CpuShares: h.CpuShares ?? 0, PidsLimit: h.PidsLimit ?? null, CgroupParent: h.CgroupParent ?? '',
    UsernsMode: h.UsernsMode ?? '', Init: h.Init ?? null,
  };
}
