/* The wire format between the container child and the parent (TS side:
 * src/runtime/protocol.ts mirrors it). Keep both in sync. */
#ifndef TSRUN_PROTOCOL_H
#define TSRUN_PROTOCOL_H

#include <stdint.h>

/* One fixed record written by the child on failure, then _exit(127).
 * EOF on the CLOEXEC error pipe without a record means execve succeeded. */
struct tsrun_child_error {
  int32_t stage;  /* enum tsrun_stage */
  int32_t err;    /* errno */
  int32_t index;  /* which mount/path/candidate, or -1 */
};

/* The parent writes one byte on the sync socket to let the child go on; with
 * a user namespace the rootfs mount fd rides along (SCM_RIGHTS). */
#define TSRUN_SYNC_GO 'G'
/* With an exec FIFO the child answers on the same socket once its setup is
 * done and its program found, just before it blocks on the FIFO. */
#define TSRUN_SYNC_READY 'R'

enum tsrun_stage {
  TSRUN_STAGE_SYNC = 1,
  TSRUN_STAGE_SETSID,
  TSRUN_STAGE_STDIO,
  TSRUN_STAGE_CTTY,
  TSRUN_STAGE_SETHOSTNAME,
  TSRUN_STAGE_MAKE_PRIVATE,
  TSRUN_STAGE_MOUNTPOINT,
  TSRUN_STAGE_MOUNT,
  TSRUN_STAGE_REMOUNT,
  TSRUN_STAGE_MKNOD,
  TSRUN_STAGE_SYMLINK,
  TSRUN_STAGE_PIVOT_ROOT,
  TSRUN_STAGE_UMOUNT_OLD_ROOT,
  TSRUN_STAGE_MASK_PATH,
  TSRUN_STAGE_READONLY_PATH,
  TSRUN_STAGE_READONLY_ROOT,
  TSRUN_STAGE_MKDIR,
  TSRUN_STAGE_LOOPBACK,
  TSRUN_STAGE_CAPBSET,
  TSRUN_STAGE_KEEPCAPS,
  TSRUN_STAGE_SETGROUPS,
  TSRUN_STAGE_SETGID,
  TSRUN_STAGE_SETUID,
  TSRUN_STAGE_CAPSET,
  TSRUN_STAGE_AMBIENT,
  TSRUN_STAGE_NO_NEW_PRIVS,
  TSRUN_STAGE_PDEATHSIG,
  TSRUN_STAGE_CHDIR,
  TSRUN_STAGE_SIGNALS,
  TSRUN_STAGE_CLOSE_FDS,
  TSRUN_STAGE_EXEC,
  TSRUN_STAGE_RLIMIT,
  TSRUN_STAGE_SETNS,      /* exec: joining the container's namespaces */
  TSRUN_STAGE_CLONE,      /* exec: the second clone into the joined PID namespace */
  TSRUN_STAGE_CGROUP,     /* joining the container's cgroup (index: which cgroup.procs) */
  TSRUN_STAGE_NS_ROOT,    /* becoming root of the new user namespace */
  TSRUN_STAGE_UNSHARE,    /* the namespaces made after the user namespace */
  TSRUN_STAGE_SECCOMP,    /* installing the seccomp filter */
  TSRUN_STAGE_ID_MAP,     /* parent: writing uid_map/gid_map */
  TSRUN_STAGE_IDMAP_LAYER,/* parent: an idmapped mount of a layer (index: which lower) */
  TSRUN_STAGE_ROOTFS,     /* parent: the detached overlay of a user-namespaced container */
};

#endif
