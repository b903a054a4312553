/* check_tcp.c - the TCP SYN probe: its checksum on segments tcpdump
 * verified, the ISN and its MAC, the SYN/ACK, RST/ACK and ICMP-error
 * parses and what the matcher makes of them, hostile and cut segments. */
#include "config.h"

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "icmp.h"
#include "match.h"
#include "packets.h"
#include "proto_tcp.h"
#include "reply.h"
#include "sockets.h"
#include "suites.h"
#include "target.h"

#define US "198.51.100.1"
#define TGT "198.51.100.2"
#define RTR "198.51.100.254"
#define US6 "2001:db8::1"
#define TGT6 "2001:db8::2"
#define MS 1000000LL
#define SPORT 25185
#define DPORT 443

/* Two SYNs netprobe sent, as tcpdump -vv showed them with "cksum 0x....
 * (correct)": 198.51.100.1.25185 > 198.51.100.2.443 and
 * [2001:db8::1].14314 > [2001:db8::2].443, seq 79242 and 80270. */
static const uint8_t syn4[24] = {
	0x62, 0x61, 0x01, 0xbb, 0x00, 0x01, 0x35, 0x8a, 0x00, 0x00, 0x00, 0x00,
	0x60, 0x02, 0xfa, 0xf0, 0xaf, 0x23, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4,
};
static const uint8_t syn6[24] = {
	0x37, 0xea, 0x01, 0xbb, 0x00, 0x01, 0x39, 0x8e, 0x00, 0x00, 0x00, 0x00,
	0x60, 0x02, 0xfa, 0xf0, 0xce, 0xa0, 0x00, 0x00, 0x02, 0x04, 0x05, 0xa0,
};

START_TEST(checksum_known_segments)
{
	struct sockaddr_storage s4 = pk_addr(US), d4 = pk_addr(TGT);
	struct sockaddr_storage s6 = pk_addr(US6), d6 = pk_addr(TGT6);
	uint8_t seg[24];

	/* verifying a segment that holds its checksum gives 0 */
	ck_assert_uint_eq(np_tcp_checksum(AF_INET, (struct sockaddr *)&s4,
					  (struct sockaddr *)&d4, syn4, 24),
			  0);
	ck_assert_uint_eq(np_tcp_checksum(AF_INET6, (struct sockaddr *)&s6,
					  (struct sockaddr *)&d6, syn6, 24),
			  0);
	/* with the field zero: the value tcpdump found correct */
	memcpy(seg, syn4, 24);
	seg[16] = seg[17] = 0;
	ck_assert_uint_eq(np_tcp_checksum(AF_INET, (struct sockaddr *)&s4,
					  (struct sockaddr *)&d4, seg, 24),
			  0xaf23);
	memcpy(seg, syn6, 24);
	seg[16] = seg[17] = 0;
	ck_assert_uint_eq(np_tcp_checksum(AF_INET6, (struct sockaddr *)&s6,
					  (struct sockaddr *)&d6, seg, 24),
			  0xcea0);
	/* the pseudo-header counts: another source, another sum */
	ck_assert_uint_ne(np_tcp_checksum(AF_INET, (struct sockaddr *)&d4,
					  (struct sockaddr *)&d4, syn4, 24),
			  0);
}
END_TEST

/* ---- the matcher, as ping mode runs it ---------------------------------- */

struct fixture {
	struct np_matcher m;
	struct np_tstate tgt;
	struct np_stats st;
	int family;
	uint32_t isn[64]; /* by probe number */
	struct sockaddr_storage us, from_tgt, from_rtr;
};

static void setup(struct fixture *f, int family)
{
	int i = family == AF_INET6 ? 1 : 0;

	memset(f, 0, sizeof(*f));
	f->family = family;
	f->m.kind[i] = NP_SOCK_RAW;
	f->m.ident[i] = SPORT;
	f->m.spec.key.k0 = 0xc0ffee0012345678ULL;
	f->m.spec.key.k1 = 0x1122334455667788ULL;
	f->m.total = &f->st;
	f->m.total_rtt = true;
	f->m.slots = &f->tgt;
	f->m.nslots = 1;
	np_stats_init(&f->st);
	f->us = pk_addr(family == AF_INET6 ? US6 : US);
	f->from_tgt = pk_addr(family == AF_INET6 ? TGT6 : TGT);
	f->from_rtr = pk_addr(family == AF_INET6 ? "2001:db8::fe" : RTR);
	f->tgt.used = true;
	f->tgt.gen = 1;
	np_tstate_set_addr(&f->tgt, (struct sockaddr *)&f->from_tgt);
	np_rtt_init(&f->tgt.rtt);
	ck_assert_int_eq(
		np_probe_table_init(&f->m.tab, 10 * 1000 * MS, 1000 * MS), 0);
}

