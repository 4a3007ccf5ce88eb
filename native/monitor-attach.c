/* The monitor's attach socket (see monitor-attach.h). Single-threaded, driven
 * by the monitor's poll loop: nothing here blocks for long. Output to a
 * client that does not keep up for a second is dropped with the client, so a
 * stuck `tsrun attach` never stalls the container or its log. */
#define _GNU_SOURCE
#include "monitor-attach.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#define FRAME_HEAD 5
#define MAX_PAYLOAD 16384

struct client {
  int fd;
  int eof; /* the client sends no more (its stdin ended, or --no-stdin): output only */
  size_t len;                              /* bytes in buf: unparsed frames */
  unsigned char buf[FRAME_HEAD + MAX_PAYLOAD];
};

static int listen_fd = -1;
static char sock_path[108];
static struct client clients[ATTACH_MAX_CLIENTS];
static int input_fd = -1, input_pty = 0, input_stdin = 0;
static int input_blocked = 0; /* the container is not reading its stdin: stop reading clients */
static int initialized = 0;

static void init_clients(void) {
  if (initialized) return;
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) clients[i].fd = -1;
  initialized = 1;
}

int attach_listen(const char *path) {
  init_clients();
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof addr.sun_path || strlen(path) >= sizeof sock_path) return -1;
  strcpy(addr.sun_path, path);
  strcpy(sock_path, path);
  unlink(path); /* a monitor killed with SIGKILL leaves its socket behind */
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  mode_t old = umask(077); /* root only: a client may type into the container */
  int rc = bind(fd, (struct sockaddr *)&addr, sizeof addr);
  umask(old);
  if (rc < 0 || listen(fd, 4) < 0) {
    close(fd);
    return -1;
  }
  listen_fd = fd;
  return 0;
}

void attach_set_input(int fd, int is_pty, int accepts_stdin) {
  input_fd = fd;
  input_pty = is_pty;
  input_stdin = accepts_stdin;
}

int attach_pollfds(struct pollfd *fds) {
  int n = 0;
  if (listen_fd >= 0) fds[n++] = (struct pollfd){.fd = listen_fd, .events = POLLIN};
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) {
    if (clients[i].fd < 0) continue;
    /* a blocked client is still watched for hangup */
    fds[n++] = (struct pollfd){.fd = clients[i].fd, .events = input_blocked || clients[i].eof ? 0 : POLLIN};
  }
  if (input_blocked && input_fd >= 0) fds[n++] = (struct pollfd){.fd = input_fd, .events = POLLOUT};
  return n;
}

static void drop(struct client *c) {
  close(c->fd);
  c->fd = -1;
  c->eof = 0;
  c->len = 0;
}

static void set_winsize(const unsigned char *p) {
  if (!input_pty || input_fd < 0) return;
  struct winsize ws;
  memset(&ws, 0, sizeof ws);
  ws.ws_col = (unsigned short)(p[0] << 8 | p[1]);
  ws.ws_row = (unsigned short)(p[2] << 8 | p[3]);
  ioctl(input_fd, TIOCSWINSZ, &ws);
}

/* Parses whole frames; stops (input_blocked) when the container's stdin is full. */
static void process(struct client *c) {
  while (c->len >= FRAME_HEAD) {
    unsigned char type = c->buf[0];
    size_t len = (size_t)c->buf[1] << 24 | (size_t)c->buf[2] << 16 | (size_t)c->buf[3] << 8 | c->buf[4];
    if (len > MAX_PAYLOAD) {
      drop(c);
      return;
    }
    if (c->len < FRAME_HEAD + len) return;
    if (type == 0 && input_fd >= 0 && input_stdin && len > 0) {
      ssize_t w = write(input_fd, c->buf + FRAME_HEAD, len);
      if (w < 0 && (errno == EAGAIN || errno == EINTR)) w = 0;
      if (w < 0) {
        input_fd = -1; /* the container closed its stdin: discard from now on */
      } else if ((size_t)w < len) {
        /* keep the rest as a shorter frame */
        size_t rest = len - (size_t)w;
        memmove(c->buf + FRAME_HEAD, c->buf + FRAME_HEAD + w, c->len - FRAME_HEAD - (size_t)w);
        c->len -= (size_t)w;
        c->buf[1] = (unsigned char)(rest >> 24), c->buf[2] = (unsigned char)(rest >> 16);
        c->buf[3] = (unsigned char)(rest >> 8), c->buf[4] = (unsigned char)rest;
        input_blocked = 1;
        return;
      }
    } else if (type == 1 && len == 4) {
      set_winsize(c->buf + FRAME_HEAD);
    }
    memmove(c->buf, c->buf + FRAME_HEAD + len, c->len - FRAME_HEAD - len);
    c->len -= FRAME_HEAD + len;
  }
}

void attach_handle(const struct pollfd *fds, int n) {
  for (int k = 0; k < n; k++) {
    if (!fds[k].revents) continue;
    if (fds[k].fd == listen_fd) {
      int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd < 0) continue;
      int slot = -1;
      for (int i = 0; i < ATTACH_MAX_CLIENTS && slot < 0; i++)
        if (clients[i].fd < 0) slot = i;
      if (slot < 0) {
        close(fd);
        continue;
      }
      clients[slot].fd = fd;
      clients[slot].eof = 0;
      clients[slot].len = 0;
      continue;
    }
    if (fds[k].fd == input_fd && input_blocked) {
      input_blocked = 0;
      for (int i = 0; i < ATTACH_MAX_CLIENTS && !input_blocked; i++)
        if (clients[i].fd >= 0) process(&clients[i]);
      continue;
    }
    for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) {
      struct client *c = &clients[i];
      if (c->fd != fds[k].fd) continue;
      if (input_blocked && !(fds[k].revents & (POLLHUP | POLLERR))) break;
      ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
      if (r < 0 && (errno == EAGAIN || errno == EINTR)) break;
      if (r == 0 && !(fds[k].revents & (POLLHUP | POLLERR))) {
        c->eof = 1; /* half-closed: it still gets output; a send failing later drops it */
        break;
      }
      if (r <= 0) {
        drop(c);
        break;
      }
      c->len += (size_t)r;
      process(c);
      break;
    }
  }
}

/* Writes all of it, waiting up to a second at a time for a slow reader. */
static int send_all(int fd, const unsigned char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN) {
      struct pollfd pfd = {.fd = fd, .events = POLLOUT};
      if (poll(&pfd, 1, 1000) <= 0) return -1;
      continue;
    }
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

void attach_broadcast(int stream, const char *data, size_t n) {
  unsigned char head[FRAME_HEAD] = {(unsigned char)stream, (unsigned char)(n >> 24), (unsigned char)(n >> 16),
                                    (unsigned char)(n >> 8), (unsigned char)n};
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) {
    struct client *c = &clients[i];
    if (c->fd < 0) continue;
    if (send_all(c->fd, head, sizeof head) < 0 || send_all(c->fd, (const unsigned char *)data, n) < 0) drop(c);
  }
}

void attach_close(void) {
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++)
    if (clients[i].fd >= 0) drop(&clients[i]);
  if (listen_fd >= 0) {
    close(listen_fd);
    listen_fd = -1;
    unlink(sock_path);
  }
}
