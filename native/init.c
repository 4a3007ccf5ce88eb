/*
 * tsrun-init: PID 1 for `tsrun run --init` (Docker's docker-init/tini role).
 * Runs the command as its child, passes every signal it gets on to it, reaps
 * every zombie the PID namespace hands it, and exits with the command's
 * status (128+N when a signal N ended it). Built static and bind-mounted
 * read-only at /dev/init, so it works in any image.
 *
 * usage: /dev/init -- COMMAND [ARG...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t start_child(char **argv, const sigset_t *old) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  /* its own process group, in the foreground of the terminal if there is one */
  setpgid(0, 0);
  if (isatty(0)) {
    signal(SIGTTOU, SIG_IGN);
    tcsetpgrp(0, getpid());
    signal(SIGTTOU, SIG_DFL);
  }
  sigprocmask(SIG_SETMASK, old, NULL);
  execvp(argv[0], argv);
  fprintf(stderr, "tsrun-init: exec %s: %s\n", argv[0], strerror(errno));
  _exit(errno == ENOENT ? 127 : 126);
}

/* Reaps everything that exited; returns the child's exit code once it is among them, else -1. */
static int reap(pid_t child) {
  int code = -1, status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    if (pid == child) code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  return code;
}

int main(int argc, char **argv) {
  int first = 1;
  if (argc > 1 && !strcmp(argv[1], "--")) first = 2;
  if (first >= argc) {
    fprintf(stderr, "usage: %s -- COMMAND [ARG...]\n", argv[0]);
    return 2;
  }
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &old);
  pid_t child = start_child(argv + first, &old);
  if (child < 0) {
    perror("tsrun-init: fork");
    return 1;
  }
  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(&all, &info);
    if (sig < 0) continue;
    if (sig == SIGCHLD) {
      int code = reap(child);
      if (code >= 0) return code;
    } else if (sig != SIGTTIN && sig != SIGTTOU) {
      kill(child, sig); /* background-tty stops are for us, not for the command */
    }
  }
}