static void teardown(struct fixture *f)
{
	np_probe_table_free(&f->m.tab);
}

/* Probe n (the next) sent at t: its SYN built as the core builds it. */
static struct np_probe *send_at(struct fixture *f, int64_t t, uint8_t *syn)
{
	struct np_probe *p = np_probe_table_next(&f->m.tab, NULL);
	struct np_probe_ident id;
	struct np_flow fl;
	uint32_t seq = 0;

	p->stamp = 1700000000000000000ULL + (uint64_t)p->no * 977;
	id.flow = SPORT;
	id.seq = (uint16_t)p->no;
	id.stamp = p->stamp;
	fl.family = f->family;
	fl.src = (struct sockaddr *)&f->us;
	fl.dst = (struct sockaddr *)&f->from_tgt;
	fl.sport = SPORT;
	fl.dport = DPORT;
	ck_assert_uint_eq(np_tcp_build_syn(syn, 24, &fl, &id, &f->m.spec), 24);
	memcpy(&seq, syn + 4, 4);
	f->isn[p->no % 64] = ntohl(seq);
	p->sent_mono = t;
	np_match_sent(&f->m, p, 0, true);
	return p;
}

/* A segment from the target's port `sport` to ours, IPv4 with its IP
 * header (as a raw socket reads it) or IPv6 without; `hlen` its header
 * length (data offset * 4, with NOP options past 20). */
static size_t segment(const struct fixture *f, uint8_t *buf, uint16_t sport,
		      uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
		      size_t hlen)
{
	size_t ip = f->family == AF_INET ? 20 : 0;
	uint8_t *t = buf + ip;

	memset(t, 0, hlen);
	np_wr_be16(t, sport);
	np_wr_be16(t + 2, dport);
	np_wr_be16(t + 4, (uint16_t)(seq >> 16));
	np_wr_be16(t + 6, (uint16_t)seq);
	np_wr_be16(t + 8, (uint16_t)(ack >> 16));
	np_wr_be16(t + 10, (uint16_t)ack);
	t[12] = (uint8_t)((hlen / 4) << 4);
	t[13] = flags;
	for (size_t i = 20; i < hlen; i++)
		t[i] = 1; /* NOP */
	np_wr_be16(t + 16,
		   np_tcp_checksum(f->family,
				   (const struct sockaddr *)&f->from_tgt,
				   (const struct sockaddr *)&f->us, t, hlen));
	if (ip)
		pk_ipv4(buf, 20, (uint16_t)(20 + hlen), IPPROTO_TCP, 61, TGT,
			US, NULL, 0);
	return ip + hlen;
}

static const struct in6_addr *a6(const char *s, struct in6_addr *a)
{
	*a = pk_in6(s);
	return a;
}

static enum np_rx_kind parse(const struct fixture *f, const uint8_t *buf,
			     size_t len, struct np_reply *r)
{
	struct in6_addr s6, d6;
	struct np_rx rx;

	memset(&rx, 0, sizeof(rx));
	rx.family = f->family;
	rx.has_ip_header = f->family == AF_INET;
	rx.buf = buf;
	rx.len = len;
	rx.ttl = f->family == AF_INET6 ? 63 : -1;
	rx.proto = &np_proto_tcp;
	rx.raw = true;
	if (f->family == AF_INET6) {
		rx.src6 = a6(TGT6, &s6);
		rx.dst6 = a6(US6, &d6);
	}
	return np_reply_parse(&rx, r);
}

static bool feed(struct fixture *f, const uint8_t *buf, size_t len,
		 const struct sockaddr_storage *from, int64_t t,
		 struct np_event *ev, struct np_reply *r)
{
	parse(f, buf, len, r);
	return np_match_packet(&f->m, r, (const struct sockaddr *)from, t, ev);
}

/* The ISN holds the wire sequence and 16 bits of the probe's MAC, and
 * the SYN carries what a stack's would: MSS, window, a right checksum. */
