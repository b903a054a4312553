/* siphash.h - SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast
 * short-input PRF", 2012): the keyed MAC that authenticates our probes'
 * replies, as OpenBSD ping does. */
#ifndef NP_SIPHASH_H
#define NP_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define NP_SIPHASH_KEY_LEN 16

struct np_siphash_key {
	uint64_t k0, k1; /* the 16 key bytes read as two little-endian words */
};

/* The key from 16 bytes, as the paper reads them (little endian). */
void np_siphash_key_set(struct np_siphash_key *k,
			const uint8_t bytes[NP_SIPHASH_KEY_LEN]);
/* SipHash-2-4 of data[0..len) under key k: the paper's 64-bit output. */
uint64_t np_siphash24(const struct np_siphash_key *k, const void *data,
		      size_t len);

#endif
