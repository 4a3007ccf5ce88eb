/* The monitor's log writer (Docker's json-file format: one JSON object per
 * line, {"log","stream","time"}) and its atomic state.json writer. The monitor
 * is single-threaded and started by execve, so libc is fine here. */
#define _GNU_SOURCE
#include "proc-stat.h"
#include "monitor-io.h"
#include "monitor-attach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -1;

int log_open(const char *path) {
  log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  return log_fd < 0 ? -1 : 0;
}

void now_rfc3339(char *out, size_t n) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t k = strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out + k, n - k, ".%09ldZ", ts.tv_nsec);
}

static void write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    p += w;
    n -= (size_t)w;
  }
}

/* JSON string escaping; other bytes (UTF-8 included) pass through. */
static size_t escape(char *out, const char *in, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)in[i];
    if (ch == '"' || ch == '\\') {
      out[k++] = '\\';
      out[k++] = (char)ch;
    } else if (ch == '\n') {
      out[k++] = '\\', out[k++] = 'n';
    } else if (ch == '\r') {
      out[k++] = '\\', out[k++] = 'r';
    } else if (ch == '\t') {
      out[k++] = '\\', out[k++] = 't';
    } else if (ch < 0x20 || ch == 0x7f) {
      memcpy(out + k, "\\u00", 4);
      k += 4;
      out[k++] = hex[ch >> 4];
      out[k++] = hex[ch & 15];
    } else {
      out[k++] = (char)ch;
    }
  }
  return k;
}

static void emit(const struct log_stream *s, const char *data, size_t n) {
  static char line[sizeof(((struct log_stream *)0)->buf) * 6 + 160];
  char ts[64];
  now_rfc3339(ts, sizeof ts);
  size_t k = 0;
  memcpy(line, "{\"log\":\"", 8);
  k = 8 + escape(line + 8, data, n);
  k += (size_t)snprintf(line + k, sizeof line - k, "\",\"stream\":\"%s\",\"time\":\"%s\"}\n", s->name, ts);
  write_all(log_fd, line, k);
}

static void take(struct log_stream *s, const char *data, size_t n) {
  for (size_t i = 0; i < n; i++) {
    s->buf[s->len++] = data[i];
    if (data[i] == '\n' || s->len == sizeof s->buf) {
      emit(s, s->buf, s->len);
      s->len = 0;
    }
  }
}

ssize_t log_pump(struct log_stream *s) {
  char chunk[65536];
  ssize_t n = read(s->fd, chunk, sizeof chunk);
  if (n < 0 && errno == EINTR) return -1;
  if (n < 0 && errno == EAGAIN) return -1;
  if (n <= 0) return 0; /* EOF, or EIO once the last pty slave is closed */
  if (s->attach_fd >= 0) {
    const char *p = chunk;
    size_t left = (size_t)n;
    while (left > 0) {
      ssize_t w = write(s->attach_fd, p, left);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) { /* the attached tsrun went away: keep logging */
        s->attach_fd = -1;
        break;
      }
      p += w;
      left -= (size_t)w;
    }
  }
  attach_broadcast(strcmp(s->name, "stderr") ? 1 : 2, chunk, (size_t)n);
  take(s, chunk, (size_t)n);
  return n;
}

void log_flush(struct log_stream *s) {
  if (s->len > 0) emit(s, s->buf, s->len);
  s->len = 0;
}

/* Field 22 of /proc/self/stat: tells a live monitor from a reused pid. */
unsigned long long own_start_time(void) {
  char state;
  unsigned long long v = 0;
  return tsrun_proc_stat(0, &state, &v) == 0 ? v : 0;
}

int state_write(const struct monitor_state *st) {
  char tmp[4096], json[1024];
  int len = snprintf(json, sizeof json,
                     "{\"Status\":\"%s\",\"Running\":%s,\"Pid\":%d,\"ExitCode\":%d,\"StartedAt\":\"%s\","
                     "\"FinishedAt\":\"%s\",\"MonitorPid\":%d,\"MonitorStartTime\":%llu,\"OOMKilled\":%s}\n",
                     st->running ? "running" : "exited", st->running ? "true" : "false", (int)st->pid, st->exit_code,
                     st->started_at, st->finished_at, (int)st->monitor_pid, st->monitor_start_time,
                     st->oom_killed ? "true" : "false");
  snprintf(tmp, sizeof tmp, "%s.tmp-monitor-%d", st->path, (int)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  write_all(fd, json, (size_t)len);
  fsync(fd);
  close(fd);
  return rename(tmp, st->path);
}
