/* report_json.c - JSON Lines: one object per event, one summary object per
 * target (contrib/netprobe.schema.json).  Numbers are numbers, strings are
 * escaped, times are RFC 3339 in UTC with microseconds. */
#include "config.h"

#include "report.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "proto.h"
#include "result.h"
#include "target.h"

/* Milliseconds with microsecond resolution (--decimals: up to ns), as a
 * JSON number. */
static void ms(FILE *f, const char *key, double ns)
{
	fprintf(f, ",\"%s\":%.*f", key, np_report_decimals(), ns / 1e6);
}

/* Where an RTT's send and receive times came from. */
static const char *ts_name(unsigned ts, unsigned bit)
{
	if (ts & NP_TS_TCPINFO) /* both ends of TCP_INFO's sample */
		return "tcp_info";
	return ts & bit ? "kernel" : "user";
}

static void head(FILE *f, const char *event, int64_t wall_ns, const char *name,
		 const char *address)
{
	fprintf(f, "{\"event\":\"%s\",\"time\":", event);
	np_json_time(f, wall_ns);
	fputs(",\"target\":", f);
	np_json_string(f, name);
	fputs(",\"address\":", f);
	np_json_string(f, address);
}

/* --tcp, --udp: the protocol, the far port and (a reply) what it says
 * of the port (the matcher's word, else the protocol's) and how that was
 * learnt (UDP); nothing for ICMP Echo. */
static void proto_port(FILE *f, const struct np_event *ev, bool state)
{
	const struct np_reply *r = ev->reply;
	const char *st = ev->state;

	if (r == NULL || r->proto == NULL || r->key.port == 0 ||
	    r->proto->default_port == 0)
		return;
	fprintf(f, ",\"proto\":\"%s\",\"port\":%u", r->proto->name,
		r->key.port);
	if (st == NULL && r->proto->reply_state != NULL)
		st = r->proto->reply_state(r);
	if (state && st != NULL)
		fprintf(f, ",\"state\":\"%s\"", st);
	if (state && ev->state_note != NULL) {
		fputs(",\"state_reason\":", f);
		np_json_string(f, ev->state_note);
	}
}

/* A UDP probe that timed out: its protocol and port, and nmap's word
 * for the silence. */
static void timeout_state(FILE *f, const struct np_run_info *info)
{
	const char *proto;
	unsigned port = np_report_port(info->opt, &proto);

	if (port == 0 || strcmp(proto, "udp") != 0)
		return;
	fprintf(f, ",\"proto\":\"%s\",\"port\":%u,\"state\":\"open|filtered\"",
		proto, port);
}

/* One event; `index` is -1 in ping mode (the sequence number says it). */
static void json_event(FILE *f, const struct np_run_info *info, int family,
		       const char *name, const char *address, long long index,
		       const struct np_event *ev)
{
	char from[INET6_ADDRSTRLEN + 16] = "";
	const char *event = "reply";

	if (ev->from != NULL)
		np_addr_str(ev->from, from, sizeof(from));
	switch (ev->kind) {
	case NP_EV_REPLY:
		event = ev->flags & NP_EVF_DUP	  ? "duplicate"
			: ev->flags & NP_EVF_LATE ? "late"
			: ev->flags & (NP_EVF_BADSUM | NP_EVF_BADDATA)
				? "corrupted"
				: "reply";
		break;
	case NP_EV_ICMP_ERROR:
		event = "icmp_error";
		break;
	case NP_EV_LOCAL_ERROR:
		event = "local_error";
		break;
	case NP_EV_SEND_ERROR:
		event = "send_error";
		break;
	case NP_EV_NO_ANSWER:
		event = "no_answer";
		break;
	case NP_EV_TIMEOUT:
		event = "timeout";
		break;
	case NP_EV_IGNORED:
		event = "ignored";
		break;
	case NP_EV_SENT: /* not an event of the JSON output */
		return;
	}
	head(f, event, ev->wall_ns, name, address);
	if (ev->kind != NP_EV_IGNORED) {
		fprintf(f, ",\"seq\":%u", ev->seq);
		if (index >= 0)
			fprintf(f, ",\"probe\":%lld", index);
	}
	switch (ev->kind) {
	case NP_EV_REPLY:
		fputs(",\"from\":", f);
		np_json_string(f, from);
		fprintf(f, ",\"bytes\":%zu", ev->bytes);
		if (ev->ttl >= 0)
			fprintf(f, ",\"ttl\":%d", ev->ttl);
		if (ev->rtt_ns >= 0) {
			ms(f, "rtt_ms", (double)ev->rtt_ns);
			fprintf(f, ",\"tx_ts\":\"%s\",\"rx_ts\":\"%s\"",
				ts_name(ev->ts, NP_TS_TX_KERNEL),
				ts_name(ev->ts, NP_TS_RX_KERNEL));
			if (ev->wire_rtt_ns > 0) /* --save */
				ms(f, "wire_rtt_ms", (double)ev->wire_rtt_ns);
		}
		if (ev->flags & (NP_EVF_BADSUM | NP_EVF_BADDATA))
			fprintf(f, ",\"reason\":\"%s\"",
				ev->flags & NP_EVF_BADSUM ? "bad checksum"
							  : "altered payload");
		proto_port(f, ev, true);
		break;
	case NP_EV_TIMEOUT: /* UDP: silence, as nmap says */
		timeout_state(f, info);
		break;
	case NP_EV_ICMP_ERROR:
	case NP_EV_LOCAL_ERROR: {
		char desc[128];

		np_reply_describe_error(family, ev->reply, desc, sizeof(desc));
		fputs(",\"from\":", f);
		np_json_string(f, from);
		if (ev->kind == NP_EV_ICMP_ERROR)
			fprintf(f,
				",\"type\":%u,\"code\":%u,\"type_name\":\"%s\","
				"\"code_name\":\"%s\"",
				ev->reply->type, ev->reply->code,
				np_icmp_type_name(family, ev->reply->type),
				np_icmp_code_name(family, ev->reply->type,
						  ev->reply->code));
		fputs(",\"message\":", f);
		np_json_string(f, desc);
		fprintf(f, ",\"verified\":%s",
			ev->flags & NP_EVF_UNVERIFIED ? "false" : "true");
		if (ev->kind == NP_EV_ICMP_ERROR)
			proto_port(f, ev, false);
		break;
	}
	case NP_EV_SEND_ERROR:
		fprintf(f, ",\"errno\":%d,\"message\":", ev->err_no);
		np_json_string(f, strerror(ev->err_no));
		if (ev->mtu > 0)
			fprintf(f, ",\"mtu\":%d", ev->mtu);
		break;
	case NP_EV_IGNORED:
		fputs(",\"from\":", f);
		np_json_string(f, from);
		fputs(",\"reason\":", f);
		np_json_string(f, ev->why);
		break;
	default:
		break;
	}
	fputs("}\n", f);
}

