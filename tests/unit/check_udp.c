/* check_udp.c - the UDP probe: its checksum over both pseudo-headers, the
 * Paris checksum equal to the probe's sequence, the parse of the quotes
 * and replies it gets, and how the matcher counts them. */
#include "config.h"

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "icmp.h"
#include "match.h"
#include "options.h"
#include "packets.h"
#include "proto_udp.h"
#include "reply.h"
#include "suites.h"

#define US "198.51.100.1"
#define TGT "198.51.100.7"
#define RTR "198.51.100.254"
#define MS 1000000LL
#define SPORT 40000

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
#define DPORT 33434

/* Vectors computed apart (a Python one's complement sum over the
 * pseudo-header, header and payload): "hello" from port 40000 to 53. */
START_TEST(checksum_known_vectors)
{
	uint8_t d[13] = {0x9c, 0x40, 0x00, 0x35, 0x00, 0x0d, 0x00,
			 0x00, 'h',  'e',  'l',	 'l',  'o'};
	struct sockaddr_storage s4 = pk_addr("192.0.2.1"),
				d4 = pk_addr("198.51.100.7"),
				s6 = pk_addr("2001:db8::1"),
				d6 = pk_addr("2001:db8::2");

	ck_assert_uint_eq(np_udp_checksum((struct sockaddr *)&s4,
					  (struct sockaddr *)&d4, d, sizeof(d)),
			  0x3350);
	ck_assert_uint_eq(np_udp_checksum((struct sockaddr *)&s6,
					  (struct sockaddr *)&d6, d, sizeof(d)),
			  0xc417);
	/* with its checksum in place, a datagram sums to 0 */
	np_wr_be16(d + 6, 0x3350);
	ck_assert_uint_eq(np_udp_checksum((struct sockaddr *)&s4,
					  (struct sockaddr *)&d4, d, sizeof(d)),
			  0);
}
END_TEST

/* A probe as the core builds it: payload `size` bytes. */
static size_t build(uint8_t *buf, size_t cap, struct np_payload_spec *spec,
		    const struct sockaddr *src, const struct sockaddr *dst,
		    uint16_t seq, uint64_t stamp)
{
	struct np_flow fl = {dst->sa_family, src, dst, SPORT, DPORT};
	struct np_probe_ident id = {SPORT, seq, stamp};
	uint32_t prep = np_proto_udp.prepare(buf, cap, spec);

	return np_proto_udp.build(buf, cap, &fl, &id, spec, prep);
}

static void spec_init(struct np_payload_spec *spec, size_t size)
{
	memset(spec, 0, sizeof(*spec));
	spec->key.k0 = 0xc0ffee0012345678ULL;
	spec->size = size;
}

/* Paris traceroute: for every sequence the checksum the datagram carries
 * (what a raw socket sends, and what the kernel computes over the same
 * bytes on a datagram socket) is the intended value, and right. */
START_TEST(paris_checksum_is_the_sequence)
{
	struct sockaddr_storage s4 = pk_addr(US), d4 = pk_addr(TGT),
				s6 = pk_addr("2001:db8::1"),
				d6 = pk_addr("2001:db8::7");
	const struct sockaddr *src[2] = {(struct sockaddr *)&s4,
					 (struct sockaddr *)&s6};
	const struct sockaddr *dst[2] = {(struct sockaddr *)&d4,
					 (struct sockaddr *)&d6};
	static const size_t sizes[] = {4, 5, 19, 20, 56, 57, 1000};
	uint8_t buf[1100];

	for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++)
		for (int f = 0; f < 2; f++)
			for (uint32_t seq = 0; seq < 65536;
			     seq += z == 4 ? 1 : 257) {
				struct np_payload_spec spec;
				size_t len;

				spec_init(&spec, sizes[z]);
				len = build(buf, sizeof(buf), &spec, src[f],
					    dst[f], (uint16_t)seq,
					    1700000000000000000ULL + seq);
				ck_assert_uint_eq(len, 8 + sizes[z]);
				ck_assert_uint_eq(
					be16(buf + 6),
					np_udp_seq_checksum((uint16_t)seq));
				ck_assert_uint_eq(np_udp_checksum(src[f],
								  dst[f], buf,
								  len),
						  0);
				/* the sequence in the payload too */
				ck_assert_uint_eq(be16(buf + 10),
						  (uint16_t)seq);
			}
}
END_TEST

