#ifndef TSRUN_SPAWN_H
#define TSRUN_SPAWN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tsrun_mount_entry {
  const char *source;
  const char *target; /* in_root: a path inside the rootfs; else an absolute host path */
  const char *fstype;
  const char *data;
  unsigned long flags;
  int is_file;        /* create the target as an empty file */
  int in_root;        /* resolve target inside rootfs (symlinks cannot leave it) */
  int from_parent;    /* made by the parent (user namespaces: a detached overlay on idmapped
                         layers); the child moves the mount fd it got with GO onto target */
};

struct tsrun_device {
  const char *path;   /* inside the container (made after pivot_root) */
  mode_t mode;        /* S_IFCHR|0666 ... */
  dev_t dev;
  uid_t uid;
  gid_t gid;
};

/* Everything the child needs, flattened and formatted before clone(). */
struct tsrun_rlimit {
  int resource;        /* RLIMIT_* */
  uint64_t soft, hard; /* already clamped to what the caller may set */
};

struct tsrun_spawn_plan {
  unsigned long clone_flags;
  const char *const *candidates; /* absolute paths to try with execve, in order */
  size_t ncandidates;
  char *const *argv;
  char *const *envp;
  const char *cwd;
  const char *hostname;           /* NULL: leave as is */
  const char *rootfs;             /* NULL: no pivot_root (host root) */
  const char *mount_cwd;          /* chdir here before the mounts (relative overlay lowerdirs) */
  uid_t uid;
  gid_t gid;
  const gid_t *groups;
  size_t ngroups;
  int stdio[3];
  int set_ctty;
  const struct tsrun_mount_entry *mounts;
  size_t nmounts;
  const struct tsrun_device *devices;
  size_t ndevices;
  const char *const *symlinks;    /* pairs: target, linkpath (inside the container) */
  size_t nsymlinks;
  const char *const *mkdirs;      /* after pivot_root, in order (e.g. each prefix of cwd) */
  size_t nmkdirs;
  const char *const *masked_paths;
  size_t nmasked;
  const char *const *readonly_paths;
  size_t nreadonly;
  int readonly_root;
  int loopback_up;
  int pdeathsig;
  int no_new_privs;
  int set_caps;                   /* 0: keep the caps we have */
  uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
  int max_fd;                     /* fallback when close_range is missing */
  const int *join_ns_fds;         /* exec: namespace fds to setns into, in order (opened before clone) */
  size_t njoin_ns;
  const char *netns_path;         /* a network namespace file (/run/netns/...) the child starts in; NULL: clone_flags decide */
  /* Isolation and limits. With CLONE_NEWUSER in clone_flags the child becomes
   * root of its user namespace after GO (the parent wrote the maps by then). */
  unsigned long unshare_flags;    /* namespaces made after GO, the cgroup join and the user namespace */
  const char *const *cgroup_procs; /* cgroup.procs files the child writes "0" to, first thing after GO */
  size_t ncgroup_procs;
  const unsigned char *seccomp;   /* a BPF program (struct sock_filter[]) installed right before execve */
  size_t seccomp_len;             /* bytes */
  /* Parent side only (tsrun-monitor, between clone and GO): */
  const char *uid_map, *gid_map;  /* /proc/PID/{uid,gid}_map contents */
  int idmap_lowers;               /* from_parent overlay: lowers become idmapped mounts of the user namespace */
  const char *oom_file;           /* memory.events (v2) or memory.oom_control (v1): read at exit */
  /* The OCI runtime's create/start split (runc's exec FIFO): */
  const struct tsrun_rlimit *rlimits;
  size_t nrlimits;
  int exec_fifo_fd;               /* >= 0: after setup, find the program, write TSRUN_SYNC_READY on the
                                     sync socket, then block opening /proc/self/fd/N for writing until
                                     `start` opens the FIFO for reading; -1: exec at once */
};

struct tsrun_spawn_result {
  pid_t pid;
  int sync_fd;  /* parent end of the sync socket */
  int err_fd;   /* read end of the error pipe */
};

/* Returns 0 or -errno. Must be called from the main JS thread. */
int tsrun_spawn(const struct tsrun_spawn_plan *plan, struct tsrun_spawn_result *out);

/* `tsrun exec`: a first child joins plan->join_ns_fds, then clones with
 * CLONE_PARENT so the process that execs is our child and sits inside the
 * joined PID namespace. out->pid is -1 when joining failed; the record is
 * then waiting on out->err_fd. Blocks briefly (the first child's setns). */
int tsrun_spawn_join(const struct tsrun_spawn_plan *plan, struct tsrun_spawn_result *out);

#ifdef __cplusplus
}
#endif
#endif
