/* check_icmp.c - building Echo Requests and checking payloads */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "icmp.h"
#include "payload.h"
#include "proto_icmp.h"
#include "suites.h"

static struct np_payload_spec spec(size_t size)
{
	struct np_payload_spec s;
	uint8_t key[NP_SIPHASH_KEY_LEN];

	memset(&s, 0, sizeof(s));
	for (int i = 0; i < NP_SIPHASH_KEY_LEN; i++)
		key[i] = (uint8_t)(i + 1);
	np_siphash_key_set(&s.key, key);
	s.size = size;
	return s;
}

/* The MAC a probe (flow, seq, stamp) carries under spec's key. */
static uint64_t mac_of(const struct np_payload_spec *s, uint16_t flow,
		       uint16_t seq, uint64_t stamp)
{
	struct np_probe_ident id = {flow, seq, stamp};

	return np_payload_mac(s, &id);
}

START_TEST(build_v4_layout)
{
	struct np_payload_spec s = spec(56);
	uint8_t buf[128];
	size_t len = np_icmp_build_echo(buf, sizeof(buf), AF_INET, 0xabcd,
					0x0102, &s, 0x1122334455667788ULL);

	ck_assert_uint_eq(len, 64);
	ck_assert_uint_eq(buf[0], 8);
	ck_assert_uint_eq(buf[1], 0);
	ck_assert_uint_eq(buf[4], 0xab);
	ck_assert_uint_eq(buf[5], 0xcd);
	ck_assert_uint_eq(buf[6], 0x01);
	ck_assert_uint_eq(buf[7], 0x02);
	ck_assert_uint_eq(np_inet_checksum(buf, len), 0);
	/* MAC of (id, seq, stamp), then stamp, big endian */
	for (int i = 0; i < 8; i++) {
		ck_assert_uint_eq(buf[8 + i],
				  (uint8_t)(mac_of(&s, 0xabcd, 0x0102,
						   0x1122334455667788ULL) >>
					    (8 * (7 - i))));
		ck_assert_uint_eq(buf[16 + i], 0x11 * (i + 1));
	}
	/* default fill: the byte's offset in the payload */
	for (size_t i = 16; i < 56; i++)
		ck_assert_uint_eq(buf[8 + i], i);
}
END_TEST

START_TEST(build_pattern)
{
	struct np_payload_spec s = spec(24);
	uint8_t buf[64];

	s.pattern[0] = 0xde;
	s.pattern[1] = 0xad;
	s.pattern[2] = 0xbe;
	s.pattern_len = 3;
	ck_assert_uint_eq(
		np_icmp_build_echo(buf, sizeof(buf), AF_INET, 1, 1, &s, 0), 32);
	ck_assert_uint_eq(buf[8 + 16], 0xde);
	ck_assert_uint_eq(buf[8 + 17], 0xad);
	ck_assert_uint_eq(buf[8 + 18], 0xbe);
	ck_assert_uint_eq(buf[8 + 19], 0xde);
	ck_assert_uint_eq(buf[8 + 23], 0xad);
}
END_TEST

START_TEST(build_small_and_v6)
{
	struct np_payload_spec s = spec(0);
	uint8_t buf[64];

	ck_assert_uint_eq(
		np_icmp_build_echo(buf, sizeof(buf), AF_INET, 7, 9, &s, 1), 8);
	ck_assert_uint_eq(np_inet_checksum(buf, 8), 0);
	s.size = 5; /* part of the MAC only */
	ck_assert_uint_eq(
		np_icmp_build_echo(buf, sizeof(buf), AF_INET6, 7, 9, &s, 1),
		13);
	ck_assert_uint_eq(buf[0], 128);
	ck_assert_uint_eq(buf[2] | buf[3], 0); /* the kernel fills it */
	ck_assert_uint_eq(buf[8 + 4], (uint8_t)(mac_of(&s, 7, 9, 1) >> 24));
	/* too small a buffer */
	s.size = 100;
	ck_assert_uint_eq(
		np_icmp_build_echo(buf, sizeof(buf), AF_INET, 7, 9, &s, 1), 0);
}
END_TEST

