/* Passing an fd over a unix socket (SCM_RIGHTS): the console socket of
 * tsrun-oci, and GO with the rootfs mount fd from the monitor to its child. */
#define _GNU_SOURCE
#include "fd-pass.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

union fd_control {
  char buf[CMSG_SPACE(sizeof(int))];
  struct cmsghdr align;
};

ssize_t tsrun_send_with_fd(int sock, const void *data, size_t len, int fd) {
  union fd_control control;
  struct iovec iov = {(void *)data, len};
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (fd >= 0) {
    memset(&control, 0, sizeof control);
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof(int));
  }
  ssize_t n;
  do {
    n = sendmsg(sock, &msg, 0);
  } while (n < 0 && errno == EINTR);
  return n;
}

ssize_t tsrun_recv_with_fd(int sock, void *data, size_t len, int *fd) {
  union fd_control control;
  struct iovec iov = {data, len};
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  ssize_t n;
  do {
    n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  *fd = -1;
  struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
  if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) memcpy(fd, CMSG_DATA(cm), sizeof(int));
  return n;
}