/* The two bytes: checksum = want for every want, including the one's
 * complement corners (sum 0 and 0xffff). */
START_TEST(paris_word_corners)
{
	static const uint32_t sums[] = {0,	 1,	  0xffff,
					0x10000, 0x1fffe, 0xfffffff};

	for (size_t i = 0; i < sizeof(sums) / sizeof(sums[0]); i++)
		for (uint32_t want = 1; want <= 0xffff; want++) {
			uint16_t w = np_udp_paris_word(sums[i], (uint16_t)want);
			uint16_t c = np_csum_fold(sums[i] + w);

			ck_assert_uint_eq(c == 0 ? 0xffff : c, want);
		}
}
END_TEST

/* Without a source address (many targets, no -I) the checksum is the
 * kernel's alone: the two bytes stay 0. */
START_TEST(no_source_no_paris_bytes)
{
	struct sockaddr_storage d4 = pk_addr(TGT);
	struct np_payload_spec spec;
	uint8_t buf[128];
	size_t len;

	spec_init(&spec, 56);
	len = build(buf, sizeof(buf), &spec, NULL, (struct sockaddr *)&d4, 9,
		    77);
	ck_assert_uint_eq(len, 64);
	ck_assert_uint_eq(be16(buf), SPORT);
	ck_assert_uint_eq(be16(buf + 2), DPORT);
	ck_assert_uint_eq(be16(buf + 4), 64);
	ck_assert_uint_eq(be16(buf + 6), 0);
	ck_assert_uint_eq(be16(buf + 8), 0);
	ck_assert_uint_eq(be16(buf + 10), 9);
	ck_assert_uint_eq(spec.size, 52); /* after the checksum and seq */
}
END_TEST

/* A payload the user gave goes as it is. */
START_TEST(user_payload_as_given)
{
	static const uint8_t dns[] = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01};
	struct sockaddr_storage s4 = pk_addr(US), d4 = pk_addr(TGT);
	struct np_payload_spec spec;
	uint8_t buf[64];
	size_t len;

	spec_init(&spec, sizeof(dns));
	spec.user = dns;
	spec.user_len = sizeof(dns);
	len = build(buf, sizeof(buf), &spec, (struct sockaddr *)&s4,
		    (struct sockaddr *)&d4, 3, 77);
	ck_assert_uint_eq(len, 8 + sizeof(dns));
	ck_assert_mem_eq(buf + 8, dns, sizeof(dns));
	ck_assert_uint_eq(np_udp_checksum((struct sockaddr *)&s4,
					  (struct sockaddr *)&d4, buf, len),
			  0);
}
END_TEST

/* ---- parsing --------------------------------------------------------- */

/* An ICMP error (type/code) from `from` quoting `qlen` bytes after the
 * IP header of probe `seq`, parsed as a raw IPv4 socket does. */
static enum np_rx_kind quoted(uint8_t type, uint8_t code, const char *from,
			      size_t qlen, uint16_t seq, uint16_t dport,
			      struct np_reply *r, uint8_t *buf)
{
	struct sockaddr_storage s4 = pk_addr(US), d4 = pk_addr(TGT);
	struct np_payload_spec spec;
	uint8_t q[128];
	size_t dg, icmp;
	struct np_rx rx;

	spec_init(&spec, 56);
	dg = build(q + 20, sizeof(q) - 20, &spec, (struct sockaddr *)&s4,
		   (struct sockaddr *)&d4, seq, 77);
	np_wr_be16(q + 22, dport);
	pk_ipv4(q, 20, (uint16_t)(20 + dg), IPPROTO_UDP, 1, US, TGT, NULL, 0);
	icmp = pk_icmp(buf + 20, type, code, 0, 0, q, 20 + qlen);
	pk_ipv4(buf, 20, (uint16_t)(20 + icmp), IPPROTO_ICMP, 64, from, US,
		NULL, 0);
	memset(&rx, 0, sizeof(rx));
	rx.family = AF_INET;
	rx.has_ip_header = true;
	rx.buf = buf;
	rx.len = 20 + icmp;
	rx.ttl = -1;
	rx.proto = &np_proto_udp;
	return np_reply_parse(&rx, r);
}

