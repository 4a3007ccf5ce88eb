#ifndef TSRUN_PLAN_CODEC_H
#define TSRUN_PLAN_CODEC_H
/* Decodes the spawn plan tsrun serialises for the monitor (src/runtime/
 * plan-codec.ts writes it). Monitor-only: it allocates, so it must never be
 * linked into a path that runs after clone() in a threaded process. */
#include <stddef.h>
#include "spawn.h"

/* Fills *plan from buf (len bytes of NUL-terminated tokens). The plan points
 * into buf and into arrays allocated here (never freed: the monitor lives as
 * long as the container). Returns 0, or -1 on a malformed plan. */
int tsrun_decode_plan(char *buf, size_t len, struct tsrun_spawn_plan *plan);
#endif