static void isn_and_syn(int family)
{
	struct fixture f;
	struct np_probe_ident id;
	uint8_t syn[24];
	struct np_probe *p;

	setup(&f, family);
	send_at(&f, 0, syn);
	p = send_at(&f, MS, syn);
	id.flow = SPORT;
	id.seq = 2;
	id.stamp = p->stamp;
	ck_assert_uint_eq(f.isn[2] >> 16, 2);
	ck_assert_uint_eq(f.isn[2] & 0xffff, np_payload_tag(&f.m.spec, &id));
	ck_assert_uint_eq(
		f.isn[2],
		(uint32_t)(2 << 16) |
			(uint16_t)(np_payload_mac(&f.m.spec, &id) >> 48));
	id.stamp++; /* another stamp: another tag (almost always) */
	ck_assert_uint_ne(f.isn[2] & 0xffff, np_payload_tag(&f.m.spec, &id));
	ck_assert_uint_eq(syn[0] << 8 | syn[1], SPORT);
	ck_assert_uint_eq(syn[2] << 8 | syn[3], DPORT);
	ck_assert_uint_eq(syn[12], 0x60);
	ck_assert_uint_eq(syn[13], NP_TCP_SYN);
	ck_assert_uint_eq(syn[20], 2); /* MSS */
	ck_assert_uint_eq(syn[21], 4);
	ck_assert_uint_eq(syn[22] << 8 | syn[23],
			  family == AF_INET6 ? 1440 : 1460);
	ck_assert_uint_eq(np_tcp_checksum(family, (struct sockaddr *)&f.us,
					  (struct sockaddr *)&f.from_tgt, syn,
					  24),
			  0);
	teardown(&f);
}

START_TEST(isn_mac_round_trip)
{
	isn_and_syn(AF_INET);
	isn_and_syn(AF_INET6);
}
END_TEST

/* SYN/ACK: open; RST/ACK: closed; both good replies with an RTT; a
 * second SYN/ACK (the target's retransmission) a duplicate. */
static void open_and_closed(int family)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;
	uint8_t syn[24], buf[128];
	size_t len;

	setup(&f, family);
	send_at(&f, 10 * MS, syn);
	send_at(&f, 20 * MS, syn);
	len = segment(&f, buf, DPORT, SPORT, 0x12345678, f.isn[1] + 1,
		      NP_TCP_SYN | NP_TCP_ACK, 24);
	ck_assert(feed(&f, buf, len, &f.from_tgt, 10 * MS + 300000, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_REPLY);
	ck_assert_uint_eq(ev.flags, 0);
	ck_assert_int_eq(ev.rtt_ns, 300000);
	ck_assert_uint_eq(ev.seq, 1);
	ck_assert_uint_eq(ev.bytes, 24);
	ck_assert_int_eq(ev.ttl, family == AF_INET ? 61 : 63);
	ck_assert_uint_eq(r.key.port, DPORT);
	ck_assert_str_eq(np_proto_tcp.reply_state(&r), "open");
	/* RST/ACK to probe 2: closed, reached */
	len = segment(&f, buf, DPORT, SPORT, 0, f.isn[2] + 1,
		      NP_TCP_RST | NP_TCP_ACK, 20);
	ck_assert(feed(&f, buf, len, &f.from_tgt, 20 * MS + 100000, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_REPLY);
	ck_assert_uint_eq(ev.flags, 0);
	ck_assert_int_eq(ev.rtt_ns, 100000);
	ck_assert_str_eq(np_proto_tcp.reply_state(&r), "closed");
	ck_assert_uint_eq(f.st.received, 2);
	ck_assert_uint_eq(f.m.tab.pending, 0);
	/* the SYN/ACK again: the target retransmitted it */
	len = segment(&f, buf, DPORT, SPORT, 0x12345678, f.isn[1] + 1,
		      NP_TCP_SYN | NP_TCP_ACK, 24);
	ck_assert(feed(&f, buf, len, &f.from_tgt, 1010 * MS, &ev, &r));
	ck_assert_uint_eq(ev.flags, NP_EVF_DUP);
	ck_assert_uint_eq(f.st.duplicates, 1);
	ck_assert_uint_eq(f.st.received, 2);
	teardown(&f);
}

/* A raw socket gets segments before TCP checks them: a bad checksum is a
 * corrupted reply (counted so, never received); the pseudo-header's sum
 * alone (CHECKSUM_PARTIAL, a local peer's segment) is a good one. */
static void checksums(int family)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;
	uint8_t syn[24], buf[128], zero[20], *t;
	size_t len, ip = family == AF_INET ? 20 : 0;
	uint16_t full;

	setup(&f, family);
	send_at(&f, 0, syn);
	send_at(&f, 0, syn);
	len = segment(&f, buf, DPORT, SPORT, 7, f.isn[1] + 1,
		      NP_TCP_SYN | NP_TCP_ACK, 20);
	t = buf + ip;
	full = (uint16_t)(t[16] << 8 | t[17]);
	np_wr_be16(t + 16, (uint16_t)(full ^ 0x0400));
	ck_assert(feed(&f, buf, len, &f.from_tgt, MS, &ev, &r));
	ck_assert(r.checksum_checked && !r.checksum_ok);
	ck_assert_uint_eq(ev.flags & NP_EVF_BADSUM, NP_EVF_BADSUM);
	ck_assert_uint_eq(f.st.received, 0);
	ck_assert_uint_eq(f.st.corrupted, 1);
	/* the field as a local sender leaves it: ~sum over the segment
	 * with the field zero, complemented, is the pseudo-header's sum */
	len = segment(&f, buf, DPORT, SPORT, 7, f.isn[2] + 1,
		      NP_TCP_SYN | NP_TCP_ACK, 20);
	t = buf + ip;
	memset(zero, 0, sizeof(zero));
	full = np_tcp_checksum(family, (const struct sockaddr *)&f.from_tgt,
			       (const struct sockaddr *)&f.us, zero, 20);
	np_wr_be16(t + 16, (uint16_t)~full);
	ck_assert(feed(&f, buf, len, &f.from_tgt, MS, &ev, &r));
	ck_assert(r.checksum_checked && r.checksum_ok);
	ck_assert_int_eq(ev.kind, NP_EV_REPLY);
	ck_assert_uint_eq(ev.flags, 0);
	ck_assert_uint_eq(f.st.received, 1);
	teardown(&f);
}

