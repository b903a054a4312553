/* hist.c - log-bucketed RTT histogram for percentiles */
#include "config.h"

#include "hist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void np_hist_init(struct np_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min_ns = INT64_MAX;
	h->max_ns = -1;
}

/* Bucket i >= 1 holds [1 µs * 2^((i-1)/16), 1 µs * 2^(i/16)). */
static unsigned bucket(int64_t ns)
{
	double b;

	if (ns < 1000)
		return 0;
	b = floor(log2((double)ns / 1000.0) * NP_HIST_SUB) + 1;
	return b >= NP_HIST_BUCKETS ? NP_HIST_BUCKETS - 1 : (unsigned)b;
}

/* The samples kept so far, into the buckets that take over their
 * memory. */
static void fold(struct np_hist *h)
{
	int64_t s[NP_HIST_EXACT];

	memcpy(s, h->s, sizeof(s));
	memset(h->n, 0, sizeof(h->n));
	for (size_t i = 0; i < NP_HIST_EXACT; i++)
		h->n[bucket(s[i])]++;
}

void np_hist_add(struct np_hist *h, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	if (h->count < NP_HIST_EXACT) {
		h->s[h->count] = ns;
	} else {
		if (h->count == NP_HIST_EXACT)
			fold(h);
		h->n[bucket(ns)]++;
	}
	h->count++;
	if (ns < h->min_ns)
		h->min_ns = ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

/* Insertion sort of at most NP_HIST_EXACT samples: glibc's qsort() may
 * call sysinfo(2) (_SC_PHYS_PAGES) for arrays over 1 KiB, which the
 * sandbox refuses after setup. */
static void sort_i64(int64_t *s, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		int64_t v = s[i];
		size_t j = i;

		for (; j > 0 && s[j - 1] > v; j--)
			s[j] = s[j - 1];
		s[j] = v;
	}
}

int64_t np_hist_quantile(const struct np_hist *h, double q)
{
	uint64_t rank, seen = 0;
	int64_t v, s[NP_HIST_EXACT];

	if (h->count == 0)
		return -1;
	if (q <= 0)
		return h->min_ns;
	rank = (uint64_t)ceil(q * (double)h->count); /* nearest rank */
	if (rank <= 1)
		return h->min_ns; /* the smallest sample is known exactly */
	if (rank >= h->count)
		return h->max_ns;
	if (h->count <= NP_HIST_EXACT) { /* the samples themselves */
		memcpy(s, h->s, (size_t)h->count * sizeof(s[0]));
		sort_i64(s, (size_t)h->count);
		return s[rank - 1];
	}
	for (unsigned i = 0; i < NP_HIST_BUCKETS; i++) {
		seen += h->n[i];
		if (seen < rank)
			continue;
		if (i == 0)
			v = 500;
		else /* geometric middle of the bucket */
			v = (int64_t)llround(
				1000.0 * exp2(((double)i - 0.5) / NP_HIST_SUB));
		if (v < h->min_ns)
			v = h->min_ns;
		if (v > h->max_ns)
			v = h->max_ns;
		return v;
	}
	return h->max_ns;
}
