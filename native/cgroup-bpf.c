/* Attaches a device filter to a cgroup v2 directory (runc and crun do the same
 * on v2, where there is no devices controller). The attachment lives as long
 * as the cgroup: the program fd is closed right away. */
#define _GNU_SOURCE
#include "cgroup-bpf.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int bpf(int cmd, union bpf_attr *attr) {
  return (int)syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

static int load_program(const void *insns, size_t len, char *log, size_t log_size) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t)(uintptr_t)insns;
  attr.insn_cnt = (uint32_t)(len / sizeof(struct bpf_insn));
  attr.license = (uint64_t)(uintptr_t) "Apache";
  if (log && log_size) {
    log[0] = 0;
    attr.log_buf = (uint64_t)(uintptr_t)log;
    attr.log_size = (uint32_t)log_size;
    attr.log_level = 1;
  }
  /* the verifier gives up with EAGAIN when a signal is pending (profilers, libuv): try again, as libbpf does */
  int fd = -1;
  for (int tries = 0; tries < 5 && (fd = bpf(BPF_PROG_LOAD, &attr)) < 0 && errno == EAGAIN; tries++) {
  }
  if (fd < 0 && errno == ENOSPC && log) {
    /* the log was too small for the verifier's story: load again without it */
    attr.log_buf = 0, attr.log_size = 0, attr.log_level = 0;
    fd = bpf(BPF_PROG_LOAD, &attr);
  }
  return fd;
}

int tsrun_attach_device_filter(const char *cgroup_dir, const void *insns, size_t len, char *log, size_t log_size) {
  int cg = open(cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cg < 0) return -errno;
  int prog = load_program(insns, len, log, log_size);
  if (prog < 0) {
    int e = errno;
    close(cg);
    return -e;
  }
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t)cg;
  attr.attach_bpf_fd = (uint32_t)prog;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  int rc = bpf(BPF_PROG_ATTACH, &attr) < 0 ? -errno : 0;
  close(prog);
  close(cg);
  return rc;
}
