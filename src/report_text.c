/* report_text.c - text output in iputils ping's line format and summary,
 * so that tools parsing ping output (jc --ping) parse ours. */
#include "config.h"

#include "report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdio_ext.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "proto.h"
#include "resolver.h"
#include "result.h"
#include "target.h"

/* A line on hold: printed as is, or an ICMP error line whose router's
 * name is awaited: text, the router, tail. */
struct np_held_line {
	char *text;
	char *tail; /* NULL: a line as is */
	struct sockaddr_storage addr;
	int64_t until; /* CLOCK_MONOTONIC: printed by then at the latest */
};

const char *np_report_ts_name(unsigned ts)
{
	if (ts & NP_TS_TCPINFO)
		return "tcp_info";
	switch (ts & (NP_TS_TX_KERNEL | NP_TS_RX_KERNEL)) {
	case NP_TS_TX_KERNEL | NP_TS_RX_KERNEL:
		return "kernel";
	case NP_TS_RX_KERNEL:
		return "kernel-rx";
	case NP_TS_TX_KERNEL:
		return "kernel-tx";
	default:
		return "user";
	}
}

void np_report_format_rtt(int64_t rtt_ns, char *buf, size_t len)
{
	int64_t us = rtt_ns / 1000; /* iputils works in microseconds */

	if (np_report_decimals() > 3) {
		np_format_ms(rtt_ns, buf, len);
		return;
	}
	if (us < 0)
		us = 0;
	if (us >= 100000 - 50)
		snprintf(buf, len, "%" PRId64, (us + 500) / 1000);
	else if (us >= 10000 - 5)
		snprintf(buf, len, "%" PRId64 ".%01" PRId64, (us + 50) / 1000,
			 ((us + 50) % 1000) / 100);
	else if (us >= 1000)
		snprintf(buf, len, "%" PRId64 ".%02" PRId64, (us + 5) / 1000,
			 ((us + 5) % 1000) / 10);
	else
		snprintf(buf, len, "%" PRId64 ".%03" PRId64, us / 1000,
			 us % 1000);
}

/* "icmp_seq", "tcp_seq", ...: the protocol's name for a probe's number */
static const char *seqname(const struct np_run_info *info)
{
	return info->sock != NULL && info->sock->proto != NULL
		       ? info->sock->proto->seq_name
		       : np_proto_default()->seq_name;
}

unsigned np_report_port(const struct np_options *o, const char **name)
{
	const struct np_proto *P =
		o->proto != NULL ? np_proto_find(o->proto) : NULL;

	if (P == NULL)
		P = np_proto_default();
	*name = P->name;
	return o->port != 0 ? o->port : P->default_port;
}

bool np_report_synack_again(const struct np_event *ev)
{
	const struct np_reply *r = ev->reply;

	return r != NULL && r->proto != NULL && r->proto->reply_state != NULL &&
	       strcmp(r->proto->name, "tcp") == 0 &&
	       strcmp(r->proto->reply_state(r), "open") == 0;
}

void np_report_synack_warning(FILE *f, const struct np_event *ev)
{
	char addr[INET6_ADDRSTRLEN + 16] = "?";

	if (ev->from != NULL)
		np_addr_str(ev->from, addr, sizeof(addr));
	fprintf(f,
		"netprobe: warning: %s sent its SYN/ACK again (tcp_seq=%u): "
		"the RST this host's kernel sends in answer did not reach it "
		"(does a local firewall drop outgoing RSTs?); the target keeps "
		"a half-open connection until its SYN/ACK retries run out\n",
		addr, ev->seq);
}

/* --tcp, --udp: the port the probes go to; 0 for ICMP */
static unsigned run_port(const struct np_run_info *info)
{
	const struct np_proto *P =
		info->sock != NULL ? info->sock->proto : NULL;

	if (P == NULL || P->default_port == 0)
		return 0;
	return info->opt->port != 0 ? info->opt->port : P->default_port;
}

/* What a reply says of its port: " port=443 open", " port=443 closed
 * (RST)", " port=33434 closed (port unreachable)": the matcher's word
 * and how it was learnt (UDP), else the protocol's; nothing for ICMP. */
