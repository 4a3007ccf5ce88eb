/*
 * tsrun-monitor: keeps one detached container company (Podman's conmon role).
 * tsrun prepares everything (the plan file, the pty, the stdin pipe) and
 * starts this program detached; it does the clone itself so that it is the
 * container's parent: it reaps it, holds its stdio, writes the log and the
 * state. A single-threaded C program: libc is fine here, and it stays ~1 MB.
 *
 * usage: tsrun-monitor PLAN STATE LOG [tty] [stdin] [attach=SOCKET] [-- EXIT-COMMAND...]
 *        stdin: the container's stdin is a pipe the monitor holds open (run -di),
 *        fed by attach clients; attach=: the attach socket (monitor-attach.h)
 *        tsrun-monitor --probe idmap|pivot_root DIR   (see probe.c)
 * fds:   0 the container's stdin (the pty slave with tty), 1/2 attach outputs
 *        (/dev/null when detached), 3 report pipe to tsrun, 4 pty master (tty),
 *        5... held for the container's life (sockets reserving published ports).
 * report (one line on fd 3): "pid N" | "child STAGE ERRNO INDEX" | "error ERRNO WHAT"
 */
#define _GNU_SOURCE
#include "fd-pass.h"
#include "monitor-attach.h"
#include "monitor-cgroup.h"
#include "monitor-io.h"
#include "plan-codec.h"
#include "probe.h"
#include "protocol.h"
#include "rootfs-userns.h"
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define REPORT_FD 3
#define MASTER_FD 4
#define HELD_FDS 5

static void report(const char *fmt, int a, int b, int c) {
  char line[128];
  int n = snprintf(line, sizeof line, fmt, a, b, c);
  if (write(REPORT_FD, line, (size_t)n) < 0) { /* tsrun is gone: nothing to tell */
  }
}

static void die(const char *what) {
  char line[160];
  int n = snprintf(line, sizeof line, "error %d %s\n", errno, what);
  if (write(REPORT_FD, line, (size_t)n) < 0) {
  }
  exit(1);
}

static char *read_plan(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0) return NULL;
  char *buf = malloc((size_t)st.st_size + 1);
  size_t got = 0;
  while (buf && got < (size_t)st.st_size) {
    ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
    if (n <= 0) break;
    got += (size_t)n;
  }
  close(fd);
  unlink(path); /* it holds the environment: do not leave it lying around */
  *len = got;
  return buf;
}

/* GO, with the rootfs mount fd of a user-namespaced container attached. */
static int send_go(int sync_fd, int mount_fd) {
  char go = TSRUN_SYNC_GO;
  ssize_t n = tsrun_send_with_fd(sync_fd, &go, 1, mount_fd);
  if (mount_fd >= 0) close(mount_fd);
  return n == 1 ? 0 : -1;
}

/* Between clone and GO: id maps and the rootfs of a user-namespaced container. */
static int prepare_child(const struct tsrun_spawn_plan *plan, const struct tsrun_spawn_result *res, int *mount_fd) {
  int index = -1;
  int stage = tsrun_write_id_maps(res->pid, plan);
  if (!stage) stage = tsrun_prepare_parent_mount(res->pid, plan, mount_fd, &index);
  if (!stage) return 0;
  int err = errno;
  kill(res->pid, SIGKILL);
  while (waitpid(res->pid, NULL, 0) < 0 && errno == EINTR) {
  }
  report("child %d %d %d\n", stage, err, index);
  return -1;
}

/* GO, then EOF on the error pipe means execve happened (see spawn.c). */
static int release_child(const struct tsrun_spawn_result *res, int mount_fd) {
  struct tsrun_child_error rec;
  size_t got = 0;
  if (send_go(res->sync_fd, mount_fd) < 0) return -1;
  while (got < sizeof rec) {
    ssize_t n = read(res->err_fd, (char *)&rec + got, sizeof rec - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
  }
  close(res->sync_fd);
  close(res->err_fd);
  if (got < sizeof rec) return 0;
  while (waitpid(res->pid, NULL, 0) < 0 && errno == EINTR) {
  }
  report("child %d %d %d\n", rec.stage, rec.err, rec.index);
  return -1;
}

static int exit_code(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Pumps the streams until they end and the container is reaped; returns its exit code. */
static int supervise(pid_t pid, struct log_stream *streams, int nstreams, int sfd) {
  int code = -1;
  for (;;) {
    struct pollfd fds[3 + ATTACH_MAX_POLLFDS];
    int open_streams = 0;
    for (int i = 0; i < nstreams; i++) {
      fds[i].fd = streams[i].fd;
      fds[i].events = POLLIN;
      if (streams[i].fd >= 0) open_streams++;
    }
    fds[nstreams].fd = code < 0 ? sfd : -1;
    fds[nstreams].events = POLLIN;
    if (code >= 0 && open_streams == 0) return code;
    int nattach = attach_pollfds(fds + nstreams + 1);
    /* Once the container is gone its PID namespace is too: the pipes end at once. */
    int r = poll(fds, (nfds_t)(nstreams + 1 + nattach), code >= 0 ? 2000 : -1);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) return code;
    attach_handle(fds + nstreams + 1, nattach);
    for (int i = 0; i < nstreams; i++) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      if (log_pump(&streams[i]) == 0) {
        log_flush(&streams[i]);
        close(streams[i].fd);
        streams[i].fd = -1;
      }
    }
    if (fds[nstreams].fd >= 0 && (fds[nstreams].revents & POLLIN)) {
      struct signalfd_siginfo si;
      if (read(sfd, &si, sizeof si) < 0) { /* drained below anyway */
      }
      int status;
      if (waitpid(pid, &status, WNOHANG) == pid) code = exit_code(status);
    }
  }
}

