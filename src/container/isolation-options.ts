/**
 * The isolation and limit flags of run/create, checked and turned into
 * Docker's HostConfig fields (units, defaults and messages as Docker's).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { TsrunError } from '../core/errors.js';
import { normalizeCapabilities } from '../runtime/index.js';

export interface IsolationOptions {
  capAdd?: string[];
  capDrop?: string[];
  securityOpt?: string[];
  device?: string[];
  groupAdd?: string[];
  memory?: string;
  memorySwap?: string;
  cpus?: string;
  cpuShares?: string;
  pidsLimit?: string;
  cgroupParent?: string;
  userns?: string;
  init?: boolean;
}

export interface DeviceMapping { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }

/** The HostConfig fields these flags fill (Docker's names). */
export interface IsolationHostConfig {
  CapAdd?: string[];
  CapDrop?: string[];
  /** As Docker stores them: a seccomp=FILE option holds the file's JSON itself. */
  SecurityOpt?: string[];
  Devices?: DeviceMapping[];
  GroupAdd?: string[];
  Memory?: number;
  MemorySwap?: number;
  NanoCpus?: number;
  CpuShares?: number;
  PidsLimit?: number;
  CgroupParent?: string;
  UsernsMode?: string;
  Init?: boolean;
}

const bad = (message: string) => new TsrunError('INVALID_ARGUMENT', message);

/** go-units RAMInBytes: "64m", "1.5g", "512k", "100" (binary units). */
export function ramInBytes(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(text.trim());
  if (!m) throw bad(`invalid argument "${text}" for "${flag}" flag: invalid size: '${text}'`);
  const power = m[2] ? 'kmgtp'.indexOf(m[2].toLowerCase()) + 1 : 0;
  return Math.floor(Number(m[1]) * 1024 ** power);
}

function integer(text: string, flag: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw bad(`invalid argument "${text}" for "${flag}" flag: strconv.ParseInt: parsing "${text}": invalid syntax`);
  return Number(text);
}

function nanoCpus(text: string, cpus: number): number {
  const value = Number(text);
  if (!/^\d*\.?\d+$/.test(text.trim()) || !Number.isFinite(value)) {
    throw bad(`invalid argument "${text}" for "--cpus" flag: failed to parse ${text} as a rational number`);
  }
  const nano = Math.round(value * 1e9);
  if (nano !== 0 && (nano < 1e7 || nano > cpus * 1e9)) {
    throw bad(`Range of CPUs is from 0.01 to ${cpus}.00, as there are only ${cpus} CPUs available`);
  }
  return nano;
}

function memoryFields(opts: IsolationOptions): Pick<IsolationHostConfig, 'Memory' | 'MemorySwap'> {
  const memory = opts.memory !== undefined ? ramInBytes(opts.memory, '-m, --memory') : 0;
  const swap = opts.memorySwap === undefined ? 0 : opts.memorySwap.trim() === '-1' ? -1 : ramInBytes(opts.memorySwap, '--memory-swap');
  if (memory > 0 && memory < 6 * 1024 * 1024) throw bad('Minimum memory limit allowed is 6MB');
  if (swap !== 0 && memory === 0) throw bad('You should always set the Memory limit when using Memoryswap limit, see usage');
  if (swap > 0 && swap < memory) throw bad('Minimum memoryswap limit should be larger than memory limit, see usage');
  return { ...(memory ? { Memory: memory } : {}), ...(swap ? { MemorySwap: swap } : {}) };
}

/** Docker's parseDevice: HOST[:CONTAINER][:PERMISSIONS], permissions a subset of rwm. */
export function parseDeviceFlag(spec: string): DeviceMapping {
  const parts = spec.split(':');
  const valid = (p: string) => /^[rwm]{1,3}$/.test(p);
  let [host, ctr, perms] = parts;
  if (parts.length === 2 && valid(ctr)) [ctr, perms] = [host, ctr];
  if (parts.length > 3 || !host || (perms !== undefined && !valid(perms))) throw bad(`invalid device specification: ${spec}`);
  return { PathOnHost: host, PathInContainer: ctr || host, CgroupPermissions: perms ?? 'rwm' };
}

