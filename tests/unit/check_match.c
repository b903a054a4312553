/* check_match.c - the probe table and the matching rules: which packets
 * count, as what, and which never do. */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "icmp.h"
#include "proto_icmp.h"
#include "match.h"
#include "packets.h"
#include "reply.h"
#include "suites.h"

#define US "198.51.100.1"
#define TGT "198.51.100.7"
#define RTR "198.51.100.254"
#define MS 1000000LL

/* Ping mode's matcher: one target in slot 0, the run's RTTs its RTTs. */
struct fixture {
	struct np_matcher m;
	struct np_tstate tgt;
	struct np_stats st;
	uint8_t req[64][128]; /* requests as sent, by probe number */
	size_t reqlen;
	struct sockaddr_storage from_tgt, from_rtr, from_other;
};

static void setup(struct fixture *f, enum np_sock_kind kind)
{
	memset(f, 0, sizeof(*f));
	f->m.kind[0] = kind;
	f->m.ident[0] = 0x1234;
	f->m.spec.key.k0 = 0xc0ffee0012345678ULL;
	f->m.spec.size = 56;
	f->m.total = &f->st;
	f->m.total_rtt = true;
	f->m.slots = &f->tgt;
	f->m.nslots = 1;
	np_stats_init(&f->st);
	f->from_tgt = pk_addr(TGT);
	f->tgt.used = true;
	f->tgt.gen = 1;
	f->tgt.hist = &f->st.hist;
	np_tstate_set_addr(&f->tgt, (struct sockaddr *)&f->from_tgt);
	np_rtt_init(&f->tgt.rtt);
	ck_assert_int_eq(
		np_probe_table_init(&f->m.tab, 10 * 1000 * MS, 1000 * MS), 0);
	f->from_tgt = pk_addr(TGT);
	f->from_rtr = pk_addr(RTR);
	f->from_other = pk_addr("198.51.100.66");
}

/* Send probe number n (the next one) at time t. */
static struct np_probe *send_at(struct fixture *f, int64_t t)
{
	struct np_probe *p = np_probe_table_next(&f->m.tab, NULL);

	p->stamp = 1700000000000000000ULL + (uint64_t)p->no;
	f->reqlen = np_icmp_build_echo(f->req[p->no % 64], sizeof(f->req[0]),
				       AF_INET, f->m.ident[0], (uint16_t)p->no,
				       &f->m.spec, p->stamp);
	p->sent_mono = t;
	np_match_sent(&f->m, p, 0, true);
	return p;
}

/* The reply the target would send to probe n: IP header + echo reply. */
static size_t reply_to(struct fixture *f, uint64_t n, uint8_t *buf)
{
	memcpy(buf + 20, f->req[n % 64], f->reqlen);
	buf[20] = 0;
	pk_icmp_fix(buf + 20, f->reqlen);
	pk_ipv4(buf, 20, (uint16_t)(20 + f->reqlen), IPPROTO_ICMP, 64, TGT, US,
		NULL, 0);
	return 20 + f->reqlen;
}

/* A raw-socket fixture with probe 1 sent at time 0, and the target's
 * reply to it in buf. */
static size_t first_reply(struct fixture *f, uint8_t *buf)
{
	setup(f, NP_SOCK_RAW);
	send_at(f, 0);
	return reply_to(f, 1, buf);
}

static bool feed(struct fixture *f, const uint8_t *buf, size_t len,
		 const struct sockaddr_storage *from, int64_t t,
		 struct np_event *ev, struct np_reply *r)
{
	struct np_rx rx = {AF_INET, true, buf,	 len,  -1,
			   NULL,    NULL, false, NULL, true};

	if (f->m.kind[0] == NP_SOCK_DGRAM) {
		rx.has_ip_header = false;
		rx.buf = buf + 20;
		rx.len = len - 20;
	}
	np_reply_parse(&rx, r);
	return np_match_packet(&f->m, r, (const struct sockaddr *)from, t, ev);
}

static void teardown(struct fixture *f)
{
	np_probe_table_free(&f->m.tab);
}

