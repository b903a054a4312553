/* hist.h - RTT percentiles without storing every sample.  Up to
 * NP_HIST_EXACT samples are kept as they are, and a percentile is the
 * exact nearest-rank sample.  Past that, the samples are folded into a
 * histogram with 16 buckets per power of two from 1 µs to about 268 s
 * (449 counters, 1.8 KB, the same memory): a percentile is then the
 * geometric middle of its bucket, clamped to the exact minimum and
 * maximum: within 2.2% of the true sample, or within 1 µs below 1 µs. */
#ifndef NP_HIST_H
#define NP_HIST_H

#include <stdint.h>

#define NP_HIST_SUB 16	   /* buckets per power of two */
#define NP_HIST_OCTAVES 28 /* 1 µs .. 2^28 µs */
#define NP_HIST_BUCKETS (NP_HIST_SUB * NP_HIST_OCTAVES + 1)
/* Samples kept exactly: as many as fit in the counters' memory (224). */
#define NP_HIST_EXACT (NP_HIST_BUCKETS * sizeof(uint32_t) / sizeof(int64_t))

struct np_hist {
	uint64_t count;
	int64_t min_ns, max_ns;
	union {
		int64_t s[NP_HIST_EXACT];    /* count <= NP_HIST_EXACT */
		uint32_t n[NP_HIST_BUCKETS]; /* beyond; [0]: below 1 µs */
	};
};

void np_hist_init(struct np_hist *h);
void np_hist_add(struct np_hist *h, int64_t ns);
/* The q-quantile (0 < q <= 1) by nearest rank; -1 when empty. */
int64_t np_hist_quantile(const struct np_hist *h, double q);

#endif
