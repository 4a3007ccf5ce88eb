/*
 * tsrun-oci-fast: the runc-style steps that never read a spec, in C, so
 * containerd pays one Node start-up per container (create) instead of three.
 * `start`, `state`, `kill ID [SIG]` and `delete [--force]` are done here from
 * ROOT/ID/fast (written by tsrun-oci create: pid, start time, hook flags,
 * cgroup dirs) and ROOT/ID/oci-state.json (the state with __STATUS__/__PID__
 * placeholders). Anything else (other commands or flags, hooks to run, a
 * container without those files) execs the Node front end with the same
 * arguments: dist/tsrun-oci.cjs of the package this binary was built in.
 *
 * usage: as tsrun-oci (containerd's BinaryName / ctr --runc-binary).
 */
#define _GNU_SOURCE
#include "proc-stat.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_CGROUPS 32

static const char *log_file, *log_format;
static char **orig_argv;

static __attribute__((noreturn)) void node_fallback(void) {
  char self[PATH_MAX], mjs[PATH_MAX + 64];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n < 0) n = 0;
  self[n] = 0;
  /* build/Release/tsrun-oci-fast -> ../../dist/tsrun-oci.cjs */
  for (int up = 0; up < 3; up++) {
    char *slash = strrchr(self, '/');
    if (slash) *slash = 0;
  }
  snprintf(mjs, sizeof mjs, "%s/dist/tsrun-oci.cjs", self);
  int argc = 0;
  while (orig_argv[argc]) argc++;
  char **argv = calloc((size_t)argc + 2, sizeof *argv);
  argv[0] = "node";
  argv[1] = mjs;
  for (int i = 1; i < argc; i++) argv[i + 1] = orig_argv[i];
  execvp("node", argv);
  fprintf(stderr, "tsrun-oci: cannot run node %s: %s\n", mjs, strerror(errno));
  exit(1);
}

static __attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (log_file) {
    FILE *f = fopen(log_file, "ae");
    if (f) {
      char when[64];
      time_t now = time(NULL);
      strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
      if (log_format && !strcmp(log_format, "json")) {
        fputs("{\"level\":\"error\",\"msg\":\"", f);
        for (const char *p = msg; *p; p++) {
          if (*p == '"' || *p == '\\') fputc('\\', f);
          if ((unsigned char)*p >= 0x20) fputc(*p, f);
        }
        fprintf(f, "\",\"time\":\"%s\"}\n", when);
      } else {
        fprintf(f, "time=\"%s\" level=error msg=\"%s\"\n", when, msg);
      }
      fclose(f);
    }
  }
  fprintf(stderr, "tsrun-oci: %s\n", msg);
  exit(1);
}

struct fast_state {
  long pid;
  char start_time[32];
  int poststart, poststop;
  char cgroups[MAX_CGROUPS][PATH_MAX];
  int ncgroups;
};

/* ROOT/ID/fast: "pid N", "start T", "poststart 0|1", "poststop 0|1", "cgroup DIR"... */
static int read_fast(const char *dir, struct fast_state *st) {
  char path[PATH_MAX + 16], line[PATH_MAX + 16];
  snprintf(path, sizeof path, "%s/fast", dir);
  FILE *f = fopen(path, "re");
  if (!f) return -1;
  memset(st, 0, sizeof *st);
  st->pid = -1;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    if (!strncmp(line, "pid ", 4)) st->pid = strtol(line + 4, NULL, 10);
    else if (!strncmp(line, "start ", 6)) snprintf(st->start_time, sizeof st->start_time, "%.31s", line + 6);
    else if (!strncmp(line, "poststart ", 10)) st->poststart = atoi(line + 10);
    else if (!strncmp(line, "poststop ", 9)) st->poststop = atoi(line + 9);
    else if (!strncmp(line, "cgroup ", 7) && st->ncgroups < MAX_CGROUPS) snprintf(st->cgroups[st->ncgroups++], PATH_MAX, "%.4000s", line + 7);
  }
  fclose(f);
  return st->pid > 0 ? 0 : -1;
}

