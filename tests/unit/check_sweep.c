/* check_sweep.c - matching for many targets: one sequence map for every
 * target, its 16-bit wraparound, late replies after the wrap, duplicates,
 * targets already reported, and ICMP errors. */
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
#define RTR "198.51.100.254"
#define MS 1000000LL
#define STAMP0 1700000000000000000ULL

static int wire_id = -1; /* >= 0: requests carry this identifier */

static const char *const addrs[] = {"198.18.0.1", "198.18.0.2", "198.18.0.3"};

struct mfix {
	struct np_matcher m;
	struct np_stats total;
	struct np_tstate slots[3];
	struct np_event ev;
	struct np_reply r;
	uint8_t buf[512];
};

static void msetup(struct mfix *f, int64_t timeout, int64_t gap)
{
	memset(f, 0, sizeof(*f));
	f->m.kind[0] = NP_SOCK_RAW;
	f->m.ident[0] = 0x4321;
	f->m.spec.key.k0 = 0x5eed5eed01020304ULL;
	f->m.spec.size = 56;
	f->m.slots = f->slots;
	f->m.nslots = 3;
	f->m.total = &f->total;
	np_stats_init(&f->total);
	ck_assert_int_eq(np_probe_table_init(&f->m.tab, timeout, gap), 0);
	for (int i = 0; i < 3; i++) {
		struct sockaddr_storage ss = pk_addr(addrs[i]);

		f->slots[i].used = true;
		f->slots[i].gen = 1;
		np_tstate_set_addr(&f->slots[i], (struct sockaddr *)&ss);
		np_rtt_init(&f->slots[i].rtt);
	}
}

static struct np_probe *msend(struct mfix *f, uint32_t slot, int64_t t)
{
	struct np_probe *p = np_probe_table_next(&f->m.tab, NULL);

	p->stamp = STAMP0 + p->no;
	p->sent_mono = t;
	np_match_sent(&f->m, p, slot, true);
	return p;
}

/* The echo request of probe `no`, as sent. */
static size_t request(struct mfix *f, uint64_t no, uint8_t *out)
{
	return np_icmp_build_echo(out, 128, AF_INET,
				  wire_id >= 0 ? (uint16_t)wire_id
					       : f->m.ident[0],
				  (uint16_t)no, &f->m.spec, STAMP0 + no);
}

/* `src` answering probe `no`. */
static bool reply(struct mfix *f, uint64_t no, const char *src, int64_t t)
{
	struct sockaddr_storage from = pk_addr(src);
	size_t len = request(f, no, f->buf + 20);
	struct np_rx rx = {AF_INET, true, f->buf, 20 + len, 64,
			   NULL,    NULL, false,  NULL,	    true};

	f->buf[20] = NP_ICMP_ECHOREPLY;
	pk_icmp_fix(f->buf + 20, len);
	pk_ipv4(f->buf, 20, (uint16_t)(20 + len), IPPROTO_ICMP, 64, src, US,
		NULL, 0);
	np_reply_parse(&rx, &f->r);
	return np_match_packet(&f->m, &f->r, (struct sockaddr *)&from, t,
			       &f->ev);
}

/* The router reporting probe `no` (sent to `qdst`) unreachable. */
static bool unreachable(struct mfix *f, uint64_t no, const char *qdst)
{
	struct sockaddr_storage from = pk_addr(RTR);
	uint8_t q[160];
	size_t len = request(f, no, q + 20), icmp;
	struct np_rx rx = {AF_INET, true, f->buf, 0,	64,
			   NULL,    NULL, false,  NULL, true};

	pk_ipv4(q, 20, (uint16_t)(20 + len), IPPROTO_ICMP, 1, US, qdst, NULL,
		0);
	icmp = pk_icmp(f->buf + 20, NP_ICMP_DEST_UNREACH, 1, 0, 0, q, 20 + len);
	pk_ipv4(f->buf, 20, (uint16_t)(20 + icmp), IPPROTO_ICMP, 64, RTR, US,
		NULL, 0);
	rx.len = 20 + icmp;
	np_reply_parse(&rx, &f->r);
	return np_match_packet(&f->m, &f->r, (struct sockaddr *)&from, 0,
			       &f->ev);
}

