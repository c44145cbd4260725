/*
 * cpu-clock.c -- linked into ref-cpu, a second build of the unchanged ref.c in which every
 * clock_gettime call (renamed at compile time with -Dclock_gettime=ref_cpu_clock_gettime) reads
 * CLOCK_PROCESS_CPUTIME_ID instead of the requested clock. Its ns_per_update is CPU time per step, which
 * excludes the time the process waited for a core on a loaded machine. See compare.ts.
 */
#define _POSIX_C_SOURCE 199309L
#include <time.h>

int ref_cpu_clock_gettime(clockid_t clock, struct timespec *ts)
{
    (void)clock;
    return clock_gettime(CLOCK_PROCESS_CPUTIME_ID, ts);
}
