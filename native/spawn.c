/*
 * clone() into new namespaces and exec the container's process.
 *
 * RULES FOR THE CHILD (everything reachable from child_main):
 *  - Node is multithreaded; the child is a copy of one thread with all the
 *    other threads' locks frozen. So: no malloc/free, no stdio, no printf
 *    family, no getenv, no C++ and nothing from N-API. Only raw syscalls and
 *    async-signal-safe functions (signal-safety(7)).
 *  - Everything is prepared by the parent in struct tsrun_spawn_plan.
 *  - The child never returns: it ends in execve() or _exit().
 *  - Failures are reported as one struct tsrun_child_error on the error pipe.
 */
#define _GNU_SOURCE
#include "fd-pass.h"
#include "spawn.h"
#include "confine.h"
#include "mounts.h"
#include "protocol.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

static int err_fd_child = -1;
static int parent_mount_fd = -1; /* the rootfs the monitor made, sent with GO (user namespaces) */

static void fail(int stage, int err, int index) {
  struct tsrun_child_error rec;
  rec.stage = stage;
  rec.err = err;
  rec.index = index;
  ssize_t n;
  do {
    n = write(err_fd_child, &rec, sizeof rec);
  } while (n < 0 && errno == EINTR);
  _exit(127);
}

#define CHECK(stage, expr)                    \
  do {                                        \
    if ((expr) < 0) fail((stage), errno, -1); \
  } while (0)

static int wait_for_go(int sync_fd) {
  char go = 0;
  int fd;
  ssize_t n = tsrun_recv_with_fd(sync_fd, &go, 1, &fd);
  if (n == 1 && fd >= 0) parent_mount_fd = fd;
  if (n != 1 || go != TSRUN_SYNC_GO) {
    /* The parent gave up (EOF): leave quietly. */
    _exit(127);
  }
  return 0;
}

/* Put the stdio fds at 0, 1, 2 without losing one that sits on a low number. */
static int setup_stdio(const int stdio[3]) {
  int moved[3];
  for (int i = 0; i < 3; i++) {
    moved[i] = stdio[i];
    if (stdio[i] >= 0 && stdio[i] < 3 && stdio[i] != i) {
      moved[i] = fcntl(stdio[i], F_DUPFD_CLOEXEC, 3);
      if (moved[i] < 0) return -1;
    }
  }
  for (int i = 0; i < 3; i++) {
    if (moved[i] < 0) continue;
    if (moved[i] == i) {
      int flags = fcntl(i, F_GETFD);
      if (flags < 0 || fcntl(i, F_SETFD, flags & ~FD_CLOEXEC) < 0) return -1;
    } else if (dup2(moved[i], i) < 0) {
      return -1;
    }
  }
  return 0;
}

static int bring_loopback_up(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return -1;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_name[0] = 'l';
  ifr.ifr_name[1] = 'o';
  int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
  if (rc == 0) {
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    rc = ioctl(s, SIOCSIFFLAGS, &ifr);
  }
  int saved = errno;
  close(s);
  errno = saved;
  return rc;
}

static int set_capabilities(const struct tsrun_spawn_plan *p) {
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  data[0].effective = (uint32_t)p->cap_effective;
  data[1].effective = (uint32_t)(p->cap_effective >> 32);
  data[0].permitted = (uint32_t)p->cap_permitted;
  data[1].permitted = (uint32_t)(p->cap_permitted >> 32);
  data[0].inheritable = (uint32_t)p->cap_inheritable;
  data[1].inheritable = (uint32_t)(p->cap_inheritable >> 32);
  return (int)syscall(SYS_capset, &hdr, data);
}

static void drop_bounding_set(const struct tsrun_spawn_plan *p) {
  for (int cap = 0; cap < 64; cap++) {
    if (p->cap_bounding & (1ULL << cap)) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) fail(TSRUN_STAGE_CAPBSET, errno, cap);
  }
}