START_TEST(good_reply_and_duplicate)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;
	uint8_t buf[256];
	size_t len;

	setup(&f, NP_SOCK_RAW);
	send_at(&f, 100 * MS);
	len = reply_to(&f, 1, buf);
	ck_assert(feed(&f, buf, len, &f.from_tgt, 100 * MS + 250000, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_REPLY);
	ck_assert_uint_eq(ev.flags, 0);
	ck_assert_int_eq(ev.rtt_ns, 250000);
	ck_assert_uint_eq(ev.seq, 1);
	ck_assert_uint_eq(ev.bytes, 64);
	ck_assert_int_eq(ev.ttl, 64);
	ck_assert_uint_eq(f.st.received, 1);
	ck_assert_uint_eq(f.m.tab.pending, 0);
	/* the same reply again */
	ck_assert(feed(&f, buf, len, &f.from_tgt, 101 * MS, &ev, &r));
	ck_assert_uint_eq(ev.flags, NP_EVF_DUP);
	ck_assert_uint_eq(f.st.received, 1);
	ck_assert_uint_eq(f.st.duplicates, 1);
	ck_assert_uint_eq(f.st.rtt.n, 1); /* duplicates are not samples */
	teardown(&f);
}
END_TEST

/* The kernel's transmit stamps: each goes to the probe it names, only
 * while that probe waits, only when plausible; a probe without one keeps
 * the user-space send time. */
START_TEST(transmit_timestamps)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;
	uint8_t buf[256];
	size_t len;

	setup(&f, NP_SOCK_RAW);
	send_at(&f, 100 * MS); /* probe 1 */
	send_at(&f, 200 * MS); /* probe 2 */
	send_at(&f, 300 * MS); /* probe 3 */
	/* probe 2's stamp, 1.7 us after the clock read before sendto */
	ck_assert(np_probe_table_tx_stamp(&f.m.tab, 2, 200 * MS + 1700));
	/* a second stamp for the same probe does not move it again */
	ck_assert(!np_probe_table_tx_stamp(&f.m.tab, 2, 200 * MS + 9000));
	/* never sent, or named by the low 32 bits of another number */
	ck_assert(!np_probe_table_tx_stamp(&f.m.tab, 4, 300 * MS + 10));
	ck_assert(!np_probe_table_tx_stamp(&f.m.tab, 0x10003u, 300 * MS + 10));
	/* implausible: before the probe was handed to the kernel, or more
	 * than a second after */
	ck_assert(!np_probe_table_tx_stamp(&f.m.tab, 3, 300 * MS - 2000));
	ck_assert(!np_probe_table_tx_stamp(&f.m.tab, 3, 300 * MS + 1001 * MS));

	/* probe 2: RTT from the kernel's send time */
	len = reply_to(&f, 2, buf);
	ck_assert(feed(&f, buf, len, &f.from_tgt, 200 * MS + 9700, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_REPLY);
	ck_assert_int_eq(ev.rtt_ns, 8000);
	ck_assert_uint_eq(ev.ts, NP_TS_TX_KERNEL);
	/* probe 1: none came, the user-space time stands */
	len = reply_to(&f, 1, buf);
	ck_assert(feed(&f, buf, len, &f.from_tgt, 100 * MS + 30000, &ev, &r));
	ck_assert_int_eq(ev.rtt_ns, 30000);
	ck_assert_uint_eq(ev.ts, 0);
	/* a stamp after the reply changes nothing */
	ck_assert(!np_probe_table_tx_stamp(&f.m.tab, 1, 100 * MS + 500));
	ck_assert_uint_eq(f.st.rtt.min_ns, 8000);
	ck_assert_uint_eq(f.st.received, 2);
	/* a reply "before" its kernel send time (clocks lined up to tens of
	 * ns) is 0, never negative */
	ck_assert(np_probe_table_tx_stamp(&f.m.tab, 3, 300 * MS + 900));
	len = reply_to(&f, 3, buf);
	ck_assert(feed(&f, buf, len, &f.from_tgt, 300 * MS + 850, &ev, &r));
	ck_assert_int_eq(ev.rtt_ns, 0);
	teardown(&f);
}
END_TEST

