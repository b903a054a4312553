/* stats.c - streaming per-target statistics */
#include "config.h"

#include "stats.h"

#include <math.h>
#include <string.h>

void np_rtt_init(struct np_rtt *r)
{
	memset(r, 0, sizeof(*r));
}

void np_rtt_add(struct np_rtt *r, int64_t ns)
{
	double delta;

	if (ns < 0)
		ns = 0; /* a clock cannot run backwards; never report it */
	r->n++;
	if (r->n == 1 || ns < r->min_ns)
		r->min_ns = ns;
	if (r->n == 1 || ns > r->max_ns)
		r->max_ns = ns;
	delta = (double)ns - r->mean_ns;
	r->mean_ns += delta / (double)r->n;
	r->m2 += delta * ((double)ns - r->mean_ns);
	if (r->n == 1)
		r->ewma_ns = (double)ns;
	else
		r->ewma_ns += ((double)ns - r->ewma_ns) / 8.0;
}

double np_rtt_avg_ns(const struct np_rtt *r)
{
	return r->n ? r->mean_ns : 0.0;
}

double np_rtt_mdev_ns(const struct np_rtt *r)
{
	if (r->n == 0)
		return 0.0;
	return sqrt(r->m2 / (double)r->n);
}

void np_stats_init(struct np_stats *s)
{
	memset(s, 0, sizeof(*s));
	np_rtt_init(&s->rtt);
	np_hist_init(&s->hist);
}

double np_loss_pct(uint64_t transmitted, uint64_t received)
{
	if (transmitted == 0 || received >= transmitted)
		return 0.0;
	return (double)(transmitted - received) * 100.0 / (double)transmitted;
}

double np_stats_loss_pct(const struct np_stats *s)
{
	return np_loss_pct(s->transmitted, s->received);
}