static void raise_ambient(const struct tsrun_spawn_plan *p) {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    fail(TSRUN_STAGE_AMBIENT, errno, -1);
  for (int cap = 0; cap < 64; cap++) {
    if (!(p->cap_ambient & (1ULL << cap))) continue;
    /* EPERM: not in both permitted and inheritable (a spec listing ambient caps
     * alone, like `crun spec`'s): skipped, as crun and runc do. */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0 && errno != EINVAL && errno != EPERM)
      fail(TSRUN_STAGE_AMBIENT, errno, cap);
  }
}

static void switch_credentials(const struct tsrun_spawn_plan *p) {
  if (p->set_caps) {
    CHECK(TSRUN_STAGE_KEEPCAPS, prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
    drop_bounding_set(p);
  }
  CHECK(TSRUN_STAGE_SETGROUPS, syscall(SYS_setgroups, p->ngroups, p->groups));
  CHECK(TSRUN_STAGE_SETGID, syscall(SYS_setresgid, p->gid, p->gid, p->gid));
  CHECK(TSRUN_STAGE_SETUID, syscall(SYS_setresuid, p->uid, p->uid, p->uid));
  if (p->set_caps) {
    CHECK(TSRUN_STAGE_CAPSET, set_capabilities(p));
    raise_ambient(p);
    CHECK(TSRUN_STAGE_KEEPCAPS, prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0));
  }
}

static void reset_signals(void) {
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    sigaction(sig, &dfl, NULL); /* EINVAL for glibc-reserved signals is fine */
  }
}

