/*
 * A static test helper run inside containers: tries what a confined process
 * must not be able to do and prints one line per attempt, "name: OK" or
 * "name: ERRNO-NAME". Every attempt is harmless even where it would succeed
 * (invalid magic numbers and flags make the kernel refuse after its
 * permission checks, so EPERM means "blocked", EINVAL means "got through").
 *
 * usage: probe [HOST-PID [BLOCK-MAJOR BLOCK-MINOR]]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void report(const char *name, long rc) {
  if (rc >= 0) printf("%s: OK\n", name);
  else printf("%s: %s\n", name, strerrorname_np(errno) ? strerrorname_np(errno) : "E?");
}

static long write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY);
  if (fd < 0) return -1;
  long rc = write(fd, text, strlen(text));
  int e = errno;
  close(fd);
  errno = e;
  return rc;
}

/* -1/ENODATA when the read gives nothing (a masked path reads as /dev/null). */
static long read_some(const char *path) {
  char buf[64];
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  long n = read(fd, buf, sizeof buf);
  int e = errno;
  close(fd);
  errno = n == 0 ? ENODATA : e;
  return n > 0 ? n : -1;
}

/* The initial PID namespace always has this inode (PROC_PID_INIT_INO): on
 * the host, the attempts below would really change things. */
static int on_the_host(void) {
  char link[64] = "";
  if (readlink("/proc/self/ns/pid", link, sizeof link - 1) < 0) return 1;
  return strcmp(link, "pid:[4026531836]") == 0;
}

int main(int argc, char **argv) {
  if (on_the_host()) {
    fprintf(stderr, "probe: refusing to run in the host's PID namespace\n");
    return 2;
  }
  report("mount", mount("none", "/mnt", "tmpfs", 0, NULL));
  report("unshare-user", unshare(CLONE_NEWUSER));
  report("unshare-mount", unshare(CLONE_NEWNS));
  report("reboot", syscall(SYS_reboot, 0, 0, 0, NULL));                 /* bad magic: EINVAL if allowed */
  report("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0xffffffffUL)); /* bad flags: EINVAL if allowed */
  report("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0));
  report("add_key", syscall(SYS_add_key, "user", "tsrun-probe", "x", 1, -2 /* process keyring */));
  report("init_module", syscall(SYS_init_module, NULL, 0, ""));
  report("sysrq-trigger", write_file("/proc/sysrq-trigger", "h"));
  report("proc-sys-kernel", write_file("/proc/sys/kernel/domainname", "escaped"));
  report("kcore", read_some("/proc/kcore"));
  if (argc > 1) report("ptrace-host-pid", ptrace(PTRACE_ATTACH, (pid_t)atoi(argv[1]), NULL, NULL));
  if (argc > 3) {
    dev_t dev = makedev((unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]));
    report("mknod-block", mknod("/tmp/probe-block", S_IFBLK | 0600, dev));
    report("open-block", read_some("/tmp/probe-block"));
  }
  return 0;
}
