#ifndef TSRUN_SECCOMP_H
#define TSRUN_SECCOMP_H
/* Compiles a resolved seccomp profile (OCI linux.seccomp, conditions on
 * capabilities, arches and kernel already applied in TS) to a classic BPF
 * program with libseccomp. Parent side only: it allocates. */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tsrun_seccomp_arg {
  unsigned index;
  int op;              /* enum scmp_compare: SCMP_CMP_NE = 1 ... SCMP_CMP_MASKED_EQ = 7 */
  uint64_t value, value_two;
};

struct tsrun_seccomp_rule {
  const char *name;    /* syscall name; unknown names are skipped, as runc does */
  uint32_t action;     /* SCMP_ACT_* with the errno already folded in */
  const struct tsrun_seccomp_arg *args;
  size_t nargs;
};

struct tsrun_seccomp_profile {
  uint32_t default_action;
  const char *const *arches;  /* libseccomp names: "x86_64", "x86", "x32", "aarch64" ... */
  size_t narches;
  const struct tsrun_seccomp_rule *rules;
  size_t nrules;
};

/* On success returns 0 and a malloc'd program in *out (caller frees); else
 * -errno, with *bad_rule set to the failing rule index (or -1). */
int tsrun_seccomp_compile(const struct tsrun_seccomp_profile *p, unsigned char **out, size_t *len, int *bad_rule);

/* The libseccomp in use ("2.5.4"): compiled programs are cached under it. */
void tsrun_seccomp_version(char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
