/* check_reply.c - reply parsing on crafted byte arrays: every length field
 * lies in some test, and none may be believed. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <string.h>

#include "icmp.h"
#include "proto_icmp.h"
#include "packets.h"
#include "reply.h"
#include "suites.h"

#define US "198.51.100.1"
#define TGT "198.51.100.7"
#define RTR "198.51.100.254"
#define US6 "2001:db8::1"
#define TGT6 "2001:db8::7"
#define RTR6 "2001:db8::fe"

static uint8_t data56[56];

static void init_data(void)
{
	for (size_t i = 0; i < sizeof(data56); i++)
		data56[i] = (uint8_t)i;
}

static enum np_rx_kind parse4(const uint8_t *buf, size_t len,
			      struct np_reply *r)
{
	struct np_rx rx = {AF_INET, true, buf,	 len,  -1,
			   NULL,    NULL, false, NULL, true};

	return np_reply_parse(&rx, r);
}

static enum np_rx_kind parse6(const uint8_t *buf, size_t len,
			      struct np_reply *r)
{
	struct in6_addr s = pk_in6(RTR6), d = pk_in6(US6);
	struct np_rx rx = {AF_INET6, false, buf,   len,	 64,
			   &s,	     &d,    false, NULL, false};

	return np_reply_parse(&rx, r);
}

/* IPv4 echo reply from TGT: IP header (hlen, with opts) + ICMP + data. */
static size_t v4_reply(uint8_t *buf, size_t hlen, const uint8_t *opts,
		       size_t optlen, size_t dlen)
{
	size_t icmp = pk_icmp(buf + hlen, 0, 0, 0x1234, 7, data56, dlen);

	pk_ipv4(buf, hlen, (uint16_t)(hlen + icmp), IPPROTO_ICMP, 57, TGT, US,
		opts, optlen);
	return hlen + icmp;
}

/* The quoted datagram of an ICMP error: an echo request US -> TGT. */
static size_t v4_quote(uint8_t *q, size_t hlen, uint16_t totlen, uint8_t proto,
		       uint8_t type, size_t dlen)
{
	pk_ipv4(q, hlen, totlen, proto, 1, US, TGT, NULL, 0);
	return hlen + pk_icmp(q + hlen, type, 0, 0x1234, 9, data56, dlen);
}

/* ICMP error from RTR to US wrapping `quote`. */
static size_t v4_error(uint8_t *buf, uint8_t type, uint8_t code, uint16_t w1,
		       uint16_t w2, const uint8_t *quote, size_t qlen)
{
	size_t icmp = pk_icmp(buf + 20, type, code, w1, w2, quote, qlen);

	pk_ipv4(buf, 20, (uint16_t)(20 + icmp), IPPROTO_ICMP, 64, RTR, US, NULL,
		0);
	return 20 + icmp;
}

/* ---- IPv4 echo replies and the outer header ------------------------------ */

START_TEST(v4_echo_reply_ok)
{
	uint8_t buf[128];
	struct np_reply r;
	size_t len = v4_reply(buf, 20, NULL, 0, 56);

	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_ECHO_REPLY);
	ck_assert_uint_eq(r.key.flow, 0x1234);
	ck_assert_uint_eq(r.key.seq, 7);
	ck_assert_int_eq(r.ttl, 57);
	ck_assert_uint_eq(r.icmp_len, 64);
	ck_assert_uint_eq(r.key.auth_len, 56);
	ck_assert(r.checksum_checked && r.checksum_ok);
	ck_assert_uint_eq(r.ip_options_len, 0);
	ck_assert_uint_eq(r.key.auth[10], 10);
}
END_TEST