/* Alive with the recorded start time and not a zombie (the rule of src/oci-runtime/state.ts). */
static int alive(const struct fast_state *st) {
  char state, started[32];
  unsigned long long start_time;
  if (tsrun_proc_stat(st->pid, &state, &start_time) < 0 || state == 'Z' || state == 'X') return 0;
  snprintf(started, sizeof started, "%llu", start_time);
  return !strcmp(started, st->start_time);
}

static const char *status_of(const char *dir, const struct fast_state *st) {
  char fifo[PATH_MAX + 16];
  if (!alive(st)) return "stopped";
  snprintf(fifo, sizeof fifo, "%s/exec.fifo", dir);
  return access(fifo, F_OK) == 0 ? "created" : "running";
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static int cmd_state(const char *dir, const struct fast_state *st) {
  char path[PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/oci-state.json", dir);
  FILE *f = fopen(path, "re");
  if (!f) node_fallback();
  static char text[1 << 16];
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = 0;
  const char *status = status_of(dir, st);
  long pid = strcmp(status, "stopped") ? st->pid : 0;
  for (char *p = text; *p; p++) {
    if (!strncmp(p, "__STATUS__", 10)) {
      fputs(status, stdout);
      p += 9;
    } else if (!strncmp(p, "\"__PID__\"", 9)) {
      printf("%ld", pid);
      p += 8;
    } else {
      fputc(*p, stdout);
    }
  }
  return 0;
}

static int cmd_start(const char *dir, const char *id, const struct fast_state *st) {
  if (st->poststart) node_fallback();
  const char *status = status_of(dir, st);
  if (!strcmp(status, "stopped")) die("cannot start a container that has stopped");
  if (!strcmp(status, "running")) die("cannot start an already running container");
  char fifo[PATH_MAX + 16];
  snprintf(fifo, sizeof fifo, "%s/exec.fifo", dir);
  int fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) die("open %s: %s", fifo, strerror(errno));
  for (;;) {
    char byte;
    ssize_t n = read(fd, &byte, 1);
    if (n == 1) break;
    /* 0: no writer yet; EAGAIN: no byte yet */
    if (n < 0 && errno != EAGAIN && errno != EINTR) die("read %s: %s", fifo, strerror(errno));
    if (!alive(st)) die("container %s exited before it was started", id);
    sleep_ms(1);
  }
  close(fd);
  unlink(fifo);
  return 0;
}

static int parse_signal(const char *s) {
  static const char *names[] = {"", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
                                "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
                                "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};
  if (!s || !*s) return SIGTERM;
  if (isdigit((unsigned char)*s)) {
    int n = atoi(s);
    return n >= 1 && n <= 64 ? n : -1;
  }
  char up[32];
  size_t i = 0;
  for (; s[i] && i < sizeof up - 1; i++) up[i] = (char)toupper((unsigned char)s[i]);
  up[i] = 0;
  const char *name = strncmp(up, "SIG", 3) ? up : up + 3;
  for (int n = 1; n < (int)(sizeof names / sizeof *names); n++)
    if (!strcmp(name, names[n])) return n;
  return -1;
}

static int cmd_kill(const char *dir, const struct fast_state *st, const char *sig_text) {
  int sig = parse_signal(sig_text);
  if (sig < 0) node_fallback(); /* RTMIN+n and friends, and the error message, are Node's */
  if (!strcmp(status_of(dir, st), "stopped")) die("container not running");
  if (kill((pid_t)st->pid, sig) < 0 && errno != ESRCH) die("kill %ld: %s", st->pid, strerror(errno));
  return 0;
}

/* Empty cgroups below dir first, killing what is left (as removeCgroup in TS). */
static void remove_cgroup(const char *dir, int depth) {
  DIR *d = depth < 8 ? opendir(dir) : NULL;
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char child[PATH_MAX];
    if (snprintf(child, sizeof child, "%s/%s", dir, e->d_name) >= (int)sizeof child) continue;
    remove_cgroup(child, depth + 1);
  }
  closedir(d);
  for (int attempt = 0; rmdir(dir) < 0; attempt++) {
    if (errno == ENOENT) return;
    if (errno != EBUSY || attempt >= 50) die("cgroup: removing %s: %s", dir, strerror(errno));
    char procs[PATH_MAX + 16];
    snprintf(procs, sizeof procs, "%s/cgroup.procs", dir);
    FILE *f = fopen(procs, "re");
    long pid;
    while (f && fscanf(f, "%ld", &pid) == 1) kill((pid_t)pid, SIGKILL);
    if (f) fclose(f);
    sleep_ms(20);
  }
}

static void remove_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    unlinkat(dirfd(d), e->d_name, 0);
  }
  closedir(d);
  if (rmdir(dir) < 0 && errno != ENOENT) die("removing %s: %s", dir, strerror(errno));
}

