#ifndef TSRUN_FSOPS_H
#define TSRUN_FSOPS_H
/* Parent-side syscalls Node lacks. Each returns 0 (or a size) or -errno. */
#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif
int tsrun_mknod(const char *path, mode_t mode, unsigned major, unsigned minor);
int tsrun_lsetxattr(const char *path, const char *name, const void *value, size_t size);
/* Returns the size, -ENODATA when absent; with buf NULL only the size. */
ssize_t tsrun_lgetxattr(const char *path, const char *name, void *buf, size_t size);
ssize_t tsrun_llistxattr(const char *path, char *buf, size_t size);
int tsrun_mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data);
int tsrun_umount(const char *target, int flags);
int tsrun_flock(int fd, int op);
/* Opens a pseudo-terminal pair (both CLOEXEC); name gets the slave's path. */
int tsrun_openpty(int *master, int *slave, char *name, size_t namelen);
int tsrun_openpty_in(const char *root, int *master, int *slave, char *name, size_t namelen);
int tsrun_set_winsize(int fd, unsigned short cols, unsigned short rows);
/* Blocks until pid exits; *code = exit code or -1, *signal = signal or 0. */
int tsrun_waitpid(pid_t pid, int *code, int *signal);
/* Connects to the unix socket at path and sends fd (SCM_RIGHTS) with name as the payload. */
int tsrun_send_fd(const char *path, int fd, const char *name);
#ifdef __cplusplus
}
#endif
#endif
