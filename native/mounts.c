/* Mount steps for the container child. Called between clone() and execve():
 * raw syscalls only, no allocation (see spawn.c). Each returns -1/errno or a
 * stage number, crun style. */
#define _GNU_SOURCE
#include "mounts.h"
#include "protocol.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int tsrun_make_rprivate(void) {
  /* Nothing we mount may propagate back to the host. */
  return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

#ifndef RESOLVE_IN_ROOT
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_IN_ROOT 0x10
#endif
struct open_how_compat {
  unsigned long long flags, mode, resolve;
};

/* Opens rel inside root as if root were "/": a symlink cannot lead out. */
static int open_in_root(int root_fd, const char *rel, int flags, int mode) {
  struct open_how_compat how = {(unsigned long long)(flags | O_CLOEXEC), (unsigned long long)mode,
                                RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
  return (int)syscall(SYS_openat2, root_fd, rel, &how, sizeof how);
}

/* Creates every missing directory of rel (and rel itself as a dir or file)
 * inside root, then returns an O_PATH fd on it. rel is copied to a stack
 * buffer: no allocation. */
static int mountpoint_in_root(int root_fd, const char *target, int is_file) {
  char rel[4096];
  size_t n = 0;
  while (*target == '/') target++;
  for (; target[n]; n++) {
    if (n + 1 >= sizeof rel) {
      errno = ENAMETOOLONG;
      return -1;
    }
    rel[n] = target[n];
  }
  rel[n] = 0;
  if (n == 0) return open_in_root(root_fd, ".", O_PATH | O_DIRECTORY, 0);
  for (size_t i = 0; i <= n; i++) {
    if (rel[i] != '/' && rel[i] != 0) continue;
    int last = rel[i] == 0;
    rel[i] = 0;
    int fd = open_in_root(root_fd, rel, O_PATH, 0);
    if (fd < 0 && errno == ENOENT) {
      if (last && is_file) {
        fd = open_in_root(root_fd, rel, O_WRONLY | O_CREAT | O_EXCL, 0644);
      } else {
        /* mkdirat needs the parent: resolve it in root, then make the child. */
        size_t slash = i;
        while (slash > 0 && rel[slash] != '/') slash--;
        int parent = slash == 0 ? open_in_root(root_fd, ".", O_PATH | O_DIRECTORY, 0) : -1;
        if (slash > 0) {
          rel[slash] = 0;
          parent = open_in_root(root_fd, rel, O_PATH | O_DIRECTORY, 0);
          rel[slash] = '/';
        }
        if (parent < 0) return -1;
        const char *name = slash == 0 ? rel : rel + slash + 1;
        int rc = mkdirat(parent, name, 0755);
        int e = errno;
        close(parent);
        if (rc < 0 && e != EEXIST) {
          errno = e;
          return -1;
        }
        fd = open_in_root(root_fd, rel, O_PATH, 0);
      }
    }
    if (!last) rel[i] = '/';
    if (last) return fd;
    if (fd < 0) return -1;
    close(fd);
  }
  return -1;
}

/* "/proc/self/fd/<fd>" without snprintf. */
static void fd_path(char *buf, int fd) {
  const char *prefix = "/proc/self/fd/";
  char digits[16];
  int nd = 0, i = 0;
  while (*prefix) buf[i++] = *prefix++;
  do {
    digits[nd++] = (char)('0' + fd % 10);
    fd /= 10;
  } while (fd > 0);
  while (nd > 0) buf[i++] = digits[--nd];
  buf[i] = 0;
}

static int make_mountpoint(const struct tsrun_mount_entry *m) {
  if (mkdir(m->target, 0755) < 0 && errno != EEXIST) return -1;
  return 0;
}

int tsrun_do_mount(const struct tsrun_mount_entry *m, int root_fd) {
  char target_buf[32];
  const char *target = m->target;
  int fd = -1;
  if (m->in_root) {
    fd = mountpoint_in_root(root_fd, m->target, m->is_file);
    if (fd < 0) return TSRUN_STAGE_MOUNTPOINT;
    fd_path(target_buf, fd);
    target = target_buf;
  } else if (make_mountpoint(m) < 0) {
    return TSRUN_STAGE_MOUNTPOINT;
  }
  unsigned long flags = m->flags;
  int is_bind = (flags & MS_BIND) != 0;
  int stage = 0;
  /* A bind mount ignores most flags; they take effect on a remount. */
  if (mount(m->source, target, m->fstype, is_bind ? (flags & (MS_BIND | MS_REC)) : flags, m->data) < 0) {
    stage = TSRUN_STAGE_MOUNT;
  } else {
    unsigned long extra = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
    /* Remount through the path now: the fd still names the covered dir. */
    if (is_bind && extra && m->in_root) {
      int mfd = mountpoint_in_root(root_fd, m->target, m->is_file);
      if (mfd < 0) return TSRUN_STAGE_REMOUNT;
      fd_path(target_buf, mfd);
      if (mount(NULL, target_buf, NULL, MS_REMOUNT | MS_BIND | extra, NULL) < 0) stage = TSRUN_STAGE_REMOUNT;
      int e = errno;
      close(mfd);
      errno = e;
    } else if (is_bind && extra && mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | extra, NULL) < 0) {
      stage = TSRUN_STAGE_REMOUNT;
    }
  }
  if (fd >= 0) {
    int e = errno;
    close(fd);
    errno = e;
  }
  return stage;
}

/* sysfs belongs to a network namespace; in a user namespace that does not
 * own it (a prepared one, joined by path) the kernel refuses a new sysfs:
 * bind the host's /sys instead, with the same flags (runc does the same). */
int tsrun_bind_host_sysfs(const struct tsrun_mount_entry *m, int root_fd) {
  struct tsrun_mount_entry bind = *m;
  bind.source = "/sys";
  bind.fstype = NULL;
  bind.data = NULL;
  bind.flags = MS_BIND | MS_REC | (m->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
  return tsrun_do_mount(&bind, root_fd);
}

int tsrun_make_device(const struct tsrun_device *d) {
  if (mknod(d->path, d->mode, d->dev) < 0 && errno != EEXIST) return -1;
  if (chmod(d->path, d->mode & 07777) < 0) return -1;
  return chown(d->path, d->uid, d->gid);
}

int tsrun_pivot_root(const char *rootfs) {
  /* pivot_root(".", ".") stacks the old root on top of the new one; a lazy
   * unmount of "." then drops it (crun's do_pivot, runc's pivotRoot). */
  if (chdir(rootfs) < 0) return TSRUN_STAGE_PIVOT_ROOT;
  if (syscall(SYS_pivot_root, ".", ".") < 0) return TSRUN_STAGE_PIVOT_ROOT;
  /* The old root may be shared with the host: never let the detach propagate. */
  if (mount(NULL, ".", NULL, MS_REC | MS_SLAVE, NULL) < 0) return TSRUN_STAGE_UMOUNT_OLD_ROOT;
  if (umount2(".", MNT_DETACH) < 0) return TSRUN_STAGE_UMOUNT_OLD_ROOT;
  if (chdir("/") < 0) return TSRUN_STAGE_PIVOT_ROOT;
  return 0;
}

int tsrun_mask_path(const char *path) {
  struct stat st;
  if (lstat(path, &st) < 0) return errno == ENOENT ? 0 : -1;
  if (S_ISDIR(st.st_mode)) return mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0");
  if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) return errno == ENOENT ? 0 : -1;
  return 0;
}

int tsrun_readonly_path(const char *path) {
  if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) return errno == ENOENT ? 0 : -1;
  return mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

int tsrun_remount_root_readonly(void) {
  return mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
}
