/* report_multi.c - text output for many targets, in fping's formats, so
 * that scripts written for fping read it; but on stdout, and in the order
 * the targets were given. */
#include "config.h"

#include "report.h"

#include "proto.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "clock.h"
#include "result.h"
#include "target.h"

static void target_name(const struct np_tview *t, char *buf, size_t len)
{
	if (t->name != NULL) {
		size_t n = strlen(t->name);

		if (n >= len)
			n = len - 1;
		memcpy(buf, t->name, n);
		buf[n] = '\0';
		return;
	}
	np_addr_str(t->addr, buf, len);
}

static void stamp(const struct np_report_multi *ctx, int64_t wall_ns)
{
	if (ctx->opt->timestamps)
		fprintf(ctx->out, "[%" PRId64 ".%06" PRId64 "] ",
			wall_ns / NP_NSEC_PER_SEC,
			(wall_ns % NP_NSEC_PER_SEC) / 1000);
}

/* fping: loss as a whole percentage, rounded down. */
static unsigned loss_pct(uint64_t transmitted, uint64_t received)
{
	if (transmitted == 0)
		return 0;
	return (unsigned)(((transmitted - received) * 100) / transmitted);
}

/* Per-reply lines: count modes only, and not with -q, -a or -u. */
static bool per_reply(const struct np_report_multi *ctx)
{
	return !ctx->alive_mode && !ctx->opt->quiet && !ctx->opt->alive_only &&
	       !ctx->opt->unreach_only;
}

static void reply_line(struct np_report_multi *ctx, const char *name,
		       const struct np_tview *t, const struct np_event *ev)
{
	char rtt[32], avg[32];

	np_report_format_rtt(ev->rtt_ns, rtt, sizeof(rtt));
	stamp(ctx, ev->wall_ns);
	if (ev->flags & NP_EVF_DUP) {
		fprintf(ctx->out, "%s : duplicate for [%u], %zu bytes, %s ms\n",
			name, ev->index, ev->bytes, rtt);
	} else if (ev->flags & NP_EVF_LATE) {
		if (ev->rtt_ns >= 0)
			fprintf(ctx->out,
				"%s : late reply for [%u], %zu bytes, %s ms "
				"(counted as lost)\n",
				name, ev->index, ev->bytes, rtt);
		else
			fprintf(ctx->out,
				"%s : late reply for an earlier probe with "
				"sequence %u, %zu bytes (counted as lost)\n",
				name, ev->seq, ev->bytes);
	} else if (ev->flags & (NP_EVF_BADSUM | NP_EVF_BADDATA)) {
		fprintf(ctx->out,
			"%s : corrupted reply for [%u], %zu bytes (%s, not "
			"counted)\n",
			name, ev->index, ev->bytes,
			ev->flags & NP_EVF_BADSUM ? "bad checksum"
						  : "altered payload");
	} else {
		np_report_format_rtt(t->avg_ns, avg, sizeof(avg));
		fprintf(ctx->out,
			"%s : [%u], %zu bytes, %s ms (%s avg, %u%% loss)", name,
			ev->index, ev->bytes, rtt, avg,
			loss_pct(t->transmitted, t->received));
		/* --tcp, --udp: what the reply says of the port */
		if (ev->reply != NULL && ev->reply->proto != NULL &&
		    ev->reply->proto->reply_state != NULL)
			fprintf(ctx->out, ", port %u %s", ev->reply->key.port,
				ev->state != NULL
					? ev->state
					: ev->reply->proto->reply_state(
						  ev->reply));
		/* -v: where the RTT's two times came from, as in ping mode */
		if (ctx->opt->verbose && ev->rtt_ns >= 0)
			fprintf(ctx->out, " ts=%s", np_report_ts_name(ev->ts));
		fputc('\n', ctx->out);
	}
}