START_TEST(v4_truncated_header)
{
	uint8_t buf[128];
	struct np_reply r;
	size_t len = v4_reply(buf, 20, NULL, 0, 56);

	ck_assert_int_eq(parse4(buf, 19, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_IP_TRUNCATED);
	ck_assert_int_eq(parse4(buf, 0, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(parse4(NULL, 0, &r), NP_RX_MALFORMED);
	/* total length says 84, only 60 bytes arrived */
	ck_assert_int_eq(parse4(buf, len - 24, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_IP_TOTLEN);
}
END_TEST

START_TEST(v4_bad_version_and_ihl)
{
	uint8_t buf[128];
	struct np_reply r;
	size_t len = v4_reply(buf, 20, NULL, 0, 56);

	buf[0] = 0x65;
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_IP_VERSION);
	for (int ihl = 0; ihl < 5; ihl++) {
		buf[0] = (uint8_t)(0x40 | ihl);
		ck_assert_int_eq(parse4(buf, len, &r), NP_RX_MALFORMED);
		ck_assert_int_eq(r.why, NP_MAL_IP_IHL_SHORT);
	}
	/* IHL 15 = 60 bytes, on a 40-byte packet */
	buf[0] = 0x4f;
	ck_assert_int_eq(parse4(buf, 40, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_IP_IHL_BEYOND);
}
END_TEST

START_TEST(v4_total_length)
{
	uint8_t buf[160];
	struct np_reply r;
	size_t len = v4_reply(buf, 20, NULL, 0, 56);

	/* shorter than the header */
	buf[2] = 0;
	buf[3] = 19;
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_IP_TOTLEN);
	/* link padding after the datagram is not part of it */
	len = v4_reply(buf, 20, NULL, 0, 56);
	memset(buf + len, 0xee, 10);
	ck_assert_int_eq(parse4(buf, len + 10, &r), NP_RX_ECHO_REPLY);
	ck_assert_uint_eq(r.icmp_len, 64);
	ck_assert(r.checksum_ok);
}
END_TEST

START_TEST(v4_options_valid)
{
	uint8_t buf[160];
	uint8_t rr[40] = {7, 39, 4}; /* record route, 9 empty slots, EOL pad */
	uint8_t ts[8] = {1, 1, 68, 4, 5, 0, 0, 0}; /* NOP NOP timestamp */
	struct np_reply r;
	size_t len = v4_reply(buf, 60, rr, sizeof(rr), 56);

	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_ECHO_REPLY);
	ck_assert_uint_eq(r.ip_options_len, 40);
	ck_assert_uint_eq(r.key.seq, 7);
	ck_assert_uint_eq(r.key.auth_len, 56);
	len = v4_reply(buf, 28, ts, sizeof(ts), 56);
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_ECHO_REPLY);
}
END_TEST

START_TEST(v4_options_malformed)
{
	static const struct {
		uint8_t opt[8];
	} bad[] = {
		{{7, 0}},     /* length 0 */
		{{7, 1}},     /* length 1: cannot hold itself */
		{{7, 9, 4}},  /* runs past the 8-byte options area */
		{{7, 7, 3}},  /* record route pointer below 4 */
		{{7, 6, 4}},  /* route data not whole addresses */
		{{68, 8, 4}}, /* timestamp pointer below 5 */
		{{1, 1, 1, 1, 1, 1, 1, 131}}, /* length byte missing */
		{{0x99, 20}},		      /* unknown option, too long */
	};
	uint8_t buf[160];
	struct np_reply r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = v4_reply(buf, 28, bad[i].opt, 8, 56);

		ck_assert_msg(parse4(buf, len, &r) == NP_RX_MALFORMED,
			      "option case %zu accepted", i);
		ck_assert_int_eq(r.why, NP_MAL_IP_OPTIONS);
	}
}
END_TEST

START_TEST(v4_icmp_truncated_and_checksum)
{
	uint8_t buf[128];
	struct np_reply r;
	size_t len = v4_reply(buf, 20, NULL, 0, 56);

	/* 4 bytes of ICMP, consistent total length */
	pk_ipv4(buf, 20, 24, IPPROTO_ICMP, 57, TGT, US, NULL, 0);
	ck_assert_int_eq(parse4(buf, 24, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_ICMP_TRUNCATED);
	len = v4_reply(buf, 20, NULL, 0, 56);
	buf[20 + 8 + 30] ^= 0x01; /* payload altered in transit */
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_ECHO_REPLY);
	ck_assert(r.checksum_checked);
	ck_assert(!r.checksum_ok);
}
END_TEST

START_TEST(v4_not_for_us)
{
	uint8_t buf[128];
	struct np_reply r;
	size_t len = v4_reply(buf, 20, NULL, 0, 56);

	buf[9] = IPPROTO_UDP;
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_IGNORED);
	len = v4_reply(buf, 20, NULL, 0, 56);
	buf[6] = 0x20; /* more fragments */
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_IGNORED);
	len = v4_reply(buf, 20, NULL, 0, 56);
	buf[20] = 8; /* an echo request */
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_IGNORED);
	buf[20] = 13; /* timestamp */
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_IGNORED);
}
END_TEST

/* ---- IPv4 ICMP errors ---------------------------------------------------- */

static const struct {
	uint8_t type, code;
	uint16_t w1, w2;
	uint32_t info;
	const char *text;
} v4_errors[] = {
	{3, 0, 0, 0, 0, "Destination Net Unreachable"},
	{3, 1, 0, 0, 0, "Destination Host Unreachable"},
	{3, 3, 0, 0, 0, "Destination Port Unreachable"},
	{3, 4, 0, 1400, 1400, "Frag needed and DF set (mtu = 1400)"},
	{3, 13, 0, 0, 0, "Packet filtered"},
	{3, 99, 0, 0, 0, "Dest Unreachable, Bad Code: 99"},
	{4, 0, 0, 0, 0, "Source Quench"},
	{5, 1, 0xc633, 0x64fd, 0, "Redirect Host(New nexthop: 198.51.100.253)"},
	{11, 0, 0, 0, 0, "Time to live exceeded"},
	{11, 1, 0, 0, 0, "Frag reassembly time exceeded"},
	{12, 0, 0x1400, 0, 20, "Parameter problem: pointer = 20"},
};

