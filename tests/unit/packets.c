/* packets.c - crafting packets for the unit tests */
#include "config.h"

#include "packets.h"

#include <arpa/inet.h>
#include <string.h>

#include "icmp.h"
#include "proto_icmp.h"
#include "target.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t pk_ipv4(uint8_t *buf, size_t hlen, uint16_t totlen, uint8_t proto,
	       uint8_t ttl, const char *src, const char *dst,
	       const uint8_t *opts, size_t optlen)
{
	memset(buf, 0, hlen < 20 ? 20 : hlen);
	buf[0] = (uint8_t)(0x40 | ((hlen / 4) & 0x0f));
	put16(buf + 2, totlen);
	put16(buf + 4, 0x1234);
	buf[8] = ttl;
	buf[9] = proto;
	inet_pton(AF_INET, src, buf + 12);
	inet_pton(AF_INET, dst, buf + 16);
	if (opts != NULL && hlen > 20)
		memcpy(buf + 20, opts, optlen < hlen - 20 ? optlen : hlen - 20);
	put16(buf + 10, np_inet_checksum(buf, hlen < 20 ? 20 : hlen));
	return hlen;
}

size_t pk_ipv6(uint8_t *buf, uint16_t plen, uint8_t nh, const char *src,
	       const char *dst)
{
	memset(buf, 0, 40);
	buf[0] = 0x60;
	put16(buf + 4, plen);
	buf[6] = nh;
	buf[7] = 64;
	inet_pton(AF_INET6, src, buf + 8);
	inet_pton(AF_INET6, dst, buf + 24);
	return 40;
}

void pk_icmp_fix(uint8_t *icmp, size_t len)
{
	icmp[2] = icmp[3] = 0;
	put16(icmp + 2, np_inet_checksum(icmp, len));
}

size_t pk_icmp(uint8_t *buf, uint8_t type, uint8_t code, uint16_t w1,
	       uint16_t w2, const uint8_t *data, size_t len)
{
	buf[0] = type;
	buf[1] = code;
	put16(buf + 4, w1);
	put16(buf + 6, w2);
	if (len)
		memmove(buf + 8, data, len);
	pk_icmp_fix(buf, 8 + len);
	return 8 + len;
}

struct in6_addr pk_in6(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

void pk_icmp6_fix(uint8_t *icmp, size_t len, const char *src, const char *dst)
{
	struct in6_addr s = pk_in6(src), d = pk_in6(dst);

	icmp[2] = icmp[3] = 0;
	put16(icmp + 2, np_icmp6_checksum(&s, &d, icmp, len));
}

struct sockaddr_storage pk_addr(const char *s)
{
	struct sockaddr_storage ss;

	np_addr_parse(s, AF_UNSPEC, &ss);
	return ss;
}
