/* hist.h - RTT percentiles without storing the samples: a histogram with
 * 16 buckets per power of two from 1 µs to about 268 s (449 counters,
 * 1.8 KB).  A percentile is the geometric middle of its bucket, clamped to
 * the exact minimum and maximum: within 2.2% of the true sample (the
 * nearest-rank sample), or within 1 µs below 1 µs. */
#ifndef NP_HIST_H
#define NP_HIST_H

#include <stdint.h>

#define NP_HIST_SUB 16	   /* buckets per power of two */
#define NP_HIST_OCTAVES 28 /* 1 µs .. 2^28 µs */
#define NP_HIST_BUCKETS (NP_HIST_SUB * NP_HIST_OCTAVES + 1)

struct np_hist {
	uint64_t count;
	int64_t min_ns, max_ns;
	uint32_t n[NP_HIST_BUCKETS]; /* [0]: below 1 µs */
};

void np_hist_init(struct np_hist *h);
void np_hist_add(struct np_hist *h, int64_t ns);
/* The q-quantile (0 < q <= 1) by nearest rank; -1 when empty. */
int64_t np_hist_quantile(const struct np_hist *h, double q);

#endif