static int stdin_to_devnull(void) {
  int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null < 0) return -1;
  dup2(null, 0);
  close(null);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && !strcmp(argv[1], "--probe")) return tsrun_probe(argv[2], argv[3]);
  if (argc < 4) {
    fprintf(stderr, "usage: tsrun-monitor PLAN STATE LOG [tty] [-- EXIT-COMMAND...]\n");
    return 2;
  }
  int tty = 0, open_stdin = 0;
  const char *attach_path = NULL;
  char **exit_command = NULL;
  for (int i = 4; i < argc; i++) {
    if (!strcmp(argv[i], "tty")) tty = 1;
    if (!strcmp(argv[i], "stdin")) open_stdin = 1;
    if (!strncmp(argv[i], "attach=", 7)) attach_path = argv[i] + 7;
    if (!strcmp(argv[i], "--") && i + 1 < argc) {
      exit_command = argv + i + 1;
      break;
    }
  }
  signal(SIGPIPE, SIG_IGN);
  if (chdir("/") < 0) die("chdir");
  size_t len = 0;
  char *buf = read_plan(argv[1], &len);
  struct tsrun_spawn_plan plan;
  if (!buf || tsrun_decode_plan(buf, len, &plan) < 0) die("plan");
  if (log_open(argv[3]) < 0) die("log");

  struct log_stream streams[2];
  memset(streams, 0, sizeof streams);
  int out[2], err[2], in[2] = {-1, -1}, nstreams = tty ? 1 : 2;
  if (open_stdin && !tty && pipe2(in, O_CLOEXEC) < 0) die("pipe");
  if (tty) {
    plan.stdio[0] = plan.stdio[1] = plan.stdio[2] = 0;
    streams[0] = (struct log_stream){.fd = MASTER_FD, .attach_fd = 1, .name = "stdout"};
  } else {
    if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) die("pipe");
    plan.stdio[0] = in[0] >= 0 ? in[0] : 0, plan.stdio[1] = out[1], plan.stdio[2] = err[1];
    streams[0] = (struct log_stream){.fd = out[0], .attach_fd = 1, .name = "stdout"};
    streams[1] = (struct log_stream){.fd = err[0], .attach_fd = 2, .name = "stderr"};
  }
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  int sfd = signalfd(-1, &chld, SFD_CLOEXEC);
  if (sfd < 0) die("signalfd");

  struct tsrun_spawn_result res;
  int rc = tsrun_spawn(&plan, &res);
  if (rc < 0) {
    errno = -rc;
    die("clone");
  }
  if (!tty) close(out[1]), close(err[1]);
  if (in[0] >= 0) close(in[0]);
  stdin_to_devnull(); /* the container has its own copy; EOF must come from tsrun's end */
  int mount_fd = -1;
  if (prepare_child(&plan, &res, &mount_fd) < 0) return 1;
  if (release_child(&res, mount_fd) < 0) return 1;

  struct monitor_state st = {.path = argv[2], .running = 1, .pid = res.pid, .monitor_pid = getpid()};
  st.monitor_start_time = own_start_time();
  now_rfc3339(st.started_at, sizeof st.started_at);
  if (state_write(&st) < 0) die("state");
  /* before the report: a `tsrun attach` right after `run -d` must find it */
  if (attach_path && attach_listen(attach_path) == 0 && open_stdin) {
    int fd = tty ? MASTER_FD : in[1];
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    attach_set_input(fd, tty, 1);
  } else if (attach_path && tty) {
    attach_set_input(MASTER_FD, 1, 0); /* window sizes only: no -i, no stdin */
  }
  report("pid %d\n", res.pid, 0, 0);
  close(REPORT_FD);

  st.exit_code = supervise(res.pid, streams, nstreams, sfd);
  for (int i = 0; i < nstreams; i++) log_flush(&streams[i]);
  st.running = 0;
  st.pid = 0;
  st.oom_killed = tsrun_oom_killed(plan.oom_file);
  tsrun_remove_cgroups(&plan);
  now_rfc3339(st.finished_at, sizeof st.finished_at);
  state_write(&st);
  attach_close(); /* EOF to attached clients: the state they read now is final */
  if (exit_command) { /* e.g. `tsrun rm` for run -d --rm: leave it the signals it expects */
    /* the held sockets go now: the ports are free while the exit command cleans up */
    for (int fd = HELD_FDS; fd < 1024; fd++) close(fd);
    sigprocmask(SIG_UNBLOCK, &chld, NULL);
    signal(SIGPIPE, SIG_DFL);
    execv(exit_command[0], exit_command);
  }
  return 0;
}
