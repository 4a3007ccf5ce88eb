#ifndef TSRUN_MONITOR_CGROUP_H
#define TSRUN_MONITOR_CGROUP_H
/* What the monitor does with the container's cgroup once the container exited. */
#include "spawn.h"

/* 1 when memory.events / memory.oom_control counts an OOM kill, else 0. */
int tsrun_oom_killed(const char *file);
/* rmdir of each cgroup the child joined (the dirs of plan->cgroup_procs);
 * waits briefly for the dying processes of the PID namespace. */
void tsrun_remove_cgroups(const struct tsrun_spawn_plan *plan);
#endif
