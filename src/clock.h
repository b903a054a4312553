/* clock.h - nanosecond clocks used by the core, the modes and the reports */
#ifndef NP_CLOCK_H
#define NP_CLOCK_H

#include <stdint.h>
#include <time.h>

#define NP_NSEC_PER_SEC INT64_C(1000000000)
#define NP_NSEC_PER_MSEC INT64_C(1000000)
#define NP_NSEC_PER_USEC INT64_C(1000)

/* CLOCK_MONOTONIC in ns: every interval, timeout and RTT is measured on it. */
int64_t np_clock_mono(void);
/* CLOCK_REALTIME in ns: only for printed wall-clock stamps (-D) and the
 * payload's send stamp. */
int64_t np_clock_real(void);

/* CLOCK_REALTIME - CLOCK_MONOTONIC now: turns the kernel's packet
 * timestamps (realtime) into monotonic time, read close to when they were
 * taken so that a clock step in between is unlikely. */
int64_t np_clock_real_minus_mono(void);

struct timespec np_ns_to_timespec(int64_t ns);

#endif
