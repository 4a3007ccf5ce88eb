#ifndef TSRUN_MONITOR_IO_H
#define TSRUN_MONITOR_IO_H
/* The monitor's files: the json-file log and state.json. */
#include <stddef.h>
#include <sys/types.h>

/* One output stream of the container: bytes in, JSON lines out. */
struct log_stream {
  int fd;           /* read end (pipe or pty master); -1 once at EOF */
  int attach_fd;    /* where `start -a` wants the bytes too; -1 when none or gone */
  const char *name; /* "stdout" | "stderr" */
  size_t len;
  char buf[16384];  /* a partial line; flushed whole at 16 KiB like Docker's */
};

/* Opens the log for appending; returns 0 or -1. */
int log_open(const char *path);
/* Reads what is there; returns bytes read, 0 at EOF (EIO from a pty counts), -1 on EAGAIN. */
ssize_t log_pump(struct log_stream *s);
/* Writes out a partial last line. */
void log_flush(struct log_stream *s);

struct monitor_state {
  const char *path;
  int running;
  pid_t pid;
  int exit_code;
  char started_at[64];
  char finished_at[64];
  pid_t monitor_pid;
  unsigned long long monitor_start_time;
  int oom_killed;   /* the kernel's OOM killer ended a process of the container */
};

void now_rfc3339(char *out, size_t n);
unsigned long long own_start_time(void);
/* tmp + fsync + rename: readers see the old state or the new one. */
int state_write(const struct monitor_state *st);
#endif
