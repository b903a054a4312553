/* fuzz_reply.c - libFuzzer harness for the reply parser and the matchers.
 *
 * The input is parsed as what each kind of socket delivers: an IPv4 raw
 * socket (with the IP header), an IPv4 datagram socket, an ICMPv6 socket
 * (with the pseudo-header addresses, so the checksum is checked), and an
 * error-queue message (see FX_EQ_HDR).  Each is parsed twice: as it came,
 * and with its ICMP checksum made right, so that mutated packets still get
 * past the checksum to the matchers.  Every parsed reply goes to the
 * single-target matcher (np_match_packet) and to the many-target matcher
 * (np_match_packet), as from the target and as from a router, and every
 * error is described.  The same bytes are parsed for the TCP SYN probe
 * too: as a raw IPv4 TCP socket reads them (IP header first), as a raw
 * IPv6 one (TCP header first), as a TCP error-queue quote, and with the
 * acknowledgment number made right for one of the fixture's probes.
 * Invariants of the parse and of the matchers' counts are checked: a
 * violation aborts, as a crash.
 *
 * The same input is parsed for UDP probes too (np_proto_udp): as an ICMP
 * error quoting a UDP datagram (IPv4 raw, ICMPv6), as the UDP socket's
 * error queue hands it back and as an application's datagram, matched by
 * a UDP run's matchers (its port set) with netprobe's payload and with a
 * payload of the user's (answers by order). */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include <linux/errqueue.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "fuzz_fixture.h"
#include "icmp.h"
#include "proto_icmp.h"
#include "proto_tcp.h"
#include "proto_udp.h"
#include "match.h"
#include "reply.h"
#include "target.h"
#include "fuzz_check.h"

/* FUZZ_REPLY_TRACE=1 in the environment: say what each variant parsed and
 * what the matchers made of it (to check the seeds, or a crash). */
static int trace = -1;
static const char *variant = "";
/* the UDP variants: the probes' port, and the user's payload or NULL */
static uint16_t fx_port;
static const uint8_t *fx_user;
static const uint8_t fx_query[12] = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	if (trace < 0)
		trace = getenv("FUZZ_REPLY_TRACE") != NULL;
	if (!trace)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static struct sockaddr_storage addr_of(const char *s)
{
	struct sockaddr_storage ss;

	np_addr_parse(s, AF_UNSPEC, &ss);
	return ss;
}

