/** Mirrors native/protocol.h: the stage a child failed at, by number. */
export const STAGES = [
  '', 'sync', 'setsid', 'stdio', 'controlling terminal', 'sethostname', 'make / private', 'mountpoint', 'mount',
  'remount', 'mknod', 'symlink', 'pivot_root', 'umount old root', 'mask path', 'readonly path', 'readonly root',
  'mkdir', 'loopback', 'capability bounding set', 'keepcaps', 'setgroups', 'setgid', 'setuid', 'capset',
  'ambient capabilities', 'no_new_privs', 'pdeathsig', 'chdir', 'signals', 'close fds', 'exec', 'rlimit',
  'setns', 'clone', 'join cgroup', 'become user namespace root', 'unshare', 'seccomp', 'write uid_map/gid_map',
  'idmapped layer', 'rootfs in user namespace',
] as const;

export const STAGE_EXEC = 31;
export const CHILD_ERROR_SIZE = 12;

export interface ChildError {
  stage: number;
  errno: number;
  index: number;
}

export function decodeChildError(buf: Buffer): ChildError {
  return { stage: buf.readInt32LE(0), errno: buf.readInt32LE(4), index: buf.readInt32LE(8) };
}

export function stageName(stage: number): string {
  return STAGES[stage] || `stage ${stage}`;
}
