/* The container's cgroup after it exited: was it OOM-killed, then remove it
 * (Docker's runtime deletes it at exit too; `tsrun rm` retries). */
#define _GNU_SOURCE
#include "monitor-cgroup.h"

#include <dirent.h>
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

/* Empty cgroups below dir first: a runtime run with --runtime nests its own there. */
static void remove_children(const char *dir, int depth) {
  DIR *d = depth < 8 ? opendir(dir) : NULL;
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char child[4096];
    if (snprintf(child, sizeof child, "%s/%s", dir, e->d_name) >= (int)sizeof child) continue;
    remove_children(child, depth + 1);
    rmdir(child);
  }
  closedir(d);
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
    remove_children(dir, 0);
    for (int tries = 0; tries < 50 && rmdir(dir) < 0 && errno == EBUSY; tries++) {
      struct timespec ts = {0, 20 * 1000 * 1000};
      nanosleep(&ts, NULL);
    }
    free(dir);
  }
}
