/* icmp.c - building Echo Requests, the Internet checksum (RFC 1071) and the
 * payload layout. */
#include "config.h"

#include "icmp.h"

#include <string.h>
#include <sys/socket.h>

#include "bytes.h"

uint32_t np_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t acc = 0;
	size_t i = 0;
	uint32_t w;
	uint16_t h;

	/* RFC 1071 2(B): the one's complement sum does not depend on byte
	 * order.  So add native 32-bit words (two 16-bit words each, carries
	 * kept in 64 bits), fold to 16 bits and, on a little-endian machine,
	 * swap the two bytes: the big-endian sum, at a quarter of the loads of
	 * a byte-pair loop. */
	for (; i + 4 <= len; i += 4) {
		memcpy(&w, p + i, sizeof(w));
		acc += w;
	}
	if (i + 2 <= len) {
		memcpy(&h, p + i, sizeof(h));
		acc += h;
		i += 2;
	}
	while (acc >> 16)
		acc = (acc & 0xffffu) + (acc >> 16);
	h = (uint16_t)acc;
#if !defined(__BYTE_ORDER__)
#error "the byte order is needed (GCC and clang define __BYTE_ORDER__)"
#elif __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	h = (uint16_t)((h >> 8) | (h << 8));
#endif
	acc = (uint64_t)sum + h;
	if (i < len)
		acc += (uint32_t)(p[i] << 8); /* pad with a zero byte */
	/* Fold the 64-bit accumulator so no carry is lost. */
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t np_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t np_inet_checksum(const void *data, size_t len)
{
	return np_csum_fold(np_csum_add(0, data, len));
}

uint16_t np_icmp6_checksum(const struct in6_addr *src,
			   const struct in6_addr *dst, const void *icmp,
			   size_t len)
{
	uint8_t tail[8];
	uint32_t sum = 0;

	sum = np_csum_add(sum, src->s6_addr, 16);
	sum = np_csum_add(sum, dst->s6_addr, 16);
	/* upper-layer length (32 bits), 3 zero bytes, next header 58 */
	tail[0] = (uint8_t)(len >> 24);
	tail[1] = (uint8_t)(len >> 16);
	tail[2] = (uint8_t)(len >> 8);
	tail[3] = (uint8_t)len;
	tail[4] = tail[5] = tail[6] = 0;
	tail[7] = IPPROTO_ICMPV6;
	sum = np_csum_add(sum, tail, sizeof(tail));
	sum = np_csum_add(sum, icmp, len);
	return np_csum_fold(sum);
}

uint8_t np_payload_byte(const struct np_payload_spec *spec, uint64_t stamp,
			size_t i)
{
	if (i < NP_PAYLOAD_STAMP_OFF)
		return (uint8_t)(spec->cookie >> (8 * (7 - i)));
	if (i < NP_PAYLOAD_FILL_OFF)
		return (uint8_t)(stamp >> (8 * (15 - i)));
	if (spec->pattern_len > 0)
		return spec->pattern[(i - NP_PAYLOAD_FILL_OFF) %
				     spec->pattern_len];
	return (uint8_t)i;
}

/* Payload bytes [from, to) of the fill (from >= NP_PAYLOAD_FILL_OFF) into
 * dst: np_payload_byte's values, without a division or a call per byte. */
static void fill_bytes(const struct np_payload_spec *spec, uint8_t *dst,
		       size_t from, size_t to)
{
	size_t plen = spec->pattern_len, k;

	if (plen == 0) {
		for (size_t i = from; i < to; i++)
			dst[i - from] = (uint8_t)i;
		return;
	}
	k = (from - NP_PAYLOAD_FILL_OFF) % plen;
	for (size_t i = from; i < to; i++) {
		dst[i - from] = spec->pattern[k];
		if (++k == plen)
			k = 0;
	}
}

/* Does the fill of payload (bytes NP_PAYLOAD_FILL_OFF..len) hold what
 * fill_bytes writes? */
static bool fill_ok(const struct np_payload_spec *spec, const uint8_t *payload,
		    size_t len)
{
	uint8_t want[256];
	unsigned diff = 0;

	if (spec->fill != NULL && len == spec->size)
		return memcmp(payload + NP_PAYLOAD_FILL_OFF, spec->fill,
			      len - NP_PAYLOAD_FILL_OFF) == 0;
	for (size_t i = NP_PAYLOAD_FILL_OFF; i < len; i += sizeof(want)) {
		size_t n = len - i < sizeof(want) ? len - i : sizeof(want);

		fill_bytes(spec, want, i, i + n);
		for (size_t j = 0; j < n; j++)
			diff |= (unsigned)(payload[i + j] ^ want[j]);
		if (diff != 0)
			return false;
	}
	return true;
}

uint32_t np_icmp_prepare_echo(uint8_t *buf, size_t buflen,
			      const struct np_payload_spec *spec)
{
	size_t len = NP_ICMP_HDR_LEN + spec->size;
	size_t from = NP_ICMP_HDR_LEN + NP_PAYLOAD_FILL_OFF;

	if (buflen < len || spec->size <= NP_PAYLOAD_FILL_OFF)
		return 0;
	fill_bytes(spec, buf + from, NP_PAYLOAD_FILL_OFF, spec->size);
	/* (from is even: this sum adds to the one of the bytes before) */
	return np_csum_add(0, buf + from, len - from);
}

uint32_t np_icmp_keep_echo(uint8_t *buf, size_t buflen,
			   struct np_payload_spec *spec)
{
	uint32_t sum = np_icmp_prepare_echo(buf, buflen, spec);

