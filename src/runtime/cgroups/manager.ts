/**
 * A container's cgroup: made and limited before the container starts (the
 * child joins it itself right after GO), removed after it. v1/hybrid: one
 * directory per hierarchy, device rules in the devices controller; v2: one
 * directory, controllers enabled down the tree, an eBPF device filter.
 *
 * cgroupfs lives in memory and answers at once: its files are read and written
 * synchronously (a start touches ~40 of them; through the thread pool each
 * costs a round trip).
 */
import * as fs from 'node:fs';
import path from 'node:path';
import { isErrno, TsrunError } from '../../core/errors.js';
import type { LinuxResources } from '../../oci/runtime-spec.js';
import type { Sys } from '../../sys/index.js';
import { allowsEverything, deviceFilterProgram } from './device-filter.js';
import { v1DeviceLine } from './device-rules.js';
import type { CgroupHierarchy, CgroupLayout } from './hierarchy.js';
import { hierarchyOf } from './paths.js';
import { v1Writes, v2Writes, type CgroupWrite } from './limits.js';

export interface CgroupSetup {
  layout: CgroupLayout;
  /** The container's directory in each hierarchy (containerCgroupDirs). */
  dirs: string[];
  resources: LinuxResources;
  sys: Pick<Sys, 'attachDeviceFilter'>;
  /** Docker prints a warning and goes on when the kernel lacks a limit. */
  warn(message: string): void;
}

export interface JoinedCgroup {
  /** cgroup.procs files the child writes "0" to. */
  procs: string[];
  /** memory.events (v2) or memory.oom_control (v1), read at exit for OOMKilled. */
  oomFile?: string;
}

const exists = (p: string) => fs.existsSync(p);

const read = (file: string) => fs.readFileSync(file, 'utf8');

function readOr(file: string, fallback: string): string {
  try {
    return read(file);
  } catch {
    return fallback;
  }
}

/** Writes a cgroup file, naming it in the error. */
function write(file: string, value: string): void {
  try {
    fs.writeFileSync(file, value);
  } catch (err) {
    throw new TsrunError('INTERNAL', `cgroup: writing "${value}" to ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** mkdir -p; in the v1 cpuset hierarchy each new level gets its parent's cpus and mems, or no task could join. */
function makeDir(h: CgroupHierarchy, dir: string): void {
  const missing: string[] = [];
  for (let d = dir; d.startsWith(h.mountPoint + '/') && !exists(d); d = path.dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
    }
    if (h.version !== 1 || !h.controllers.includes('cpuset')) continue;
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      const own = read(path.join(d, file)).trim();
      if (!own) write(path.join(d, file), read(path.join(path.dirname(d), file)));
    }
  }
}

/** v2: a controller works in a cgroup only when every ancestor lists it in cgroup.subtree_control. */
function enableControllers(h: CgroupHierarchy, dir: string, wanted: string[]): string[] {
  let available = read(path.join(h.mountPoint, 'cgroup.controllers')).trim().split(/\s+/);
  const chain: string[] = [];
  for (let d = path.dirname(dir); d.startsWith(h.mountPoint); d = path.dirname(d)) chain.unshift(d);
  for (const d of chain) {
    const here = read(path.join(d, 'cgroup.controllers')).trim().split(/\s+/);
    available = available.filter((c) => here.includes(c) && wanted.includes(c));
    // EBUSY: processes sit in d (the "no internal processes" rule); that controller then stays off below
    for (const c of available) {
      try {
        fs.writeFileSync(path.join(d, 'cgroup.subtree_control'), `+${c}`);
      } catch { /* see above */ }
    }
    const enabled = read(path.join(d, 'cgroup.subtree_control')).trim().split(/\s+/);
    available = available.filter((c) => enabled.includes(c));
  }
  return available;
}

function applyWrites(writes: CgroupWrite[], dirFor: (controller: string) => string | undefined, warn: (m: string) => void): void {
  for (const w of writes) {
    const dir = dirFor(w.controller);
    const file = dir && path.join(dir, w.file);
    if (!file || !exists(file)) {
      warn(w.file.includes('swap') || w.file.includes('memsw')
        ? 'Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.'
        : `Your kernel does not support the ${w.controller} controller or the cgroup is not mounted. Limitation discarded (${w.file}).`);
      continue;
    }
    write(file, w.value);
  }
}

function v1Devices(dir: string, setup: CgroupSetup): void {
  const rules = setup.resources.devices ?? [];
  for (const rule of rules) write(path.join(dir, rule.allow ? 'devices.allow' : 'devices.deny'), v1DeviceLine(rule));
}

export async function createCgroup(setup: CgroupSetup): Promise<JoinedCgroup> {
  const { layout, dirs, resources } = setup;
  const byController = new Map<string, string>();
  let unified: string | undefined;
  for (const dir of dirs) {
    const h = hierarchyOf(layout, dir);
    if (!h) throw new TsrunError('INTERNAL', `cgroup: ${dir} is in no cgroup hierarchy`);
    try {
      fs.rmdirSync(dir); // an empty leftover of a dead monitor: start clean
    } catch { /* none, or busy */ }
    makeDir(h, dir);
    if (h.version === 2) {
      unified = dir;
      if (layout.mode === 'v2') for (const c of enableControllers(h, dir, ['cpu', 'memory', 'pids', 'io', 'cpuset'])) byController.set(c, dir);
    } else {
      for (const c of h.controllers) byController.set(c, dir);
    }
  }
  if (layout.mode === 'v2') {
    applyWrites(v2Writes(resources), (c) => byController.get(c), setup.warn);
  } else {
    const memsw = byController.has('memory') && exists(path.join(byController.get('memory')!, 'memory.memsw.limit_in_bytes'));
    applyWrites(v1Writes(resources, memsw), (c) => byController.get(c), setup.warn);
    if (resources.memory?.swap !== undefined && !memsw) setup.warn('Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.');
    const devices = byController.get('devices');
    if (devices) v1Devices(devices, setup);
  }
  // v2 has no devices controller: an eBPF filter (on hybrid hosts too, beside the v1 one)
  const rules = resources.devices ?? [];
  if (unified && rules.length > 0 && !allowsEverything(rules)) setup.sys.attachDeviceFilter(unified, deviceFilterProgram(rules));
  const memory = byController.get('memory');
  return {
    procs: dirs.map((d) => path.join(d, 'cgroup.procs')),
    oomFile: memory && (layout.mode === 'v2' ? path.join(memory, 'memory.events') : path.join(memory, 'memory.oom_control')),
  };
}

/** Subdirectories, deepest first (a runtime run with --runtime nests its own cgroup in the container's). */
function childDirs(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const subs = entries.filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name));
  return subs.flatMap((d) => [...childDirs(d), d]);
}

/** rmdir of each directory; processes still inside are killed first (a container whose monitor died). */
export async function removeCgroup(dirs: readonly string[]): Promise<void> {
  for (const dir of [...dirs.flatMap(childDirs), ...dirs]) {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.rmdirSync(dir);
        break;
      } catch (err) {
        if (isErrno(err, 'ENOENT')) break;
        if (!isErrno(err, 'EBUSY') || attempt >= 50) throw new TsrunError('INTERNAL', `cgroup: removing ${dir}: ${(err as Error).message}`, { cause: err });
        const pids = readOr(path.join(dir, 'cgroup.procs'), '').split('\n').filter(Boolean);
        for (const pid of pids) {
          try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }
}