START_TEST(quote_full_minimal_truncated)
{
	struct np_reply r;
	uint8_t buf[256];

	/* full: the sequence from the payload, the MAC bytes to check */
	ck_assert_int_eq(quoted(3, 3, TGT, 64, 7, DPORT, &r, buf), NP_RX_ERROR);
	ck_assert_uint_eq(r.key.flow, SPORT);
	ck_assert_uint_eq(r.key.port, DPORT);
	ck_assert_uint_eq(r.key.seq, 7);
	ck_assert_int_eq(r.key.proof, NP_PROOF_AUTH);
	ck_assert_uint_eq(r.key.auth_len, 52);
	ck_assert_int_eq(np_proto_udp.classify(AF_INET, &r), NP_CLASS_REACHED);
	/* RFC 792's 8 bytes: the checksum names the probe, proves nothing */
	ck_assert_int_eq(quoted(3, 3, TGT, 8, 7, DPORT, &r, buf), NP_RX_ERROR);
	ck_assert_uint_eq(r.key.seq, 7);
	ck_assert_int_eq(r.key.proof, NP_PROOF_KEY);
	ck_assert_uint_eq(r.key.auth_len, 0);
	/* fewer than the UDP header: nothing */
	ck_assert_int_eq(quoted(3, 3, TGT, 6, 7, DPORT, &r, buf),
			 NP_RX_MALFORMED);
	ck_assert_int_eq(r.key.proof, NP_PROOF_NONE);
	/* to another port: parsed, the port says so (the matcher refuses) */
	ck_assert_int_eq(quoted(3, 3, TGT, 64, 7, 53, &r, buf), NP_RX_ERROR);
	ck_assert_uint_eq(r.key.port, 53);
	/* other classes */
	ck_assert_int_eq(quoted(11, 0, RTR, 64, 7, DPORT, &r, buf),
			 NP_RX_ERROR);
	ck_assert_int_eq(np_proto_udp.classify(AF_INET, &r), NP_CLASS_HOP);
	ck_assert_int_eq(quoted(3, 13, RTR, 64, 7, DPORT, &r, buf),
			 NP_RX_ERROR);
	ck_assert_int_eq(np_proto_udp.classify(AF_INET, &r), NP_CLASS_ERROR);
}
END_TEST

START_TEST(classify_v6_port_unreachable)
{
	struct np_reply r;

	memset(&r, 0, sizeof(r));
	r.kind = NP_RX_ERROR;
	r.type = NP_ICMP6_DST_UNREACH;
	r.code = 4;
	ck_assert_int_eq(np_proto_udp.classify(AF_INET6, &r), NP_CLASS_REACHED);
	r.code = 1; /* administratively prohibited */
	ck_assert_int_eq(np_proto_udp.classify(AF_INET6, &r), NP_CLASS_ERROR);
	r.type = NP_ICMP6_TIME_EXCEEDED;
	r.code = 0;
	ck_assert_int_eq(np_proto_udp.classify(AF_INET6, &r), NP_CLASS_HOP);
	r.kind = NP_RX_APP_REPLY;
	ck_assert_int_eq(np_proto_udp.classify(AF_INET6, &r), NP_CLASS_REPLY);
	ck_assert_ptr_eq(np_proto_find("udp"), &np_proto_udp);
	ck_assert_uint_eq(np_proto_udp.default_port, 33434);
	ck_assert_str_eq(np_proto_udp.seq_name, "udp_seq");
}
END_TEST

