#ifndef TSRUN_PROC_STAT_H
#define TSRUN_PROC_STAT_H

/* Field 3 (state: R, S, ... Z, X) and field 22 (starttime, clock ticks after
 * boot) of /proc/PID/stat, or of /proc/self/stat when pid is 0. Returns 0, or
 * -1 when the process is gone. */
int tsrun_proc_stat(long pid, char *state, unsigned long long *start_time);

#endif
