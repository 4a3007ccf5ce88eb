#ifndef TSRUN_PROBE_H
#define TSRUN_PROBE_H
/* `tsrun-monitor --probe NAME DIR`: tries one kernel feature for real, in a
 * throwaway child (used by `tsrun doctor` and to choose idmapped layers over
 * chowned copies). Prints "ok" or "STAGE ERRNO" and returns the exit code. */
int tsrun_probe(const char *name, const char *dir);
#endif