START_TEST(payload_checks)
{
	struct np_payload_spec s = spec(40);
	struct np_payload_mismatch mm;
	uint8_t buf[64], *pl = buf + 8;
	uint64_t stamp = 42, got;
	struct np_probe_ident id = {1, 1, 42}, other = {1, 1, 43},
			      seq2 = {1, 2, 42};

	np_icmp_build_echo(buf, sizeof(buf), AF_INET, 1, 1, &s, stamp);
	ck_assert_int_eq(np_payload_check(&s, &id, pl, 40, &mm), NP_PAYLOAD_OK);
	ck_assert(np_payload_stamp(pl, 40, &got));
	ck_assert_uint_eq(got, 42);
	ck_assert(!np_payload_stamp(pl, 15, &got));
	/* a different length */
	ck_assert_int_eq(np_payload_check(&s, &id, pl, 39, &mm),
			 NP_PAYLOAD_LENGTH);
	ck_assert_uint_eq(mm.got_len, 39);
	/* another stamp than recorded: the MAC is right for the stamp the
	 * payload holds (an earlier probe with this sequence) */
	ck_assert_int_eq(np_payload_check(&s, &other, pl, 40, &mm),
			 NP_PAYLOAD_STAMP);
	ck_assert_uint_lt(mm.index, 16);
	/* the MAC covers the sequence: another one's is not ours */
	ck_assert_int_eq(np_payload_check(&s, &seq2, pl, 40, &mm),
			 NP_PAYLOAD_COOKIE);
	/* a fill byte altered */
	pl[30] ^= 0xff;
	ck_assert_int_eq(np_payload_check(&s, &id, pl, 40, &mm),
			 NP_PAYLOAD_DATA);
	ck_assert_uint_eq(mm.index, 30);
	ck_assert_uint_eq(mm.expected, 30);
	ck_assert_uint_eq(mm.got, 30 ^ 0xff);
	pl[30] ^= 0xff;
	/* a MAC byte altered: another sender's */
	pl[3] ^= 1;
	ck_assert_int_eq(np_payload_check(&s, &id, pl, 40, &mm),
			 NP_PAYLOAD_COOKIE);
	ck_assert(!np_payload_mac_matches(&s, &id, pl, 40));
	ck_assert(np_payload_mac_matches(&s, &id, pl, 3)); /* 3 bytes seen */
	/* another key (another run) */
	pl[3] ^= 1;
	s.key.k0 ^= 1;
	ck_assert_int_eq(np_payload_check(&s, &id, pl, 40, &mm),
			 NP_PAYLOAD_COOKIE);
}
END_TEST

/* The block-wise fill and check against np_payload_byte, the definition:
 * every size around the stamp and fill offsets and the 256-byte blocks,
 * with no pattern and patterns of 1, 3 and 16 bytes; then one changed
 * byte anywhere is found, at its index. */
START_TEST(payload_blocks)
{
	static const size_t sizes[] = {0,   1,	 8,   15,  16,	 17,  56,
				       271, 272, 273, 700, 1000, 4096};
	static const uint8_t pat[16] = {0xde, 0xad, 0xbe, 0xef, 1, 2,  3,  4,
					5,    6,    7,	  8,	9, 10, 11, 12};
	static const size_t plens[] = {0, 1, 3, 16};
	static uint8_t buf[8 + 4096];
	const uint64_t stamp = 0x1122334455667788ULL;

	for (size_t a = 0; a < sizeof(sizes) / sizeof(sizes[0]); a++) {
		for (size_t b = 0; b < sizeof(plens) / sizeof(plens[0]); b++) {
			struct np_payload_spec s = spec(sizes[a]);
			struct np_payload_mismatch mm;
			uint8_t *pl = buf + NP_ICMP_HDR_LEN;
			size_t n = sizes[a];
			struct np_probe_ident id = {1, 2, stamp};
			uint64_t mac = mac_of(&s, 1, 2, stamp);

			memcpy(s.pattern, pat, plens[b]);
			s.pattern_len = plens[b];
			ck_assert_uint_eq(np_icmp_build_echo(buf, sizeof(buf),
							     AF_INET6, 1, 2, &s,
							     stamp),
					  NP_ICMP_HDR_LEN + n);
			for (size_t i = 0; i < n; i++)
				ck_assert_uint_eq(
					pl[i],
					np_payload_byte(&s, mac, stamp, i));
			if (n < 8)
				continue; /* no whole MAC: not ours */
			ck_assert_int_eq(np_payload_check(&s, &id, pl, n, &mm),
					 NP_PAYLOAD_OK);
			/* any byte of the MAC: another sender's */
			for (size_t i = 0; i < 8; i++) {
				pl[i] ^= 0x40;
				ck_assert_int_eq(
					np_payload_check(&s, &id, pl, n, &mm),
					NP_PAYLOAD_COOKIE);
				ck_assert(!np_payload_mac_matches(&s, &id, pl,
								  n));
				pl[i] ^= 0x40;
			}
			for (size_t i = 8; i < n; i += (i < 300 ? 1 : 97)) {
				pl[i] ^= 0x40;
				ck_assert_int_eq(
					np_payload_check(&s, &id, pl, n, &mm),
					(i < 16 ? NP_PAYLOAD_STAMP
						: NP_PAYLOAD_DATA));
				ck_assert_uint_eq(mm.index, i);
				ck_assert_uint_eq(mm.got, pl[i]);
				ck_assert_uint_eq(mm.expected, pl[i] ^ 0x40);
				pl[i] ^= 0x40;
			}
			/* the last byte, past every block boundary (with 8
			 * bytes, the last of the MAC: not ours) */
			pl[n - 1] ^= 1;
			ck_assert_int_eq(np_payload_check(&s, &id, pl, n, &mm),
					 (n == 8       ? NP_PAYLOAD_COOKIE
					  : n - 1 < 16 ? NP_PAYLOAD_STAMP
						       : NP_PAYLOAD_DATA));
			if (n > 8)
				ck_assert_uint_eq(mm.index, n - 1);
		}
	}
}
END_TEST

