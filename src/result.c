/* result.c - one target's numbers for the summaries of every format */
#include "config.h"

#include "result.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "clock.h"
#include "match.h"
#include "report.h"

static void rtt_part(struct np_result *r, const struct np_rtt *rtt,
		     const struct np_hist *h)
{
	r->have_rtt = rtt->n > 0;
	r->p50_ns = r->p90_ns = r->p99_ns = -1;
	if (!r->have_rtt)
		return;
	r->min_ns = rtt->min_ns;
	r->max_ns = rtt->max_ns;
	r->avg_ns = np_rtt_avg_ns(rtt);
	r->mdev_ns = np_rtt_mdev_ns(rtt);
	r->sum_ns = rtt->mean_ns * (double)rtt->n;
	if (h != NULL && h->count > 0) {
		r->p50_ns = np_hist_quantile(h, 0.50);
		r->p90_ns = np_hist_quantile(h, 0.90);
		r->p99_ns = np_hist_quantile(h, 0.99);
	}
}

void np_result_from_stats(struct np_result *r, const char *name,
			  const char *address, const struct np_stats *st)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->address, sizeof(r->address), "%s", address);
	r->transmitted = st->transmitted;
	r->received = st->c.received;
	r->duplicates = st->c.duplicates;
	r->corrupted = st->c.corrupted;
	r->errors = st->c.errors;
	r->late = st->c.late;
	r->closed = st->c.closed;
	r->loss_pct = np_stats_loss_pct(st);
	r->cause = "";
	rtt_part(r, &st->rtt, &st->hist);
}

_Static_assert(offsetof(struct np_result, name) == 0,
	       "np_result_from_tstate clears what follows the name");

void np_result_from_tstate(struct np_result *r, const struct np_tstate *t)
{
	struct sockaddr_storage ss;

	/* all but the name (written below): one per target of a sweep */
	memset((char *)r + sizeof(r->name), 0, sizeof(*r) - sizeof(r->name));
	np_tstate_addr(t, &ss);
	np_addr_str((struct sockaddr *)&ss, r->address, sizeof(r->address));
	snprintf(r->name, sizeof(r->name), "%s",
		 t->name != NULL ? t->name : r->address);
	r->transmitted = t->c.transmitted;
	r->received = t->c.received;
	r->duplicates = t->c.duplicates;
	r->corrupted = t->c.corrupted;
	r->errors = t->c.errors;
	r->late = t->c.late;
	r->closed = t->c.closed;
	r->loss_pct = np_loss_pct(t->c.transmitted, t->c.received);
	rtt_part(r, &t->rtt, t->hist);
	r->start_wall_ns = t->start_wall_ns;
	r->end_wall_ns = np_clock_real();
	r->cause = "";
	r->rtts = t->rtts;
	r->nrtts = t->rtts != NULL ? (size_t)t->c.transmitted : 0;
	if (t->err_set) {
		const char *code = np_icmp_code_name(t->err_family, t->err_type,
						     t->err_code);

		/* the code says more ("host-unreachable"); where it has no
		 * name, the type ("packet-too-big") */
		r->cause =
			strcmp(code, "other") != 0
				? code
				: np_icmp_type_name(t->err_family, t->err_type);
		inet_ntop(t->err_family, t->err_from, r->cause_from,
			  sizeof(r->cause_from));
	}
}