START_TEST(replies_go_to_their_target)
{
	struct mfix f;

	msetup(&f, 1000 * MS, 0);
	msend(&f, 0, 0);      /* probe 1 -> .1 */
	msend(&f, 1, 10);     /* probe 2 -> .2 */
	msend(&f, 0, 1 * MS); /* probe 3 -> .1, its second */
	ck_assert_uint_eq(f.slots[0].inflight, 2);

	ck_assert(reply(&f, 2, "198.18.0.2", 300010));
	ck_assert_int_eq(f.ev.kind, NP_EV_REPLY);
	ck_assert_uint_eq(f.ev.target, 1);
	ck_assert_uint_eq(f.ev.index, 0);
	ck_assert_int_eq(f.ev.rtt_ns, 300000);
	ck_assert_uint_eq(f.slots[1].c.received, 1);
	ck_assert_uint_eq(f.slots[1].inflight, 0);

	ck_assert(reply(&f, 3, "198.18.0.1", 2 * MS));
	ck_assert_uint_eq(f.ev.target, 0);
	ck_assert_uint_eq(f.ev.index, 1);
	ck_assert_uint_eq(f.slots[0].c.received, 1);

	/* right sequence number, wrong address: nobody's */
	ck_assert(reply(&f, 1, "198.18.0.3", 2 * MS));
	ck_assert_int_eq(f.ev.kind, NP_EV_IGNORED);
	ck_assert_uint_eq(f.total.foreign, 1);
	ck_assert_uint_eq(f.slots[2].c.received, 0);

	/* a duplicate counts once, as a duplicate */
	ck_assert(reply(&f, 2, "198.18.0.2", 3 * MS));
	ck_assert(f.ev.flags & NP_EVF_DUP);
	ck_assert_uint_eq(f.slots[1].c.received, 1);
	ck_assert_uint_eq(f.slots[1].c.duplicates, 1);
	ck_assert_uint_eq(f.total.received, 2);
	ck_assert_uint_eq(f.total.duplicates, 1);
	ck_assert_uint_eq(f.total.transmitted, 3);

	/* another pinger's identifier: silently not ours */
	wire_id = 0x1111;
	ck_assert(!reply(&f, 1, "198.18.0.1", 3 * MS));
	wire_id = -1;
	np_probe_table_free(&f.m.tab);
}
END_TEST

START_TEST(sequence_wraps_without_refusing)
{
	struct mfix f;
	struct np_probe *p;
	uint64_t k;

	/* gap 0: the whole 16-bit space in flight */
	msetup(&f, 1000 * MS, 0);
	ck_assert_uint_eq(np_probe_table_slots(&f.m.tab), 65536);
	for (k = 1; k <= 65536; k++) {
		ck_assert(!np_probe_table_busy(&f.m.tab));
		msend(&f, (uint32_t)(k % 2), (int64_t)k * 1000);
	}
	/* probe 65537 would reuse probe 1's sequence number while probe 1 is
	 * pending: the engine waits instead of refusing or evicting */
	ck_assert(np_probe_table_busy(&f.m.tab));
	ck_assert(reply(&f, 1, "198.18.0.2", 70 * MS));
	ck_assert_uint_eq(f.slots[1].c.received, 1);
	ck_assert(!np_probe_table_busy(&f.m.tab));
	p = msend(&f, 1, 71 * MS); /* probe 65537: wire sequence 1 again */
	ck_assert_uint_eq(p->no, 65537);
	ck_assert_uint_eq((uint16_t)p->no, 1);

	/* probe 1's reply again, after the wrap: same target, same sequence
	 * number, probe 1's send stamp -> late, not a reply to 65537 */
	ck_assert(reply(&f, 1, "198.18.0.2", 72 * MS));
	ck_assert(f.ev.flags & NP_EVF_LATE);
	ck_assert_uint_eq(f.slots[1].c.late, 1);
	ck_assert_uint_eq(f.slots[1].c.received, 1);

	/* the reply to 65537 itself */
	ck_assert(reply(&f, 65537, "198.18.0.2", 73 * MS));
	ck_assert_int_eq(f.ev.kind, NP_EV_REPLY);
	ck_assert_uint_eq(f.ev.flags, 0);
	ck_assert_int_eq(f.ev.rtt_ns, 2 * MS);
	ck_assert_uint_eq(f.ev.index, 32768); /* slot 1's 32769th probe */
	ck_assert_uint_eq(f.slots[1].c.received, 2);

	/* a sequence number whose probe is older than the map: probe 2's
	 * slot now belongs to nobody newer, it is still pending -> counted */
	ck_assert(reply(&f, 2, "198.18.0.1", 74 * MS));
	ck_assert_uint_eq(f.slots[0].c.received, 1);
	np_probe_table_free(&f.m.tab);
}
END_TEST