START_TEST(v4_error_valid)
{
	uint8_t q[128], buf[256];
	char text[128];
	struct np_reply r;
	size_t qlen = v4_quote(q, 20, 84, IPPROTO_ICMP, 8, 56);
	size_t len = v4_error(buf, v4_errors[_i].type, v4_errors[_i].code,
			      v4_errors[_i].w1, v4_errors[_i].w2, q, qlen);
	struct sockaddr_storage tgt = pk_addr(TGT);

	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_ERROR);
	ck_assert_uint_eq(r.type, v4_errors[_i].type);
	ck_assert_uint_eq(r.code, v4_errors[_i].code);
	ck_assert_uint_eq(r.key.flow, 0x1234);
	ck_assert_uint_eq(r.key.seq, 9);
	ck_assert(r.checksum_ok);
	ck_assert(r.quoted_dst_set);
	ck_assert_int_eq(
		memcmp(&((struct sockaddr_in *)&r.quoted_dst)->sin_addr,
		       &((struct sockaddr_in *)&tgt)->sin_addr, 4),
		0);
	ck_assert_uint_eq(r.key.auth_len, 56);
	ck_assert_uint_eq(r.info, v4_errors[_i].info);
	np_reply_describe_error(AF_INET, &r, text, sizeof(text));
	ck_assert_str_eq(text, v4_errors[_i].text);
}
END_TEST

/* The same error types, each with quotes that lie. */
START_TEST(v4_error_malformed_quotes)
{
	uint8_t q[160], buf[256];
	struct np_reply r;
	uint8_t type = v4_errors[_i].type, code = v4_errors[_i].code;
	uint16_t w1 = v4_errors[_i].w1, w2 = v4_errors[_i].w2;
	size_t qlen, len;
	uint8_t badopt[4] = {7, 40, 4, 0};

	/* quote shorter than an IPv4 header */
	qlen = v4_quote(q, 20, 84, IPPROTO_ICMP, 8, 56);
	len = v4_error(buf, type, code, w1, w2, q, 12);
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_QUOTE_TRUNCATED);
	/* quoted version 6 */
	q[0] = 0x65;
	len = v4_error(buf, type, code, w1, w2, q, qlen);
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_QUOTE_VERSION);
	/* quoted IHL below 5 */
	q[0] = 0x44;
	len = v4_error(buf, type, code, w1, w2, q, qlen);
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_QUOTE_IHL);
	/* quoted IHL 60 bytes, only 28 quoted */
	q[0] = 0x4f;
	len = v4_error(buf, type, code, w1, w2, q, 28);
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_QUOTE_IHL);
	/* quoted total length shorter than its headers */
	qlen = v4_quote(q, 20, 24, IPPROTO_ICMP, 8, 56);
	len = v4_error(buf, type, code, w1, w2, q, qlen);
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_QUOTE_TOTLEN);
	/* quote ends inside the quoted ICMP header */
	qlen = v4_quote(q, 20, 84, IPPROTO_ICMP, 8, 56);
	len = v4_error(buf, type, code, w1, w2, q, 24);
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_QUOTE_NO_ICMP);
	/* quoted options overrun their area */
	pk_ipv4(q, 24, 92, IPPROTO_ICMP, 1, US, TGT, badopt, 4);
	pk_icmp(q + 24, 8, 0, 0x1234, 9, data56, 56);
	len = v4_error(buf, type, code, w1, w2, q, 24 + 64);
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_QUOTE_OPTIONS);
}
END_TEST

