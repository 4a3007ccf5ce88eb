#ifndef TSRUN_ROOTFS_USERNS_H
#define TSRUN_ROOTFS_USERNS_H
/* tsrun-monitor, between clone and GO, for a container in a new user
 * namespace: write its id maps, then build its root filesystem as a detached
 * overlay mount (on idmapped layers when asked) to send with GO. libc is fine
 * here (single-threaded monitor). */
#include "spawn.h"

/* Each returns 0, or a tsrun_stage with errno set and *index naming the item. */
int tsrun_write_id_maps(pid_t pid, const struct tsrun_spawn_plan *plan);
/* *mount_fd: the detached overlay for the plan's from_parent mount, or -1 when there is none. */
int tsrun_prepare_parent_mount(pid_t pid, const struct tsrun_spawn_plan *plan, int *mount_fd, int *index);
#endif
