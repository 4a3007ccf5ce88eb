import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { readJsonIfExists, writeJsonAtomic } from '../core/atomic.js';
import { isErrno, TsrunError } from '../core/errors.js';
import type { FileLock } from '../core/lock.js';
import type { StorePaths } from '../core/paths.js';
import { scratchPath } from '../core/scratch.js';
import type { PortBindings } from '../network/index.js';
import type { IsolationHostConfig } from './isolation-options.js';
import type { Isolation } from './isolation.js';
import { generateName, isValidName } from './names.js';

export interface ContainerState {
  Status: 'created' | 'running' | 'exited';
  Running: boolean;
  Pid: number;
  ExitCode: number;
  StartedAt: string;
  FinishedAt: string;
  /** The tsrun-monitor keeping the container (with its start time: a pid may be reused). */
  MonitorPid?: number;
  MonitorStartTime?: number;
  Error?: string;
  /** The kernel's OOM killer ended a process of the container (written by the monitor). */
  OOMKilled?: boolean;
}

/** A mount of the container, as `inspect` shows it (Docker's MountPoint). */
export interface MountPoint {
  Type: 'bind' | 'volume' | 'tmpfs';
  /** The volume name (volume mounts only). */
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
  /** tmpfs mount options (size=, mode=). */
  Options?: string[];
  /** A volume made for this container alone (image VOLUME, `-v /path`): `rm -v` deletes it. */
  Anonymous?: boolean;
}

export interface ContainerRecord {
  Id: string;
  Name: string;
  Created: string;
  /** The reference the user gave. */
  Image: string;
  ImageID: string;
  ManifestDigest: string;
  Path: string;
  Args: string[];
  Config: {
    Hostname: string;
    User: string;
    /** The whole environment of the process (image, flags, HOSTNAME, HOME). */
    Env: string[];
    Cmd: string[] | null;
    Entrypoint: string[] | null;
    WorkingDir: string;
    Tty: boolean;
    OpenStdin: boolean;
    Labels: Record<string, string>;
    Image: string;
    StopSignal?: string;
    ExposedPorts?: Record<string, object>;
    Volumes?: Record<string, object>;
  };
  HostConfig: IsolationHostConfig & {
    AutoRemove: boolean; Privileged?: boolean; ReadonlyRootfs?: boolean; Binds?: string[];
    /** --runtime: another OCI runtime runs the spec (crun, runc or a path); absent: tsrun's own core. */
    Runtime?: string;
    /** bridge | host | none | container:<id> | a user network's name; absent: a record from before networking (none). */
    NetworkMode?: string;
    PortBindings?: PortBindings;
    PublishAllPorts?: boolean;
  };
  /** --ip on a user network. */
  NetworkingConfig?: { IPv4Address?: string };
  Mounts?: MountPoint[];
  /** tsrun's own: the cgroup dirs and user namespace maps chosen at create. */
  Isolation?: Isolation;
}

export function newContainerId(): string {
  return randomBytes(32).toString('hex');
}

const NEW_STATE: ContainerState = { Status: 'created', Running: false, Pid: 0, ExitCode: 0, StartedAt: '', FinishedAt: '' };

/** containers/<id>/{config.json,state.json,upper,work,merged}. A dir without config.json is a crashed create. */
export class ContainerStore {
  constructor(private readonly paths: StorePaths, readonly lock: FileLock) {}

  async list(): Promise<ContainerRecord[]> {
    let ids: string[];
    try {
      ids = await fs.readdir(this.paths.containersDir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    const records: ContainerRecord[] = [];
    for (const id of ids) {
      const r = await readJsonIfExists<ContainerRecord>(this.paths.containerFile(id, 'config.json'));
      if (r) records.push(r);
    }
    return records;
  }

  /** By full id, unique id prefix, or name. */
  async find(ref: string): Promise<ContainerRecord | undefined> {
    const all = await this.list();
    const name = ref.replace(/^\//, '');
    const exact = all.find((c) => c.Id === ref || c.Name === name);
    if (exact) return exact;
    const byPrefix = all.filter((c) => c.Id.startsWith(ref));
    if (byPrefix.length > 1) throw new TsrunError('INVALID_ARGUMENT', `multiple IDs found with provided prefix: ${ref}`);
    return byPrefix[0];
  }

  async require(ref: string): Promise<ContainerRecord> {
    const c = await this.find(ref);
    if (!c) throw new TsrunError('NOT_FOUND', `No such container: ${ref}`);
    return c;
  }

  /**
   * Reserves an id and a unique name and writes the record (under the lock: two tsruns may race).
   * `complete` fills in what needs the lock too (user namespace ranges no other container has) or
   * the id, before the one write; when it throws, nothing of the container is on disk.
   */
  async create(fields: Omit<ContainerRecord, 'Id' | 'Name' | 'Created'>, name?: string, id?: string,
    complete?: (record: ContainerRecord) => Promise<void>): Promise<ContainerRecord> {
    if (name !== undefined && !isValidName(name)) {
      throw new TsrunError('INVALID_ARGUMENT', `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    }
    return this.lock.with('exclusive', async () => {
      const taken = new Set((await this.list()).map((c) => c.Name));
      if (name !== undefined && taken.has(name.replace(/^\//, ''))) {
        throw new TsrunError('CONFLICT', `Conflict. The container name "/${name}" is already in use.`);
      }
      let chosen = name?.replace(/^\//, '');
      while (!chosen || taken.has(chosen)) chosen = generateName();
      const record: ContainerRecord = { ...fields, Id: id ?? newContainerId(), Name: chosen, Created: new Date().toISOString() };
      await complete?.(record);
      const dir = this.paths.containerDir(record.Id);
      for (const sub of ['upper', 'work', 'merged']) await fs.mkdir(`${dir}/${sub}`, { recursive: true, mode: 0o755 });
      // no state.json yet: a missing one reads as "created" (state() below)
      await writeJsonAtomic(this.paths.containerFile(record.Id, 'config.json'), record);
      return record;
    });
  }

  /** "created" until something started it (create writes no state.json). */
  async state(id: string): Promise<ContainerState> {
    return (await readJsonIfExists<ContainerState>(this.paths.containerFile(id, 'state.json'))) ?? NEW_STATE;
  }

  async setState(id: string, change: Partial<ContainerState>): Promise<ContainerState> {
    const next: ContainerState = { ...(await this.state(id)), ...change };
    await writeJsonAtomic(this.paths.containerFile(id, 'state.json'), next);
    return next;
  }

  async update(record: ContainerRecord): Promise<void> {
    await writeJsonAtomic(this.paths.containerFile(record.Id, 'config.json'), record);
  }

  /** Removes the record first (rename away), then the files: a crash never leaves a half container listed. */
  async remove(id: string): Promise<void> {
    const doomed = await scratchPath(this.paths.tmpDir, 'rm-container');
    await this.lock.with('exclusive', async () => {
      try {
        await fs.rename(this.paths.containerDir(id), doomed);
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err;
      }
    });
    await fs.rm(doomed, { recursive: true, force: true });
  }

  /** image ID -> ids of containers that use it (rmi refuses to delete those). */
  async imageUsers(): Promise<Map<string, string[]>> {
    const users = new Map<string, string[]>();
    for (const c of await this.list()) users.set(c.ImageID, [...(users.get(c.ImageID) ?? []), c.Id]);
    return users;
  }
}