START_TEST(v4_error_quote_edges)
{
	uint8_t q[160], buf[256];
	uint8_t rr[12] = {7, 11, 4};
	struct np_reply r;
	size_t qlen, len;

	/* a UDP datagram quoted: not about a probe */
	qlen = v4_quote(q, 20, 84, IPPROTO_UDP, 8, 56);
	len = v4_error(buf, 3, 3, 0, 0, q, qlen);
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_IGNORED);
	/* an echo reply quoted (someone else's answer bounced) */
	qlen = v4_quote(q, 20, 84, IPPROTO_ICMP, 0, 56);
	len = v4_error(buf, 3, 3, 0, 0, q, qlen);
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_IGNORED);
	/* RFC 792 minimum: header + 8 bytes */
	qlen = v4_quote(q, 20, 84, IPPROTO_ICMP, 8, 56);
	len = v4_error(buf, 11, 0, 0, 0, q, 28);
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_ERROR);
	ck_assert_uint_eq(r.key.seq, 9);
	ck_assert_uint_eq(r.key.auth_len, 0);
	/* more bytes quoted than the quoted datagram claims: bounded */
	qlen = v4_quote(q, 20, 32, IPPROTO_ICMP, 8, 56);
	len = v4_error(buf, 11, 0, 0, 0, q, qlen);
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_ERROR);
	ck_assert_uint_eq(r.key.auth_len, 4);
	/* quoted header with valid options */
	pk_ipv4(q, 32, 96, IPPROTO_ICMP, 1, US, TGT, rr, sizeof(rr));
	pk_icmp(q + 32, 8, 0, 0x1234, 10, data56, 16);
	len = v4_error(buf, 11, 0, 0, 0, q, 32 + 24);
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_ERROR);
	ck_assert_uint_eq(r.key.seq, 10);
	ck_assert_uint_eq(r.key.auth_len, 16);
	/* outer IP options in front of an error */
	{
		uint8_t big[300];
		size_t icmp = pk_icmp(big + 24, 3, 1, 0, 0, q, 32 + 24);

		pk_ipv4(big, 24, (uint16_t)(24 + icmp), IPPROTO_ICMP, 64, RTR,
			US, (const uint8_t[]){1, 1, 1, 0}, 4);
		ck_assert_int_eq(parse4(big, 24 + icmp, &r), NP_RX_ERROR);
		ck_assert_uint_eq(r.ip_options_len, 4);
	}
	/* bad checksum on the error itself is reported, not hidden */
	qlen = v4_quote(q, 20, 84, IPPROTO_ICMP, 8, 56);
	len = v4_error(buf, 3, 1, 0, 0, q, qlen);
	buf[30] ^= 0xff;
	ck_assert_int_eq(parse4(buf, len, &r), NP_RX_ERROR);
	ck_assert(!r.checksum_ok);
}
END_TEST

START_TEST(v4_datagram_socket)
{
	/* Datagram ICMP sockets deliver the ICMP message without IP header */
	uint8_t buf[128];
	struct np_rx rx;
	struct np_reply r;
	size_t len = pk_icmp(buf, 0, 0, 0x77, 3, data56, 56);

	memset(&rx, 0, sizeof(rx));
	rx.family = AF_INET;
	rx.buf = buf;
	rx.len = len;
	rx.ttl = 63;
	ck_assert_int_eq(np_reply_parse(&rx, &r), NP_RX_ECHO_REPLY);
	ck_assert_int_eq(r.ttl, 63);
	ck_assert_uint_eq(r.key.seq, 3);
	rx.len = 7;
	ck_assert_int_eq(np_reply_parse(&rx, &r), NP_RX_MALFORMED);
}
END_TEST

/* ---- ICMPv6 -------------------------------------------------------------- */

/* Quoted IPv6 echo request US6 -> TGT6, optionally behind `ext` bytes of
 * extension headers whose chain starts with `first_nh`. */
static size_t v6_quote(uint8_t *q, uint16_t plen, uint8_t first_nh,
		       const uint8_t *ext, size_t extlen, size_t dlen)
{
	pk_ipv6(q, plen, first_nh, US6, TGT6);
	if (extlen)
		memcpy(q + 40, ext, extlen);
	return 40 + extlen +
	       pk_icmp(q + 40 + extlen, 128, 0, 0x1234, 9, data56, dlen);
}

static size_t v6_error(uint8_t *buf, uint8_t type, uint8_t code, uint32_t word,
		       const uint8_t *quote, size_t qlen)
{
	size_t len = pk_icmp(buf, type, code, (uint16_t)(word >> 16),
			     (uint16_t)word, quote, qlen);

	pk_icmp6_fix(buf, len, RTR6, US6);
	return len;
}

static const struct {
	uint8_t type, code;
	uint32_t word;
	const char *text;
} v6_errors[] = {
	{1, 0, 0, "Destination unreachable: No route"},
	{1, 3, 0, "Destination unreachable: Address unreachable"},
	{1, 1, 0, "Destination unreachable: Administratively prohibited"},
	{2, 0, 1280, "Packet too big: mtu=1280"},
	{3, 0, 0, "Time exceeded: Hop limit"},
	{4, 0, 40, "Parameter problem: Erroneous header field at 40"},
};

