/* /proc/PID/stat for the C programs: a pid with its start time names one
 * process for good (the rule of src/core/proc-stat.ts). */
#define _GNU_SOURCE
#include "proc-stat.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int tsrun_proc_stat(long pid, char *state, unsigned long long *start_time) {
  char path[64], buf[4096];
  if (pid) snprintf(path, sizeof path, "/proc/%ld/stat", pid);
  else snprintf(path, sizeof path, "/proc/self/stat");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  /* comm may hold spaces and parentheses: the fields after it start after the last ')' */
  char *p = strrchr(buf, ')');
  if (!p || p[1] != ' ') return -1;
  p += 2;
  *state = *p;
  /* p is at field 3; field 22 is 19 spaces further */
  for (int field = 3; field < 22 && p; field++) {
    p = strchr(p, ' ');
    if (p) p++;
  }
  if (!p) return -1;
  *start_time = strtoull(p, NULL, 10);
  return 0;
}