START_TEST(expiry_and_reported_targets)
{
	struct mfix f;
	struct np_probe *p;
	int64_t next;

	msetup(&f, 1000 * MS, 100 * MS);
	ck_assert_uint_eq(np_probe_table_slots(&f.m.tab), 16);
	msend(&f, 0, 0);
	msend(&f, 1, 1 * MS);
	msend(&f, 2, 2 * MS);
	ck_assert_ptr_null(np_probe_table_expire_one(&f.m.tab, 999 * MS,
						     1000 * MS, &next));
	ck_assert_int_eq(next, 1000 * MS);
	p = np_probe_table_expire_one(&f.m.tab, 1001500000, 1000 * MS, &next);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->no, 1);
	ck_assert_ptr_eq(np_match_expired(&f.m, p), &f.slots[0]);
	ck_assert_uint_eq(f.slots[0].inflight, 0);
	p = np_probe_table_expire_one(&f.m.tab, 1001500000, 1000 * MS, &next);
	ck_assert_uint_eq(p->no, 2);
	ck_assert_ptr_null(np_probe_table_expire_one(&f.m.tab, 1001500000,
						     1000 * MS, &next));
	ck_assert_int_eq(next, 1002 * MS);

	/* a late reply to probe 1 counts as late for .1 */
	ck_assert(reply(&f, 1, "198.18.0.1", 1100 * MS));
	ck_assert(f.ev.flags & NP_EVF_LATE);
	ck_assert_uint_eq(f.slots[0].c.late, 1);
	ck_assert_uint_eq(f.slots[0].c.received, 0);

	/* .2 was reported and its slot reused (new generation): its reply
	 * belongs to nobody now */
	f.slots[1].gen++;
	ck_assert(reply(&f, 2, "198.18.0.2", 1100 * MS));
	ck_assert_int_eq(f.ev.kind, NP_EV_IGNORED);
	ck_assert_ptr_nonnull(strstr(f.ev.why, "already reported"));
	ck_assert_uint_eq(f.slots[1].c.received, 0);
	ck_assert_uint_eq(f.slots[1].c.late, 0);
	ck_assert_ptr_null(np_match_expired(&f.m, &f.m.tab.slot[2]));
	np_probe_table_free(&f.m.tab);
}
END_TEST

START_TEST(errors_go_to_their_target)
{
	struct mfix f;

	msetup(&f, 1000 * MS, 0);
	msend(&f, 0, 0);
	msend(&f, 2, 0);
	ck_assert(unreachable(&f, 2, "198.18.0.3"));
	ck_assert_int_eq(f.ev.kind, NP_EV_ICMP_ERROR);
	ck_assert_uint_eq(f.ev.target, 2);
	ck_assert_uint_eq(f.slots[2].c.errors, 1);
	ck_assert_uint_eq(f.slots[2].c.errored, 1);
	ck_assert_uint_eq(f.slots[2].inflight, 0);
	ck_assert_uint_eq(f.m.tab.pending, 1);
	/* quoting probe 1 but a destination other than probe 1's */
	ck_assert(unreachable(&f, 1, "198.18.0.3"));
	ck_assert_int_eq(f.ev.kind, NP_EV_IGNORED);
	ck_assert_uint_eq(f.slots[0].c.errors, 0);
	ck_assert_uint_eq(f.slots[0].inflight, 1);
	ck_assert_uint_eq(f.total.errors, 1);
	np_probe_table_free(&f.m.tab);
}
END_TEST

Suite *sweep_suite(void)
{
	Suite *s = suite_create("sweep");
	TCase *tc = tcase_create("mmatch");

	tcase_add_test(tc, replies_go_to_their_target);
	tcase_add_test(tc, sequence_wraps_without_refusing);
	tcase_add_test(tc, expiry_and_reported_targets);
	tcase_add_test(tc, errors_go_to_their_target);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