/* A payload as sent, checked against the sent fill (spec->fill): OK, and
 * each fill byte changed in turn is found where it is, as without. */
static void check_against_fill(const struct np_payload_spec *sent,
			       const uint8_t *pkt, uint16_t seq, uint64_t stamp)
{
	struct np_probe_ident id = {0x4242, seq, stamp};
	struct np_payload_spec s = *sent;
	struct np_payload_mismatch mm;
	static uint8_t pl[4096];
	size_t n = s.size;

	s.fill = pkt + NP_ICMP_HDR_LEN + NP_PAYLOAD_FILL_OFF;
	memcpy(pl, pkt + NP_ICMP_HDR_LEN, n);
	ck_assert_int_eq(np_payload_check(&s, &id, pl, n, &mm), NP_PAYLOAD_OK);
	for (size_t i = NP_PAYLOAD_FILL_OFF; i < n; i += 7) {
		pl[i] ^= 0x01;
		ck_assert_int_eq(np_payload_check(&s, &id, pl, n, &mm),
				 NP_PAYLOAD_DATA);
		ck_assert_uint_eq(mm.index, i);
		pl[i] ^= 0x01;
	}
	/* one byte short: a length mismatch, not a fill compared past it */
	ck_assert_int_eq(np_payload_check(&s, &id, pl, n - 1, &mm),
			 NP_PAYLOAD_LENGTH);
}

/* The fill written once (np_icmp_prepare_echo) and each probe finished in
 * the same buffer (np_icmp_finish_echo), as the core sends:
 * byte for byte what np_icmp_build_echo makes, for every probe of a run,
 * both families, every size around the fill's start, with and without
 * -p; and IPv4 checksums that verify. */
START_TEST(prepared_echo_as_built)
{
	static const size_t sizes[] = {0,  1,  7,  8,  15,  16,	 17,
				       18, 55, 56, 57, 271, 272, 1473};
	static const uint8_t pat[3] = {0xab, 0x00, 0xff};
	static uint8_t kept[8 + 1473], fresh[8 + 1473];

	for (size_t a = 0; a < sizeof(sizes) / sizeof(sizes[0]); a++) {
		for (size_t b = 0; b < 2; b++) {
			struct np_payload_spec s = spec(sizes[a]);
			uint32_t fill_sum;

			memcpy(s.pattern, pat, sizeof(pat));
			s.pattern_len = b ? sizeof(pat) : 0;
			memset(kept, 0x5a, sizeof(kept));
			fill_sum = np_icmp_prepare_echo(kept, sizeof(kept), &s);
			for (uint16_t seq = 1; seq <= 4; seq++) {
				int fam = seq % 2 ? AF_INET : AF_INET6;
				uint64_t stamp = 0x0102030405060708ULL * seq;
				size_t n = np_icmp_finish_echo(
					kept, sizeof(kept), fam, 0x4242, seq,
					&s, stamp, fill_sum);
				size_t m = np_icmp_build_echo(
					fresh, sizeof(fresh), fam, 0x4242, seq,
					&s, stamp);

				ck_assert_uint_eq(n,
						  NP_ICMP_HDR_LEN + sizes[a]);
				ck_assert_uint_eq(n, m);
				ck_assert_mem_eq(kept, fresh, n);
				if (fam == AF_INET)
					ck_assert_uint_eq(
						np_inet_checksum(kept, n), 0);
				/* a reply compared with the fill as sent */
				if (sizes[a] > NP_PAYLOAD_FILL_OFF)
					check_against_fill(&s, kept, seq,
							   stamp);
			}
		}
	}
	/* too small a buffer: nothing */
	{
		struct np_payload_spec s = spec(56);

		ck_assert_uint_eq(np_icmp_prepare_echo(kept, 63, &s), 0);
		ck_assert_uint_eq(
			np_icmp_finish_echo(kept, 63, AF_INET, 1, 1, &s, 1, 0),
			0);
	}
}
END_TEST

Suite *icmp_suite(void)
{
	Suite *s = suite_create("icmp");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, build_v4_layout);
	tcase_add_test(tc, build_pattern);
	tcase_add_test(tc, build_small_and_v6);
	tcase_add_test(tc, payload_checks);
	tcase_add_test(tc, payload_blocks);
	tcase_add_test(tc, prepared_echo_as_built);
	suite_add_tcase(s, tc);
	return s;
}