START_TEST(v6_echo_reply)
{
	uint8_t buf[128];
	struct np_reply r;
	struct in6_addr s = pk_in6(TGT6), d = pk_in6(US6);
	struct np_rx rx = {AF_INET6, false, buf,   0,	 64,
			   &s,	     &d,    false, NULL, false};

	rx.len = pk_icmp(buf, 129, 0, 0x1234, 5, data56, 56);
	pk_icmp6_fix(buf, rx.len, TGT6, US6);
	ck_assert_int_eq(np_reply_parse(&rx, &r), NP_RX_ECHO_REPLY);
	ck_assert(r.checksum_checked && r.checksum_ok);
	ck_assert_int_eq(r.ttl, 64);
	ck_assert_uint_eq(r.key.seq, 5);
	buf[40] ^= 1;
	ck_assert_int_eq(np_reply_parse(&rx, &r), NP_RX_ECHO_REPLY);
	ck_assert(!r.checksum_ok);
	rx.dst6 = NULL; /* no IPV6_PKTINFO: cannot check */
	np_reply_parse(&rx, &r);
	ck_assert(!r.checksum_checked);
	rx.len = 6;
	ck_assert_int_eq(np_reply_parse(&rx, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_ICMP_TRUNCATED);
	buf[0] = 128; /* our own request looped back */
	rx.len = 64;
	ck_assert_int_eq(np_reply_parse(&rx, &r), NP_RX_IGNORED);
	buf[0] = 135; /* neighbour solicitation */
	ck_assert_int_eq(np_reply_parse(&rx, &r), NP_RX_IGNORED);
}
END_TEST

START_TEST(v6_error_valid)
{
	uint8_t q[160], buf[256];
	char text[128];
	struct np_reply r;
	size_t qlen = v6_quote(q, 64, 58, NULL, 0, 56);
	size_t len = v6_error(buf, v6_errors[_i].type, v6_errors[_i].code,
			      v6_errors[_i].word, q, qlen);
	struct in6_addr tgt = pk_in6(TGT6);

	ck_assert_int_eq(parse6(buf, len, &r), NP_RX_ERROR);
	ck_assert(r.checksum_ok);
	ck_assert_uint_eq(r.key.seq, 9);
	ck_assert_uint_eq(r.key.flow, 0x1234);
	ck_assert_uint_eq(r.info, v6_errors[_i].word);
	ck_assert_uint_eq(r.key.auth_len, 56);
	ck_assert_int_eq(
		memcmp(&((struct sockaddr_in6 *)&r.quoted_dst)->sin6_addr, &tgt,
		       16),
		0);
	np_reply_describe_error(AF_INET6, &r, text, sizeof(text));
	ck_assert_str_eq(text, v6_errors[_i].text);
}
END_TEST

START_TEST(v6_error_malformed_quotes)
{
	uint8_t q[200], buf[300];
	struct np_reply r;
	uint8_t type = v6_errors[_i].type, code = v6_errors[_i].code;
	uint32_t w = v6_errors[_i].word;
	uint8_t hbh_over[8] = {58, 30}; /* claims 248 bytes */
	uint8_t chain[9 * 8];
	size_t qlen, len;

	qlen = v6_quote(q, 64, 58, NULL, 0, 56);
	len = v6_error(buf, type, code, w, q, 39);
	ck_assert_int_eq(parse6(buf, len, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_QUOTE_TRUNCATED);
	q[0] = 0x40;
	len = v6_error(buf, type, code, w, q, qlen);
	ck_assert_int_eq(parse6(buf, len, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_QUOTE_VERSION);
	/* payload length shorter than the ICMPv6 header */
	qlen = v6_quote(q, 4, 58, NULL, 0, 56);
	len = v6_error(buf, type, code, w, q, qlen);
	ck_assert_int_eq(parse6(buf, len, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_QUOTE_TOTLEN);
	/* quote stops right after the IPv6 header */
	qlen = v6_quote(q, 64, 58, NULL, 0, 56);
	len = v6_error(buf, type, code, w, q, 44);
	ck_assert_int_eq(parse6(buf, len, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_QUOTE_NO_ICMP);
	/* hop-by-hop header longer than the quote */
	qlen = v6_quote(q, 72, 0, hbh_over, 8, 56);
	len = v6_error(buf, type, code, w, q, qlen);
	ck_assert_int_eq(parse6(buf, len, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_QUOTE_EXTHDR);
	/* nine chained destination options headers */
	for (int i = 0; i < 9; i++) {
		memset(chain + 8 * i, 0, 8);
		chain[8 * i] = i == 8 ? 58 : 60;
	}
	qlen = v6_quote(q, 72 + 64, 60, chain, sizeof(chain), 56);
	len = v6_error(buf, type, code, w, q, qlen);
	ck_assert_int_eq(parse6(buf, len, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_QUOTE_EXTHDR);
}
END_TEST

START_TEST(v6_error_quote_edges)
{
	uint8_t q[200], buf[300];
	uint8_t hbh[8] = {58, 0, 1, 4, 0, 0, 0, 0}; /* PadN */
	uint8_t frag_later[8] = {58, 0, 0x01, 0x00, 0, 0, 0, 1};
	struct np_reply r;
	size_t qlen, len;

	qlen = v6_quote(q, 72, 0, hbh, 8, 56);
	len = v6_error(buf, 3, 0, 0, q, qlen);
	ck_assert_int_eq(parse6(buf, len, &r), NP_RX_ERROR);
	ck_assert_uint_eq(r.key.seq, 9);
	qlen = v6_quote(q, 72, 44, frag_later, 8, 56);
	len = v6_error(buf, 3, 0, 0, q, qlen);
	ck_assert_int_eq(parse6(buf, len, &r), NP_RX_IGNORED);
	qlen = v6_quote(q, 64, 17, NULL, 0, 56); /* UDP */
	len = v6_error(buf, 1, 4, 0, q, qlen);
	ck_assert_int_eq(parse6(buf, len, &r), NP_RX_IGNORED);
	/* checksum of the error itself */
	qlen = v6_quote(q, 64, 58, NULL, 0, 56);
	len = v6_error(buf, 1, 3, 0, q, qlen);
	buf[len - 1] ^= 0x10;
	ck_assert_int_eq(parse6(buf, len, &r), NP_RX_ERROR);
	ck_assert(!r.checksum_ok);
}
END_TEST

/* ICMPv6 redirect: 4 reserved, target, destination, options. */
static size_t v6_redirect(uint8_t *buf, const uint8_t *opts, size_t optlen)
{
	memset(buf, 0, 40);
	buf[0] = 137;
	inet_pton(AF_INET6, "2001:db8::fd", buf + 8);
	inet_pton(AF_INET6, TGT6, buf + 24);
	memcpy(buf + 40, opts, optlen);
	pk_icmp6_fix(buf, 40 + optlen, RTR6, US6);
	return 40 + optlen;
}

START_TEST(v6_redirect_parse)
{
	uint8_t q[200], opts[300], buf[400];
	char text[128];
	struct np_reply r;
	size_t qlen = v6_quote(q, 64, 58, NULL, 0, 56), len;
	size_t optlen = (8 + qlen + 7) / 8 * 8;

	memset(opts, 0, sizeof(opts));
	opts[0] = 1; /* source link-layer address option first */
	opts[1] = 1;
	opts[8] = 4; /* redirected header */
	opts[9] = (uint8_t)(optlen / 8);
	memcpy(opts + 16, q, qlen);
	len = v6_redirect(buf, opts, 8 + optlen);
	ck_assert_int_eq(parse6(buf, len, &r), NP_RX_ERROR);
	ck_assert(r.has_gateway);
	ck_assert_uint_eq(r.key.seq, 9);
	np_reply_describe_error(AF_INET6, &r, text, sizeof(text));
	ck_assert_str_eq(text, "Redirect (New nexthop: 2001:db8::fd)");
	/* option length 0 would loop forever in a naive parser */
	opts[1] = 0;
	len = v6_redirect(buf, opts, 8 + optlen);
	ck_assert_int_eq(parse6(buf, len, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_ND_OPTION);
	/* option longer than the message */
	opts[1] = 1;
	opts[9] = 200;
	len = v6_redirect(buf, opts, 8 + optlen);
	ck_assert_int_eq(parse6(buf, len, &r), NP_RX_MALFORMED);
	/* no redirected header: nothing to attribute */
	len = v6_redirect(buf, opts, 8);
	ck_assert_int_eq(parse6(buf, len, &r), NP_RX_IGNORED);
	/* body cut short */
	len = v6_redirect(buf, opts, 0);
	ck_assert_int_eq(parse6(buf, 30, &r), NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_ICMP_TRUNCATED);
}
END_TEST

/* ---- the error queue of datagram sockets -------------------------------- */

START_TEST(errqueue_translation)
{
	struct sock_extended_err ee;
	uint8_t pkt[64];
	struct np_reply r;
	size_t len = pk_icmp(pkt, 8, 0, 0x4242, 11, data56, 56);

	memset(&ee, 0, sizeof(ee));
	ee.ee_origin = SO_EE_ORIGIN_ICMP;
	ee.ee_type = 3;
	ee.ee_code = 1;
	ck_assert_int_eq(
		np_reply_from_errqueue(NULL, AF_INET, &ee, pkt, len, &r),
		NP_RX_ERROR);
	ck_assert_uint_eq(r.key.seq, 11);
	ck_assert_uint_eq(r.key.flow, 0x4242);
	ck_assert_uint_eq(r.type, 3);
	ck_assert_uint_eq(r.key.auth_len, 56);
	ee.ee_origin = SO_EE_ORIGIN_LOCAL;
	ee.ee_errno = EMSGSIZE;
	ee.ee_info = 1500;
	ck_assert_int_eq(
		np_reply_from_errqueue(NULL, AF_INET, &ee, pkt, len, &r),
		NP_RX_LOCAL_ERROR);
	ck_assert_uint_eq(r.info, 1500);
	ck_assert_int_eq(np_reply_from_errqueue(NULL, AF_INET, &ee, pkt, 5, &r),
			 NP_RX_MALFORMED);
	pkt[0] = 0;
	ck_assert_int_eq(
		np_reply_from_errqueue(NULL, AF_INET, &ee, pkt, len, &r),
		NP_RX_IGNORED);
}
END_TEST

/* ---- whole captured packets ------------------------------------------- */

/* An echo request US6 -> TGT6 by way of RTR6: a routing header with one
 * segment left (type 0: the addresses still to visit, the final one last;
 * type 4, RFC 8754: the segment list in reverse, the final one first).
 * The ICMPv6 checksum covers the final destination (RFC 8200 8.1). */
static size_t v6_routed(uint8_t *p, uint8_t rtype)
{
	uint8_t *rh = p + 40, *icmp = p + 40 + 40;
	struct in6_addr fin = pk_in6(TGT6), via = pk_in6(RTR6);
	size_t ilen = pk_icmp(icmp, 128, 0, 0x4321, 3, data56, 56);

	pk_ipv6(p, (uint16_t)(40 + ilen), 43, US6, RTR6);
	memset(rh, 0, 40);
	rh[0] = IPPROTO_ICMPV6;
	rh[1] = 4; /* two addresses */
	rh[2] = rtype;
	rh[3] = 1; /* segments left */
	memcpy(rh + 8, rtype == 4 ? &fin : &via, 16);
	memcpy(rh + 24, rtype == 4 ? &via : &fin, 16);
	pk_icmp6_fix(icmp, ilen, US6, TGT6);
	return 80 + ilen;
}

START_TEST(v6_routing_header_checksum)
{
	uint8_t p[256];
	struct np_ipinfo ip;
	struct np_reply r;
	size_t n;

	for (uint8_t rtype = 0; rtype <= 4; rtype += 4) {
		n = v6_routed(p, rtype);
		ck_assert_int_eq(np_reply_parse_packet(p, n, true, &ip, &r),
				 NP_RX_ECHO_REQUEST);
		ck_assert(r.checksum_checked);
		ck_assert_msg(r.checksum_ok, "routing type %u", rtype);
		ck_assert_int_eq(ip.proto, IPPROTO_ICMPV6);
		/* the checksum over the header's destination is wrong */
		pk_icmp6_fix(p + 80, n - 80, US6, RTR6);
		np_reply_parse_packet(p, n, true, &ip, &r);
		ck_assert(!r.checksum_ok);
	}
	/* no segment left: the header's destination is the final one */
	n = v6_routed(p, 0);
	p[43] = 0;
	pk_icmp6_fix(p + 80, n - 80, US6, RTR6);
	np_reply_parse_packet(p, n, true, &ip, &r);
	ck_assert(r.checksum_ok);
}
END_TEST

/* RFC 2675: payload length 0, a hop-by-hop Jumbo Payload option. */
static size_t v6_jumbo(uint8_t *p, uint32_t icmp_len, uint32_t jumbo)
{
	pk_ipv6(p, 0, 0, US6, TGT6);
	memset(p + 40, 0, 8);
	p[40] = IPPROTO_ICMPV6;
	p[42] = 0xc2;
	p[43] = 4;
	p[44] = (uint8_t)(jumbo >> 24);
	p[45] = (uint8_t)(jumbo >> 16);
	p[46] = (uint8_t)(jumbo >> 8);
	p[47] = (uint8_t)jumbo;
	memset(p + 48, 0xa5, icmp_len);
	pk_icmp(p + 48, 128, 0, 0x4321, 4, NULL, 0);
	pk_icmp6_fix(p + 48, icmp_len, US6, TGT6);
	return 48 + icmp_len;
}

START_TEST(v6_jumbogram)
{
	static uint8_t p[48 + 70000];
	struct np_ipinfo ip;
	struct np_reply r;
	size_t n = v6_jumbo(p, 65536, 8 + 65536);

	ck_assert_int_eq(np_reply_parse_packet(p, n, true, &ip, &r),
			 NP_RX_ECHO_REQUEST);
	ck_assert_uint_eq(ip.ip_len, n);
	ck_assert_uint_eq(r.icmp_len, 65536);
	ck_assert(r.checksum_ok);
	ck_assert_uint_eq(r.key.seq, 4);
	/* cut: the length it claims is past the bytes */
	ck_assert_int_eq(np_reply_parse_packet(p, n - 1, true, &ip, &r),
			 NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_IP6_PLEN);
	ck_assert(ip.proto_known);
	ck_assert_int_eq(ip.proto, IPPROTO_ICMPV6);
	/* a Jumbo Payload of 65535 or less is not one (RFC 2675 section 3) */
	n = v6_jumbo(p, 64, 8 + 64);
	ck_assert_int_eq(np_reply_parse_packet(p, n, true, &ip, &r),
			 NP_RX_MALFORMED);
	/* payload length 0 and no option at all */
	p[42] = 1; /* PadN */
	ck_assert_int_eq(np_reply_parse_packet(p, n, true, &ip, &r),
			 NP_RX_MALFORMED);
}
END_TEST

/* A packet that fails a check still says its protocol when its chain
 * can be followed: a BIG TCP / TSO IPv4 segment (total length 0) is TCP;
 * an IPv6 chain cut inside its headers says nothing. */
START_TEST(protocol_of_malformed_packets)
{
	uint8_t p[128];
	struct np_ipinfo ip;
	struct np_reply r;

	memset(p, 0, sizeof(p));
	pk_ipv4(p, 20, 0, IPPROTO_TCP, 64, US, TGT, NULL, 0);
	ck_assert_int_eq(np_reply_parse_packet(p, 60, true, &ip, &r),
			 NP_RX_MALFORMED);
	ck_assert(ip.proto_known);
	ck_assert_int_eq(ip.proto, IPPROTO_TCP);
	ck_assert_int_eq(np_reply_parse_packet(p, 12, true, &ip, &r),
			 NP_RX_MALFORMED);
	ck_assert(!ip.proto_known);
	/* IPv6 TCP jumbogram cut at 100 bytes: TCP */
	pk_ipv6(p, 0, 0, US6, TGT6);
	memcpy(p + 40, "\x06\x00\xc2\x04\x00\x01\x11\x78", 8);
	ck_assert_int_eq(np_reply_parse_packet(p, 100, true, &ip, &r),
			 NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_IP6_PLEN);
	ck_assert(ip.proto_known);
	ck_assert_int_eq(ip.proto, IPPROTO_TCP);
	/* a destination-options header longer than the packet: unknown */
	pk_ipv6(p, 60, 60, US6, TGT6);
	p[40] = IPPROTO_ICMPV6;
	p[41] = 20;
	ck_assert_int_eq(np_reply_parse_packet(p, 100, true, &ip, &r),
			 NP_RX_MALFORMED);
	ck_assert(!ip.proto_known);
}
END_TEST

/* An error whose quote fails a check keeps its type and code. */
START_TEST(malformed_quote_keeps_type)
{
	uint8_t q[160], buf[256];
	struct np_ipinfo ip;
	struct np_reply r;
	size_t len;

	v4_quote(q, 20, 84, IPPROTO_UDP, 8, 56);
	len = v4_error(buf, 3, 3, 0, 0, q, 12);
	ck_assert_int_eq(np_reply_parse_packet(buf, len, true, &ip, &r),
			 NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_QUOTE_TRUNCATED);
	ck_assert(r.icmp_valid);
	ck_assert_uint_eq(r.type, 3);
	ck_assert_uint_eq(r.code, 3);
	/* an ICMP header cut short has none */
	len = v4_error(buf, 3, 3, 0, 0, q, 0);
	ck_assert_int_eq(np_reply_parse_packet(buf, len - 4, true, &ip, &r),
			 NP_RX_MALFORMED);
	ck_assert(!r.icmp_valid);
}
END_TEST

START_TEST(malformed_names)
{
	for (int w = 0; w < NP_MAL_COUNT; w++)
		ck_assert_ptr_nonnull(np_reply_malformed_name(w));
	ck_assert_str_eq(np_reply_malformed_name(NP_MAL_COUNT + 5), "unknown");
}
END_TEST

Suite *reply_suite(void)
{
	Suite *s = suite_create("reply");
	TCase *v4 = tcase_create("ipv4");
	TCase *v6 = tcase_create("ipv6");
	TCase *misc = tcase_create("errqueue");
	int n4 = (int)(sizeof(v4_errors) / sizeof(v4_errors[0]));
	int n6 = (int)(sizeof(v6_errors) / sizeof(v6_errors[0]));

	init_data();
	tcase_add_test(v4, v4_echo_reply_ok);
	tcase_add_test(v4, v4_truncated_header);
	tcase_add_test(v4, v4_bad_version_and_ihl);
	tcase_add_test(v4, v4_total_length);
	tcase_add_test(v4, v4_options_valid);
	tcase_add_test(v4, v4_options_malformed);
	tcase_add_test(v4, v4_icmp_truncated_and_checksum);
	tcase_add_test(v4, v4_not_for_us);
	tcase_add_loop_test(v4, v4_error_valid, 0, n4);
	tcase_add_loop_test(v4, v4_error_malformed_quotes, 0, n4);
	tcase_add_test(v4, v4_error_quote_edges);
	tcase_add_test(v4, v4_datagram_socket);
	tcase_add_test(v6, v6_echo_reply);
	tcase_add_loop_test(v6, v6_error_valid, 0, n6);
	tcase_add_loop_test(v6, v6_error_malformed_quotes, 0, n6);
	tcase_add_test(v6, v6_error_quote_edges);
	tcase_add_test(v6, v6_redirect_parse);
	tcase_add_test(v6, v6_routing_header_checksum);
	tcase_add_test(v6, v6_jumbogram);
	tcase_add_test(misc, protocol_of_malformed_packets);
	tcase_add_test(misc, malformed_quote_keeps_type);
	tcase_add_test(misc, errqueue_translation);
	tcase_add_test(misc, malformed_names);
	suite_add_tcase(s, v4);
	suite_add_tcase(s, v6);
	suite_add_tcase(s, misc);
	return s;
}