static void port_state(FILE *f, const struct np_event *ev)
{
	const struct np_reply *r = ev->reply;
	const char *state = ev->state, *note = ev->state_note;

	if (r == NULL || r->proto == NULL)
		return;
	if (state == NULL && r->proto->reply_state != NULL)
		state = r->proto->reply_state(r);
	if (state == NULL)
		return;
	if (note == NULL && strcmp(state, "closed") == 0 &&
	    strncmp(r->proto->name, "tcp", 3) == 0)
		note = "RST";
	fprintf(f, " port=%u %s", r->key.port, state);
	if (note != NULL)
		fprintf(f, " (%s)", note);
}

static bool numeric_out(const struct np_run_info *info)
{
	return info->opt->numeric || info->target->numeric;
}

static void stamp_str(char *buf, size_t len, const struct np_run_info *info,
		      int64_t wall_ns)
{
	buf[0] = '\0';
	if (info->opt->timestamps)
		snprintf(buf, len, "[%" PRId64 ".%06" PRId64 "] ",
			 wall_ns / NP_NSEC_PER_SEC,
			 (wall_ns % NP_NSEC_PER_SEC) / 1000);
}

static void stamp(FILE *f, const struct np_run_info *info, int64_t wall_ns)
{
	char buf[64];

	stamp_str(buf, sizeof(buf), info, wall_ns);
	fputs(buf, f);
}

/* A router as the helper knows it: "name (addr)"; "addr (addr)" when it
 * has no name (iputils, and a lookup without the helper); the bare
 * address, as -n, when the name is not known (yet). */
static void router_str(const struct np_report_text *ctx,
		       const struct sockaddr *sa, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN + 16], name[NI_MAXHOST];

	np_addr_str(sa, addr, sizeof(addr));
	switch (np_resolver_peek(ctx->resolver, sa, name, sizeof(name), NULL)) {
	case NP_NAME_FOUND:
		snprintf(buf, len, "%s (%s)", name, addr);
		break;
	case NP_NAME_NONE:
		snprintf(buf, len, "%s (%s)", addr, addr);
		break;
	default:
		snprintf(buf, len, "%s", addr);
		break;
	}
}

/* Reverse names of reporting routers, looked up once each: a lookup can
 * block (a dead resolver), and errors from one router come by the dozen.
 * -n avoids lookups altogether. */
static void cached_name(struct np_report_text *ctx, const struct sockaddr *sa,
			char *buf, size_t len)
{
	struct np_name_cache *c;
	size_t i;

	for (i = 0; i < NP_NAME_CACHE; i++) {
		c = &ctx->names[i];
		if (c->used &&
		    np_addr_equal((const struct sockaddr *)&c->addr, sa)) {
			snprintf(buf, len, "%s", c->name);
			return;
		}
	}
	c = &ctx->names[ctx->names_next++ % NP_NAME_CACHE];
	/* under the sandbox a lookup (new sockets, files) is not possible */
	np_addr_name(sa, ctx->no_lookups, c->name, sizeof(c->name));
	memset(&c->addr, 0, sizeof(c->addr));
	memcpy(&c->addr, sa, np_addr_len(sa->sa_family));
	c->used = true;
	snprintf(buf, len, "%s", c->name);
}

/* "name (addr)" unless numeric output. */
static void who(struct np_report_text *ctx, const struct np_run_info *info,
		const struct sockaddr *sa, bool reply, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN + 16], name[NI_MAXHOST];

	np_addr_str(sa, addr, sizeof(addr));
	if (numeric_out(info)) {
		snprintf(buf, len, "%s", addr);
		return;
	}
	if (reply &&
	    np_addr_equal(sa, (const struct sockaddr *)&info->target->addr)) {
		snprintf(name, sizeof(name), "%s", info->target->host);
	} else if (ctx->resolver != NULL && !reply) {
		router_str(ctx, sa, buf, len);
		return;
	} else {
		cached_name(ctx, sa, name, sizeof(name));
	}
	snprintf(buf, len, "%s (%s)", name, addr);
}

/* Print the held lines whose names came, or whose time ran out; all of
 * them with `force` (the summary, a signal: never wait for a name). */
