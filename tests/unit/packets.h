/* packets.h - crafting packets for the unit tests */
#ifndef NP_TEST_PACKETS_H
#define NP_TEST_PACKETS_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* IPv4 header of `hlen` bytes (options copied from opts, rest zero) with
 * total length `totlen`; returns hlen.  The header checksum is filled. */
size_t pk_ipv4(uint8_t *buf, size_t hlen, uint16_t totlen, uint8_t proto,
	       uint8_t ttl, const char *src, const char *dst,
	       const uint8_t *opts, size_t optlen);
/* 40-byte IPv6 header. */
size_t pk_ipv6(uint8_t *buf, uint16_t plen, uint8_t nh, const char *src,
	       const char *dst);
/* ICMP header + data with a correct RFC 1071 checksum (IPv4 style). */
size_t pk_icmp(uint8_t *buf, uint8_t type, uint8_t code, uint16_t w1,
	       uint16_t w2, const uint8_t *data, size_t len);
void pk_icmp_fix(uint8_t *icmp, size_t len);
void pk_icmp6_fix(uint8_t *icmp, size_t len, const char *src, const char *dst);
struct sockaddr_storage pk_addr(const char *s);
struct in6_addr pk_in6(const char *s);

#endif
