/* Parent-side syscalls that Node's fs lacks. Plain wrappers returning -errno. */
#define _GNU_SOURCE
#include "fd-pass.h"
#include "fsops.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <stdio.h>
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

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif
#define DEVPTS_MAGIC 0x1cd1

/* A pty from the devpts instance mounted at ROOT/dev/pts (a container's),
 * so ttyname() inside finds /dev/pts/N there. ptmx is resolved in ROOT
 * (openat2 RESOLVE_IN_ROOT: the container's symlinks cannot lead out) as an
 * O_PATH fd, checked to be devpts's ptmx, and only then opened. */
int tsrun_openpty_in(const char *root, int *master, int *slave, char *name, size_t namelen) {
  int root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) return -errno;
  struct {
    unsigned long long flags, mode, resolve;
  } how = {O_PATH | O_CLOEXEC, 0, 0x10 /* RESOLVE_IN_ROOT */ | 0x02 /* RESOLVE_NO_MAGICLINKS */};
  int p = (int)syscall(SYS_openat2, root_fd, "dev/pts/ptmx", &how, sizeof how);
  int e = errno;
  close(root_fd);
  if (p < 0) return -e;
  struct stat st;
  struct statfs sf;
  if (fstat(p, &st) < 0 || fstatfs(p, &sf) < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 || minor(st.st_rdev) != 2 ||
      sf.f_type != DEVPTS_MAGIC) {
    close(p);
    return -ENOTTY;
  }
  char self[64];
  snprintf(self, sizeof self, "/proc/self/fd/%d", p);
  int m = open(self, O_RDWR | O_NOCTTY | O_CLOEXEC);
  e = errno;
  close(p);
  if (m < 0) return -e;
  int unlock = 0;
  unsigned int n = 0;
  int s = -1;
  if (ioctl(m, TIOCSPTLCK, &unlock) < 0 || ioctl(m, TIOCGPTN, &n) < 0 || (s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
    e = errno;
    close(m);
    return -e;
  }
  snprintf(name, namelen, "/dev/pts/%u", n);
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

/* runc's utils.SendFd: one message, the name as data, the fd as SCM_RIGHTS.
 * containerd's console receiver reads exactly this. */
int tsrun_send_fd(const char *path, int fd, const char *name) {
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof addr.sun_path) return -ENAMETOOLONG;
  strcpy(addr.sun_path, path);
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return -errno;
  if (connect(s, (struct sockaddr *)&addr, sizeof addr) < 0) {
    int e = errno;
    close(s);
    return -e;
  }
  ssize_t n = tsrun_send_with_fd(s, name, strlen(name), fd);
  int e = errno;
  close(s);
  return n < 0 ? -e : 0;
}
