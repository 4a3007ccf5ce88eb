#ifndef TSRUN_FD_PASS_H
#define TSRUN_FD_PASS_H

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One message of `len` bytes over a unix socket, with `fd` attached as
 * SCM_RIGHTS unless it is negative. Retries EINTR. Async-signal-safe. */
ssize_t tsrun_send_with_fd(int sock, const void *data, size_t len, int fd);

/* One message into `data`; *fd gets the attached fd (close-on-exec) or -1.
 * Retries EINTR. Async-signal-safe. */
ssize_t tsrun_recv_with_fd(int sock, void *data, size_t len, int *fd);

#ifdef __cplusplus
}
#endif
#endif
