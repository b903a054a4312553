/* icmp.c - the Internet checksum (RFC 1071), for every protocol's
 * packets.  Echo itself lives in proto_icmp.c. */
#include "config.h"

#include "icmp.h"

#include <string.h>
#include <sys/socket.h>

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

uint32_t np_csum_pseudo(int family, const uint8_t *src, const uint8_t *dst,
			uint8_t proto, size_t len)
{
	uint8_t tail[8];
	size_t n = family == AF_INET6 ? 16 : 4;
	uint32_t sum = 0;

	sum = np_csum_add(sum, src, n);
	sum = np_csum_add(sum, dst, n);
	memset(tail, 0, sizeof(tail));
	if (family == AF_INET6) {
		/* upper-layer length (32 bits), 3 zero bytes, next header */
		tail[0] = (uint8_t)(len >> 24);
		tail[1] = (uint8_t)(len >> 16);
		tail[2] = (uint8_t)(len >> 8);
		tail[3] = (uint8_t)len;
		tail[7] = proto;
		return np_csum_add(sum, tail, 8);
	}
	/* zero, protocol, length (16 bits) */
	tail[1] = proto;
	tail[2] = (uint8_t)(len >> 8);
	tail[3] = (uint8_t)len;
	return np_csum_add(sum, tail, 4);
}

uint16_t np_icmp6_checksum(const struct in6_addr *src,
			   const struct in6_addr *dst, const void *icmp,
			   size_t len)
{
	uint32_t sum = np_csum_pseudo(AF_INET6, src->s6_addr, dst->s6_addr,
				      IPPROTO_ICMPV6, len);

	return np_csum_fold(np_csum_add(sum, icmp, len));
}