static void release(struct np_report_text *ctx, int64_t now, bool force)
{
	char from[NI_MAXHOST + INET6_ADDRSTRLEN + 32];
	size_t k;

	for (k = 0; k < ctx->nheld; k++) {
		struct np_held_line *h = &ctx->held[k];
		const struct sockaddr *sa = (const struct sockaddr *)&h->addr;

		if (h->tail != NULL) {
			if (!force && now < h->until &&
			    np_resolver_peek(ctx->resolver, sa, from,
					     sizeof(from),
					     NULL) == NP_NAME_PENDING)
				break;
			router_str(ctx, sa, from, sizeof(from));
			fprintf(ctx->out, "%s%s%s", h->text, from, h->tail);
		} else {
			fputs(h->text, ctx->out);
		}
		free(h->text);
		free(h->tail);
	}
	if (k == 0)
		return;
	ctx->nheld -= k;
	memmove(ctx->held, ctx->held + k, ctx->nheld * sizeof(*ctx->held));
	fflush(ctx->out);
}

/* Queue a line (text and tail are the queue's now).  False when it
 * cannot: then the held lines are out, and the caller prints it. */
static bool hold(struct np_report_text *ctx, char *text, char *tail,
		 const struct sockaddr *sa, int64_t until)
{
	struct np_held_line *h;

	if (ctx->nheld == NP_HELD_MAX)
		release(ctx, 0, true);
	if (ctx->nheld == ctx->held_cap) {
		size_t cap = ctx->held_cap ? 2 * ctx->held_cap : 16;

		h = realloc(ctx->held, cap * sizeof(*h));
		if (h == NULL) {
			release(ctx, 0, true);
			return false;
		}
		ctx->held = h;
		ctx->held_cap = cap;
	}
	h = &ctx->held[ctx->nheld++];
	memset(h, 0, sizeof(*h));
	h->text = text;
	h->tail = tail;
	if (sa != NULL)
		memcpy(&h->addr, sa, np_addr_len(sa->sa_family));
	h->until = until;
	return true;
}

/* An ICMP error line: held when its router's name is on its way, or when
 * lines before it are held.  False: not held, the caller prints it. */
static bool hold_error_line(struct np_report_text *ctx,
			    const struct np_run_info *info,
			    const struct np_event *ev, const char *desc)
{
	char name[NI_MAXHOST], head[80], *text, *tail;
	int64_t now, asked = 0;
	enum np_name_state st;

	if (ctx->resolver == NULL || numeric_out(info) || ev->from == NULL)
		return false;
	now = np_clock_mono();
	st = np_resolver_lookup(ctx->resolver, ev->from, now, name,
				sizeof(name), &asked);
	if (st == NP_NAME_PENDING && now >= asked + NP_RESOLVER_BUDGET_NS)
		st = NP_NAME_UNKNOWN; /* asked long ago: no more waiting */
	if (st != NP_NAME_PENDING && ctx->nheld == 0)
		return false;
	stamp_str(head, sizeof(head), info, ev->wall_ns);
	text = NULL;
	tail = NULL;
	if (asprintf(&text, "%sFrom ", head) < 0)
		text = NULL;
	if (asprintf(&tail, " %s=%u %s\n", seqname(info), ev->seq, desc) < 0)
		tail = NULL;
	if (text == NULL || tail == NULL ||
	    !hold(ctx, text, tail, ev->from,
		  st == NP_NAME_PENDING ? asked + NP_RESOLVER_BUDGET_NS : 0)) {
		free(text);
		free(tail);
		release(ctx, 0, true);
		return false;
	}
	release(ctx, now, false);
	return true;
}

int np_report_text_poll(void *vctx, int64_t *wake)
{
	struct np_report_text *ctx = vctx;

	*wake = INT64_MAX;
	if (ctx->resolver == NULL)
		return -1;
	if (ctx->nheld > 0 && ctx->held[0].tail != NULL)
		*wake = ctx->held[0].until;
	return ctx->resolver->fd;
}

void np_report_text_pump(void *vctx)
{
	struct np_report_text *ctx = vctx;

	if (ctx->resolver == NULL)
		return;
	np_resolver_pump(ctx->resolver);
	release(ctx, np_clock_mono(), false);
}