START_TEST(bad_and_partial_checksums)
{
	checksums(AF_INET);
	checksums(AF_INET6);
}
END_TEST

START_TEST(synack_open_rstack_closed)
{
	open_and_closed(AF_INET);
	open_and_closed(AF_INET6);
}
END_TEST

/* What never counts: a wrong ack (off by one, or another MAC), another
 * port of ours (another run: dropped silently), a reply from another
 * address, a RST without ACK, a bare ACK, a SYN alone. */
static void hostile(int family)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;
	uint8_t syn[24], buf[128];
	size_t len;

	setup(&f, family);
	send_at(&f, 0, syn);
	/* ack == ISN (not ISN + 1), ISN + 2 */
	for (uint32_t d = 0; d < 3; d += 2) {
		len = segment(&f, buf, DPORT, SPORT, 7, f.isn[1] + d,
			      NP_TCP_SYN | NP_TCP_ACK, 20);
		ck_assert(feed(&f, buf, len, &f.from_tgt, MS, &ev, &r));
		ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	}
	/* the right sequence, another MAC */
	len = segment(&f, buf, DPORT, SPORT, 7, (f.isn[1] ^ 0x0100) + 1,
		      NP_TCP_RST | NP_TCP_ACK, 20);
	ck_assert(feed(&f, buf, len, &f.from_tgt, MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	/* to another port of ours: another run's */
	len = segment(&f, buf, DPORT, SPORT + 1, 7, f.isn[1] + 1,
		      NP_TCP_SYN | NP_TCP_ACK, 20);
	ck_assert(!feed(&f, buf, len, &f.from_tgt, MS, &ev, &r));
	/* the right segment from another address */
	len = segment(&f, buf, DPORT, SPORT, 7, f.isn[1] + 1,
		      NP_TCP_SYN | NP_TCP_ACK, 20);
	ck_assert(feed(&f, buf, len, &f.from_rtr, MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	/* flags that do not answer a SYN */
	len = segment(&f, buf, DPORT, SPORT, 7, f.isn[1] + 1, NP_TCP_RST, 20);
	ck_assert_int_eq(parse(&f, buf, len, &r), NP_RX_IGNORED);
	len = segment(&f, buf, DPORT, SPORT, 7, f.isn[1] + 1, NP_TCP_ACK, 20);
	ck_assert_int_eq(parse(&f, buf, len, &r), NP_RX_IGNORED);
	len = segment(&f, buf, DPORT, SPORT, 7, f.isn[1] + 1, NP_TCP_SYN, 20);
	ck_assert_int_eq(parse(&f, buf, len, &r), NP_RX_IGNORED);
	len = segment(&f, buf, DPORT, SPORT, 7, f.isn[1] + 1,
		      NP_TCP_SYN | NP_TCP_ACK | NP_TCP_RST, 20);
	ck_assert_int_eq(parse(&f, buf, len, &r), NP_RX_IGNORED);
	ck_assert_uint_eq(f.st.received, 0);
	ck_assert_uint_eq(f.m.tab.pending, 1);
	/* and the right one still counts */
	len = segment(&f, buf, DPORT, SPORT, 7, f.isn[1] + 1,
		      NP_TCP_SYN | NP_TCP_ACK, 20);
	ck_assert(feed(&f, buf, len, &f.from_tgt, 2 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_REPLY);
	ck_assert_uint_eq(ev.flags, 0);
	ck_assert_uint_eq(f.st.received, 1);
	teardown(&f);
}

START_TEST(wrong_ack_port_flags_address)
{
	hostile(AF_INET);
	hostile(AF_INET6);
}
END_TEST

/* Cut segments and impossible data offsets are malformed, never read
 * past the bytes received. */
START_TEST(truncated_and_bad_offset)
{
	struct fixture f;
	struct np_reply r;
	uint8_t buf[128];
	size_t len;

	for (int fam = 0; fam < 2; fam++) {
		size_t ip = fam == 0 ? 20 : 0;

		setup(&f, fam == 0 ? AF_INET : AF_INET6);
		len = segment(&f, buf, DPORT, SPORT, 7, 1,
			      NP_TCP_SYN | NP_TCP_ACK, 20);
		if (ip) /* 19 bytes of TCP: the IP length says so too */
			pk_ipv4(buf, 20, 39, IPPROTO_TCP, 64, TGT, US, NULL, 0);
		ck_assert_int_eq(parse(&f, buf, len - 1, &r), NP_RX_MALFORMED);
		ck_assert_int_eq(r.why, NP_MAL_TCP_TRUNCATED);
		/* data offset 4 words */
		len = segment(&f, buf, DPORT, SPORT, 7, 1,
			      NP_TCP_SYN | NP_TCP_ACK, 20);
		buf[ip + 12] = 0x40;
		ck_assert_int_eq(parse(&f, buf, len, &r), NP_RX_MALFORMED);
		ck_assert_int_eq(r.why, NP_MAL_TCP_OFFSET);
		/* data offset 15 words (60 bytes) in a 24-byte segment */
		len = segment(&f, buf, DPORT, SPORT, 7, 1,
			      NP_TCP_SYN | NP_TCP_ACK, 24);
		buf[ip + 12] = 0xf0;
		ck_assert_int_eq(parse(&f, buf, len, &r), NP_RX_MALFORMED);
		ck_assert_int_eq(r.why, NP_MAL_TCP_OFFSET);
		teardown(&f);
	}
	/* an IPv4 total length past the bytes read: the IP check */
	setup(&f, AF_INET);
	len = segment(&f, buf, DPORT, SPORT, 7, 1, NP_TCP_SYN | NP_TCP_ACK, 20);
	ck_assert_int_eq(parse(&f, buf, len - 4, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_IP_TOTLEN);
	teardown(&f);
}
END_TEST

/* An ICMP error that quotes our SYN, as a raw socket of another kind
 * would read it: IP header, ICMP header, quoted IP header, `qlen` bytes
 * of the SYN. */
static size_t icmp_error4(uint8_t *buf, const uint8_t *syn, size_t qlen,
			  uint8_t type, uint8_t code)
{
	uint8_t q[128];

	pk_ipv4(q, 20, 20 + 24, IPPROTO_TCP, 63, US, TGT, NULL, 0);
	memcpy(q + 20, syn, qlen);
	pk_icmp(buf + 20, type, code, 0, 0, q, 20 + qlen);
	pk_ipv4(buf, 20, (uint16_t)(20 + 8 + 20 + qlen), IPPROTO_ICMP, 64, RTR,
		US, NULL, 0);
	return 20 + 8 + 20 + qlen;
}

/* RFC 792's 8 bytes hold both ports and the ISN: enough to name and
 * authenticate the probe, and to end it; 7 bytes prove nothing; a
 * longer quote must show a SYN. */
START_TEST(quotes_of_8_bytes_and_longer)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;
	uint8_t syn[24], buf[256], bad[24];
	size_t len;

	setup(&f, AF_INET);
	send_at(&f, 0, syn);
	send_at(&f, MS, syn); /* probe 2's SYN in syn */
	len = icmp_error4(buf, syn, 7, 3, 3);
	ck_assert(feed(&f, buf, len, &f.from_rtr, 2 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	ck_assert_int_eq(r.why, NP_MAL_QUOTE_NO_TCP);
	ck_assert_uint_eq(f.st.errors, 0);
	/* 8 bytes: counted and verified, the probe ends */
	len = icmp_error4(buf, syn, 8, 3, 3);
	ck_assert(feed(&f, buf, len, &f.from_tgt, 2 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_ICMP_ERROR);
	ck_assert_uint_eq(ev.seq, 2);
	ck_assert_uint_eq(ev.flags & NP_EVF_UNVERIFIED, 0);
	ck_assert_uint_eq(f.st.errors, 1);
	ck_assert_uint_eq(f.st.errored, 1);
	ck_assert_int_eq(np_proto_tcp.classify(AF_INET, &r), NP_CLASS_ERROR);
	/* the whole SYN, time exceeded: a hop */
	send_at(&f, 3 * MS, syn); /* probe 3 */
	len = icmp_error4(buf, syn, 24, 11, 0);
	ck_assert(feed(&f, buf, len, &f.from_rtr, 4 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_ICMP_ERROR);
	ck_assert_uint_eq(ev.seq, 3);
	ck_assert_int_eq(np_proto_tcp.classify(AF_INET, &r), NP_CLASS_HOP);
	/* a forged quote: the right ports and sequence, a guessed MAC */
	send_at(&f, 5 * MS, syn); /* probe 4 */
	memcpy(bad, syn, 24);
	bad[7] ^= 0x5a;
	len = icmp_error4(buf, bad, 8, 3, 3);
	ck_assert(feed(&f, buf, len, &f.from_rtr, 6 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	/* a quote of a RST of ours (the kernel's answer to a SYN/ACK) */
	memcpy(bad, syn, 24);
	bad[13] = NP_TCP_RST;
	len = icmp_error4(buf, bad, 24, 3, 3);
	ck_assert(!feed(&f, buf, len, &f.from_rtr, 6 * MS, &ev, &r));
	/* another port of ours: another run's probe, dropped silently */
	memcpy(bad, syn, 24);
	bad[1] ^= 1;
	len = icmp_error4(buf, bad, 8, 3, 3);
	ck_assert(!feed(&f, buf, len, &f.from_rtr, 6 * MS, &ev, &r));
	ck_assert_uint_eq(f.m.tab.pending, 2); /* probes 1 and 4 */
	teardown(&f);
}
END_TEST

/* The error queue of a raw TCP socket with IP_RECVERR hands back the
 * quoted TCP header (raw_err, rawv6_err): the same proof. */
START_TEST(error_queue_quote)
{
	struct fixture f;
	struct sock_extended_err ee;
	struct np_event ev;
	struct np_reply r;
	uint8_t syn[24];

	for (int fam = 0; fam < 2; fam++) {
		int family = fam == 0 ? AF_INET : AF_INET6;

		setup(&f, family);
		send_at(&f, 0, syn);
		memset(&ee, 0, sizeof(ee));
		ee.ee_origin =
			fam == 0 ? SO_EE_ORIGIN_ICMP : SO_EE_ORIGIN_ICMP6;
		ee.ee_type = fam == 0 ? 3 : 1;
		ee.ee_code = fam == 0 ? 13 : 1; /* prohibited */
		ck_assert_int_eq(np_reply_from_errqueue(&np_proto_tcp, family,
							&ee, syn, 8, &r),
				 NP_RX_ERROR);
		ck_assert(np_match_packet(
			&f.m, &r, (struct sockaddr *)&f.from_rtr, MS, &ev));
		ck_assert_int_eq(ev.kind, NP_EV_ICMP_ERROR);
		ck_assert_uint_eq(ev.flags & NP_EVF_UNVERIFIED, 0);
		ck_assert_uint_eq(f.st.errored, 1);
		ck_assert_int_eq(np_reply_from_errqueue(&np_proto_tcp, family,
							&ee, syn, 6, &r),
				 NP_RX_MALFORMED);
		teardown(&f);
	}
}
END_TEST

/* ICMP that is not an error is not a TCP segment: an Echo Reply handed
 * to the TCP parse with its IPv4 header is ignored (an IPv6 raw TCP
 * socket reads TCP only, no IP header to say otherwise). */
START_TEST(icmp_not_an_error_is_ignored)
{
	struct np_reply r;
	uint8_t buf[128], data[32];
	struct np_rx rx;
	size_t n;

	memset(data, 0x12, sizeof(data));
	n = pk_icmp(buf + 20, 0, 0, SPORT, 1, data, sizeof(data));
	pk_ipv4(buf, 20, (uint16_t)(20 + n), IPPROTO_ICMP, 64, TGT, US, NULL,
		0);
	memset(&rx, 0, sizeof(rx));
	rx.family = AF_INET;
	rx.has_ip_header = true;
	rx.buf = buf;
	rx.len = 20 + n;
	rx.ttl = -1;
	rx.proto = &np_proto_tcp;
	ck_assert_int_eq(np_reply_parse(&rx, &r), NP_RX_IGNORED);
}
END_TEST

START_TEST(source_port_outside_ephemeral_range)
{
	for (uint32_t r = 0; r < 200000; r += 7) {
		uint16_t p = np_tcp_pick_port(r, 32768, 60999);

		ck_assert(p >= 1024);
		ck_assert(p < 32768 || p > 60999);
	}
	ck_assert_uint_eq(np_tcp_pick_port(0, 32768, 60999), 1024);
	ck_assert_uint_eq(np_tcp_pick_port(32767 - 1024, 32768, 60999), 32767);
	ck_assert_uint_eq(np_tcp_pick_port(32767 - 1024 + 1, 32768, 60999),
			  61000);
	/* the whole range ephemeral: any port from 1024 */
	ck_assert(np_tcp_pick_port(5, 1024, 65535) >= 1024);
}
END_TEST

/* ---- the core sends SYNs with the right source -------------------------- */

/* An injected I/O that keeps the last packet sent and gives `src` as the
 * route's source (many targets), or none. */
struct core_fake {
	uint8_t sent[64];
	size_t len;
	unsigned lookups;
	const char *src;
};

static int64_t cf_mono(void *ctx)
{
	(void)ctx;
	return 5 * MS;
}

static int64_t cf_real(void *ctx)
{
	(void)ctx;
	return 1700000000000000000LL;
}

static ssize_t cf_send(void *ctx, struct np_socket *s, const void *buf,
		       size_t len, const struct sockaddr *dst, socklen_t dstlen,
		       uint32_t id)
{
	struct core_fake *cf = ctx;

	(void)s;
	(void)dst;
	(void)dstlen;
	(void)id;
	ck_assert_uint_le(len, sizeof(cf->sent));
	memcpy(cf->sent, buf, len);
	cf->len = len;
	return (ssize_t)len;
}

static int cf_flow_src(void *ctx, struct np_socket *s,
		       const struct sockaddr *dst, socklen_t dstlen,
		       struct sockaddr_storage *src)
{
	struct core_fake *cf = ctx;

	(void)s;
	(void)dst;
	(void)dstlen;
	cf->lookups++;
	if (cf->src == NULL)
		return -1;
	*src = pk_addr(cf->src);
	return 0;
}

/* One SYN through np_core_send: the socket's source (ping mode) or, for
 * a socket without one, the route's (many targets); its checksum right
 * over the pseudo-header of that source and the target. */
static void core_syn(const char *sock_src, const char *route_src,
		     const char *want_src, unsigned want_lookups)
{
	struct core_fake cf;
	struct np_io io = {&cf,	 cf_mono, cf_real, cf_send, NULL, NULL,
			   NULL, NULL,	  NULL,	   NULL,    NULL, NULL};
	struct np_options o;
	struct np_socket s;
	struct np_matcher m;
	struct np_tstate tgt;
	struct np_stats st;
	struct np_core c;
	struct np_err err;
	struct np_probe *p;
	struct sockaddr_storage dst = pk_addr(TGT), want = pk_addr(want_src);

	memset(&cf, 0, sizeof(cf));
	cf.src = route_src;
	io.flow_src = cf_flow_src;
	np_options_defaults(&o);
	o.size = 0;
	o.port = DPORT;
	memset(&s, 0, sizeof(s));
	s.fd = -1;
	s.family = AF_INET;
	s.proto = &np_proto_tcp;
	s.kind = NP_SOCK_RAW;
	if (sock_src != NULL)
		s.src = pk_addr(sock_src);
	memset(&m, 0, sizeof(m));
	memset(&tgt, 0, sizeof(tgt));
	np_stats_init(&st);
	m.ident[0] = SPORT;
	m.total = &st;
	m.slots = &tgt;
	m.nslots = 1;
	tgt.used = true;
	np_tstate_set_addr(&tgt, (struct sockaddr *)&dst);
	ck_assert_int_eq(
		np_core_init(&c, &io, &m, &np_proto_tcp, &o, 256, 1, &err), 0);
	ck_assert_int_eq(np_probe_table_init(&m.tab, 1000 * MS, 100 * MS), 0);
	c.sock[0] = &s;
	ck_assert_int_eq(np_core_send(&c, 0, AF_INET, (struct sockaddr *)&dst,
				      sizeof(struct sockaddr_in), NULL, &p),
			 0);
	ck_assert_uint_eq(cf.len, NP_TCP_SYN_LEN);
	ck_assert_uint_eq(cf.sent[0] << 8 | cf.sent[1], SPORT);
	ck_assert_uint_eq(cf.sent[2] << 8 | cf.sent[3], DPORT);
	ck_assert_uint_eq(np_tcp_checksum(AF_INET, (struct sockaddr *)&want,
					  (struct sockaddr *)&dst, cf.sent,
					  cf.len),
			  0);
	ck_assert_uint_eq(cf.lookups, want_lookups);
	np_probe_table_free(&m.tab);
	np_core_free(&c);
}

START_TEST(core_syn_source)
{
	/* ping mode: the socket's route source, no look-up */
	core_syn(US, "198.51.100.99", US, 0);
	/* many targets: the route's source for the target */
	core_syn(NULL, "198.51.100.77", "198.51.100.77", 1);
}
END_TEST

/* The route look-up of many-target mode, on loopback: the source for
 * 127.0.0.1 is 127.0.0.1 (for ::1, ::1), and a second look-up for the
 * same address is answered from the last one. */
START_TEST(flow_src_on_loopback)
{
	struct np_socket s;
	struct np_err err;
	struct sockaddr_storage dst, src;

	for (int fam = 0; fam < 2; fam++) {
		const char *a = fam == 0 ? "127.0.0.1" : "::1";

		memset(&s, 0, sizeof(s));
		s.fd = -1;
		if (np_socket_open_route(&s, fam == 0 ? AF_INET : AF_INET6,
					 &err) != 0)
			continue; /* no IPv6 here */
		dst = pk_addr(a);
		if (np_socket_flow_src(&s, (struct sockaddr *)&dst,
				       np_addr_len(dst.ss_family), &src) == 0) {
			ck_assert(np_addr_equal((struct sockaddr *)&src,
						(struct sockaddr *)&dst));
			close(s.route_fd);
			s.route_fd = -1; /* the last answer, without it */
			memset(&src, 0, sizeof(src));
			ck_assert_int_eq(
				np_socket_flow_src(&s, (struct sockaddr *)&dst,
						   np_addr_len(dst.ss_family),
						   &src),
				0);
			ck_assert(np_addr_equal((struct sockaddr *)&src,
						(struct sockaddr *)&dst));
			dst = pk_addr(fam == 0 ? "127.0.0.2" : "::2");
			ck_assert_int_eq(
				np_socket_flow_src(&s, (struct sockaddr *)&dst,
						   np_addr_len(dst.ss_family),
						   &src),
				-1); /* another address, no socket to ask */
		} else {
			close(s.route_fd);
		}
	}
}
END_TEST

Suite *tcp_suite(void)
{
	Suite *s = suite_create("tcp");
	TCase *tc = tcase_create("tcp");

	tcase_add_test(tc, checksum_known_segments);
	tcase_add_test(tc, isn_mac_round_trip);
	tcase_add_test(tc, synack_open_rstack_closed);
	tcase_add_test(tc, bad_and_partial_checksums);
	tcase_add_test(tc, wrong_ack_port_flags_address);
	tcase_add_test(tc, truncated_and_bad_offset);
	tcase_add_test(tc, quotes_of_8_bytes_and_longer);
	tcase_add_test(tc, error_queue_quote);
	tcase_add_test(tc, icmp_not_an_error_is_ignored);
	tcase_add_test(tc, source_port_outside_ephemeral_range);
	tcase_add_test(tc, core_syn_source);
	tcase_add_test(tc, flow_src_on_loopback);
	suite_add_tcase(s, tc);
	return s;
}
