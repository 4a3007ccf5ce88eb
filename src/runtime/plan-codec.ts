/**
 * The spawn plan as the monitor reads it (native/plan-codec.c): NUL-terminated
 * tokens, a key then its value(s), lists prefixed by their count. Strings
 * cannot hold NUL, exactly like execve's argv and envp.
 */
import { TsrunError } from '../core/errors.js';
import type { SpawnPlan } from '../sys/index.js';

export function encodePlan(plan: SpawnPlan): Buffer {
  const tokens: string[] = [];
  const put = (key: string, ...values: Array<string | number | bigint | boolean | undefined>) => {
    tokens.push(key, ...values.map((v) => (v === undefined ? '' : typeof v === 'boolean' ? (v ? '1' : '0') : String(v))));
  };
  const list = (key: string, items: readonly (string | number)[]) => put(key, items.length, ...items);
  put('cloneFlags', plan.cloneFlags);
  list('candidates', plan.candidates);
  list('argv', plan.argv);
  list('env', plan.env);
  put('cwd', plan.cwd);
  put('hostname', plan.hostname);
  put('rootfs', plan.rootfs);
  put('mountCwd', plan.mountCwd);
  put('uid', plan.uid);
  put('gid', plan.gid);
  list('groups', plan.groups);
  put('setControllingTty', plan.setControllingTty);
  for (const m of plan.mounts) {
    put('mount', m.source, m.target, m.fstype, m.flags, m.data, m.isFile === true, m.inRoot === true);
    if (m.fromParent) tokens.push('fromParent');
  }
  for (const d of plan.devices) put('device', d.path, d.mode, d.major, d.minor, d.uid, d.gid);
  list('symlinks', plan.symlinks);
  list('mkdirs', plan.mkdirs);
  list('maskedPaths', plan.maskedPaths);
  list('readonlyPaths', plan.readonlyPaths);
  put('readonlyRoot', plan.readonlyRoot);
  put('loopbackUp', plan.loopbackUp);
  put('parentDeathSignal', plan.parentDeathSignal);
  put('noNewPrivileges', plan.noNewPrivileges);
  const c = plan.capabilities;
  if (c) put('capabilities', c.bounding, c.effective, c.permitted, c.inheritable, c.ambient);
  put('maxFd', plan.maxFd);
  if (plan.unshareFlags) put('unshareFlags', plan.unshareFlags);
  if (plan.cgroupProcs?.length) list('cgroupProcs', plan.cgroupProcs);
  if (plan.seccomp) put('seccomp', plan.seccomp.toString('hex'));
  if (plan.uidMap && plan.gidMap) put('uidMap', plan.uidMap), put('gidMap', plan.gidMap);
  if (plan.idmapLowers) put('idmapLowers', 1);
  if (plan.oomFile) put('oomFile', plan.oomFile);
  if (plan.netnsPath) put('netns', plan.netnsPath);
  for (const r of plan.rlimits ?? []) put('rlimit', r.resource, r.soft, r.hard);
  tokens.push('end');
  if (tokens.some((t) => t.includes('\0'))) {
    throw new TsrunError('INVALID_ARGUMENT', 'invalid argument: a command, variable or path contains a NUL byte');
  }
  return Buffer.from(tokens.join('\0') + '\0');
}
