/* report_plugin.c - monitoring-plugin output, as check_icmp prints it:
 * one status line with performance data, and the state as exit code. */
#include "config.h"

#include "report.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "result.h"

static void plugin_done(void *vctx, const struct np_run_info *info,
			const struct np_result *r)
{
	struct np_report_plugin *ctx = vctx;

	(void)info;
	if (ctx->n == ctx->cap)
		return; /* more hosts than -H allows never get here */
	ctx->res[ctx->n] = *r;
	ctx->res[ctx->n].rtts = NULL; /* not kept */
	ctx->res[ctx->n++].nrtts = 0;
}

void np_report_plugin_sink(struct np_report_plugin *ctx, struct np_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->ctx = ctx;
	sink->done = plugin_done;
}

/* check_icmp: CRITICAL when the average RTA or the loss reaches the
 * critical threshold, WARNING when either reaches the warning one; and
 * check_tcp's -r: a port that refused makes the host at least that. */
int np_plugin_state(const struct np_options *o, const struct np_result *r)
{
	double rta = r->have_rtt ? r->avg_ns : INFINITY;
	int s = NP_PLUGIN_OK;

	if (rta >= (double)o->crit_rta_ns || r->loss_pct >= o->crit_pl)
		s = NP_PLUGIN_CRITICAL;
	else if (rta >= (double)o->warn_rta_ns || r->loss_pct >= o->warn_pl)
		s = NP_PLUGIN_WARNING;
	if (r->closed > 0 && o->refuse_state > s)
		s = o->refuse_state;
	return s;
}

static const char *state_name(int s)
{
	static const char *const names[] = {"OK", "WARNING", "CRITICAL",
					    "UNKNOWN"};

	return s >= 0 && s <= 3 ? names[s] : "UNKNOWN";
}

int np_report_plugin_print(struct np_report_plugin *ctx, FILE *f)
{
	const struct np_options *o = ctx->opt;
	int worst = NP_PLUGIN_OK, ok = 0, warn = 0;
	bool prefix = ctx->n > 1;

	for (size_t i = 0; i < ctx->n; i++) {
		int s = np_plugin_state(o, &ctx->res[i]);

		if (s > worst)
			worst = s;
		ok += s == NP_PLUGIN_OK;
		warn += s == NP_PLUGIN_WARNING;
	}
	if (ctx->n == 0)
		worst = NP_PLUGIN_UNKNOWN;
	/* -m N, as check_icmp: when N hosts are OK the check is OK, when N
	 * are OK or WARNING it is at most WARNING; else the worst host's. */
	if (o->min_alive > 0 && ctx->n > 0) {
		if (ok >= o->min_alive)
			worst = NP_PLUGIN_OK;
		else if (ok + warn >= o->min_alive && worst > NP_PLUGIN_WARNING)
			worst = NP_PLUGIN_WARNING;
	}
	fprintf(f, "%s - ", state_name(worst));
	for (size_t i = 0; i < ctx->n; i++) {
		const struct np_result *r = &ctx->res[i];

		fprintf(f, "%s%s: ", i > 0 ? " :: " : "", r->name);
		/* a host down because a router said so: why, and who said
		 * it, in check_icmp's "CAUSE @ ADDRESS. " form */
		if (!r->have_rtt && r->cause != NULL && *r->cause != '\0')
			fprintf(f, "%s @ %s. ", r->cause, r->cause_from);
		fputs("rta ", f);
		if (r->have_rtt)
			fprintf(f, "%.3fms", r->avg_ns / 1e6);
		else
			fputs("nan", f);
		fprintf(f, ", lost %.0f%%", floor(r->loss_pct));
		if (r->closed > 0) /* why -r made it what it is */
			fprintf(f, ", refused %" PRIu64, r->closed);
	}
	fputc('|', f);
	for (size_t i = 0; i < ctx->n; i++) {
		const struct np_result *r = &ctx->res[i];
		const char *p = prefix ? r->name : "";

		fprintf(f,
			"%srta=%.3fms;%.3f;%.3f;0; %spl=%.0f%%;%g;%g;; "
			"%srtmax=%.3fms;;;; %srtmin=%.3fms;;;; ",
			p, r->have_rtt ? r->avg_ns / 1e6 : 0.0,
			(double)o->warn_rta_ns / 1e6,
			(double)o->crit_rta_ns / 1e6, p, floor(r->loss_pct),
			o->warn_pl, o->crit_pl, p,
			r->have_rtt ? (double)r->max_ns / 1e6 : 0.0, p,
			r->have_rtt ? (double)r->min_ns / 1e6 : 0.0);
	}
	fputc('\n', f);
	return worst;
}