static int cmd_delete(const char *dir, const char *id, const struct fast_state *st, int force) {
  if (st->poststop) node_fallback();
  const char *status = status_of(dir, st);
  if (!strcmp(status, "running") && !force) die("cannot delete container %s that is not stopped: running", id);
  if (strcmp(status, "stopped")) {
    kill((pid_t)st->pid, SIGKILL);
    int waited = 0;
    while (alive(st) && waited < 10000) sleep_ms(5), waited += 5;
    if (alive(st)) die("container %s (pid %ld) did not die after SIGKILL", id, st->pid);
  }
  for (int i = 0; i < st->ncgroups; i++) remove_cgroup(st->cgroups[i], 0);
  remove_dir(dir);
  return 0;
}

static int valid_id(const char *id) {
  if (!*id) return 0;
  for (const char *p = id; *p; p++)
    if (!isalnum((unsigned char)*p) && !strchr("_+-.", *p)) return 0;
  return 1;
}

int main(int argc, char **argv) {
  orig_argv = argv;
  const char *root = "/run/tsrun-oci";
  int i = 1;
  /* global flags: only the ones containerd passes; anything else is Node's to judge */
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i] + (argv[i][1] == '-' ? 2 : 1);
    size_t len = strcspn(a, "=");
    const char **slot = NULL;
    if (len == 4 && !strncmp(a, "root", 4)) slot = &root;
    else if (len == 3 && !strncmp(a, "log", 3)) slot = &log_file;
    else if (len == 10 && !strncmp(a, "log-format", 10)) slot = &log_format;
    else node_fallback();
    if (a[len] == '=') *slot = a + len + 1;
    else if (i + 1 < argc) *slot = argv[++i];
    else node_fallback();
  }
  if (i >= argc) node_fallback();
  const char *cmd = argv[i++];
  int force = 0;
  if (strcmp(cmd, "state") && strcmp(cmd, "start") && strcmp(cmd, "kill") && strcmp(cmd, "delete")) node_fallback();
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp(cmd, "delete") && (!strcmp(argv[i], "--force") || !strcmp(argv[i], "-f") || !strcmp(argv[i], "-force"))) force = 1;
    else node_fallback();
  }
  if (i >= argc || !valid_id(argv[i])) node_fallback();
  const char *id = argv[i++];
  if (i < argc && strcmp(cmd, "kill")) node_fallback();
  char dir[PATH_MAX];
  if (snprintf(dir, sizeof dir, "%s/%s", root, id) >= (int)sizeof dir) node_fallback();
  struct fast_state st;
  if (read_fast(dir, &st) < 0) node_fallback(); /* absent: not ours, or an older layout: Node knows the words */
  if (!strcmp(cmd, "state")) return cmd_state(dir, &st);
  if (!strcmp(cmd, "start")) return cmd_start(dir, id, &st);
  if (!strcmp(cmd, "kill")) return cmd_kill(dir, &st, i < argc ? argv[i] : NULL);
  return cmd_delete(dir, id, &st, force);
}
