#ifndef TSRUN_CONFINE_H
#define TSRUN_CONFINE_H
/* Child steps for cgroups, user namespaces and seccomp. Called between clone()
 * and execve(): raw syscalls only, no allocation (see spawn.c). Each returns 0
 * or -1 with errno set; *index (when given) names the failing item. */
#include "spawn.h"

int tsrun_join_cgroups(const struct tsrun_spawn_plan *p, int *index);
int tsrun_become_ns_root(void);
int tsrun_install_seccomp(const struct tsrun_spawn_plan *p);
/* Moves a mount fd received from the parent onto target (a host path). */
int tsrun_attach_parent_mount(int fd, const char *target);
#endif