static void multi_event(void *vctx, const struct np_run_info *info,
			const struct np_event *ev)
{
	struct np_report_multi *ctx = vctx;
	const struct np_tview *t = ev->tv;
	char name[NI_MAXHOST], from[INET6_ADDRSTRLEN + 16] = "?";
	char desc[128];

	(void)info;
	if (t == NULL) { /* not counted for any target: -v */
		if (ev->from != NULL)
			np_addr_str(ev->from, from, sizeof(from));
		fprintf(ctx->diag, "netprobe: ignored a packet from %s: %s\n",
			from, ev->why);
		return;
	}
	/* the name only for what prints it: in an alive sweep no reply
	 * does, and formatting it was a tenth of the sweep's user time */
	switch (ev->kind) {
	case NP_EV_REPLY:
		if ((ev->flags & NP_EVF_DUP) && !ctx->synack_again_said &&
		    np_report_synack_again(ev)) {
			ctx->synack_again_said = true;
			np_report_synack_warning(ctx->diag, ev);
		}
		if (!per_reply(ctx))
			break;
		target_name(t, name, sizeof(name));
		reply_line(ctx, name, t, ev);
		break;
	case NP_EV_ICMP_ERROR:
	case NP_EV_LOCAL_ERROR:
		if (ctx->opt->quiet)
			break;
		target_name(t, name, sizeof(name));
		if (ev->from != NULL)
			np_addr_str(ev->from, from, sizeof(from));
		np_reply_describe_error(t->family, ev->reply, desc,
					sizeof(desc));
		if (per_reply(ctx)) {
			stamp(ctx, ev->wall_ns);
			fprintf(ctx->out, "%s : [%u], %s from %s%s\n", name,
				ev->index, desc, from,
				ev->flags & NP_EVF_UNVERIFIED
					? " (unverified quote)"
					: "");
		} else if (!ctx->opt->alive_only && !ctx->opt->unreach_only) {
			fprintf(ctx->diag, "netprobe: %s: %s from %s\n", name,
				desc, from);
		}
		break;
	case NP_EV_SEND_ERROR:
		if (ctx->opt->quiet || (ev->flags & NP_EVF_REPEAT))
			break;
		target_name(t, name, sizeof(name));
		if (ev->err_no == EMSGSIZE && ev->mtu > 0)
			fprintf(ctx->diag,
				"netprobe: %s: sendto: %s, mtu=%d (-s %ld "
				"does not fit)\n",
				name, strerror(ev->err_no), ev->mtu,
				ctx->opt->size);
		else
			fprintf(ctx->diag, "netprobe: %s: %s: %s\n", name,
				ctx->opt->connect ? "connect" : "sendto",
				strerror(ev->err_no));
		break;
	case NP_EV_NO_ANSWER:
	case NP_EV_IGNORED:
	case NP_EV_TIMEOUT:
	case NP_EV_SENT: /* ping mode only (-f) */
		break;
	}
}

static void extras(FILE *f, const struct np_result *r)
{
	if (r->duplicates)
		fprintf(f, ", +%" PRIu64 " duplicates", r->duplicates);
	if (r->corrupted)
		fprintf(f, ", +%" PRIu64 " corrupted", r->corrupted);
	if (r->errors)
		fprintf(f, ", +%" PRIu64 " errors", r->errors);
	if (r->late)
		fprintf(f, ", +%" PRIu64 " late", r->late);
}

static void multi_done(void *vctx, const struct np_run_info *info,
		       const struct np_result *r)
{
	struct np_report_multi *ctx = vctx;
	const struct np_options *o = ctx->opt;
	const char *name = r->name;
	char a[32], b[32], c[32];

	(void)info;
	if (o->alive_only || o->unreach_only) {
		if ((r->received > 0) == o->alive_only) {
			fputs(name, ctx->out); /* one per address: no printf */
			fputc('\n', ctx->out);
		}
		return;
	}
	if (ctx->alive_mode) {
		if (!o->quiet) {
			fputs(name, ctx->out);
			fputs(r->received > 0 ? " is alive\n"
					      : " is unreachable\n",
			      ctx->out);
		}
		return;
	}
	if (o->vcount > 0) {
		fprintf(ctx->out, "%s :", name);
		for (size_t i = 0; i < r->nrtts && i < (size_t)o->vcount; i++) {
			if (r->rtts[i] < 0) {
				fputs(" -", ctx->out);
				continue;
			}
			np_report_format_rtt(r->rtts[i], a, sizeof(a));
			fprintf(ctx->out, " %s", a);
		}
		fputc('\n', ctx->out);
		return;
	}
	fprintf(ctx->out, "%s : xmt/rcv/%%loss = %" PRIu64 "/%" PRIu64 "/%u%%",
		name, r->transmitted, r->received,
		loss_pct(r->transmitted, r->received));
	if (r->received > 0) {
		np_report_format_rtt(r->min_ns, a, sizeof(a));
		np_report_format_rtt((int64_t)r->avg_ns, b, sizeof(b));
		np_report_format_rtt(r->max_ns, c, sizeof(c));
		fprintf(ctx->out, ", min/avg/max = %s/%s/%s", a, b, c);
		if (o->percentiles && r->p50_ns >= 0) {
			np_report_format_rtt(r->p50_ns, a, sizeof(a));
			np_report_format_rtt(r->p90_ns, b, sizeof(b));
			np_report_format_rtt(r->p99_ns, c, sizeof(c));
			fprintf(ctx->out, ", p50/p90/p99 = %s/%s/%s", a, b, c);
		}
	}
	extras(ctx->out, r);
	fputc('\n', ctx->out);
}

static void multi_flush(void *vctx)
{
	struct np_report_multi *ctx = vctx;

	fflush(ctx->out);
}

static void multi_progress(void *vctx, const struct np_run_info *info,
			   const struct np_stats *total, uint64_t reported,
			   uint64_t active)
{
	struct np_report_multi *ctx = vctx;

	(void)info;
	fflush(ctx->out);
	fprintf(ctx->diag,
		"netprobe: %" PRIu64 " targets done, %" PRIu64
		" being probed; %" PRIu64 " probes sent, %" PRIu64 " replies\n",
		reported, active, total->transmitted, total->received);
}

void np_report_multi_sink(struct np_report_multi *ctx, struct np_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->ctx = ctx;
	sink->event = multi_event;
	sink->done = multi_done;
	sink->flush = multi_flush;
	sink->progress = multi_progress;
}
