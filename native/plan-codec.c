/* The monitor's side of the plan file: a flat list of NUL-terminated tokens,
 * "key" then its value(s); lists carry a count first. No JSON parser needed,
 * and strings (argv, env) may hold any byte but NUL, like execve's. */
#define _GNU_SOURCE
#include "plan-codec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

struct cursor {
  char *p, *end;
  int bad;
};

static char *token(struct cursor *c) {
  if (c->bad || c->p >= c->end) {
    c->bad = 1;
    return "";
  }
  char *t = c->p;
  char *nul = memchr(t, 0, (size_t)(c->end - t));
  if (!nul) {
    c->bad = 1;
    return "";
  }
  c->p = nul + 1;
  return t;
}

static unsigned long long number(struct cursor *c) {
  return strtoull(token(c), NULL, 10);
}

/* "count, item..." -> a NULL-terminated array of pointers into the buffer. */
static char **strings(struct cursor *c, size_t *count) {
  size_t n = (size_t)number(c);
  if (n > 1000000) c->bad = 1;
  if (c->bad) return NULL;
  char **out = calloc(n + 1, sizeof *out);
  if (!out) {
    c->bad = 1;
    return NULL;
  }
  for (size_t i = 0; i < n; i++) out[i] = token(c);
  if (count) *count = n;
  return out;
}

static void *grow(void *arr, size_t n, size_t size, struct cursor *c) {
  void *next = realloc(arr, (n + 1) * size);
  if (!next) c->bad = 1;
  return next;
}

static void mount_entry(struct cursor *c, struct tsrun_spawn_plan *p) {
  struct tsrun_mount_entry m;
  memset(&m, 0, sizeof m);
  char *source = token(c), *target = token(c), *fstype = token(c);
  m.flags = (unsigned long)number(c);
  char *data = token(c);
  m.is_file = (int)number(c);
  m.in_root = (int)number(c);
  m.source = *source ? source : NULL;
  m.target = target;
  m.fstype = *fstype ? fstype : NULL;
  m.data = *data ? data : NULL;
  struct tsrun_mount_entry *arr = grow((void *)p->mounts, p->nmounts, sizeof m, c);
  if (!arr) return;
  arr[p->nmounts++] = m;
  p->mounts = arr;
}

static void device_entry(struct cursor *c, struct tsrun_spawn_plan *p) {
  struct tsrun_device d;
  d.path = token(c);
  d.mode = (mode_t)number(c);
  unsigned major = (unsigned)number(c), minor = (unsigned)number(c);
  d.dev = makedev(major, minor);
  d.uid = (uid_t)number(c);
  d.gid = (gid_t)number(c);
  struct tsrun_device *arr = grow((void *)p->devices, p->ndevices, sizeof d, c);
  if (!arr) return;
  arr[p->ndevices++] = d;
  p->devices = arr;
}

static void rlimit_entry(struct cursor *c, struct tsrun_spawn_plan *p) {
  struct tsrun_rlimit r;
  r.resource = (int)number(c);
  r.soft = number(c);
  r.hard = number(c);
  struct tsrun_rlimit *arr = grow((void *)p->rlimits, p->nrlimits, sizeof r, c);
  if (!arr) return;
  arr[p->nrlimits++] = r;
  p->rlimits = arr;
}

static void groups(struct cursor *c, struct tsrun_spawn_plan *p) {
  size_t n = 0;
  char **items = strings(c, &n);
  gid_t *g = calloc(n + 1, sizeof *g);
  if (!items || !g) {
    c->bad = 1;
    return;
  }
  for (size_t i = 0; i < n; i++) g[i] = (gid_t)strtoul(items[i], NULL, 10);
  p->groups = g;
  p->ngroups = n;
  free(items);
}

static void capabilities(struct cursor *c, struct tsrun_spawn_plan *p) {
  p->set_caps = 1;
  p->cap_bounding = number(c);
  p->cap_effective = number(c);
  p->cap_permitted = number(c);
  p->cap_inheritable = number(c);
  p->cap_ambient = number(c);
}

/* Hex text -> bytes (the seccomp program). */
static void hex_bytes(struct cursor *c, struct tsrun_spawn_plan *p) {
  const char *hex = token(c);
  size_t n = strlen(hex) / 2;
  unsigned char *out = malloc(n + 1);
  if (!out || strlen(hex) % 2) {
    c->bad = 1;
    return;
  }
  for (size_t i = 0; i < n; i++) {
    char pair[3] = {hex[2 * i], hex[2 * i + 1], 0};
    out[i] = (unsigned char)strtoul(pair, NULL, 16);
  }
  p->seccomp = out;
  p->seccomp_len = n;
}