/* The error queue: what Linux hands back after the UDP header. */
static enum np_rx_kind errq(const uint8_t *pl, size_t len, uint8_t type,
			    uint8_t code, struct np_reply *r)
{
	struct sock_extended_err ee;

	memset(&ee, 0, sizeof(ee));
	ee.ee_origin = SO_EE_ORIGIN_ICMP;
	ee.ee_type = type;
	ee.ee_code = code;
	return np_reply_from_errqueue(&np_proto_udp, AF_INET, &ee, pl, len, r);
}

START_TEST(errqueue_payload)
{
	uint8_t pl[8] = {0xaa, 0xbb, 0x00, 0x05, 1, 2, 3, 4};
	struct np_reply r;

	ck_assert_int_eq(errq(pl, sizeof(pl), 3, 3, &r), NP_RX_ERROR);
	ck_assert_uint_eq(r.key.seq, 5);
	ck_assert_int_eq(r.key.proof, NP_PROOF_AUTH);
	ck_assert_uint_eq(r.key.auth_len, 4);
	ck_assert_uint_eq(r.type, 3);
	/* a minimal quote leaves nothing: an error that proves nothing */
	ck_assert_int_eq(errq(pl, 0, 3, 3, &r), NP_RX_ERROR);
	ck_assert_int_eq(r.key.proof, NP_PROOF_NONE);
	ck_assert_int_eq(errq(pl, 3, 3, 3, &r), NP_RX_ERROR);
	ck_assert_int_eq(r.key.proof, NP_PROOF_NONE);
}
END_TEST

START_TEST(app_reply_parse)
{
	uint8_t pl[6] = {0, 0, 0x01, 0x02, 9, 9};
	struct np_reply r;
	struct np_rx rx;

	memset(&rx, 0, sizeof(rx));
	rx.family = AF_INET6;
	rx.buf = pl;
	rx.len = sizeof(pl);
	rx.ttl = 60;
	rx.proto = &np_proto_udp;
	ck_assert_int_eq(np_reply_parse(&rx, &r), NP_RX_APP_REPLY);
	ck_assert_uint_eq(r.key.seq, 0x0102);
	ck_assert_uint_eq(r.icmp_len, 6);
	ck_assert_int_eq(r.ttl, 60);
	rx.len = 2; /* a reply too short to name a probe */
	ck_assert_int_eq(np_reply_parse(&rx, &r), NP_RX_APP_REPLY);
	ck_assert_int_eq(r.key.proof, NP_PROOF_NONE);
}
END_TEST

/* ---- the matcher --------------------------------------------------------
 */

struct fixture {
	struct np_matcher m;
	struct np_tstate tgt;
	struct np_stats st;
	uint8_t dg[8][128]; /* datagrams as sent, by probe number */
	size_t len;
	uint32_t prep;
	struct sockaddr_storage src, to, from_tgt, from_rtr;
};

static void setup(struct fixture *f, const uint8_t *user, size_t user_len)
{
	memset(f, 0, sizeof(*f));
	f->m.kind[0] = NP_SOCK_DGRAM;
	f->m.ident[0] = SPORT;
	f->m.port = DPORT;
	spec_init(&f->m.spec, 56);
	f->m.spec.user = user;
	f->m.spec.user_len = user_len;
	f->m.total = &f->st;
	f->m.total_rtt = true;
	f->m.slots = &f->tgt;
	f->m.nslots = 1;
	np_stats_init(&f->st);
	f->src = pk_addr(US);
	f->from_tgt = pk_addr(TGT);
	f->from_rtr = pk_addr(RTR);
	f->to = f->from_tgt;
	np_addr_set_port((struct sockaddr *)&f->to, DPORT);
	f->tgt.used = true;
	f->tgt.gen = 1;
	np_tstate_set_addr(&f->tgt, (struct sockaddr *)&f->from_tgt);
	np_rtt_init(&f->tgt.rtt);
	ck_assert_int_eq(
		np_probe_table_init(&f->m.tab, 10 * 1000 * MS, 1000 * MS), 0);
	/* the core's prepare, once */
	f->prep = np_proto_udp.prepare(f->dg[0], sizeof(f->dg[0]), &f->m.spec);
}