static void text_start(void *vctx, const struct np_run_info *info)
{
	struct np_report_text *ctx = vctx;
	const struct np_target *t = info->target;
	const struct np_options *o = info->opt;

	if (o->pattern_len > 0 && !o->quiet) {
		fprintf(ctx->out, "PATTERN: 0x");
		for (size_t i = 0; i < o->pattern_len; i++)
			fprintf(ctx->out, "%02x", o->pattern[i]);
		fprintf(ctx->out, "\n");
	}
	if (run_port(info) != 0 && t->family == AF_INET6)
		/* iputils' line of the family, and what is probed */
		fprintf(ctx->out, "PING %s(%s) %ld data bytes, %s port %u.\n",
			t->name, t->addr_str, o->size, info->sock->proto->name,
			run_port(info));
	else if (run_port(info) != 0)
		fprintf(ctx->out,
			"PING %s (%s) %ld(%zu) bytes of data, %s port %u.\n",
			t->name, t->addr_str, o->size, info->packet_len,
			info->sock->proto->name, run_port(info));
	else if (t->family == AF_INET)
		fprintf(ctx->out, "PING %s (%s) %ld(%zu) bytes of data.\n",
			t->name, t->addr_str, o->size, info->packet_len);
	else if (t->numeric)
		fprintf(ctx->out, "PING %s(%s) %ld data bytes\n", t->name,
			t->addr_str, o->size);
	else
		fprintf(ctx->out, "PING %s(%s (%s)) %ld data bytes\n", t->name,
			t->host, t->addr_str, o->size);
	fflush(ctx->out);
}

static void payload_problem(FILE *f, const struct np_run_info *info,
			    const struct np_event *ev)
{
	switch (ev->payload) {
	case NP_PAYLOAD_LENGTH:
		fprintf(f, "wrong data length: %zu payload bytes, sent %zu\n",
			ev->mm.got_len, (size_t)info->opt->size);
		break;
	case NP_PAYLOAD_STAMP:
		fprintf(f,
			"wrong send stamp byte #%zu should be 0x%02x but was "
			"0x%02x\n",
			ev->mm.index, ev->mm.expected, ev->mm.got);
		break;
	case NP_PAYLOAD_DATA:
		fprintf(f,
			"wrong data byte #%zu should be 0x%02x but was "
			"0x%02x\n",
			ev->mm.index, ev->mm.expected, ev->mm.got);
		break;
	default:
		break;
	}
}

/* -f's marks go out at once, as iputils writes them: with write(2), after
 * whatever stdio still holds; through stdio, the fflush of each (two per
 * round trip) cost a flood about 4% more CPU than ping.  A failed write
 * goes through stdio after all, so that the error is seen at the end. */