/* "fromParent" marks the mount decoded just before it. */
static void from_parent(struct cursor *c, struct tsrun_spawn_plan *p) {
  if (p->nmounts == 0) {
    c->bad = 1;
    return;
  }
  ((struct tsrun_mount_entry *)&p->mounts[p->nmounts - 1])->from_parent = 1;
}

static const char *optional(struct cursor *c) {
  char *t = token(c);
  return *t ? t : NULL;
}

static int field(struct cursor *c, const char *key, struct tsrun_spawn_plan *p) {
  size_t n = 0;
  if (!strcmp(key, "cloneFlags")) p->clone_flags = (unsigned long)number(c);
  else if (!strcmp(key, "candidates")) p->candidates = (const char *const *)strings(c, &p->ncandidates);
  else if (!strcmp(key, "argv")) p->argv = strings(c, &n);
  else if (!strcmp(key, "env")) p->envp = strings(c, &n);
  else if (!strcmp(key, "cwd")) p->cwd = token(c);
  else if (!strcmp(key, "hostname")) p->hostname = optional(c);
  else if (!strcmp(key, "rootfs")) p->rootfs = optional(c);
  else if (!strcmp(key, "mountCwd")) p->mount_cwd = optional(c);
  else if (!strcmp(key, "uid")) p->uid = (uid_t)number(c);
  else if (!strcmp(key, "gid")) p->gid = (gid_t)number(c);
  else if (!strcmp(key, "groups")) groups(c, p);
  else if (!strcmp(key, "setControllingTty")) p->set_ctty = (int)number(c);
  else if (!strcmp(key, "mount")) mount_entry(c, p);
  else if (!strcmp(key, "fromParent")) from_parent(c, p);
  else if (!strcmp(key, "device")) device_entry(c, p);
  else if (!strcmp(key, "symlinks")) p->symlinks = (const char *const *)strings(c, &p->nsymlinks);
  else if (!strcmp(key, "mkdirs")) p->mkdirs = (const char *const *)strings(c, &p->nmkdirs);
  else if (!strcmp(key, "maskedPaths")) p->masked_paths = (const char *const *)strings(c, &p->nmasked);
  else if (!strcmp(key, "readonlyPaths")) p->readonly_paths = (const char *const *)strings(c, &p->nreadonly);
  else if (!strcmp(key, "readonlyRoot")) p->readonly_root = (int)number(c);
  else if (!strcmp(key, "loopbackUp")) p->loopback_up = (int)number(c);
  else if (!strcmp(key, "parentDeathSignal")) p->pdeathsig = (int)number(c);
  else if (!strcmp(key, "noNewPrivileges")) p->no_new_privs = (int)number(c);
  else if (!strcmp(key, "capabilities")) capabilities(c, p);
  else if (!strcmp(key, "maxFd")) p->max_fd = (int)number(c);
  else if (!strcmp(key, "unshareFlags")) p->unshare_flags = (unsigned long)number(c);
  else if (!strcmp(key, "cgroupProcs")) p->cgroup_procs = (const char *const *)strings(c, &p->ncgroup_procs);
  else if (!strcmp(key, "seccomp")) hex_bytes(c, p);
  else if (!strcmp(key, "uidMap")) p->uid_map = optional(c);
  else if (!strcmp(key, "gidMap")) p->gid_map = optional(c);
  else if (!strcmp(key, "idmapLowers")) p->idmap_lowers = (int)number(c);
  else if (!strcmp(key, "oomFile")) p->oom_file = optional(c);
  else if (!strcmp(key, "netns")) p->netns_path = optional(c);
  else if (!strcmp(key, "rlimit")) rlimit_entry(c, p);
  else return -1;
  return 0;
}

int tsrun_decode_plan(char *buf, size_t len, struct tsrun_spawn_plan *plan) {
  memset(plan, 0, sizeof *plan);
  plan->max_fd = 1024;
  plan->exec_fifo_fd = -1;
  struct cursor c = {buf, buf + len, 0};
  for (;;) {
    const char *key = token(&c);
    if (c.bad) return -1;
    if (!strcmp(key, "end")) break;
    if (field(&c, key, plan) < 0 || c.bad) return -1;
  }
  if (!plan->argv || !plan->envp || !plan->cwd || !plan->candidates) return -1;
  return 0;
}