static struct np_probe *send_at(struct fixture *f, int64_t t)
{
	struct np_probe *p = np_probe_table_next(&f->m.tab, NULL);
	struct np_flow fl = {AF_INET, (struct sockaddr *)&f->src,
			     (struct sockaddr *)&f->from_tgt, SPORT, DPORT};
	struct np_probe_ident id;
	uint8_t *b = f->dg[p->no % 8];

	p->stamp = 1700000000000000000ULL + p->no;
	id.flow = SPORT;
	id.seq = (uint16_t)p->no;
	id.stamp = p->stamp;
	memcpy(b, f->dg[0], sizeof(f->dg[0])); /* the fill prepare wrote */
	f->len = np_proto_udp.build(b, sizeof(f->dg[0]), &fl, &id, &f->m.spec,
				    f->prep);
	p->sent_mono = t;
	np_match_sent(&f->m, p, 0, true);
	return p;
}

/* An error-queue entry about probe n from `from`, as np_rx_parse makes
 * it: the payload after the UDP header, the destination and its port. */
static bool feed_err(struct fixture *f, uint64_t n, size_t keep, uint8_t type,
		     uint8_t code, const struct sockaddr_storage *from,
		     int64_t t, struct np_event *ev, struct np_reply *r)
{
	size_t len = f->len - 8 < keep ? f->len - 8 : keep;

	errq(f->dg[n % 8] + 8, len, type, code, r);
	memcpy(&r->quoted_dst, &f->to, sizeof(f->to));
	r->quoted_dst_set = true;
	r->key.port = np_addr_port((struct sockaddr *)&f->to);
	return np_match_packet(&f->m, r, (const struct sockaddr *)from, t, ev);
}

/* A datagram from the target's port `port` with payload pl. */
static bool feed_app(struct fixture *f, const uint8_t *pl, size_t len,
		     uint16_t port, int64_t t, struct np_event *ev,
		     struct np_reply *r)
{
	struct np_rx rx;

	memset(&rx, 0, sizeof(rx));
	rx.family = AF_INET;
	rx.buf = pl;
	rx.len = len;
	rx.ttl = 64;
	rx.proto = &np_proto_udp;
	np_reply_parse(&rx, r);
	r->key.port = port;
	return np_match_packet(&f->m, r, (struct sockaddr *)&f->from_tgt, t,
			       ev);
}

START_TEST(port_unreachable_from_target_is_reached)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;

	setup(&f, NULL, 0);
	send_at(&f, 0);
	ck_assert(feed_err(&f, 1, 1000, 3, 3, &f.from_tgt, 5 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_REPLY);
	ck_assert_str_eq(ev.state, "closed");
	ck_assert_str_eq(ev.state_note, "port unreachable");
	ck_assert_int_eq(ev.rtt_ns, 5 * MS);
	ck_assert_uint_eq(f.st.c.received, 1);
	ck_assert_uint_eq(f.st.c.errors, 0);
	ck_assert_uint_eq(f.m.tab.pending, 0);
	/* again: a duplicate */
	ck_assert(feed_err(&f, 1, 1000, 3, 3, &f.from_tgt, 6 * MS, &ev, &r));
	ck_assert(ev.flags & NP_EVF_DUP);
	ck_assert_uint_eq(f.st.c.received, 1);
	np_probe_table_free(&f.m.tab);
}
END_TEST

