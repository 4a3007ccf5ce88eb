/* Kernel feature probes run by tsrun-monitor (single-threaded: libc is fine). */
#define _GNU_SOURCE
#include "probe.h"
#include "mounts.h"
#include "protocol.h"
#include "rootfs-userns.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int result(const char *what, int err) {
  if (err == 0) printf("ok\n");
  else printf("%s %d\n", what, err);
  return err == 0 ? 0 : 1;
}

static void stop(pid_t pid) {
  kill(pid, SIGKILL);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
  }
}

/* Idmapped lower layers under a detached overlay: what user namespaces use. */
static int probe_idmap(const char *dir) {
  char lower[1024], upper[1024], work[1024], data[4096];
  snprintf(lower, sizeof lower, "%s/lower", dir);
  snprintf(upper, sizeof upper, "%s/upper", dir);
  snprintf(work, sizeof work, "%s/work", dir);
  const char *dirs[] = {lower, upper, work};
  for (int i = 0; i < 3; i++)
    if (mkdir(dirs[i], 0755) < 0 && errno != EEXIST) return result("mkdir", errno);
  snprintf(data, sizeof data, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
  struct tsrun_mount_entry m;
  memset(&m, 0, sizeof m);
  m.fstype = "overlay";
  m.data = data;
  m.from_parent = 1;
  struct tsrun_spawn_plan plan;
  memset(&plan, 0, sizeof plan);
  plan.exec_fifo_fd = -1;
  plan.mounts = &m;
  plan.nmounts = 1;
  plan.idmap_lowers = 1;
  plan.uid_map = "0 1000000 65536\n";
  plan.gid_map = "0 1000000 65536\n";
  pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
  if (pid == 0) {
    pause();
    _exit(0);
  }
  if (pid < 0) return result("clone", errno);
  int fd = -1, index = -1;
  int stage = tsrun_write_id_maps(pid, &plan);
  if (!stage) stage = tsrun_prepare_parent_mount(pid, &plan, &fd, &index);
  int err = stage ? errno : 0;
  if (fd >= 0) close(fd);
  stop(pid);
  return result(stage == TSRUN_STAGE_IDMAP_LAYER ? "idmap" : stage ? "overlay" : "", err);
}

/* pivot_root into a bind mount of dir, in a private mount namespace. */
static int probe_pivot_root(const char *dir) {
  int pipefd[2];
  if (pipe(pipefd) < 0) return result("pipe", errno);
  pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
  if (pid == 0) {
    int err = 0;
    if (tsrun_make_rprivate() < 0 || mount(dir, dir, NULL, MS_BIND, NULL) < 0 || tsrun_pivot_root(dir) != 0) err = errno;
    if (write(pipefd[1], &err, sizeof err) < 0) _exit(1);
    _exit(0);
  }
  if (pid < 0) return result("clone", errno);
  close(pipefd[1]);
  int err = EIO;
  if (read(pipefd[0], &err, sizeof err) != (ssize_t)sizeof err) err = EIO;
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
  }
  return result("pivot_root", err);
}

int tsrun_probe(const char *name, const char *dir) {
  if (!strcmp(name, "idmap")) return probe_idmap(dir);
  if (!strcmp(name, "pivot_root")) return probe_pivot_root(dir);
  fprintf(stderr, "unknown probe %s\n", name);
  return 2;
}
