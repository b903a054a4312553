/* clock.c - nanosecond clocks used by the core, the modes and the reports */
#include "config.h"

#include "clock.h"

static int64_t read_clock(clockid_t id)
{
	struct timespec ts;

	/* clock_gettime cannot fail for these clock ids on Linux. */
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * NP_NSEC_PER_SEC + ts.tv_nsec;
}

int64_t np_clock_mono(void)
{
	return read_clock(CLOCK_MONOTONIC);
}

int64_t np_clock_real(void)
{
	return read_clock(CLOCK_REALTIME);
}

int64_t np_clock_real_minus_mono(void)
{
	int64_t m1, r, m2;

	/* The realtime reading taken between two monotonic ones: the
	 * offset is then good to about half their distance (tens of ns). */
	m1 = np_clock_mono();
	r = np_clock_real();
	m2 = np_clock_mono();
	return r - (m1 + (m2 - m1) / 2);
}

struct timespec np_ns_to_timespec(int64_t ns)
{
	struct timespec ts;

	if (ns < 0)
		ns = 0;
	ts.tv_sec = (time_t)(ns / NP_NSEC_PER_SEC);
	ts.tv_nsec = (long)(ns % NP_NSEC_PER_SEC);
	return ts;
}