START_TEST(errors_that_are_not_reached)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;

	setup(&f, NULL, 0);
	send_at(&f, 0);
	/* port unreachable from a router: an error, not the target */
	ck_assert(feed_err(&f, 1, 1000, 3, 3, &f.from_rtr, 5 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_ICMP_ERROR);
	ck_assert_uint_eq(f.st.c.received, 0);
	ck_assert_uint_eq(f.st.c.errors, 1);
	send_at(&f, 10 * MS);
	/* admin prohibited from the target: an error */
	ck_assert(feed_err(&f, 2, 1000, 3, 13, &f.from_tgt, 15 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_ICMP_ERROR);
	ck_assert_uint_eq(f.st.c.received, 0);
	ck_assert_uint_eq(f.st.c.errored, 2);
	send_at(&f, 20 * MS);
	/* a minimal quote: nothing after the UDP header, not ours */
	ck_assert(feed_err(&f, 3, 0, 3, 3, &f.from_tgt, 25 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	ck_assert_uint_eq(f.st.c.received, 0);
	ck_assert_uint_eq(f.st.foreign, 1);
	/* a payload altered in the quote (the MAC): not ours */
	f.dg[3][8 + 4] ^= 0xff;
	ck_assert(feed_err(&f, 3, 1000, 3, 3, &f.from_tgt, 26 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	ck_assert_uint_eq(f.st.c.received, 0);
	/* about a datagram to another port */
	f.dg[3][8 + 4] ^= 0xff;
	np_addr_set_port((struct sockaddr *)&f.to, 53);
	ck_assert(feed_err(&f, 3, 1000, 3, 3, &f.from_tgt, 27 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	ck_assert_uint_eq(f.st.c.received, 0);
	np_probe_table_free(&f.m.tab);
}
END_TEST

START_TEST(app_replies)
{
	static const uint8_t dns[] = {0x12, 0x34, 0x81, 0x80};
	struct fixture f;
	struct np_event ev;
	struct np_reply r;

	setup(&f, NULL, 0);
	send_at(&f, 0);
	send_at(&f, 10 * MS);
	/* an echo of probe 2 answers probe 2 */
	ck_assert(
		feed_app(&f, f.dg[2] + 8, f.len - 8, DPORT, 12 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_REPLY);
	ck_assert_uint_eq(ev.seq, 2);
	ck_assert_str_eq(ev.state, "open");
	ck_assert_int_eq(ev.rtt_ns, 2 * MS);
	ck_assert_uint_eq(f.st.c.received, 1);
	/* anything else from the port: the oldest pending probe, 1 */
	ck_assert(feed_app(&f, dns, sizeof(dns), DPORT, 13 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_REPLY);
	ck_assert_uint_eq(ev.seq, 1);
	ck_assert_str_eq(ev.state, "open");
	ck_assert_int_eq(ev.rtt_ns, 13 * MS);
	ck_assert_uint_eq(f.st.c.received, 2);
	/* none pending now: not counted */
	ck_assert(feed_app(&f, dns, sizeof(dns), DPORT, 14 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	ck_assert_uint_eq(f.st.c.received, 2);
	/* from another port of the target: not ours */
	send_at(&f, 20 * MS);
	ck_assert(feed_app(&f, dns, sizeof(dns), 53, 21 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	ck_assert_uint_eq(f.st.c.received, 2);
	ck_assert_uint_eq(f.m.tab.pending, 1);
	np_probe_table_free(&f.m.tab);
}
END_TEST

/* With the user's payload nothing tells the probes apart: answers go to
 * the oldest pending probe. */
START_TEST(user_payload_by_order)
{
	static const uint8_t q[] = {0xab, 0xcd, 0x01, 0x00, 0x00, 0x01};
	struct fixture f;
	struct np_event ev;
	struct np_reply r;

	setup(&f, q, sizeof(q));
	send_at(&f, 0);
	send_at(&f, 10 * MS);
	ck_assert(feed_err(&f, 2, 1000, 3, 3, &f.from_tgt, 11 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_REPLY);
	ck_assert_uint_eq(ev.seq, 1);
	ck_assert_str_eq(ev.state, "closed");
	ck_assert(feed_app(&f, q, sizeof(q), DPORT, 12 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_REPLY);
	ck_assert_uint_eq(ev.seq, 2);
	ck_assert_str_eq(ev.state, "open");
	ck_assert_uint_eq(f.st.c.received, 2);
	send_at(&f, 20 * MS);
	ck_assert(feed_err(&f, 3, 1000, 11, 0, &f.from_rtr, 21 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_ICMP_ERROR);
	ck_assert_uint_eq(ev.seq, 3);
	ck_assert_uint_eq(f.st.c.errored, 1);
	np_probe_table_free(&f.m.tab);
}
END_TEST

/* ---- options ------------------------------------------------------------
 */

static int parse(struct np_options *o, struct np_err *err, const char *a0, ...)
{
	static char *argv[16];
	int argc = 0;
	va_list ap;

	argv[argc++] = (char *)"netprobe";
	va_start(ap, a0);
	for (const char *a = a0; a != NULL; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	memset(err, 0, sizeof(*err));
	return np_options_parse(argc, argv, o, err);
}

START_TEST(payload_option)
{
	static struct np_options o; /* large: not on the stack */
	struct np_err err;
	char path[] = "/tmp/check_udp.XXXXXX";
	int fd;

	ck_assert_int_eq(
		parse(&o, &err, "--udp=53", "--payload=12 34:ab", "h", NULL),
		0);
	ck_assert(o.has_payload);
	ck_assert_uint_eq(o.payload_len, 3);
	ck_assert_uint_eq(o.payload[2], 0xab);
	ck_assert_int_eq(o.size, 3); /* the payload's length is the size */
	ck_assert_uint_eq(o.port, 53);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "\x01\x02\x03\x04\x05", 5), 5);
	close(fd);
	{
		char arg[64];

		snprintf(arg, sizeof(arg), "--payload=@%s", path);
		ck_assert_int_eq(parse(&o, &err, "--udp", arg, "h", NULL), 0);
		ck_assert_uint_eq(o.payload_len, 5);
		ck_assert_int_eq(o.size, 5);
	}
	unlink(path);
	/* refused: odd digits, not hex, no --udp, with -s or -p, no file */
	ck_assert_int_eq(parse(&o, &err, "--udp", "--payload=123", "h", NULL),
			 -1);
	ck_assert_int_eq(parse(&o, &err, "--udp", "--payload=zz", "h", NULL),
			 -1);
	ck_assert_int_eq(parse(&o, &err, "--payload=12", "h", NULL), -1);
	ck_assert_str_eq(err.msg, "--payload applies to --udp probes");
	ck_assert_int_eq(
		parse(&o, &err, "--udp", "--payload=12", "-s", "8", "h", NULL),
		-1);
	ck_assert_int_eq(
		parse(&o, &err, "--udp", "--payload=12", "-p", "ff", "h", NULL),
		-1);
	ck_assert_int_eq(parse(&o, &err, "--udp", "--payload=@/nonexistent/x",
			       "h", NULL),
			 -1);
	/* --udp needs room for the checksum and sequence bytes */
	ck_assert_int_eq(parse(&o, &err, "--udp", "-s", "3", "h", NULL), -1);
	ck_assert_int_eq(parse(&o, &err, "--udp", "-s", "4", "h", NULL), 0);
	ck_assert_int_eq(parse(&o, &err, "-s", "3", "h", NULL), 0); /* ICMP */
	/* plugin mode takes --udp */
	ck_assert_int_eq(
		parse(&o, &err, "--plugin", "--udp=123", "-H", "h", NULL), 0);
	ck_assert_str_eq(o.proto, "udp");
	ck_assert_uint_eq(o.port, 123);
}
END_TEST

Suite *udp_suite(void)
{
	Suite *s = suite_create("udp");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, checksum_known_vectors);
	tcase_add_test(tc, paris_checksum_is_the_sequence);
	tcase_add_test(tc, paris_word_corners);
	tcase_add_test(tc, no_source_no_paris_bytes);
	tcase_add_test(tc, user_payload_as_given);
	suite_add_tcase(s, tc);
	tc = tcase_create("parse");
	tcase_add_test(tc, quote_full_minimal_truncated);
	tcase_add_test(tc, classify_v6_port_unreachable);
	tcase_add_test(tc, errqueue_payload);
	tcase_add_test(tc, app_reply_parse);
	suite_add_tcase(s, tc);
	tc = tcase_create("match");
	tcase_add_test(tc, port_unreachable_from_target_is_reached);
	tcase_add_test(tc, errors_that_are_not_reached);
	tcase_add_test(tc, app_replies);
	tcase_add_test(tc, user_payload_by_order);
	suite_add_tcase(s, tc);
	tc = tcase_create("options");
	tcase_add_test(tc, payload_option);
	suite_add_tcase(s, tc);
	return s;
}
