/* stats.h - streaming per-target statistics (no per-packet storage) */
#ifndef NP_STATS_H
#define NP_STATS_H

#include <stdint.h>

#include "hist.h"

/* RTT accumulator: Welford's running mean and variance, min, max and an
 * EWMA (weight 1/8, as iputils ping).  O(1) memory whatever the count. */
struct np_rtt {
	uint64_t n;
	int64_t min_ns, max_ns;
	double mean_ns;
	double m2; /* sum of squared deviations from the mean */
	double ewma_ns;
};

/* What the matcher counts, for a target and for the run: the one counter
 * struct of every mode (ping mode is a run with one target). */
#define NP_COUNTS_FIELDS                                                       \
	uint64_t transmitted; /* probes handed to sendto, failed ones too */   \
	uint64_t received;    /* good replies, one per probe at most */        \
	uint64_t duplicates;  /* further replies to an answered probe */       \
	uint64_t corrupted;   /* ours, but bad checksum or altered payload */  \
	uint64_t errors;      /* ICMP errors about our probes + send errors */ \
	uint64_t errored;     /* probes that ended with an error, no reply:    \
			       * errors less redirects and source quench */    \
	uint64_t late;	      /* replies after the -W timeout (lost) */        \
	uint64_t closed; /* port probes: received replies that say the port    \
			  * is closed (a RST, a port unreachable) */

struct np_counts {
	NP_COUNTS_FIELDS
};

struct np_stats {
	/* the run's counts, by name (st->received) or as one struct (st->c) */
	union {
		struct np_counts c;
		struct {
			NP_COUNTS_FIELDS
		};
	};
	uint64_t foreign;     /* well-formed, but not for this run */
	uint64_t malformed;   /* failed a length or format check */
	uint64_t late_forced; /* pending probes evicted from a full probe
			       * table (more than 65536 in flight) */
	struct np_rtt rtt;
	struct np_hist hist; /* for percentiles */
	int64_t start_ns;    /* CLOCK_MONOTONIC */
	int64_t end_ns;
};

void np_rtt_init(struct np_rtt *r);
void np_rtt_add(struct np_rtt *r, int64_t ns);
double np_rtt_avg_ns(const struct np_rtt *r);
/* Population standard deviation, what iputils calls mdev. */
double np_rtt_mdev_ns(const struct np_rtt *r);

void np_stats_init(struct np_stats *s);
/* Percentage of transmitted probes without a good reply (0 if none sent):
 * of counts, and of a run's stats. */
double np_loss_pct(uint64_t transmitted, uint64_t received);
double np_stats_loss_pct(const struct np_stats *s);

#endif
