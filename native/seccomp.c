/* Seccomp profile -> BPF bytes, in the parent (tsrun), with libseccomp.
 * The child only hands the bytes to prctl(PR_SET_SECCOMP): no parsing or
 * allocation after clone(). */
#define _GNU_SOURCE
#include "seccomp.h"

#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int add_arches(scmp_filter_ctx ctx, const struct tsrun_seccomp_profile *p) {
  for (size_t i = 0; i < p->narches; i++) {
    uint32_t arch = seccomp_arch_resolve_name(p->arches[i]);
    if (arch == 0) return -EINVAL;
    int rc = seccomp_arch_add(ctx, arch);
    if (rc < 0 && rc != -EEXIST) return rc;
  }
  return 0;
}

/* Two comparisons on one argument cannot share a rule in libseccomp: they
 * become separate rules (an OR), which is what runc does too. */
static int repeats_an_index(const struct tsrun_seccomp_rule *r) {
  for (size_t i = 0; i < r->nargs; i++)
    for (size_t j = i + 1; j < r->nargs; j++)
      if (r->args[i].index == r->args[j].index) return 1;
  return 0;
}

static struct scmp_arg_cmp to_cmp(const struct tsrun_seccomp_arg *a) {
  struct scmp_arg_cmp c = {a->index, (enum scmp_compare)a->op, a->value, a->value_two};
  return c;
}

static int add_rule(scmp_filter_ctx ctx, const struct tsrun_seccomp_rule *r) {
  int nr = seccomp_syscall_resolve_name(r->name);
  if (nr == __NR_SCMP_ERROR) return 0; /* unknown to this libseccomp: skip */
  if (r->nargs > 6) return -EINVAL;
  struct scmp_arg_cmp cmps[6];
  if (repeats_an_index(r)) {
    for (size_t i = 0; i < r->nargs; i++) {
      cmps[0] = to_cmp(&r->args[i]);
      int rc = seccomp_rule_add_array(ctx, r->action, nr, 1, cmps);
      if (rc < 0) return rc;
    }
    return 0;
  }
  for (size_t i = 0; i < r->nargs; i++) cmps[i] = to_cmp(&r->args[i]);
  return seccomp_rule_add_array(ctx, r->action, nr, (unsigned)r->nargs, cmps);
}

/* seccomp_export_bpf writes to an fd: a memfd, read back into memory. */
static int export_program(scmp_filter_ctx ctx, unsigned char **out, size_t *len) {
  int fd = memfd_create("tsrun-seccomp", MFD_CLOEXEC);
  if (fd < 0) return -errno;
  int rc = seccomp_export_bpf(ctx, fd);
  struct stat st;
  if (rc == 0 && fstat(fd, &st) < 0) rc = -errno;
  unsigned char *buf = rc == 0 ? malloc((size_t)st.st_size + 1) : NULL;
  if (rc == 0 && !buf) rc = -ENOMEM;
  size_t got = 0;
  while (rc == 0 && got < (size_t)st.st_size) {
    ssize_t n = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) rc = n < 0 ? -errno : -EIO;
    else got += (size_t)n;
  }
  close(fd);
  if (rc < 0) {
    free(buf);
    return rc;
  }
  *out = buf;
  *len = got;
  return 0;
}

int tsrun_seccomp_compile(const struct tsrun_seccomp_profile *p, unsigned char **out, size_t *len, int *bad_rule) {
  *bad_rule = -1;
  scmp_filter_ctx ctx = seccomp_init(p->default_action);
  if (!ctx) return -EINVAL;
  /* Faster lookups for long allow-lists (libseccomp >= 2.5); older ones ignore it. */
  seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  int rc = add_arches(ctx, p);
  for (size_t i = 0; rc == 0 && i < p->nrules; i++) {
    if (p->rules[i].action == p->default_action) continue; /* libseccomp refuses those; they change nothing */
    rc = add_rule(ctx, &p->rules[i]);
    if (rc < 0) *bad_rule = (int)i;
  }
  if (rc == 0) rc = export_program(ctx, out, len);
  seccomp_release(ctx);
  return rc;
}

void tsrun_seccomp_version(char *buf, size_t size) {
  const struct scmp_version *v = seccomp_version();
  snprintf(buf, size, "%u.%u.%u", v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0);
}