static void mark_fds_cloexec(int max_fd) {
  if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  for (int fd = 3; fd <= max_fd; fd++) {
    int flags = fcntl(fd, F_GETFD);
    if (flags >= 0 && !(flags & FD_CLOEXEC)) fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
}

/* With an exec FIFO the program is looked up before `create` returns (runc
 * does the same), so a missing one fails create, not start. Returns the index
 * of the first candidate that is an executable regular file; fails otherwise. */
static int find_program(const struct tsrun_spawn_plan *p) {
  int saved = ENOENT;
  for (size_t i = 0; i < p->ncandidates; i++) {
    struct stat st;
    if (stat(p->candidates[i], &st) < 0) {
      if (errno != ENOENT && errno != ENOTDIR) saved = errno;
      continue;
    }
    if (!S_ISREG(st.st_mode) || faccessat(AT_FDCWD, p->candidates[i], X_OK, AT_EACCESS) < 0) {
      saved = EACCES;
      continue;
    }
    return (int)i;
  }
  fail(TSRUN_STAGE_EXEC, saved, -1);
  return -1;
}

/* runc's exec FIFO: tell the parent we are ready, then block until `start`
 * opens the FIFO for reading, and write one byte it waits for. */
static void wait_for_start(const struct tsrun_spawn_plan *p, int sync_fd) {
  char ready = TSRUN_SYNC_READY, path[32];
  if (write(sync_fd, &ready, 1) != 1) fail(TSRUN_STAGE_SYNC, errno, -1);
  /* The FIFO was opened O_PATH before clone: reopen it through /proc (its
   * mode 0622 lets the container's user write it). */
  const char *prefix = "/proc/self/fd/";
  int i = 0, fd = p->exec_fifo_fd, nd = 0;
  char digits[16];
  while (*prefix) path[i++] = *prefix++;
  do {
    digits[nd++] = (char)('0' + fd % 10);
    fd /= 10;
  } while (fd > 0);
  while (nd > 0) path[i++] = digits[--nd];
  path[i] = 0;
  int w;
  do {
    w = open(path, O_WRONLY | O_CLOEXEC);
  } while (w < 0 && errno == EINTR);
  if (w < 0) fail(TSRUN_STAGE_SYNC, errno, -1);
  char zero = '0';
  if (write(w, &zero, 1) != 1) fail(TSRUN_STAGE_SYNC, errno, -1);
  close(w);
  close(p->exec_fifo_fd);
}

static void set_rlimits(const struct tsrun_spawn_plan *p) {
  for (size_t i = 0; i < p->nrlimits; i++) {
    struct rlimit64 lim = {p->rlimits[i].soft, p->rlimits[i].hard};
    if (syscall(SYS_prlimit64, 0, p->rlimits[i].resource, &lim, NULL) < 0) fail(TSRUN_STAGE_RLIMIT, errno, (int)i);
  }
}

/* execvp semantics over paths prepared by the parent: keep going on ENOENT,
 * remember EACCES, stop on anything else. */
static void exec_candidates(const struct tsrun_spawn_plan *p, int first) {
  int saved = ENOENT;
  for (size_t i = (size_t)first; i < p->ncandidates; i++) {
    execve(p->candidates[i], p->argv, p->envp);
    if (errno == EACCES) saved = EACCES;
    else if (errno != ENOENT && errno != ENOTDIR) fail(TSRUN_STAGE_EXEC, errno, (int)i);
  }
  fail(TSRUN_STAGE_EXEC, saved, -1);
}

static void enter_rootfs(const struct tsrun_spawn_plan *p) {
  CHECK(TSRUN_STAGE_MAKE_PRIVATE, tsrun_make_rprivate());
  if (p->mount_cwd) CHECK(TSRUN_STAGE_CHDIR, chdir(p->mount_cwd));
  int root_fd = -1;
  for (size_t i = 0; i < p->nmounts; i++) {
    /* The rootfs mount comes first; later in-root targets resolve inside it. */
    if (p->mounts[i].in_root && root_fd < 0) {
      root_fd = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (root_fd < 0) fail(TSRUN_STAGE_MOUNTPOINT, errno, (int)i);
    }
    if (p->mounts[i].from_parent) {
      if (tsrun_attach_parent_mount(parent_mount_fd, p->mounts[i].target) < 0) fail(TSRUN_STAGE_MOUNT, errno, (int)i);
      parent_mount_fd = -1;
      continue;
    }
    int stage = tsrun_do_mount(&p->mounts[i], root_fd);
    if (stage == TSRUN_STAGE_MOUNT && errno == EPERM && (p->clone_flags & CLONE_NEWUSER) && p->mounts[i].fstype &&
        !strcmp(p->mounts[i].fstype, "sysfs"))
      stage = tsrun_bind_host_sysfs(&p->mounts[i], root_fd);
    if (stage) fail(stage, errno, (int)i);
  }
  if (root_fd >= 0) close(root_fd);
  if (!p->rootfs) return;
  int stage = tsrun_pivot_root(p->rootfs);
  if (stage) fail(stage, errno, -1);
  /* From here on every path is inside the container. Directories first:
   * device nodes may sit in subdirectories (/dev/cpu/0/msr with --privileged). */
  for (size_t i = 0; i < p->nmkdirs; i++) {
    if (mkdir(p->mkdirs[i], 0755) < 0 && errno != EEXIST) fail(TSRUN_STAGE_MKDIR, errno, (int)i);
  }
  for (size_t i = 0; i < p->ndevices; i++) {
    if (tsrun_make_device(&p->devices[i]) < 0) fail(TSRUN_STAGE_MKNOD, errno, (int)i);
  }
  for (size_t i = 0; i + 1 < p->nsymlinks; i += 2) {
    if (symlink(p->symlinks[i], p->symlinks[i + 1]) < 0 && errno != EEXIST)
      fail(TSRUN_STAGE_SYMLINK, errno, (int)(i / 2));
  }
  for (size_t i = 0; i < p->nmasked; i++) {
    if (tsrun_mask_path(p->masked_paths[i]) < 0) fail(TSRUN_STAGE_MASK_PATH, errno, (int)i);
  }
  for (size_t i = 0; i < p->nreadonly; i++) {
    if (tsrun_readonly_path(p->readonly_paths[i]) < 0) fail(TSRUN_STAGE_READONLY_PATH, errno, (int)i);
  }
  if (p->readonly_root) CHECK(TSRUN_STAGE_READONLY_ROOT, tsrun_remount_root_readonly());
}

static __attribute__((noreturn)) void child_main(const struct tsrun_spawn_plan *p, int sync_fd, int err_fd) {
  err_fd_child = err_fd;
  wait_for_go(sync_fd);
  int index = -1;
  if (tsrun_join_cgroups(p, &index) < 0) fail(TSRUN_STAGE_CGROUP, errno, index);
  if (p->clone_flags & CLONE_NEWUSER) CHECK(TSRUN_STAGE_NS_ROOT, tsrun_become_ns_root());
  if (p->unshare_flags) CHECK(TSRUN_STAGE_UNSHARE, unshare((int)p->unshare_flags));
  CHECK(TSRUN_STAGE_SETSID, setsid());
  CHECK(TSRUN_STAGE_STDIO, setup_stdio(p->stdio));
  if (p->set_ctty) CHECK(TSRUN_STAGE_CTTY, ioctl(0, TIOCSCTTY, 0));
  if (p->hostname) CHECK(TSRUN_STAGE_SETHOSTNAME, sethostname(p->hostname, strlen(p->hostname)));
  if (p->loopback_up) CHECK(TSRUN_STAGE_LOOPBACK, bring_loopback_up());
  if ((p->clone_flags | p->unshare_flags) & CLONE_NEWNS) enter_rootfs(p);
  /* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: do it while
   * we still have it (runc's order); else as late as possible. */
  int seccomp_late = p->no_new_privs;
  if (p->seccomp_len && !seccomp_late) CHECK(TSRUN_STAGE_SECCOMP, tsrun_install_seccomp(p));
  set_rlimits(p);
  switch_credentials(p);
  if (p->no_new_privs) CHECK(TSRUN_STAGE_NO_NEW_PRIVS, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
  /* Credentials changes clear the death signal, so set it last. */
  if (p->pdeathsig) CHECK(TSRUN_STAGE_PDEATHSIG, prctl(PR_SET_PDEATHSIG, p->pdeathsig, 0, 0, 0));
  CHECK(TSRUN_STAGE_CHDIR, chdir(p->cwd));
  mark_fds_cloexec(p->max_fd);
  reset_signals();
  sigset_t empty;
  sigemptyset(&empty);
  CHECK(TSRUN_STAGE_SIGNALS, sigprocmask(SIG_SETMASK, &empty, NULL));
  int first = 0;
  if (p->exec_fifo_fd >= 0) {
    first = find_program(p);
    wait_for_start(p, sync_fd);
  }
  if (p->seccomp_len && seccomp_late) CHECK(TSRUN_STAGE_SECCOMP, tsrun_install_seccomp(p));
  exec_candidates(p, first);
  _exit(127);
}

/* The sync socket and the CLOEXEC error pipe, made before clone. */
static int open_channels(int sync[2], int errpipe[2]) {
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0) return -errno;
  if (pipe2(errpipe, O_CLOEXEC) < 0) {
    int e = errno;
    close(sync[0]);
    close(sync[1]);
    return -e;
  }
  return 0;
}

/* Parent side, before clone: this thread enters the prepared network
 * namespace so the child is born in it (a child in a new user namespace could
 * no longer join it). *back is this thread's own namespace, to return to. */
static int enter_netns(const char *path, int *back) {
  *back = -1;
  if (!path) return 0;
  int target = open(path, O_RDONLY | O_CLOEXEC);
  if (target < 0) return -errno;
  *back = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (*back < 0 || setns(target, CLONE_NEWNET) < 0) {
    int e = errno;
    close(target);
    if (*back >= 0) close(*back);
    *back = -1;
    return -e;
  }
  close(target);
  return 0;
}

static void leave_netns(int back) {
  if (back < 0) return;
  setns(back, CLONE_NEWNET); /* cannot fail: we came from there and keep CAP_SYS_ADMIN */
  close(back);
}

int tsrun_spawn(const struct tsrun_spawn_plan *plan, struct tsrun_spawn_result *out) {
  int sync[2], errpipe[2], back;
  int rc = open_channels(sync, errpipe);
  if (rc < 0) return rc;
  rc = enter_netns(plan->netns_path, &back);
  if (rc < 0) {
    close(sync[0]), close(sync[1]), close(errpipe[0]), close(errpipe[1]);
    return rc;
  }
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  long pid = syscall(SYS_clone, plan->clone_flags | SIGCHLD, 0, 0, 0, 0);
  if (pid == 0) {
    close(sync[0]);
    close(errpipe[0]);
    child_main(plan, sync[1], errpipe[1]);
  }
  int saved = errno;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  leave_netns(back);
  close(sync[1]);
  close(errpipe[1]);
  if (pid < 0) {
    close(sync[0]);
    close(errpipe[0]);
    return -saved;
  }
  out->pid = (pid_t)pid;
  out->sync_fd = sync[0];
  out->err_fd = errpipe[0];
  return 0;
}

/* The first child of `exec`: setns() only changes the caller (and, for PID,
 * only its future children), so join everything here, then clone once more
 * with CLONE_PARENT: the grandchild is the caller's child, inside the PID
 * namespace. Its pid goes back on pid_fd; this process then exits. */
static __attribute__((noreturn)) void join_main(const struct tsrun_spawn_plan *p, int sync_fd, int err_fd, int pid_fd) {
  err_fd_child = err_fd;
  for (size_t i = 0; i < p->njoin_ns; i++) {
    if (setns(p->join_ns_fds[i], 0) < 0) fail(TSRUN_STAGE_SETNS, errno, (int)i);
  }
  /* clone_flags: the namespaces an OCI container creates beside the ones it joins by path. */
  long pid = syscall(SYS_clone, p->clone_flags | CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
  if (pid == 0) {
    close(pid_fd);
    child_main(p, sync_fd, err_fd);
  }
  if (pid < 0) fail(TSRUN_STAGE_CLONE, errno, -1);
  int32_t v = (int32_t)pid;
  ssize_t n;
  do {
    n = write(pid_fd, &v, sizeof v);
  } while (n < 0 && errno == EINTR);
  _exit(0);
}

int tsrun_spawn_join(const struct tsrun_spawn_plan *plan, struct tsrun_spawn_result *out) {
  int sync[2], errpipe[2], pidpipe[2];
  int rc = open_channels(sync, errpipe);
  if (rc < 0) return rc;
  if (pipe2(pidpipe, O_CLOEXEC) < 0) {
    int e = errno;
    close(sync[0]), close(sync[1]), close(errpipe[0]), close(errpipe[1]);
    return -e;
  }
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  long first = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
  if (first == 0) {
    close(sync[0]);
    close(errpipe[0]);
    close(pidpipe[0]);
    join_main(plan, sync[1], errpipe[1], pidpipe[1]);
  }
  int saved = errno;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  close(sync[1]);
  close(errpipe[1]);
  close(pidpipe[1]);
  if (first < 0) {
    close(sync[0]), close(errpipe[0]), close(pidpipe[0]);
    return -saved;
  }
  /* A few setns calls and one clone: short enough to wait for here. */
  int32_t pid = -1;
  ssize_t n;
  do {
    n = read(pidpipe[0], &pid, sizeof pid);
  } while (n < 0 && errno == EINTR);
  close(pidpipe[0]);
  while (waitpid((pid_t)first, NULL, __WALL) < 0 && errno == EINTR) {
  }
  out->pid = n == (ssize_t)sizeof pid ? (pid_t)pid : -1;
  out->sync_fd = sync[0];
  out->err_fd = errpipe[0];
  return 0;
}
