/* The container's cgroup after it exited: was it OOM-killed, then remove it
 * (Docker's runtime deletes it at exit too; `tsrun rm` retries). */
#define _GNU_SOURCE
#include "monitor-cgroup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int tsrun_oom_killed(const char *file) {
  if (!file) return 0;
  FILE *f = fopen(file, "re");
  if (!f) return 0;
  char key[64];
  unsigned long long value;
  int killed = 0;
  /* both files are "key value" lines; "oom_kill N" counts kills (v1 since 4.13) */
  while (fscanf(f, "%63s %llu", key, &value) == 2) {
    if (!strcmp(key, "oom_kill") && value > 0) killed = 1;
  }
  fclose(f);
  return killed;
}

void tsrun_remove_cgroups(const struct tsrun_spawn_plan *plan) {
  for (size_t i = 0; i < plan->ncgroup_procs; i++) {
    char *dir = strdup(plan->cgroup_procs[i]);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    if (!slash) {
      free(dir);
      continue;
    }
    *slash = 0;
    for (int tries = 0; tries < 50 && rmdir(dir) < 0 && errno == EBUSY; tries++) {
      struct timespec ts = {0, 20 * 1000 * 1000};
      nanosleep(&ts, NULL);
    }
    free(dir);
  }
}