	if (spec->size > NP_PAYLOAD_FILL_OFF &&
	    buflen >= NP_ICMP_HDR_LEN + spec->size)
		spec->fill = buf + NP_ICMP_HDR_LEN + NP_PAYLOAD_FILL_OFF;
	return sum;
}

uint64_t np_payload_next_stamp(int64_t sent_mono, int64_t off, uint64_t *last)
{
	uint64_t stamp = (uint64_t)(sent_mono + off);

	if (stamp <= *last)
		stamp = *last + 1;
	*last = stamp;
	return stamp;
}

size_t np_icmp_finish_echo(uint8_t *buf, size_t buflen, int family, uint16_t id,
			   uint16_t seq, const struct np_payload_spec *spec,
			   uint64_t stamp, uint32_t fill_sum)
{
	size_t len = NP_ICMP_HDR_LEN + spec->size;
	size_t head = spec->size < NP_PAYLOAD_FILL_OFF ? spec->size
						       : NP_PAYLOAD_FILL_OFF;

	if (buflen < len || len < NP_ICMP_HDR_LEN)
		return 0;
	buf[0] = family == AF_INET6 ? NP_ICMP6_ECHO_REQUEST : NP_ICMP_ECHO;
	buf[1] = 0;
	buf[2] = buf[3] = 0;
	np_wr_be16(buf + 4, id);
	np_wr_be16(buf + 6, seq);
	if (head == NP_PAYLOAD_FILL_OFF) { /* the usual case: two words */
		np_wr_be64(buf + NP_ICMP_HDR_LEN + NP_PAYLOAD_COOKIE_OFF,
			   spec->cookie);
		np_wr_be64(buf + NP_ICMP_HDR_LEN + NP_PAYLOAD_STAMP_OFF, stamp);
	} else {
		for (size_t i = 0; i < head; i++)
			buf[NP_ICMP_HDR_LEN + i] =
				np_payload_byte(spec, stamp, i);
	}
	if (family == AF_INET)
		np_wr_be16(buf + 2,
			   np_csum_fold(np_csum_add(fill_sum, buf,
						    NP_ICMP_HDR_LEN + head)));
	return len;
}

size_t np_icmp_build_echo(uint8_t *buf, size_t buflen, int family, uint16_t id,
			  uint16_t seq, const struct np_payload_spec *spec,
			  uint64_t stamp)
{
	uint32_t fill_sum = np_icmp_prepare_echo(buf, buflen, spec);

	return np_icmp_finish_echo(buf, buflen, family, id, seq, spec, stamp,
				   fill_sum);
}

bool np_payload_stamp(const uint8_t *payload, size_t len, uint64_t *stamp)
{
	struct np_rd r = np_rd_init(payload, len);
	uint32_t hi, lo;

	if (!np_rd_skip(&r, NP_PAYLOAD_STAMP_OFF) || !np_rd_be32(&r, &hi) ||
	    !np_rd_be32(&r, &lo))
		return false;
	*stamp = ((uint64_t)hi << 32) | lo;
	return true;
}

bool np_payload_cookie_matches(const struct np_payload_spec *spec,
			       const uint8_t *payload, size_t len)
{
	size_t n = len < NP_PAYLOAD_STAMP_OFF ? len : NP_PAYLOAD_STAMP_OFF;

	if (n > spec->size)
		n = spec->size;
	if (n == NP_PAYLOAD_STAMP_OFF) /* the whole cookie: one word */
		return np_be64(payload + NP_PAYLOAD_COOKIE_OFF) == spec->cookie;
	for (size_t i = 0; i < n; i++)
		if (payload[i] != np_payload_byte(spec, 0, i))
			return false;
	return true;
}

bool np_payload_has_cookie(const struct np_payload_spec *spec,
			   const uint8_t *payload, size_t len)
{
	size_t need = spec->size < NP_PAYLOAD_STAMP_OFF ? spec->size
							: NP_PAYLOAD_STAMP_OFF;

	return len >= need && np_payload_cookie_matches(spec, payload, len);
}

enum np_payload_result np_payload_check(const struct np_payload_spec *spec,
					uint64_t stamp, const uint8_t *payload,
					size_t len,
					struct np_payload_mismatch *mm)
{
	size_t i;

	memset(mm, 0, sizeof(*mm));
	mm->got_len = len;
	if (!np_payload_has_cookie(spec, payload, len))
		return NP_PAYLOAD_COOKIE;
	/* A sender of ours always has the whole cookie; a payload shorter than
	 * the cookie we sent cannot be verified as ours. */
	if (len != spec->size)
		return NP_PAYLOAD_LENGTH;
	/* The usual case, a whole reply, checked in blocks; the byte that
	 * differs is looked for only when one does. */
	if (len >= NP_PAYLOAD_FILL_OFF)
		i = np_be64(payload + NP_PAYLOAD_STAMP_OFF) == stamp
			    ? NP_PAYLOAD_FILL_OFF
			    : NP_PAYLOAD_STAMP_OFF;
	else
		for (i = NP_PAYLOAD_STAMP_OFF; i < len; i++)
			if (payload[i] != np_payload_byte(spec, stamp, i))
				break;
	if (i >= len ||
	    (i == NP_PAYLOAD_FILL_OFF && fill_ok(spec, payload, len)))
		return NP_PAYLOAD_OK;
	for (i = NP_PAYLOAD_STAMP_OFF; i < len; i++) {
		uint8_t want = np_payload_byte(spec, stamp, i);

		if (payload[i] != want) {
			mm->index = i;
			mm->expected = want;
			mm->got = payload[i];
			return i < NP_PAYLOAD_FILL_OFF ? NP_PAYLOAD_STAMP
						       : NP_PAYLOAD_DATA;
		}
	}
	return NP_PAYLOAD_OK;
}
