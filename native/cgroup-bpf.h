#ifndef TSRUN_CGROUP_BPF_H
#define TSRUN_CGROUP_BPF_H
/* cgroup v2 device control: load an eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE,
 * generated in TS: src/runtime/cgroups/device-filter.ts) and attach it to a
 * cgroup directory. Parent side only. */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* insns: struct bpf_insn[] (8 bytes each). Returns 0 or -errno; the
 * verifier's complaint (if any) is copied to log. */
int tsrun_attach_device_filter(const char *cgroup_dir, const void *insns, size_t len, char *log, size_t log_size);

#ifdef __cplusplus
}
#endif
#endif
