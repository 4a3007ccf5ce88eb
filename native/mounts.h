#ifndef TSRUN_MOUNTS_H
#define TSRUN_MOUNTS_H
/* Mount steps used by the child (async-signal-safe: raw syscalls only). */
#include "spawn.h"

int tsrun_make_rprivate(void);
/* Returns 0, or the failing stage (errno set). */
int tsrun_do_mount(const struct tsrun_mount_entry *m, int root_fd);
/* The host's /sys bound where a sysfs mount was refused; 0 or the failing stage. */
int tsrun_bind_host_sysfs(const struct tsrun_mount_entry *m, int root_fd);
int tsrun_make_device(const struct tsrun_device *d);
/* Returns 0, or the failing stage (errno set). */
int tsrun_pivot_root(const char *rootfs);
int tsrun_mask_path(const char *path);
int tsrun_readonly_path(const char *path);
int tsrun_remount_root_readonly(void);
#endif