static struct in6_addr in6_of(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

static void spec_init(struct np_payload_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->key.k0 = FX_COOKIE;
	spec->size = FX_SIZE;
	if (fx_port != 0) /* UDP: the checksum and sequence bytes first */
		spec->size -= NP_UDP_HEAD_LEN;
	spec->user = fx_user;
	spec->user_len = fx_user != NULL ? sizeof(fx_query) : 0;
}

/* ---- fixtures: a run with six probes sent, in every state ------------- */

struct one {
	struct np_matcher m;
	struct np_tstate tgt;
	struct np_stats st;
};

static void one_setup(struct one *f, int family, enum np_sock_kind kind)
{
	memset(f, 0, sizeof(*f));
	struct sockaddr_storage tgt =
		addr_of(family == AF_INET6 ? FX_TGT6 : FX_TGT4);

	f->m.kind[family == AF_INET6 ? 1 : 0] = kind;
	f->m.ident[family == AF_INET6 ? 1 : 0] = FX_IDENT;
	f->m.port = fx_port;
	spec_init(&f->m.spec);
	f->m.total = &f->st;
	f->m.total_rtt = true;
	f->m.slots = &f->tgt;
	f->m.nslots = 1;
	np_stats_init(&f->st);
	f->tgt.used = true;
	f->tgt.gen = 1;
	f->tgt.hist = &f->st.hist;
	np_tstate_set_addr(&f->tgt, (struct sockaddr *)&tgt);
	np_rtt_init(&f->tgt.rtt);
	if (np_probe_table_init(&f->m.tab, 10000 * FX_MS, 1000 * FX_MS) != 0)
		abort();
	f->m.tab.next = f->m.tab.oldest = FX_FIRST;
	for (unsigned i = 0; i < FX_NPROBES; i++) {
		struct np_probe *p = np_probe_table_next(&f->m.tab, NULL);

		p->stamp = FX_STAMP0 + p->no;
		p->sent_mono = (int64_t)(i + 1) * FX_MS;
		np_match_sent(&f->m, p, 0, i != 2);
		if (i == 1) {
			p->state = NP_PROBE_REPLIED;
			f->m.tab.pending--;
			f->tgt.inflight--;
			f->tgt.c.received++;
			f->st.received++;
		} else if (i == 3) {
			p->state = NP_PROBE_TIMEDOUT;
			f->m.tab.pending--;
			f->tgt.inflight--;
		}
	}
}

struct many {
	struct np_matcher m;
	struct np_stats total;
	struct np_tstate slots[3];
	int64_t rtts[3][2];
	struct np_hist hist;
};

static void many_setup(struct many *f)
{
	static const char *const addrs[3] = {FX_TGT4, FX_TGT6, FX_GONE4};

	memset(f, 0, sizeof(*f));
	f->m.kind[0] = NP_SOCK_RAW;
	f->m.ident[0] = FX_IDENT;
	f->m.kind[1] = NP_SOCK_DGRAM;
	f->m.ident[1] = FX_IDENT;
	f->m.port = fx_port;
	spec_init(&f->m.spec);
	f->m.slots = f->slots;
	f->m.nslots = 3;
	f->m.keep_rtts = 2;
	f->m.total = &f->total;
	np_stats_init(&f->total);
	np_hist_init(&f->hist);
	if (np_probe_table_init(&f->m.tab, 1000 * FX_MS, 100 * FX_MS) != 0)
		abort();
	for (int i = 0; i < 3; i++) {
		struct sockaddr_storage ss = addr_of(addrs[i]);

		f->slots[i].ord = (uint64_t)i;
		f->slots[i].used = true;
		f->slots[i].gen = 1;
		f->slots[i].rtts = f->rtts[i];
		f->rtts[i][0] = f->rtts[i][1] = -1;
		np_tstate_set_addr(&f->slots[i], (struct sockaddr *)&ss);
		np_rtt_init(&f->slots[i].rtt);
	}
	f->slots[0].hist = &f->hist;
	f->m.tab.next = f->m.tab.oldest = FX_FIRST;
	for (unsigned i = 0; i < FX_NPROBES; i++) {
		struct np_probe *p = np_probe_table_next(&f->m.tab, NULL);
		uint32_t slot = (uint32_t)(p->no % 3);

		p->stamp = FX_STAMP0 + p->no;
		p->sent_mono = (int64_t)(i + 1) * FX_MS;
		np_match_sent(&f->m, p, slot, i != 2);
		if (i == 1) {
			p->state = NP_PROBE_REPLIED;
			f->m.tab.pending--;
			f->slots[slot].inflight--;
			f->slots[slot].c.received++;
			f->total.received++;
		} else if (i == 3) {
			p->state = NP_PROBE_TIMEDOUT;
			f->m.tab.pending--;
			f->slots[slot].inflight--;
		}
	}
	f->slots[2].gen++; /* reported: its replies are late */
}

/* ---- invariants --------------------------------------------------------- */

static void check_table(const struct np_probe_table *t)
{
	uint64_t pending = 0;

	for (size_t i = 0; i <= t->mask; i++)
		if (t->slot[i].state == NP_PROBE_PENDING)
			pending++;
	CHECK(pending == t->pending);
	CHECK(t->next == FX_FIRST + FX_NPROBES);
}

static void check_counts(const struct np_stats *s)
{
	CHECK(s->transmitted == FX_NPROBES);
	CHECK(s->received <= s->transmitted);
	CHECK(s->errored <= s->transmitted);
}

static void check_stats(const struct np_stats *s)
{
	check_counts(s);
	/* one reply per probe at most, each an RTT sample (the fixture's
	 * replied probe is counted without one) */
	CHECK(s->rtt.n + 1 == s->received);
	CHECK(s->hist.count == s->rtt.n);
}

/* The many-target total: counts only, its RTTs are the targets' (nothing
 * shows a total RTT, so none is kept). */
static void check_total(const struct np_stats *s)
{
	check_counts(s);
	CHECK(s->rtt.n == 0 && s->hist.count == 0);
}

static void check_parse(const uint8_t *buf, size_t len,
			const struct np_reply *r)
{
	CHECK(r->kind <= NP_RX_APP_REPLY);
	CHECK(r->why < NP_MAL_COUNT);
	CHECK((r->kind == NP_RX_MALFORMED) == (r->why != NP_MAL_NONE));
	CHECK(r->icmp_len <= len);
	if (r->key.auth != NULL) {
		CHECK(r->key.auth >= buf && r->key.auth <= buf + len);
		CHECK(r->key.auth_len <= (size_t)(buf + len - r->key.auth));
	} else {
		CHECK(r->key.auth_len == 0);
	}
	/* a TCP reply or quote authenticates with its ISN's tag instead; a
	 * UDP one may prove nothing (no auth bytes), or carry them */
	if (r->proto != &np_proto_udp &&
	    (r->kind == NP_RX_ECHO_REPLY || r->kind == NP_RX_ERROR ||
	     r->kind == NP_RX_LOCAL_ERROR) &&
	    r->key.proof != NP_PROOF_TAG)
		CHECK(r->key.auth != NULL);
	if (r->key.proof == NP_PROOF_AUTH)
		CHECK(r->key.auth != NULL);
	if (r->kind == NP_RX_APP_REPLY)
		CHECK(r->proto == &np_proto_udp);
	if (r->key.proof == NP_PROOF_TAG)
		CHECK(r->proto == &np_proto_tcp && r->key.auth == NULL);
	if (r->quoted_dst_set)
		CHECK(r->quoted_dst.ss_family == AF_INET ||
		      r->quoted_dst.ss_family == AF_INET6);
	if (r->has_gateway)
		CHECK(r->gateway.ss_family == AF_INET ||
		      r->gateway.ss_family == AF_INET6);
}

static void check_event(const struct np_event *ev, bool shown)
{
	if (!shown)
		return;
	CHECK(ev->kind == NP_EV_REPLY || ev->kind == NP_EV_ICMP_ERROR ||
	      ev->kind == NP_EV_LOCAL_ERROR || ev->kind == NP_EV_IGNORED);
	if (ev->kind == NP_EV_IGNORED)
		CHECK(ev->why != NULL && ev->why[0] != '\0');
	if (ev->rtt_ns != -1)
		CHECK(ev->rtt_ns >= 0);
}

/* ---- one parsed reply through both matchers ----------------------------- */

static void describe(int family, const struct np_reply *r)
{
	char small[24], big[256];

	(void)np_reply_malformed_name(r->why);
	if (r->kind != NP_RX_ERROR && r->kind != NP_RX_LOCAL_ERROR)
		return;
	np_reply_describe_error(family, r, small, sizeof(small));
	CHECK(memchr(small, '\0', sizeof(small)) != NULL);
	np_reply_describe_error(family, r, big, sizeof(big));
	CHECK(memchr(big, '\0', sizeof(big)) != NULL);
}

static void match(int family, enum np_sock_kind kind, const struct np_reply *r)
{
	struct sockaddr_storage from[2];
	struct one one;
	struct many many;
	struct np_event ev;
	bool shown;

	say("%s: kind %d (%s) type %u code %u id %#x seq %u data %zu "
	    "checksum %s\n",
	    variant, r->kind, np_reply_malformed_name(r->why), r->type, r->code,
	    r->key.flow, r->key.seq, r->key.auth_len,
	    !r->checksum_checked ? "unchecked"
	    : r->checksum_ok	 ? "ok"
				 : "bad");
	from[0] = addr_of(family == AF_INET6 ? FX_TGT6 : FX_TGT4);
	from[1] = addr_of(family == AF_INET6 ? FX_RTR6 : FX_RTR4);
	describe(family, r);

	one_setup(&one, family, kind);
	many_setup(&many);
	for (int round = 0; round < 2; round++) /* twice: duplicates */
		for (int i = 0; i < 2; i++) {
			const struct sockaddr *sa =
				(const struct sockaddr *)&from[i];

			shown = np_match_packet(&one.m, r, sa, FX_RX_MONO, &ev);
			say("  one  from %s: %s kind %d flags %#x %s\n",
			    i ? "router" : "target", shown ? "shown" : "silent",
			    ev.kind, ev.flags, ev.why ? ev.why : "");
			check_event(&ev, shown);
			check_table(&one.m.tab);
			check_stats(&one.st);
			shown = np_match_packet(&many.m, r, sa, FX_RX_MONO,
						&ev);
			say("  many from %s: %s kind %d flags %#x target %u "
			    "%s\n",
			    i ? "router" : "target", shown ? "shown" : "silent",
			    ev.kind, ev.flags, ev.target, ev.why ? ev.why : "");
			check_event(&ev, shown);
			if (shown && ev.kind != NP_EV_IGNORED)
				CHECK(ev.target < many.m.nslots);
			check_table(&many.m.tab);
			check_total(&many.total);
		}
	for (int i = 0; i < 3; i++) {
		const struct np_tstate *t = &many.slots[i];

		CHECK(t->c.received <= t->c.transmitted);
		CHECK(t->inflight <= t->c.transmitted);
	}
	/* np_probe_table_expire_one after matching, as the engine does */
	for (;;) {
		int64_t next;
		struct np_probe *p = np_probe_table_expire_one(
			&many.m.tab, INT64_MAX / 2, 1000 * FX_MS, &next);

		if (p == NULL)
			break;
		(void)np_match_expired(&many.m, p);
	}
	CHECK(many.m.tab.pending == 0);
	np_probe_table_free(&one.m.tab);
	np_probe_table_free(&many.m.tab);
}

/* ---- the variants ------------------------------------------------------- */

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void parse_v4(const uint8_t *buf, size_t len, bool has_ip,
		     enum np_sock_kind kind)
{
	struct np_rx rx = {AF_INET, has_ip, buf,   len,	 64,
			   NULL,    NULL,   false, NULL, false};
	struct np_reply r;

	variant = has_ip ? "v4 raw" : "v4 datagram";

	np_reply_parse(&rx, &r);
	check_parse(buf, len, &r);
	if (r.kind == NP_RX_ECHO_REPLY || r.kind == NP_RX_ERROR)
		CHECK(r.checksum_checked);
	match(AF_INET, kind, &r);
}

static void parse_v6(const uint8_t *buf, size_t len)
{
	struct in6_addr src = in6_of(FX_TGT6), dst = in6_of(FX_US6);
	struct np_rx rx = {AF_INET6, false, buf,   len,	 64,
			   &src,     &dst,  false, NULL, false};
	struct np_reply r;

	variant = "v6";

	np_reply_parse(&rx, &r);
	check_parse(buf, len, &r);
	match(AF_INET6, NP_SOCK_RAW, &r);
}

/* UDP: an ICMP error quoting a datagram (IPv4 raw, ICMPv6), the error
 * queue's payload, an application's datagram; each through a UDP run's
 * matchers with netprobe's payload and with the user's. */
static void parse_udp(const uint8_t *data, size_t size)
{
	struct in6_addr src = in6_of(FX_TGT6), dst = in6_of(FX_US6);
	struct np_rx v4 = {AF_INET, true, data,	 size,		64,
			   NULL,    NULL, false, &np_proto_udp, false};
	struct np_rx v6 = {AF_INET6, false, data,  size,	  64,
			   &src,     &dst,  false, &np_proto_udp, false};
	struct np_rx app = {AF_INET, false, data,  size,	  64,
			    NULL,    NULL,  false, &np_proto_udp, false};
	struct sock_extended_err ee;
	struct np_reply r[4];

	fx_port = NP_UDP_DEFAULT_PORT;
	np_reply_parse(&v4, &r[0]);
	np_reply_parse(&v6, &r[1]);
	np_reply_parse(&app, &r[2]);
	memset(&ee, 0, sizeof(ee));
	ee.ee_origin = SO_EE_ORIGIN_ICMP;
	/* (chosen by the length: the bytes are the payload) */
	ee.ee_type = (size & 2) ? 11 : 3;
	ee.ee_code = (size & 2) ? 0 : 3;
	np_reply_from_errqueue(&np_proto_udp, AF_INET, &ee, data, size, &r[3]);
	for (int i = 0; i < 4; i++) {
		check_parse(data, size, &r[i]);
		CHECK(r[i].proto == &np_proto_udp);
	}
	CHECK(r[2].kind == NP_RX_APP_REPLY);
	CHECK(r[3].kind == NP_RX_ERROR);
	/* the receive path's port: the probes', then another */
	for (int u = 0; u < 2; u++) {
		fx_user = u ? fx_query : NULL;
		for (int i = 0; i < 4; i++) {
			static const char *const names[4] = {
				"udp v4 raw", "udp v6", "udp app",
				"udp errqueue"};

			variant = names[i];
			if (i >= 2)
				r[i].key.port =
					(size & 1) ? 53 : NP_UDP_DEFAULT_PORT;
			match(i == 1 ? AF_INET6 : AF_INET, NP_SOCK_DGRAM,
			      &r[i]);
		}
	}
	fx_user = NULL;
	fx_port = 0;
}

/* TCP: a raw socket's segment (IPv4: after its IP header), or (fix) the
 * same with the ports and acknowledgment number of an answer to fixture
 * probe `pick`, so that mutations reach the matcher's good path. */
static void parse_tcp(int family, const uint8_t *data, size_t size, bool fix)
{
	struct in6_addr src = in6_of(FX_TGT6), dst = in6_of(FX_US6);
	struct np_rx rx = {family, family == AF_INET, NULL, size, 64,
			   family == AF_INET6 ? &src : NULL,
			   family == AF_INET6 ? &dst : NULL, false,
			   &np_proto_tcp,
			   /* checksums checked, except where fix makes the
			    * segment one the matcher takes */
			   !fix};
	struct np_payload_spec spec;
	struct np_probe_ident id;
	struct np_reply r;
	uint8_t *buf = malloc(size ? size : 1);
	size_t off = 0;

	if (buf == NULL)
		abort();
	memcpy(buf, data, size);
	if (family == AF_INET6)
		rx.dst6 = &dst;
	if (family == AF_INET && size >= 20)
		off = (size_t)(buf[0] & 0x0f) * 4;
	if (fix && off + 12 <= size) {
		uint64_t no =
			FX_FIRST + (size > 0 ? buf[size - 1] : 0) % FX_NPROBES;
		uint32_t ack;

		spec_init(&spec);
		id.flow = FX_IDENT;
		id.seq = (uint16_t)no;
		id.stamp = FX_STAMP0 + no;
		ack = np_tcp_isn(&spec, &id) + 1;
		np_wr_be16(buf + off + 2, FX_IDENT);
		np_wr_be16(buf + off + 8, (uint16_t)(ack >> 16));
		np_wr_be16(buf + off + 10, (uint16_t)ack);
	} else if (fix) {
		free(buf);
		return;
	}
	rx.buf = buf;
	variant = family == AF_INET ? "tcp v4" : "tcp v6";
	np_reply_parse(&rx, &r);
	check_parse(buf, size, &r);
	if (r.kind == NP_RX_ECHO_REPLY)
		/* IPv4: the header names the addresses, always checked;
		 * IPv6: with the raw socket's addresses */
		CHECK(r.key.proof == NP_PROOF_TAG &&
		      r.checksum_checked == (family == AF_INET || rx.raw));
	match(family, NP_SOCK_RAW, &r);
	free(buf);
}

static void parse_errqueue(const uint8_t *data, size_t size)
{
	struct sock_extended_err ee;
	struct np_reply r;
	int family;
	const uint8_t *pkt;
	uint8_t *copy;
	size_t len;

	if (size < FX_EQ_HDR)
		return;
	family = (data[0] & 1) ? AF_INET6 : AF_INET;
	memcpy(&ee, data + 1, sizeof(ee));
	len = size - FX_EQ_HDR;
	/* exactly `len` bytes of heap, so that ASan sees an over-read */
	copy = malloc(len ? len : 1);
	if (copy == NULL)
		abort();
	memcpy(copy, data + FX_EQ_HDR, len);
	pkt = copy;
	variant = "errqueue";
	np_reply_from_errqueue(NULL, family, &ee, pkt, len, &r);
	check_parse(pkt, len, &r);
	match(family, NP_SOCK_DGRAM, &r);
	/* a raw TCP socket's: the quoted TCP header (raw_err, rawv6_err) */
	variant = "tcp errqueue";
	np_reply_from_errqueue(&np_proto_tcp, family, &ee, pkt, len, &r);
	check_parse(pkt, len, &r);
	match(family, NP_SOCK_RAW, &r);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *fixed = malloc(size ? size : 1);
	struct in6_addr src = in6_of(FX_TGT6), dst = in6_of(FX_US6);

	if (fixed == NULL)
		abort();

	/* IPv4 raw socket: IP header first */
	parse_v4(data, size, true, NP_SOCK_RAW);
	if (size >= 20) {
		size_t ihl = (size_t)(data[0] & 0x0f) * 4;
		size_t totlen = be16(data + 2);

		if (ihl >= 20 && totlen >= ihl + NP_ICMP_HDR_LEN &&
		    totlen <= size) {
			memcpy(fixed, data, size);
			fixed[ihl + 2] = fixed[ihl + 3] = 0;
			np_wr_be16(fixed + ihl + 2,
				   np_inet_checksum(fixed + ihl, totlen - ihl));
			parse_v4(fixed, size, true, NP_SOCK_RAW);
		}
	}

	/* IPv4 datagram socket: the ICMP message only */
	parse_v4(data, size, false, NP_SOCK_DGRAM);
	if (size >= NP_ICMP_HDR_LEN) {
		memcpy(fixed, data, size);
		fixed[2] = fixed[3] = 0;
		np_wr_be16(fixed + 2, np_inet_checksum(fixed, size));
		parse_v4(fixed, size, false, NP_SOCK_DGRAM);
	}

	/* ICMPv6 */
	parse_v6(data, size);
	if (size >= NP_ICMP_HDR_LEN) {
		memcpy(fixed, data, size);
		fixed[2] = fixed[3] = 0;
		np_wr_be16(fixed + 2,
			   np_icmp6_checksum(&src, &dst, fixed, size));
		parse_v6(fixed, size);
	}

	/* the error queue of a datagram socket, and of a raw TCP one */
	parse_errqueue(data, size);

	/* UDP probes */
	parse_udp(data, size);

	/* TCP SYN probes' raw sockets */
	for (int fix = 0; fix < 2; fix++) {
		parse_tcp(AF_INET, data, size, fix);
		parse_tcp(AF_INET6, data, size, fix);
	}

	free(fixed);
	return 0;
}
