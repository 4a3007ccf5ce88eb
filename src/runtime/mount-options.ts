/** OCI mount option words -> mount(2) flags + data string (what runc's parseMountOptions does). */

export const MS = {
  RDONLY: 0x1, NOSUID: 0x2, NODEV: 0x4, NOEXEC: 0x8, SYNCHRONOUS: 0x10, REMOUNT: 0x20, MANDLOCK: 0x40,
  DIRSYNC: 0x80, NOATIME: 0x400, NODIRATIME: 0x800, BIND: 0x1000, MOVE: 0x2000, REC: 0x4000,
  SILENT: 0x8000, UNBINDABLE: 0x20000, PRIVATE: 0x40000, SLAVE: 0x80000, SHARED: 0x100000,
  RELATIME: 0x200000, STRICTATIME: 0x1000000, LAZYTIME: 0x2000000,
} as const;

const SET: Record<string, number> = {
  ro: MS.RDONLY, nosuid: MS.NOSUID, nodev: MS.NODEV, noexec: MS.NOEXEC, sync: MS.SYNCHRONOUS,
  dirsync: MS.DIRSYNC, noatime: MS.NOATIME, nodiratime: MS.NODIRATIME, bind: MS.BIND, rbind: MS.BIND | MS.REC,
  relatime: MS.RELATIME, strictatime: MS.STRICTATIME, remount: MS.REMOUNT, mand: MS.MANDLOCK,
  private: 0, rprivate: 0, slave: 0, rslave: 0, shared: 0, rshared: 0, unbindable: 0, runbindable: 0,
};
const CLEAR = new Set(['rw', 'suid', 'dev', 'exec', 'async', 'atime', 'diratime', 'norelatime', 'nostrictatime', 'defaults']);

export function parseMountOptions(options: readonly string[] = []): { flags: number; data: string } {
  let flags = 0;
  const data: string[] = [];
  for (const opt of options) {
    if (opt in SET) flags |= SET[opt];
    else if (!CLEAR.has(opt)) data.push(opt);
  }
  return { flags, data: data.join(',') };
}
