/* icmp.h - ICMP and ICMPv6 message types and the Internet checksum (Echo
 * itself: proto_icmp.h; the payload: payload.h). */
#ifndef NP_ICMP_H
#define NP_ICMP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NP_ICMP_HDR_LEN 8

/* ICMP and ICMPv6 message types used here. */
enum {
	NP_ICMP_ECHOREPLY = 0,
	NP_ICMP_DEST_UNREACH = 3,
	NP_ICMP_SOURCE_QUENCH = 4,
	NP_ICMP_REDIRECT = 5,
	NP_ICMP_ECHO = 8,
	NP_ICMP_TIME_EXCEEDED = 11,
	NP_ICMP_PARAMPROB = 12,

	NP_ICMP6_DST_UNREACH = 1,
	NP_ICMP6_PACKET_TOO_BIG = 2,
	NP_ICMP6_TIME_EXCEEDED = 3,
	NP_ICMP6_PARAM_PROB = 4,
	NP_ICMP6_ECHO_REQUEST = 128,
	NP_ICMP6_ECHO_REPLY = 129,
	NP_ICMP6_REDIRECT = 137,
};

/* RFC 1071 one's complement sum, folded.  `sum` carries a partial sum from
 * earlier pieces (e.g. a pseudo-header); pieces must be even-length except
 * the last. */
uint32_t np_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t np_csum_fold(uint32_t sum);
/* The Internet checksum of data[0..len): the value to put in the checksum
 * field, and 0 when verifying data that already contains a checksum. */
uint16_t np_inet_checksum(const void *data, size_t len);
/* The unfolded sum of the pseudo-header of RFC 768/9293 (IPv4: addresses
 * of 4 bytes, zero, protocol, 16-bit length) or RFC 8200 section 8.1
 * (IPv6: addresses of 16 bytes, 32-bit length, next header). */
uint32_t np_csum_pseudo(int family, const uint8_t *src, const uint8_t *dst,
			uint8_t proto, size_t len);
/* ICMPv6 checksum with the RFC 8200 section 8.1 pseudo-header. */
uint16_t np_icmp6_checksum(const struct in6_addr *src,
			   const struct in6_addr *dst, const void *icmp,
			   size_t len);

#endif