async function checkDevice(d: DeviceMapping): Promise<void> {
  const st = await fs.stat(d.PathOnHost).catch((err: NodeJS.ErrnoException) => {
    throw bad(`error gathering device information while adding custom device "${d.PathOnHost}": ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`);
  });
  if (!st.isCharacterDevice() && !st.isBlockDevice()) throw bad(`error gathering device information while adding custom device "${d.PathOnHost}": not a device node`);
}

/** no-new-privileges[=bool], seccomp=unconfined|builtin|FILE (read now, as Docker's client does), apparmor=, label=. */
async function securityOptions(opts: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const opt of opts) {
    const [key, value] = opt.includes('=') ? [opt.slice(0, opt.indexOf('=')), opt.slice(opt.indexOf('=') + 1)] : opt.split(':', 2);
    if (key === 'no-new-privileges') {
      if (value !== undefined && value !== 'true' && value !== 'false') throw bad(`invalid --security-opt 2: "${opt}"`);
      out.push(`no-new-privileges=${value ?? 'true'}`);
    } else if (key === 'seccomp' && value) {
      if (value === 'unconfined' || value === 'builtin') { out.push(`seccomp=${value}`); continue; }
      const text = await fs.readFile(value, 'utf8').catch((err: Error) => { throw bad(`opening seccomp profile (${value}) failed: ${err.message}`); });
      try {
        out.push(`seccomp=${JSON.stringify(JSON.parse(text))}`);
      } catch (err) {
        throw bad(`compacting json for seccomp profile (${value}) failed: ${(err as Error).message}`);
      }
    } else if ((key === 'apparmor' || key === 'label') && value !== undefined) {
      out.push(opt); // accepted; tsrun has no LSM support (README)
    } else {
      throw bad(`Invalid --security-opt: "${opt}"`);
    }
  }
  return out;
}

function usernsMode(mode: string | undefined): string | undefined {
  if (mode === undefined || mode === '') return undefined;
  if (mode === 'host' || mode === 'auto' || /^auto:size=\d+$/.test(mode)) return mode;
  throw bad(`invalid USER mode: ${mode}`);
}

export async function isolationHostConfig(opts: IsolationOptions = {}): Promise<IsolationHostConfig> {
  const cap = (list: string[] | undefined, field: 'CapAdd' | 'CapDrop') => (list?.length ? { [field]: normalizeCapabilities(list, field) } : {});
  const devices = (opts.device ?? []).map(parseDeviceFlag);
  for (const d of devices) await checkDevice(d);
  const security = await securityOptions(opts.securityOpt ?? []);
  const userns = usernsMode(opts.userns);
  return {
    ...cap(opts.capAdd, 'CapAdd'),
    ...cap(opts.capDrop, 'CapDrop'),
    ...(security.length ? { SecurityOpt: security } : {}),
    ...(devices.length ? { Devices: devices } : {}),
    ...(opts.groupAdd?.length ? { GroupAdd: opts.groupAdd } : {}),
    ...memoryFields(opts),
    ...(opts.cpus !== undefined ? { NanoCpus: nanoCpus(opts.cpus, os.cpus().length) } : {}),
    ...(opts.cpuShares !== undefined ? { CpuShares: integer(opts.cpuShares, '-c, --cpu-shares') } : {}),
    ...(opts.pidsLimit !== undefined ? { PidsLimit: integer(opts.pidsLimit, '--pids-limit') } : {}),
    ...(opts.cgroupParent ? { CgroupParent: opts.cgroupParent } : {}),
    ...(userns ? { UsernsMode: userns } : {}),
    ...(opts.init ? { Init: true } : {}),
  };
}
