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

static int make_mountpoint(const struct tsrun_mount_entry *m) {
  if (m->is_file) {
    int fd = open(m->target, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) return errno == EEXIST ? 0 : -1;
    close(fd);
    return 0;
  }
  if (mkdir(m->target, 0755) < 0 && errno != EEXIST) return -1;
  return 0;
}

int tsrun_do_mount(const struct tsrun_mount_entry *m) {
  if (make_mountpoint(m) < 0) return TSRUN_STAGE_MOUNTPOINT;
  unsigned long flags = m->flags;
  int is_bind = (flags & MS_BIND) != 0;
  /* A bind mount ignores most flags; they take effect on a remount. */
  if (mount(m->source, m->target, m->fstype, is_bind ? (flags & (MS_BIND | MS_REC)) : flags, m->data) < 0)
    return TSRUN_STAGE_MOUNT;
  unsigned long extra = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
  if (is_bind && extra) {
    if (mount(NULL, m->target, NULL, MS_REMOUNT | MS_BIND | extra, NULL) < 0) return TSRUN_STAGE_REMOUNT;
  }
  return 0;
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
