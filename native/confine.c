/* Child steps for cgroups, user namespaces and seccomp (see confine.h).
 * Async-signal-safe: open/write/close and single syscalls on stack data. */
#define _GNU_SOURCE
#include "confine.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif

/* "0" in cgroup.procs moves the writer. Done first after GO: still the
 * parent's uid, so the files' owner check passes even in a user namespace. */
int tsrun_join_cgroups(const struct tsrun_spawn_plan *p, int *index) {
  for (size_t i = 0; i < p->ncgroup_procs; i++) {
    *index = (int)i;
    int fd = open(p->cgroup_procs[i], O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n;
    do {
      n = write(fd, "0", 1);
    } while (n < 0 && errno == EINTR);
    int e = errno;
    close(fd);
    if (n != 1) {
      errno = n < 0 ? e : EIO;
      return -1;
    }
  }
  *index = -1;
  return 0;
}

/* Our host uid is not mapped in the new user namespace: become its root so
 * the mounts and files made next have an owner there (runc does the same). */
int tsrun_become_ns_root(void) {
  if (syscall(SYS_setgroups, 0, NULL) < 0) return -1;
  if (syscall(SYS_setresgid, 0, 0, 0) < 0) return -1;
  return (int)syscall(SYS_setresuid, 0, 0, 0);
}

int tsrun_install_seccomp(const struct tsrun_spawn_plan *p) {
  struct sock_fprog prog;
  prog.len = (unsigned short)(p->seccomp_len / sizeof(struct sock_filter));
  prog.filter = (struct sock_filter *)(void *)p->seccomp;
  return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

int tsrun_attach_parent_mount(int fd, const char *target) {
  if (fd < 0) {
    errno = EBADF;
    return -1;
  }
  int rc = (int)syscall(SYS_move_mount, fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH);
  int e = errno;
  close(fd);
  errno = e;
  return rc;
}
