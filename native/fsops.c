/* Parent-side syscalls that Node's fs lacks. Plain wrappers returning -errno. */
#define _GNU_SOURCE
#include "fsops.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <termios.h>
#include <unistd.h>

#define RET(expr) return (expr) < 0 ? -errno : 0

int tsrun_mknod(const char *path, mode_t mode, unsigned major, unsigned minor) {
  RET(mknod(path, mode, makedev(major, minor)));
}

int tsrun_lsetxattr(const char *path, const char *name, const void *value, size_t size) {
  RET(lsetxattr(path, name, value, size, 0));
}

ssize_t tsrun_lgetxattr(const char *path, const char *name, void *buf, size_t size) {
  ssize_t n = lgetxattr(path, name, buf, size);
  return n < 0 ? -errno : n;
}

ssize_t tsrun_llistxattr(const char *path, char *buf, size_t size) {
  ssize_t n = llistxattr(path, buf, size);
  return n < 0 ? -errno : n;
}

int tsrun_mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data) {
  RET(mount(source, target, fstype, flags, data));
}

int tsrun_umount(const char *target, int flags) {
  RET(umount2(target, flags));
}

int tsrun_flock(int fd, int op) {
  int rc;
  do {
    rc = flock(fd, op);
  } while (rc < 0 && errno == EINTR);
  return rc < 0 ? -errno : 0;
}

int tsrun_openpty(int *master, int *slave, char *name, size_t namelen) {
  int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0) return -errno;
  if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, name, namelen) != 0) {
    int e = errno;
    close(m);
    return -e;
  }
  int s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0) {
    int e = errno;
    close(m);
    return -e;
  }
  *master = m;
  *slave = s;
  return 0;
}

int tsrun_set_winsize(int fd, unsigned short cols, unsigned short rows) {
  struct winsize ws;
  memset(&ws, 0, sizeof ws);
  ws.ws_col = cols;
  ws.ws_row = rows;
  RET(ioctl(fd, TIOCSWINSZ, &ws));
}

int tsrun_waitpid(pid_t pid, int *code, int *signal) {
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid, &status, __WALL);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return -errno;
  *code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  *signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return 0;
}