static void put_now(FILE *f, const char *s)
{
	size_t n = strlen(s);

	if (__fpending(f) > 0 && fflush(f) != 0)
		return;
	while (n > 0) {
		ssize_t w = write(fileno(f), s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fputs(s, f);
			fflush(f);
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

static void text_event(void *vctx, const struct np_run_info *info,
		       const struct np_event *ev)
{
	struct np_report_text *ctx = vctx;
	char from[NI_MAXHOST + INET6_ADDRSTRLEN + 32], rtt[32], desc[256];
	char *mbuf = NULL;
	size_t mlen = 0;
	FILE *f = ctx->out;

	/* -f: a dot for each probe sent, erased by each good reply, "E" in
	 * place of the dot for an error (iputils) */
	if (info->opt->flood && !info->opt->quiet) {
		if (ev->kind == NP_EV_SENT) {
			put_now(ctx->out, ".");
			return;
		}
		if (ev->kind == NP_EV_REPLY) { /* a good one erases the dot */
			if (ev->flags == 0)
				put_now(ctx->out, "\b \b");
			return;
		}
		if (ev->kind == NP_EV_ICMP_ERROR) {
			put_now(ctx->out, "\bE");
			return;
		}
		if (ev->kind == NP_EV_LOCAL_ERROR)
			fputs("\bE", ctx->out);
	}
	/* Lines behind a held one wait in order (stdout only). */
	if (ctx->nheld > 0 && !info->opt->quiet &&
	    (ev->kind == NP_EV_REPLY || ev->kind == NP_EV_NO_ANSWER)) {
		f = open_memstream(&mbuf, &mlen);
		if (f == NULL) {
			release(ctx, 0, true);
			f = ctx->out;
		}
	}
	switch (ev->kind) {
	case NP_EV_SENT:
		return;
	case NP_EV_REPLY:
		if ((ev->flags & NP_EVF_DUP) && !ctx->synack_again_said &&
		    np_report_synack_again(ev)) {
			ctx->synack_again_said = true;
			np_report_synack_warning(ctx->diag, ev);
		}
		if (info->opt->quiet)
			return;
		stamp(f, info, ev->wall_ns);
		who(ctx, info, ev->from, true, from, sizeof(from));
		fprintf(f, "%zu bytes from %s: %s=%u", ev->bytes, from,
			seqname(info), ev->seq);
		if (ev->ttl >= 0)
			fprintf(f, " ttl=%d", ev->ttl);
		if (ev->rtt_ns >= 0) {
			np_report_format_rtt(ev->rtt_ns, rtt, sizeof(rtt));
			fprintf(f, " time=%s ms", rtt);
			if (ev->wire_rtt_ns > 0) { /* --save */
				np_report_format_rtt(ev->wire_rtt_ns, rtt,
						     sizeof(rtt));
				fprintf(f, " wire=%s ms", rtt);
			}
			if (info->opt->verbose)
				fprintf(f, " ts=%s", np_report_ts_name(ev->ts));
		}
		/* after iputils' fields, where parsers of ping's lines (jc)
		 * find them by position */
		port_state(f, ev);
		if (ev->flags & NP_EVF_DUP)
			fprintf(f, " (DUP!)");
		if (ev->flags & NP_EVF_BADSUM)
			fprintf(f, " (BAD CHECKSUM!)");
		if (ev->flags & NP_EVF_BADDATA)
			fprintf(f, " (BAD DATA!)");
		if ((ev->flags & NP_EVF_LATE) && ev->rtt_ns >= 0)
			fprintf(f, " (LATE! after -W, counted as lost)");
		else if (ev->flags & NP_EVF_LATE) /* before a wrap */
			fprintf(f, " (LATE! an earlier probe's, counted as "
				   "lost)");
		fprintf(f, "\n");
		if (ev->flags & NP_EVF_BADDATA)
			payload_problem(f, info, ev);
		break;
	case NP_EV_ICMP_ERROR:
		if (info->opt->quiet)
			return;
		np_reply_describe_error(info->target->family, ev->reply, desc,
					sizeof(desc));
		if (hold_error_line(ctx, info, ev, desc))
			return;
		stamp(f, info, ev->wall_ns);
		who(ctx, info, ev->from, false, from, sizeof(from));
		fprintf(f, "From %s %s=%u %s\n", from, seqname(info), ev->seq,
			desc);
		break;
	case NP_EV_LOCAL_ERROR:
		if (ev->reply && ev->reply->code == EMSGSIZE)
			fprintf(ctx->diag,
				"netprobe: local error: message too long, "
				"mtu=%u (%s=%u)\n",
				(unsigned)ev->reply->info, seqname(info),
				ev->seq);
		else
			fprintf(ctx->diag,
				"netprobe: local error: %s (%s=%u)\n",
				strerror(ev->reply ? ev->reply->code : 0),
				seqname(info), ev->seq);
		break;
	case NP_EV_SEND_ERROR:
		if (ev->err_no == EMSGSIZE && ev->mtu > 0)
			fprintf(ctx->diag,
				"netprobe: local error: message too long, "
				"mtu=%d (%s=%u)\n",
				ev->mtu, seqname(info), ev->seq);
		else
			fprintf(ctx->diag, "netprobe: %s: %s (%s=%u)\n",
				info->opt->connect ? "connect" : "sendto",
				strerror(ev->err_no), seqname(info), ev->seq);
		break;
	case NP_EV_TIMEOUT: /* ping says nothing: the summary counts it */
		return;
	case NP_EV_NO_ANSWER:
		if (info->opt->quiet)
			return;
		stamp(f, info, ev->wall_ns);
		fprintf(f, "no answer yet for %s=%u\n", seqname(info), ev->seq);
		break;
	case NP_EV_IGNORED: {
		char addr[INET6_ADDRSTRLEN + 16] = "?";

		if (ev->from != NULL)
			np_addr_str(ev->from, addr, sizeof(addr));
		/* A malformed error's type and code are valid (its fault is
		 * in the quote): what the user needs to know. */
		if (ev->from != NULL && ev->reply != NULL &&
		    ev->reply->kind == NP_RX_MALFORMED &&
		    ev->reply->icmp_valid) {
			np_reply_describe_error(ev->from->sa_family, ev->reply,
						desc, sizeof(desc));
			fprintf(ctx->diag,
				"netprobe: ignored a packet from %s: %s "
				"(type %u, code %u), malformed: %s\n",
				addr, desc, ev->reply->type, ev->reply->code,
				ev->why);
			break;
		}
		fprintf(ctx->diag, "netprobe: ignored a packet from %s: %s\n",
			addr, ev->why);
		break;
	}
	}
	if (f != ctx->out) {
		fclose(f);
		if (mbuf != NULL && !hold(ctx, mbuf, NULL, NULL, 0)) {
			fputs(mbuf, ctx->out);
			free(mbuf);
		}
	}
	fflush(ctx->out);
}

static void text_interim(void *vctx, const struct np_run_info *info,
			 const struct np_stats *st, uint64_t reported,
			 uint64_t active)
{
	struct np_report_text *ctx = vctx;
	char a[32], b[32], c[32], d[32];

	(void)info;
	(void)reported;
	(void)active;
	release(ctx, 0, true); /* SIGQUIT never waits for a name */
	fprintf(ctx->diag, "%" PRIu64 "/%" PRIu64 " packets, %d%% loss",
		st->received, st->transmitted, (int)np_stats_loss_pct(st));
	if (st->rtt.n > 0) {
		np_format_ms(st->rtt.min_ns, a, sizeof(a));
		np_format_ms((int64_t)np_rtt_avg_ns(&st->rtt), b, sizeof(b));
		np_format_ms((int64_t)st->rtt.ewma_ns, c, sizeof(c));
		np_format_ms(st->rtt.max_ns, d, sizeof(d));
		fprintf(ctx->diag, ", min/avg/ewma/max = %s/%s/%s/%s ms", a, b,
			c, d);
	}
	fprintf(ctx->diag, "\n");
	fflush(ctx->diag);
}

static void text_finish(void *vctx, const struct np_run_info *info,
			const struct np_stats *st)
{
	struct np_report_text *ctx = vctx;
	char a[32], b[32], c[32], d[32];
	FILE *f = ctx->out;

	/* the summary never waits for a name: held lines go by address */
	release(ctx, 0, true);
	free(ctx->held);
	ctx->held = NULL;
	ctx->held_cap = 0;
	fprintf(f, "\n--- %s ping statistics ---\n", info->target->name);
	fprintf(f, "%" PRIu64 " packets transmitted, %" PRIu64 " received",
		st->transmitted, st->received);
	if (st->duplicates)
		fprintf(f, ", +%" PRIu64 " duplicates", st->duplicates);
	if (st->corrupted)
		fprintf(f, ", +%" PRIu64 " corrupted", st->corrupted);
	if (st->errors)
		fprintf(f, ", +%" PRIu64 " errors", st->errors);
	if (st->transmitted) {
		fprintf(f, ", %g%% packet loss", np_stats_loss_pct(st));
		fprintf(f, ", time %" PRId64 "ms",
			(st->end_ns - st->start_ns) / NP_NSEC_PER_MSEC);
	}
	fprintf(f, "\n");
	if (st->rtt.n > 0) {
		np_format_ms(st->rtt.min_ns, a, sizeof(a));
		np_format_ms((int64_t)np_rtt_avg_ns(&st->rtt), b, sizeof(b));
		np_format_ms(st->rtt.max_ns, c, sizeof(c));
		np_format_ms((int64_t)np_rtt_mdev_ns(&st->rtt), d, sizeof(d));
		fprintf(f, "rtt min/avg/max/mdev = %s/%s/%s/%s ms\n", a, b, c,
			d);
		if (info->opt->percentiles && st->hist.count > 0) {
			np_format_ms(np_hist_quantile(&st->hist, 0.50), a,
				     sizeof(a));
			np_format_ms(np_hist_quantile(&st->hist, 0.90), b,
				     sizeof(b));
			np_format_ms(np_hist_quantile(&st->hist, 0.99), c,
				     sizeof(c));
			fprintf(f, "rtt p50/p90/p99 = %s/%s/%s ms\n", a, b, c);
		}
	} else {
		/* iputils ends a run without replies with an empty line, and
		 * parsers of its output (jc --ping) expect it. */
		fprintf(f, "\n");
	}
	if (info->opt->verbose)
		fprintf(ctx->diag,
			"netprobe: not counted: %" PRIu64 " late, %" PRIu64
			" foreign, %" PRIu64 " malformed; %" PRIu64
			" probes dropped from a full table\n",
			st->late, st->foreign, st->malformed, st->late_forced);
	fflush(f);
}

void np_report_text_sink(struct np_report_text *ctx, struct np_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->ctx = ctx;
	sink->start = text_start;
	sink->event = text_event;
	sink->progress = text_interim;
	sink->finish = text_finish;
}
