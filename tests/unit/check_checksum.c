/* check_checksum.c - the RFC 1071 Internet checksum on known vectors */
#include "config.h"

#include <string.h>

#include "icmp.h"
#include "packets.h"
#include "suites.h"

START_TEST(rfc1071_example)
{
	/* RFC 1071 section 3: the sum of these bytes is 0xddf2. */
	const uint8_t v[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};

	ck_assert_uint_eq((uint16_t)~np_csum_fold(np_csum_add(0, v, sizeof(v))),
			  0xddf2);
	ck_assert_uint_eq(np_inet_checksum(v, sizeof(v)), 0x220d);
}
END_TEST

START_TEST(echo_header)
{
	const uint8_t v[] = {0x08, 0, 0, 0, 0x12, 0x34, 0x00, 0x01};

	ck_assert_uint_eq(np_inet_checksum(v, sizeof(v)), 0xe5ca);
}
END_TEST

START_TEST(odd_lengths)
{
	const uint8_t one[] = {0x01};
	const uint8_t three[] = {0x01, 0x02, 0x03};

	/* The odd byte is padded with a zero on the right. */
	ck_assert_uint_eq(np_inet_checksum(one, 1), 0xfeff);
	ck_assert_uint_eq(np_inet_checksum(three, 3), 0xfbfd);
	ck_assert_uint_eq(np_inet_checksum(three, 0), 0xffff);
}
END_TEST

START_TEST(carries_fold)
{
	/* 0xffff + 0x0001 = 0x10000, end-around carry gives 0x0001. */
	const uint8_t v[] = {0xff, 0xff, 0x00, 0x01};
	uint8_t big[65536];

	ck_assert_uint_eq(np_inet_checksum(v, sizeof(v)), 0xfffe);
	/* 32768 words of 0xffff: many carries, the sum folds to 0xffff. */
	memset(big, 0xff, sizeof(big));
	ck_assert_uint_eq(np_inet_checksum(big, sizeof(big)), 0x0000);
	/* 32768 words of 0x8000: each pair folds to 0x0001, 0x4000 in all. */
	for (size_t i = 0; i < sizeof(big); i += 2) {
		big[i] = 0x80;
		big[i + 1] = 0x00;
	}
	ck_assert_uint_eq(np_inet_checksum(big, sizeof(big)), 0xbfff);
}
END_TEST

START_TEST(all_ones_and_zeros)
{
	const uint8_t ones[] = {0xff, 0xff, 0xff, 0xff};
	const uint8_t zeros[] = {0, 0, 0, 0, 0, 0};

	ck_assert_uint_eq(np_inet_checksum(ones, sizeof(ones)), 0x0000);
	ck_assert_uint_eq(np_inet_checksum(zeros, sizeof(zeros)), 0xffff);
}
END_TEST

START_TEST(verifies_to_zero)
{
	uint8_t pkt[9 + 8] = {0x08, 0, 0, 0, 0xbe, 0xef, 0x01, 0x00, 1,
			      2,    3, 4, 5, 6,	   7,	 8,    9};

	pk_icmp_fix(pkt, sizeof(pkt));
	ck_assert_uint_eq(np_inet_checksum(pkt, sizeof(pkt)), 0);
	pkt[12] ^= 0x40; /* one bit flipped: no longer verifies */
	ck_assert_uint_ne(np_inet_checksum(pkt, sizeof(pkt)), 0);
}
END_TEST

START_TEST(split_sum_equals_whole)
{
	uint8_t v[100];

	for (size_t i = 0; i < sizeof(v); i++)
		v[i] = (uint8_t)(i * 37 + 11);
	ck_assert_uint_eq(
		np_csum_fold(np_csum_add(np_csum_add(0, v, 40), v + 40, 60)),
		np_inet_checksum(v, sizeof(v)));
}
END_TEST

/* The byte-pair sum of RFC 1071, as written in the RFC: what np_csum_add
 * (native words, folded and swapped) must equal once folded. */
static uint16_t ref_checksum(uint32_t start, const uint8_t *p, size_t len)
{
	uint64_t acc = start;

	for (size_t i = 0; i + 1 < len; i += 2)
		acc += (uint32_t)((p[i] << 8) | p[i + 1]);
	if (len & 1)
		acc += (uint32_t)(p[len - 1] << 8);
	while (acc >> 16)
		acc = (acc & 0xffffu) + (acc >> 16);
	return (uint16_t)~acc;
}

START_TEST(matches_byte_pair_sum)
{
	uint8_t v[300];
	uint32_t x = 0x12345678u;
	static const uint32_t starts[] = {0, 1, 0xffffu, 0x1fffeu, 0xfffffff0u};

	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < sizeof(v); i++) {
			x = x * 1103515245u + 12345u; /* any bytes will do */
			v[i] = round % 10 == 0 ? 0xff : (uint8_t)(x >> 16);
		}
		for (size_t len = 0; len <= sizeof(v); len++)
			for (size_t k = 0; k < 5; k++)
				ck_assert_uint_eq(
					np_csum_fold(
						np_csum_add(starts[k], v, len)),
					ref_checksum(starts[k], v, len));
		/* not aligned: the words are read with memcpy */
		ck_assert_uint_eq(np_inet_checksum(v + 1, 63),
				  ref_checksum(0, v + 1, 63));
	}
}
END_TEST

START_TEST(icmp6_pseudo_header)
{
	struct in6_addr s = pk_in6("2001:db8::1"), d = pk_in6("2001:db8::2");
	uint8_t m[12] = {128, 0, 0, 0, 0x12, 0x34, 0, 1, 'a', 'b', 'c', 'd'};

	/* Computed independently (Python) for this message. */
	ck_assert_uint_eq(np_icmp6_checksum(&s, &d, m, sizeof(m)), 0x4d48);
	m[2] = 0x4d;
	m[3] = 0x48;
	ck_assert_uint_eq(np_icmp6_checksum(&s, &d, m, sizeof(m)), 0);
	/* Another destination: the pseudo-header matters. */
	d = pk_in6("2001:db8::3");
	ck_assert_uint_ne(np_icmp6_checksum(&s, &d, m, sizeof(m)), 0);
}
END_TEST

Suite *checksum_suite(void)
{
	Suite *s = suite_create("checksum");
	TCase *tc = tcase_create("rfc1071");

	tcase_add_test(tc, rfc1071_example);
	tcase_add_test(tc, echo_header);
	tcase_add_test(tc, odd_lengths);
	tcase_add_test(tc, carries_fold);
	tcase_add_test(tc, all_ones_and_zeros);
	tcase_add_test(tc, verifies_to_zero);
	tcase_add_test(tc, split_sum_equals_whole);
	tcase_add_test(tc, matches_byte_pair_sum);
	tcase_add_test(tc, icmp6_pseudo_header);
	suite_add_tcase(s, tc);
	return s;
}