void np_json_summary(FILE *f, const struct np_result *r)
{
	head(f, "summary", r->end_wall_ns, r->name, r->address);
	fprintf(f,
		",\"transmitted\":%" PRIu64 ",\"received\":%" PRIu64
		",\"duplicates\":%" PRIu64 ",\"corrupted\":%" PRIu64
		",\"errors\":%" PRIu64 ",\"late\":%" PRIu64
		",\"loss_pct\":%.3f",
		r->transmitted, r->received, r->duplicates, r->corrupted,
		r->errors, r->late, r->loss_pct);
	if (r->have_rtt) {
		fprintf(f, ",\"rtt_ms\":{\"min\":%.*f", np_report_decimals(),
			(double)r->min_ns / 1e6);
		ms(f, "avg", r->avg_ns);
		ms(f, "max", (double)r->max_ns);
		ms(f, "mdev", r->mdev_ns);
		if (r->p50_ns >= 0) {
			ms(f, "p50", (double)r->p50_ns);
			ms(f, "p90", (double)r->p90_ns);
			ms(f, "p99", (double)r->p99_ns);
		}
		fputc('}', f);
	} else {
		fputs(",\"rtt_ms\":null", f);
	}
	if (r->port != 0 && r->proto != NULL)
		fprintf(f, ",\"proto\":\"%s\",\"port\":%u,\"closed\":%" PRIu64,
			r->proto, r->port, r->closed);
	fputs(",\"privilege\":", f);
	np_json_string(f, r->privilege != NULL ? r->privilege : "");
	fputs(",\"start\":", f);
	np_json_time(f, r->start_wall_ns);
	fputs(",\"end\":", f);
	np_json_time(f, r->end_wall_ns);
	fputs("}\n", f);
}

/* ---- ping mode ------------------------------------------------------------
 */

static void single_event(void *vctx, const struct np_run_info *info,
			 const struct np_event *ev)
{
	struct np_report_json *ctx = vctx;

	if (ev->kind == NP_EV_SENT)
		return;

	if (ev->kind == NP_EV_IGNORED && !info->opt->verbose)
		return;
	json_event(ctx->out, info, info->target->family, info->target->name,
		   info->target->addr_str, -1, ev);
	fflush(ctx->out);
}

/* The summary of a target, in either mode. */
static void json_done(void *vctx, const struct np_run_info *info,
		      const struct np_result *r)
{
	struct np_report_json *ctx = vctx;
	struct np_result pr = *r;

	pr.port = np_report_port(info->opt, &pr.proto);
	np_json_summary(ctx->out, &pr);
}

static void json_flush(void *vctx)
{
	struct np_report_json *ctx = vctx;

	fflush(ctx->out);
}

void np_report_json_sink(struct np_report_json *ctx, struct np_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->ctx = ctx;
	sink->event = single_event;
	sink->done = json_done;
	sink->flush = json_flush;
}

/* ---- many targets ---------------------------------------------------------
 */

static void multi_event(void *vctx, const struct np_run_info *info,
			const struct np_event *ev)
{
	struct np_report_json *ctx = vctx;
	const struct np_tview *t = ev->tv;
	char address[INET6_ADDRSTRLEN + 16];

	if (t == NULL) { /* -v, or a duplicate the text warns about */
		if (info->opt->verbose)
			json_event(ctx->out, info, AF_UNSPEC, "", "", -1, ev);
		return;
	}
	np_addr_str(t->addr, address, sizeof(address));
	json_event(ctx->out, info, t->family,
		   t->name != NULL ? t->name : address, address, ev->index, ev);
}

void np_report_json_msink(struct np_report_json *ctx, struct np_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->ctx = ctx;
	sink->event = multi_event;
	sink->done = json_done;
	sink->flush = json_flush;
}