START_TEST(foreign_identifier_is_silent)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;
	uint8_t buf[256];
	size_t len;

	len = first_reply(&f, buf);
	buf[24] ^= 0x01; /* identifier 0x1334 */
	pk_icmp_fix(buf + 20, len - 20);
	ck_assert(!feed(&f, buf, len, &f.from_tgt, MS, &ev, &r));
	ck_assert_uint_eq(f.st.received + f.st.foreign + f.st.corrupted, 0);
	/* a datagram socket has the kernel check the id */
	teardown(&f);
	setup(&f, NP_SOCK_DGRAM);
	send_at(&f, 0);
	len = reply_to(&f, 1, buf);
	buf[24] ^= 0x01;
	pk_icmp_fix(buf + 20, len - 20);
	ck_assert(feed(&f, buf, len, &f.from_tgt, MS, &ev, &r));
	ck_assert_uint_eq(f.st.received, 1);
	teardown(&f);
}
END_TEST

START_TEST(spoofed_source)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;
	uint8_t buf[256];
	size_t len;

	len = first_reply(&f, buf);
	ck_assert(feed(&f, buf, len, &f.from_other, MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	ck_assert_uint_eq(f.st.received, 0);
	ck_assert_uint_eq(f.st.foreign, 1);
	ck_assert_uint_eq(f.m.tab.pending, 1);
	teardown(&f);
}
END_TEST

START_TEST(wrong_cookie)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;
	uint8_t buf[256];
	size_t len;

	len = first_reply(&f, buf);
	buf[28 + 2] ^= 0x80; /* cookie byte 2 */
	pk_icmp_fix(buf + 20, len - 20);
	ck_assert(feed(&f, buf, len, &f.from_tgt, MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	ck_assert_uint_eq(f.st.foreign, 1);
	ck_assert_uint_eq(f.st.received, 0);
	teardown(&f);
}
END_TEST

/* The cookie is a MAC of the probe's identity: probe 1's payload under
 * probe 2's sequence number is not ours (a per-run cookie let it pass as
 * a corrupted reply to probe 2). */
START_TEST(payload_of_another_probe)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;
	uint8_t buf[256];
	size_t len;

	setup(&f, NP_SOCK_RAW);
	send_at(&f, 0);
	send_at(&f, MS);
	len = reply_to(&f, 1, buf);
	buf[20 + 7] = 2; /* sequence 2, probe 1's payload */
	pk_icmp_fix(buf + 20, len - 20);
	ck_assert(feed(&f, buf, len, &f.from_tgt, 2 * MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	ck_assert_uint_eq(f.st.foreign, 1);
	ck_assert_uint_eq(f.st.corrupted, 0);
	ck_assert_uint_eq(f.st.received, 0);
	teardown(&f);
}
END_TEST

START_TEST(altered_payload_and_stamp)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;
	uint8_t buf[256];
	size_t len;

	len = first_reply(&f, buf);
	buf[28 + 40] = 0x99; /* fill byte 40 */
	pk_icmp_fix(buf + 20, len - 20);
	ck_assert(feed(&f, buf, len, &f.from_tgt, MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_REPLY);
	ck_assert_uint_eq(ev.flags, NP_EVF_BADDATA);
	ck_assert_int_eq(ev.payload, NP_PAYLOAD_DATA);
	ck_assert_uint_eq(ev.mm.index, 40);
	ck_assert_uint_eq(ev.mm.expected, 40);
	ck_assert_uint_eq(ev.mm.got, 0x99);
	ck_assert_uint_eq(f.st.corrupted, 1);
	ck_assert_uint_eq(f.st.received, 0);
	/* the stamp altered on the way (this probe's MAC): corrupted */
	len = reply_to(&f, 1, buf);
	buf[28 + 15] ^= 0x01;
	pk_icmp_fix(buf + 20, len - 20);
	ck_assert(feed(&f, buf, len, &f.from_tgt, MS, &ev, &r));
	ck_assert_int_eq(ev.payload, NP_PAYLOAD_STAMP);
	ck_assert_uint_eq(ev.flags, NP_EVF_BADDATA);
	ck_assert_uint_eq(f.st.corrupted, 2);
	/* the payload of an earlier probe with the same sequence number
	 * (before a wrap: its own stamp, and a MAC right for that stamp):
	 * late in every mode (netprobe.8, MATCHING), never corrupted */
	f.reqlen = np_icmp_build_echo(buf + 20, sizeof(buf) - 20, AF_INET,
				      f.m.ident[0], 1, &f.m.spec,
				      1700000000000000000ULL - 65536);
	buf[20] = 0;
	pk_icmp_fix(buf + 20, f.reqlen);
	pk_ipv4(buf, 20, (uint16_t)(20 + f.reqlen), IPPROTO_ICMP, 64, TGT, US,
		NULL, 0);
	ck_assert(feed(&f, buf, 20 + f.reqlen, &f.from_tgt, MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_REPLY);
	ck_assert_int_eq(ev.payload, NP_PAYLOAD_STAMP);
	ck_assert_uint_eq(ev.flags, NP_EVF_LATE);
	ck_assert_int_eq(ev.rtt_ns, -1);
	ck_assert_uint_eq(f.st.late, 1);
	ck_assert_uint_eq(f.st.corrupted, 2);
	/* truncated payload with a valid checksum */
	len = reply_to(&f, 1, buf);
	pk_ipv4(buf, 20, (uint16_t)(len - 10), IPPROTO_ICMP, 64, TGT, US, NULL,
		0);
	pk_icmp_fix(buf + 20, len - 30);
	ck_assert(feed(&f, buf, len - 10, &f.from_tgt, MS, &ev, &r));
	ck_assert_int_eq(ev.payload, NP_PAYLOAD_LENGTH);
	ck_assert_uint_eq(f.st.corrupted, 3);
	ck_assert_uint_eq(f.st.received, 0);
	/* the genuine reply still counts afterwards */
	len = reply_to(&f, 1, buf);
	ck_assert(feed(&f, buf, len, &f.from_tgt, MS, &ev, &r));
	ck_assert_uint_eq(ev.flags, 0);
	ck_assert_uint_eq(f.st.received, 1);
	teardown(&f);
}
END_TEST

START_TEST(bad_checksum)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;
	uint8_t buf[256];
	size_t len;

	len = first_reply(&f, buf);
	buf[22] ^= 0x11;
	ck_assert(feed(&f, buf, len, &f.from_tgt, 3 * MS, &ev, &r));
	ck_assert_uint_eq(ev.flags, NP_EVF_BADSUM);
	ck_assert_int_eq(ev.rtt_ns, 3 * MS);
	ck_assert_uint_eq(f.st.corrupted, 1);
	ck_assert_uint_eq(f.st.received, 0);
	ck_assert_uint_eq(f.m.tab.pending, 1);
	teardown(&f);
}
END_TEST

START_TEST(unknown_sequence)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;
	uint8_t buf[256];
	size_t len;

	len = first_reply(&f, buf);
	buf[27] = 2; /* sequence 2: never sent */
	pk_icmp_fix(buf + 20, len - 20);
	ck_assert(feed(&f, buf, len, &f.from_tgt, MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	ck_assert_uint_eq(f.st.foreign, 1);
	teardown(&f);
}
END_TEST

START_TEST(late_reply)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;
	uint8_t buf[256];
	int64_t next;
	size_t len;

	setup(&f, NP_SOCK_RAW);
	send_at(&f, 0);
	send_at(&f, 1000 * MS);
	ck_assert_uint_eq(
		np_probe_table_expire(&f.m.tab, 9999 * MS, 10000 * MS, &next),
		0);
	ck_assert_int_eq(next, 10000 * MS);
	ck_assert_uint_eq(
		np_probe_table_expire(&f.m.tab, 10000 * MS, 10000 * MS, &next),
		1);
	ck_assert_int_eq(next, 11000 * MS);
	ck_assert_uint_eq(f.m.tab.pending, 1);
	len = reply_to(&f, 1, buf);
	ck_assert(feed(&f, buf, len, &f.from_tgt, 10500 * MS, &ev, &r));
	ck_assert_uint_eq(ev.flags, NP_EVF_LATE);
	ck_assert_int_eq(ev.rtt_ns, 10500 * MS);
	ck_assert_uint_eq(f.st.late, 1);
	ck_assert_uint_eq(f.st.received, 0);
	ck_assert_uint_eq(f.st.rtt.n, 0);
	teardown(&f);
}
END_TEST

/* An ICMP error from RTR quoting probe n as we sent it. */
static size_t error_for(struct fixture *f, uint64_t n, uint8_t type,
			uint8_t code, const char *qdst, uint8_t *buf)
{
	uint8_t q[128];
	size_t icmp;

	pk_ipv4(q, 20, (uint16_t)(20 + f->reqlen), IPPROTO_ICMP, 1, US, qdst,
		NULL, 0);
	memcpy(q + 20, f->req[n % 64], f->reqlen);
	icmp = pk_icmp(buf + 20, type, code, 0, 0, q, 20 + f->reqlen);
	pk_ipv4(buf, 20, (uint16_t)(20 + icmp), IPPROTO_ICMP, 64, RTR, US, NULL,
		0);
	return 20 + icmp;
}

START_TEST(errors_attributed)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;
	uint8_t buf[256];
	size_t len;

	setup(&f, NP_SOCK_RAW);
	send_at(&f, 0);
	send_at(&f, 1000 * MS);
	len = error_for(&f, 1, 3, 1, TGT, buf);
	ck_assert(feed(&f, buf, len, &f.from_rtr, MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_ICMP_ERROR);
	ck_assert_uint_eq(ev.seq, 1);
	ck_assert_ptr_eq(ev.from, (const struct sockaddr *)&f.from_rtr);
	ck_assert_uint_eq(f.st.errors, 1);
	ck_assert_uint_eq(f.m.tab.pending, 1); /* probe 1 is over */
	/* a redirect is shown and counted, but the probe goes on */
	len = error_for(&f, 2, 5, 1, TGT, buf);
	ck_assert(feed(&f, buf, len, &f.from_rtr, MS, &ev, &r));
	ck_assert_uint_eq(f.st.errors, 2);
	ck_assert_uint_eq(f.m.tab.pending, 1);
	/* a reply after the error still counts */
	len = reply_to(&f, 1, buf);
	ck_assert(feed(&f, buf, len, &f.from_tgt, 2 * MS, &ev, &r));
	ck_assert_uint_eq(ev.flags, 0);
	ck_assert_uint_eq(f.st.received, 1);
	/* quoting a probe to another address: not ours */
	len = error_for(&f, 2, 3, 1, "198.51.100.8", buf);
	ck_assert(feed(&f, buf, len, &f.from_rtr, MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	ck_assert_uint_eq(f.st.errors, 2);
	/* quoting another pinger's identifier: silently not ours */
	f.req[2][4] ^= 0x40;
	len = error_for(&f, 2, 11, 0, TGT, buf);
	ck_assert(!feed(&f, buf, len, &f.from_rtr, MS, &ev, &r));
	f.req[2][4] ^= 0x40;
	/* quoting another run's cookie */
	f.req[2][9] ^= 0x40;
	len = error_for(&f, 2, 11, 0, TGT, buf);
	ck_assert(feed(&f, buf, len, &f.from_rtr, MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	ck_assert_uint_eq(f.st.errors, 2);
	/* malformed: counted as such, never as an error or reply */
	len = error_for(&f, 2, 11, 0, TGT, buf);
	buf[28] = 0x43;
	pk_icmp_fix(buf + 20, len - 20);
	ck_assert(feed(&f, buf, len, &f.from_rtr, MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	ck_assert_uint_eq(f.st.malformed, 1);
	ck_assert_uint_eq(f.st.errors, 2);
	teardown(&f);
}
END_TEST

/* An error quoting only the IP header and 8 bytes (RFC 792's minimum):
 * no cookie to check, so it may be forged - shown, but the probe goes on. */
START_TEST(unverified_error)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;
	uint8_t buf[256];
	size_t len;

	setup(&f, NP_SOCK_RAW);
	send_at(&f, 0);
	len = error_for(&f, 1, 3, 1, TGT, buf);
	/* cut the quote after the quoted ICMP header */
	len = 20 + 8 + 20 + 8;
	pk_ipv4(buf, 20, (uint16_t)len, IPPROTO_ICMP, 64, RTR, US, NULL, 0);
	pk_ipv4(buf + 28, 20, 84, IPPROTO_ICMP, 1, US, TGT, NULL, 0);
	pk_icmp_fix(buf + 20, len - 20);
	ck_assert(feed(&f, buf, len, &f.from_rtr, MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_ICMP_ERROR);
	ck_assert_uint_eq(ev.flags, NP_EVF_UNVERIFIED);
	ck_assert_uint_eq(f.st.errors, 1);
	ck_assert_uint_eq(f.st.errored, 0);
	ck_assert_uint_eq(f.m.tab.pending, 1);
	/* the real reply still counts */
	len = reply_to(&f, 1, buf);
	ck_assert(feed(&f, buf, len, &f.from_tgt, 2 * MS, &ev, &r));
	ck_assert_uint_eq(f.st.received, 1);
	/* a full quote ends the probe and is not flagged */
	send_at(&f, 1000 * MS);
	len = error_for(&f, 2, 3, 1, TGT, buf);
	ck_assert(feed(&f, buf, len, &f.from_rtr, 1001 * MS, &ev, &r));
	ck_assert_uint_eq(ev.flags, 0);
	ck_assert_uint_eq(f.st.errored, 1);
	ck_assert_uint_eq(f.m.tab.pending, 0);
	teardown(&f);
}
END_TEST

/* A reply too short to carry our cookie never counts, not even as
 * corrupted (the cookie check would pass vacuously). */
START_TEST(empty_reply_is_not_ours)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;
	uint8_t buf[256];
	size_t len;

	len = first_reply(&f, buf);
	len = 20 + 8 + 4; /* 4 payload bytes of our 56 */
	pk_ipv4(buf, 20, (uint16_t)len, IPPROTO_ICMP, 64, TGT, US, NULL, 0);
	pk_icmp_fix(buf + 20, len - 20);
	buf[22] ^= 0x01; /* and a bad checksum */
	ck_assert(feed(&f, buf, len, &f.from_tgt, MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	pk_icmp_fix(buf + 20, len - 20); /* good checksum, still too short */
	ck_assert(feed(&f, buf, len, &f.from_tgt, MS, &ev, &r));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	ck_assert_uint_eq(f.st.corrupted, 0);
	ck_assert_uint_eq(f.st.received, 0);
	ck_assert_uint_eq(f.st.foreign, 2);
	teardown(&f);
}
END_TEST

/* An ICMP error whose quote proves nothing about our probes (a protocol's
 * quote too short for its header: NP_PROOF_NONE) is not counted as ours,
 * whatever key fields it leaves set; -v shows it as ignored. */
START_TEST(error_proving_nothing_is_not_ours)
{
	struct fixture f;
	struct np_event ev;
	struct np_reply r;

	setup(&f, NP_SOCK_DGRAM);
	send_at(&f, 0);
	memset(&r, 0, sizeof(r));
	r.proto = np_proto_default();
	r.kind = NP_RX_ERROR;
	r.type = NP_ICMP_DEST_UNREACH;
	r.code = 1;
	r.icmp_valid = true;
	r.key.flow = f.m.ident[0];
	r.key.seq = 1;
	r.key.proof = NP_PROOF_NONE;
	ck_assert(np_match_packet(
		&f.m, &r, (const struct sockaddr *)&f.from_rtr, MS, &ev));
	ck_assert_int_eq(ev.kind, NP_EV_IGNORED);
	ck_assert_uint_eq(f.st.errors, 0);
	ck_assert_uint_eq(f.st.foreign, 1);
	ck_assert_uint_eq(f.m.tab.pending, 1);
	/* the same error naming the probe (RFC 792's quote) counts */
	r.key.proof = NP_PROOF_KEY;
	ck_assert(np_match_packet(
		&f.m, &r, (const struct sockaddr *)&f.from_rtr, MS, &ev));
	ck_assert_int_eq(ev.kind, NP_EV_ICMP_ERROR);
	ck_assert_uint_eq(f.st.errors, 1);
	teardown(&f);
}
END_TEST

START_TEST(table_sizes)
{
	struct np_probe_table t;

	ck_assert_int_eq(np_probe_table_init(&t, 10000 * MS, 1000 * MS), 0);
	ck_assert_uint_eq(np_probe_table_slots(&t), 16);
	np_probe_table_free(&t);
	ck_assert_int_eq(np_probe_table_init(&t, 10000 * MS, 10 * MS), 0);
	ck_assert_uint_eq(np_probe_table_slots(&t), 1024);
	np_probe_table_free(&t);
	ck_assert_int_eq(np_probe_table_init(&t, 10000 * MS, 0), 0);
	ck_assert_uint_eq(np_probe_table_slots(&t), 65536);
	np_probe_table_free(&t);
	ck_assert_int_eq(np_probe_table_init(&t, 2000000000LL * MS, 1), 0);
	ck_assert_uint_eq(np_probe_table_slots(&t), 65536);
	np_probe_table_free(&t);
}
END_TEST

START_TEST(sequence_wraparound)
{
	struct np_probe_table t;
	struct np_probe *p;
	uint64_t forced = 0;

	ck_assert_int_eq(np_probe_table_init(&t, 10000 * MS, 1000 * MS), 0);
	ck_assert_ptr_null(np_probe_table_find(&t, 1));
	for (int i = 0; i < 70000; i++) {
		p = np_probe_table_next(&t, &forced);
		p->state = NP_PROBE_REPLIED;
	}
	/* probe 70000 went out with sequence 70000 - 65536 = 4464 */
	p = np_probe_table_find(&t, 4464);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->no, 70000);
	p = np_probe_table_find(&t, 4464 - 15);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->no, 69985);
	/* older than the table holds: unknown, not mistaken for a new one */
	ck_assert_ptr_null(np_probe_table_find(&t, 4464 - 16));
	ck_assert_ptr_null(np_probe_table_find(&t, 4465)); /* not sent yet */
	/* sequence 0 after the wrap is probe 65536 - but that is too old */
	ck_assert_ptr_null(np_probe_table_find(&t, 0));
	ck_assert_uint_eq(forced, 0);
	np_probe_table_free(&t);
}
END_TEST

START_TEST(forced_eviction)
{
	struct np_probe_table t;
	uint64_t forced = 0;

	/* 16 slots, 20 probes pending: the 4 oldest are pushed out */
	ck_assert_int_eq(np_probe_table_init(&t, 10000 * MS, 1000 * MS), 0);
	for (int i = 0; i < 20; i++) {
		struct np_probe *p = np_probe_table_next(&t, &forced);

		p->state = NP_PROBE_PENDING;
		t.pending++;
	}
	ck_assert_uint_eq(forced, 4);
	ck_assert_uint_eq(t.pending, 16);
	ck_assert_ptr_null(np_probe_table_find(&t, 4));
	ck_assert_ptr_nonnull(np_probe_table_find(&t, 5));
	np_probe_table_free(&t);
}
END_TEST

Suite *match_suite(void)
{
	Suite *s = suite_create("match");
	TCase *tc = tcase_create("rules");
	TCase *tt = tcase_create("table");

	tcase_add_test(tc, good_reply_and_duplicate);
	tcase_add_test(tc, transmit_timestamps);
	tcase_add_test(tc, foreign_identifier_is_silent);
	tcase_add_test(tc, spoofed_source);
	tcase_add_test(tc, wrong_cookie);
	tcase_add_test(tc, payload_of_another_probe);
	tcase_add_test(tc, altered_payload_and_stamp);
	tcase_add_test(tc, bad_checksum);
	tcase_add_test(tc, unknown_sequence);
	tcase_add_test(tc, late_reply);
	tcase_add_test(tc, errors_attributed);
	tcase_add_test(tc, unverified_error);
	tcase_add_test(tc, empty_reply_is_not_ours);
	tcase_add_test(tc, error_proving_nothing_is_not_ours);
	tcase_add_test(tt, table_sizes);
	tcase_add_test(tt, sequence_wraparound);
	tcase_add_test(tt, forced_eviction);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tt);
	return s;
}
