/* The root filesystem of a user-namespaced container, made by the monitor
 * (init user namespace, so overlay may use idmapped layers) as a detached
 * mount: never visible on the host, gone with its last reference. The child
 * moves it into its own mount namespace (confine.c). */
#define _GNU_SOURCE
#include "rootfs-userns.h"
#include "protocol.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef FSCONFIG_SET_STRING
#define FSOPEN_CLOEXEC 0x00000001
#define FSMOUNT_CLOEXEC 0x00000001
#define FSCONFIG_SET_STRING 1
#define FSCONFIG_CMD_CREATE 6
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#define TSRUN_MOUNT_ATTR_IDMAP 0x00100000

struct mount_attr_compat {
  unsigned long long attr_set, attr_clr, propagation, userns_fd;
};

static int write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t len = strlen(text);
  ssize_t n = write(fd, text, len);
  int e = errno;
  close(fd);
  errno = n == (ssize_t)len ? 0 : (n < 0 ? e : EIO);
  return n == (ssize_t)len ? 0 : -1;
}

int tsrun_write_id_maps(pid_t pid, const struct tsrun_spawn_plan *plan) {
  char path[64];
  if (!plan->uid_map || !plan->gid_map) return 0;
  snprintf(path, sizeof path, "/proc/%d/uid_map", (int)pid);
  if (write_file(path, plan->uid_map) < 0) return TSRUN_STAGE_ID_MAP;
  snprintf(path, sizeof path, "/proc/%d/gid_map", (int)pid);
  if (write_file(path, plan->gid_map) < 0) return TSRUN_STAGE_ID_MAP;
  return 0;
}

/* The value of key= in a mount data string, copied out (NULL when absent). */
static char *option(const char *data, const char *key) {
  size_t klen = strlen(key);
  for (const char *p = data; p && *p;) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len > klen && !strncmp(p, key, klen) && p[klen] == '=') return strndup(p + klen + 1, len - klen - 1);
    p = end ? end + 1 : NULL;
  }
  return NULL;
}

static int set_string(int fs, const char *key, const char *value) {
  return (int)syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, key, value, 0);
}

/* One lower as an fd: an idmapped clone of it, or a plain O_PATH handle. */
static int open_lower(int cwd, const char *path, int userns) {
  if (userns < 0) return openat(cwd, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  int fd = (int)syscall(SYS_open_tree, cwd, path, OPEN_TREE_CLONE | O_CLOEXEC);
  if (fd < 0) return -1;
  struct mount_attr_compat attr = {TSRUN_MOUNT_ATTR_IDMAP, 0, 0, (unsigned long long)userns};
  if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

/* Lowers are given to overlay as fd numbers relative to /proc/self/fd (our
 * cwd meanwhile): "lowerdir+" one by one where the kernel has it (>= 6.7),
 * else one short "lowerdir=5:6:7" (fsconfig strings stop at 256 bytes). */
static int configure_lowers(int fs, const int *fds, size_t n) {
  char name[16], joined[256];
  size_t used = 0;
  for (size_t i = 0; i < n; i++) {
    snprintf(name, sizeof name, "%d", fds[i]);
    if (set_string(fs, "lowerdir+", name) < 0) break;
    if (i + 1 == n) return 0;
  }
  joined[0] = 0;
  for (size_t i = 0; i < n; i++) {
    int w = snprintf(joined + used, sizeof joined - used, "%s%d", i ? ":" : "", fds[i]);
    if (w < 0 || (size_t)w >= sizeof joined - used) {
      errno = E2BIG;
      return -1;
    }
    used += (size_t)w;
  }
  return set_string(fs, "lowerdir", joined);
}

static int make_overlay(const struct tsrun_mount_entry *m, const int *lowers, size_t n) {
  int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
  if (fs < 0) return -1;
  int rc = configure_lowers(fs, lowers, n);
  /* the other options as given (upperdir, workdir, redirect_dir=off ...) */
  char *data = strdup(m->data ? m->data : "");
  for (char *save = NULL, *opt = strtok_r(data, ",", &save); rc == 0 && opt; opt = strtok_r(NULL, ",", &save)) {
    if (!strncmp(opt, "lowerdir=", 9)) continue;
    char *eq = strchr(opt, '=');
    if (eq) *eq = 0;
    rc = set_string(fs, opt, eq ? eq + 1 : NULL);
    if (rc < 0 && !eq) rc = (int)syscall(SYS_fsconfig, fs, 0 /* FSCONFIG_SET_FLAG */, opt, NULL, 0);
  }
  free(data);
  if (rc == 0) rc = (int)syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
  int mnt = rc == 0 ? (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0) : -1;
  int e = errno;
  close(fs);
  errno = e;
  return mnt;
}

static const struct tsrun_mount_entry *parent_mount(const struct tsrun_spawn_plan *plan) {
  for (size_t i = 0; i < plan->nmounts; i++)
    if (plan->mounts[i].from_parent) return &plan->mounts[i];
  return NULL;
}

int tsrun_prepare_parent_mount(pid_t pid, const struct tsrun_spawn_plan *plan, int *mount_fd, int *index) {
  *mount_fd = -1;
  *index = -1;
  const struct tsrun_mount_entry *m = parent_mount(plan);
  if (!m) return 0;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
  int userns = plan->idmap_lowers ? open(path, O_RDONLY | O_CLOEXEC) : -1;
  int cwd = open(plan->mount_cwd ? plan->mount_cwd : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  char *lowerdir = option(m->data, "lowerdir");
  if ((plan->idmap_lowers && userns < 0) || cwd < 0 || !lowerdir) return TSRUN_STAGE_ROOTFS;
  size_t n = 1;
  for (char *c = lowerdir; *c; c++) n += *c == ':';
  int *fds = calloc(n, sizeof *fds);
  size_t opened = 0;
  int stage = 0;
  for (char *save = NULL, *dir = strtok_r(lowerdir, ":", &save); fds && dir; dir = strtok_r(NULL, ":", &save)) {
    fds[opened] = open_lower(cwd, dir, userns);
    if (fds[opened] < 0) {
      stage = plan->idmap_lowers ? TSRUN_STAGE_IDMAP_LAYER : TSRUN_STAGE_ROOTFS;
      *index = (int)opened;
      break;
    }
    opened++;
  }
  /* fd numbers resolve from /proc/self/fd; absolute upper/work paths are unaffected */
  if (!stage && (fchdir(cwd) < 0 || chdir("/proc/self/fd") < 0)) stage = TSRUN_STAGE_ROOTFS;
  if (!stage) {
    *mount_fd = make_overlay(m, fds, opened);
    if (*mount_fd < 0) stage = TSRUN_STAGE_ROOTFS;
  }
  int e = errno;
  for (size_t i = 0; i < opened; i++) close(fds[i]);
  free(fds);
  free(lowerdir);
  close(cwd);
  if (userns >= 0) close(userns);
  if (chdir("/") < 0) { /* the monitor's cwd; nothing relies on it */
  }
  errno = e;
  return stage;
}
