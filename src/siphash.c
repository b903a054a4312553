/* siphash.c - SipHash-2-4, written from the paper (section 2: c = 2
 * compression rounds per 8-byte word, d = 4 finalization rounds). */
#include "config.h"

#include "siphash.h"

#include <string.h>

static inline uint64_t rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

/* Words are little endian whatever the machine (the paper's convention). */
static inline uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

#define SIPROUND                                                               \
	do {                                                                   \
		v0 += v1;                                                      \
		v1 = rotl(v1, 13);                                             \
		v1 ^= v0;                                                      \
		v0 = rotl(v0, 32);                                             \
		v2 += v3;                                                      \
		v3 = rotl(v3, 16);                                             \
		v3 ^= v2;                                                      \
		v0 += v3;                                                      \
		v3 = rotl(v3, 21);                                             \
		v3 ^= v0;                                                      \
		v2 += v1;                                                      \
		v1 = rotl(v1, 17);                                             \
		v1 ^= v2;                                                      \
		v2 = rotl(v2, 32);                                             \
	} while (0)

void np_siphash_key_set(struct np_siphash_key *k,
			const uint8_t bytes[NP_SIPHASH_KEY_LEN])
{
	k->k0 = le64(bytes);
	k->k1 = le64(bytes + 8);
}

uint64_t np_siphash24(const struct np_siphash_key *k, const void *data,
		      size_t len)
{
	const uint8_t *p = data;
	uint64_t v0 = k->k0 ^ UINT64_C(0x736f6d6570736575);
	uint64_t v1 = k->k1 ^ UINT64_C(0x646f72616e646f6d);
	uint64_t v2 = k->k0 ^ UINT64_C(0x6c7967656e657261);
	uint64_t v3 = k->k1 ^ UINT64_C(0x7465646279746573);
	uint64_t m, b = (uint64_t)len << 56;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		m = le64(p + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	/* The last word: the remaining bytes, and len mod 256 on top. */
	for (size_t j = 0; i + j < len; j++)
		b |= (uint64_t)p[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}
