/* reply.c - parsing and validating everything received.  Never prints.
 *
 * Trusts nothing in the buffer: every read goes through struct np_rd, every
 * length field is checked against the bytes received before it is used.
 */
#include "config.h"

#include "reply.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "icmp.h"
#include "proto.h"
#include "target.h"

#define IPV4_HDR_MIN 20
#define IPV6_HDR_LEN 40
#define IPV6_MAX_EXTHDRS 8

static const struct np_proto *rx_proto(const struct np_rx *rx)
{
	return rx->proto != NULL ? rx->proto : np_proto_default();
}

static enum np_rx_kind malformed(struct np_reply *out, enum np_rx_malformed w)
{
	out->kind = NP_RX_MALFORMED;
	out->why = w;
	return out->kind;
}

static enum np_rx_kind ignored(struct np_reply *out)
{
	out->kind = NP_RX_IGNORED;
	return out->kind;
}

/* Walk IPv4 options (RFC 791 section 3.1).  `r` covers exactly the options
 * area.  False if any option's length is impossible. */
static bool ipv4_options_valid(struct np_rd r)
{
	while (np_rd_left(&r) > 0) {
		uint8_t type = 0, len = 0, ptr = 0;

		np_rd_u8(&r, &type);
		if (type == 0) /* end of option list; the rest is padding */
			return true;
		if (type == 1) /* no-operation */
			continue;
		if (!np_rd_u8(&r, &len) || len < 2 || len - 2u > np_rd_left(&r))
			return false;
		switch (type) {
		case 7:	  /* record route */
		case 131: /* loose source route */
		case 137: /* strict source route */
			/* pointer >= 4, route data a whole number of
			 * addresses */
			if (len < 3 || !np_rd_u8(&r, &ptr) || ptr < 4 ||
			    (len - 3) % 4 != 0)
				return false;
			np_rd_skip(&r, len - 3u);
			break;
		case 68: /* timestamp */
			if (len < 4 || !np_rd_u8(&r, &ptr) || ptr < 5)
				return false;
			np_rd_skip(&r, len - 3u);
			break;
		default:
			np_rd_skip(&r, len - 2u);
		}
	}
	return true;
}

static void set_in4(struct sockaddr_storage *ss, const uint8_t a[4])
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	memcpy(&sin.sin_addr, a, 4);
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, &sin, sizeof(sin));
}

static void set_in6(struct sockaddr_storage *ss, const uint8_t a[16])
{
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	memcpy(&sin6.sin6_addr, a, 16);
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, &sin6, sizeof(sin6));
}

/* Quoted IPv4 datagram inside an ICMP error (RFC 792: its header and at
 * least 64 bits of its data; Linux quotes up to 576 bytes in all). */
static enum np_rx_kind quoted_ipv4(const struct np_proto *P, struct np_rd q,
				   struct np_reply *out)
{
	uint8_t vihl = 0, proto = 0, addr[4] = {0};
	uint16_t totlen = 0, frag = 0;
	size_t ihl;
	struct np_rd opts;

	q = np_rd_init(np_rd_ptr(&q), np_rd_left(&q)); /* offsets from here */
	if (np_rd_left(&q) < IPV4_HDR_MIN)
		return malformed(out, NP_MAL_QUOTE_TRUNCATED);
	np_rd_u8(&q, &vihl);
	if ((vihl >> 4) != 4)
		return malformed(out, NP_MAL_QUOTE_VERSION);
	ihl = (size_t)(vihl & 0x0f) * 4;
	if (ihl < IPV4_HDR_MIN || ihl > q.len)
		return malformed(out, NP_MAL_QUOTE_IHL);
	np_rd_skip(&q, 1); /* TOS */
	np_rd_be16(&q, &totlen);
	np_rd_skip(&q, 2); /* id */
	np_rd_be16(&q, &frag);
	np_rd_skip(&q, 1); /* TTL */
	np_rd_u8(&q, &proto);
	np_rd_skip(&q, 2); /* header checksum: routers may have changed TTL */
	np_rd_skip(&q, 4); /* source */
	np_rd_bytes(&q, addr, 4);
	set_in4(&out->quoted_dst, addr);
	out->quoted_dst_set = true;
	np_rd_sub(&q, ihl - IPV4_HDR_MIN, &opts);
	if (!ipv4_options_valid(opts))
		return malformed(out, NP_MAL_QUOTE_OPTIONS);
	/* The datagram we sent had at least its header and an ICMP header; a
	 * quote that claims less was not ours, or was mangled. */
	if (totlen < ihl + NP_ICMP_HDR_LEN)
		return malformed(out, NP_MAL_QUOTE_TOTLEN);
	if (proto != P->ip_proto(AF_INET) || (frag & 0x1fff) != 0)
		return ignored(out);
	/* Bytes past the quoted datagram's claimed end are not part of it. */
	if (np_rd_left(&q) > (size_t)totlen - ihl)
		q.len = q.off + ((size_t)totlen - ihl);
	return P->quote(q, AF_INET, out);
}

enum ext_result { EXT_OK, EXT_BAD, EXT_NOT_FIRST };

/* A routing header with segments left names the final destination, which
 * the ICMPv6 checksum covers instead of the header's (RFC 8200 section
 * 8.1): the last address of types 0 and 2, the first of a segment routing
 * header (type 4, RFC 8754: the list is in reverse order).  `r` covers the
 * header after its Next Header and length bytes, `units` its length. */
static void routing_final_dst(struct np_rd r, uint8_t units,
			      struct in6_addr *final, bool *has_final)
{
	uint8_t type = 0, left = 0;
	size_t naddr = units / 2, pick;

	if (!np_rd_u8(&r, &type) || !np_rd_u8(&r, &left) || left == 0 ||
	    naddr == 0 || !np_rd_skip(&r, 4))
		return;
	if (type == 0 || type == 2)
		pick = naddr - 1;
	else if (type == 4)
		pick = 0;
	else
		return; /* RPL's compressed addresses (type 3) and others */
	if (np_rd_skip(&r, pick * 16) && np_rd_bytes(&r, final, 16))
		*has_final = true;
}

/* Walk IPv6 extension headers from `*nh` (the header's Next Header) up to
 * the first header that is not one: on return *nh is that protocol and
 * *hdrs the bytes skipped.  At most IPV6_MAX_EXTHDRS of them.  `final`,
 * when not NULL, gets a routing header's final destination (*has_final
 * says whether there was one). */
static enum ext_result skip_exthdrs(struct np_rd *q, uint8_t *nh, size_t *hdrs,
				    struct in6_addr *final, bool *has_final)
{
	int n;

	for (n = 0;; n++) {
		uint8_t next = 0, hlen = 0;
		uint16_t fragoff = 0;
		size_t sz;

		switch (*nh) {
		case 0:	 /* hop-by-hop */
		case 43: /* routing */
		case 60: /* destination options */
		case 51: /* authentication header */
			if (n >= IPV6_MAX_EXTHDRS || !np_rd_u8(q, &next) ||
			    !np_rd_u8(q, &hlen))
				return EXT_BAD;
			sz = *nh == 51 ? ((size_t)hlen + 2) * 4
				       : ((size_t)hlen + 1) * 8;
			if (*nh == 43 && final != NULL &&
			    np_rd_left(q) >= sz - 2)
				routing_final_dst(
					np_rd_init(np_rd_ptr(q), sz - 2), hlen,
					final, has_final);
			if (!np_rd_skip(q, sz - 2))
				return EXT_BAD;
			break;
		case 44: /* fragment */
			if (n >= IPV6_MAX_EXTHDRS || !np_rd_u8(q, &next) ||
			    !np_rd_skip(q, 1) || !np_rd_be16(q, &fragoff) ||
			    !np_rd_skip(q, 4))
				return EXT_BAD;
			sz = 8;
			if ((fragoff & 0xfff8) != 0)
				return EXT_NOT_FIRST;
			break;
		default:
			return EXT_OK;
		}
		*hdrs += sz;
		*nh = next;
	}
}

static enum np_rx_kind quoted_ipv6(const struct np_proto *P, struct np_rd q,
				   struct np_reply *out)
{
	uint8_t vtc = 0, nh = 0, addr[16] = {0};
	uint16_t plen = 0;
	size_t hdrs = 0;

	q = np_rd_init(np_rd_ptr(&q), np_rd_left(&q)); /* offsets from here */
	if (np_rd_left(&q) < IPV6_HDR_LEN)
		return malformed(out, NP_MAL_QUOTE_TRUNCATED);
	np_rd_u8(&q, &vtc);
	if ((vtc >> 4) != 6)
		return malformed(out, NP_MAL_QUOTE_VERSION);
	np_rd_skip(&q, 3); /* traffic class, flow label */
	np_rd_be16(&q, &plen);
	np_rd_u8(&q, &nh);
	np_rd_skip(&q, 1);  /* hop limit */
	np_rd_skip(&q, 16); /* source */
	np_rd_bytes(&q, addr, 16);
	set_in6(&out->quoted_dst, addr);
	out->quoted_dst_set = true;
	/* Extension headers an echo request of ours may have picked up. */
	switch (skip_exthdrs(&q, &nh, &hdrs, NULL, NULL)) {
	case EXT_BAD:
		return malformed(out, NP_MAL_QUOTE_EXTHDR);
	case EXT_NOT_FIRST:
		return ignored(out); /* not the first fragment */
	case EXT_OK:
		break;
	}
	if (nh != P->ip_proto(AF_INET6))
		return ignored(out); /* not our protocol: not ours */
	if (plen < hdrs + NP_ICMP_HDR_LEN)
		return malformed(out, NP_MAL_QUOTE_TOTLEN);
	if (np_rd_left(&q) > (size_t)plen - hdrs)
		q.len = q.off + ((size_t)plen - hdrs);
	return P->quote(q, AF_INET6, out);
}

/* ICMP message, `r` covering exactly its bytes. */
static enum np_rx_kind parse_icmp4(const struct np_proto *P, struct np_rd r,
				   bool requests, struct np_reply *out)
{
	struct np_rd msg = r; /* the whole message, for the protocol */
	uint16_t csum = 0, w1 = 0, w2 = 0;
	uint8_t gw[4] = {0};

	out->icmp_len = np_rd_left(&r);
	if (out->icmp_len < NP_ICMP_HDR_LEN)
		return malformed(out, NP_MAL_ICMP_TRUNCATED);
	out->checksum_checked = true;
	out->checksum_ok = np_inet_checksum(np_rd_ptr(&r), out->icmp_len) == 0;
	np_rd_u8(&r, &out->type);
	np_rd_u8(&r, &out->code);
	out->icmp_valid = true;
	np_rd_be16(&r, &csum);
	switch (out->type) {
	case NP_ICMP_DEST_UNREACH:
	case NP_ICMP_SOURCE_QUENCH:
	case NP_ICMP_TIME_EXCEEDED:
	case NP_ICMP_PARAMPROB:
		np_rd_be16(&r, &w1);
		np_rd_be16(&r, &w2);
		if (out->type == NP_ICMP_PARAMPROB)
			out->info = w1 >> 8; /* pointer: first byte */
		else if (out->type == NP_ICMP_DEST_UNREACH && out->code == 4)
			out->info = w2; /* next-hop MTU, RFC 1191 */
		return quoted_ipv4(P, r, out);
	case NP_ICMP_REDIRECT:
		np_rd_bytes(&r, gw, 4);
		set_in4(&out->gateway, gw);
		out->has_gateway = true;
		return quoted_ipv4(P, r, out);
	default: /* the protocol's own messages (an Echo Reply) */
		if (P->ip_proto(AF_INET) != IPPROTO_ICMP)
			return ignored(out); /* not carried in ICMP (TCP) */
		return P->parse(msg, AF_INET, requests, out);
	}
}

/* ICMPv6 redirect (RFC 4861 section 4.5): find the Redirected Header
 * option and parse the packet it quotes. */
static enum np_rx_kind parse_redirect6(const struct np_proto *P, struct np_rd r,
				       struct np_reply *out)
{
	uint8_t target[16] = {0};

	if (!np_rd_skip(&r, 4) || !np_rd_bytes(&r, target, 16) ||
	    !np_rd_skip(&r, 16))
		return malformed(out, NP_MAL_ICMP_TRUNCATED);
	set_in6(&out->gateway, target);
	out->has_gateway = true;
	while (np_rd_left(&r) > 0) {
		uint8_t type = 0, units = 0;
		struct np_rd opt;

		if (!np_rd_u8(&r, &type) || !np_rd_u8(&r, &units) ||
		    units == 0 || !np_rd_sub(&r, (size_t)units * 8 - 2, &opt))
			return malformed(out, NP_MAL_ND_OPTION);
		if (type == 4) { /* redirected header: 6 reserved bytes */
			if (!np_rd_skip(&opt, 6))
				return malformed(out, NP_MAL_ND_OPTION);
			return quoted_ipv6(P, opt, out);
		}
	}
	return ignored(out);
}

static enum np_rx_kind parse_icmp6(const struct np_rx *rx, struct np_rd r,
				   struct np_reply *out)
{
	const struct np_proto *P = rx_proto(rx);
	struct np_rd msg = r; /* the whole message, for the protocol */
	uint16_t csum = 0;
	uint32_t word = 0;

	out->icmp_len = np_rd_left(&r);
	if (out->icmp_len < NP_ICMP_HDR_LEN)
		return malformed(out, NP_MAL_ICMP_TRUNCATED);
	if (rx->src6 != NULL && rx->dst6 != NULL) {
		out->checksum_checked = true;
		out->checksum_ok =
			np_icmp6_checksum(rx->src6, rx->dst6, np_rd_ptr(&r),
					  out->icmp_len) == 0;
	}
	np_rd_u8(&r, &out->type);
	np_rd_u8(&r, &out->code);
	out->icmp_valid = true;
	np_rd_be16(&r, &csum);
	switch (out->type) {
	case NP_ICMP6_DST_UNREACH:
	case NP_ICMP6_PACKET_TOO_BIG:
	case NP_ICMP6_TIME_EXCEEDED:
	case NP_ICMP6_PARAM_PROB:
		np_rd_be32(&r, &word);
		out->info = word; /* MTU or pointer; unused otherwise */
		return quoted_ipv6(P, r, out);
	case NP_ICMP6_REDIRECT:
		return parse_redirect6(P, r, out);
	default: /* the protocol's own messages (an Echo Reply) */
		if (P->ip_proto(AF_INET6) != IPPROTO_ICMPV6)
			return ignored(out); /* not carried in ICMP (TCP) */
		return P->parse(msg, AF_INET6, rx->requests, out);
	}
}

/* The checksum of a TCP or UDP header a raw socket read, over the
 * pseudo-header.  A segment from a local peer (veth, loopback) may still
 * hold the pseudo-header's sum alone, for the NIC to complete
 * (CHECKSUM_PARTIAL): that exact value is accepted too. */
static void transport_checksum(int family, const uint8_t *src,
			       const uint8_t *dst, uint8_t proto,
			       struct np_rd seg, struct np_reply *out)
{
	size_t off = proto == IPPROTO_TCP ? 16 : proto == IPPROTO_UDP ? 6 : 0;
	size_t len = np_rd_left(&seg);
	const uint8_t *p = np_rd_ptr(&seg);
	uint32_t pseudo;
	uint16_t field, partial;

	if (off == 0 || len < off + 2)
		return;
	field = (uint16_t)(p[off] << 8 | p[off + 1]);
	if (proto == IPPROTO_UDP && field == 0 && family == AF_INET)
		return; /* no checksum: allowed for UDP over IPv4 */
	pseudo = np_csum_pseudo(family, src, dst, proto, len);
	out->checksum_checked = true;
	partial = (uint16_t)~np_csum_fold(pseudo);
	out->checksum_ok = np_csum_fold(np_csum_add(pseudo, p, len)) == 0 ||
			   field == partial;
}

/* A whole IPv4 packet: header checked, then its ICMP message. */
static enum np_rx_kind parse_ipv4(const struct np_rx *rx, struct np_ipinfo *ip,
				  struct np_reply *out)
{
	struct np_rd r = np_rd_init(rx->buf, rx->len);
	uint8_t vihl = 0, ttl = 0, proto = 0, src[4] = {0}, dst[4] = {0};
	uint16_t totlen = 0, frag = 0;
	size_t ihl;
	struct np_rd opts, icmp;

	if (rx->len < IPV4_HDR_MIN)
		return malformed(out, NP_MAL_IP_TRUNCATED);
	np_rd_u8(&r, &vihl);
	if ((vihl >> 4) != 4)
		return malformed(out, NP_MAL_IP_VERSION);
	np_rd_skip(&r, 1);
	np_rd_be16(&r, &totlen);
	np_rd_skip(&r, 2);
	np_rd_be16(&r, &frag);
	np_rd_u8(&r, &ttl);
	np_rd_u8(&r, &proto);
	np_rd_skip(&r, 2);
	np_rd_bytes(&r, src, 4);
	np_rd_bytes(&r, dst, 4);
	if (ip != NULL) { /* what the fixed header says, checked or not */
		ip->family = AF_INET;
		set_in4(&ip->src, src);
		set_in4(&ip->dst, dst);
		ip->proto = proto;
		ip->proto_known = true;
		ip->fragment = (frag & 0x3fff) != 0;
		ip->ip_len = totlen;
	}
	ihl = (size_t)(vihl & 0x0f) * 4;
	if (ihl < IPV4_HDR_MIN)
		return malformed(out, NP_MAL_IP_IHL_SHORT);
	if (ihl > rx->len)
		return malformed(out, NP_MAL_IP_IHL_BEYOND);
	if (totlen < ihl || totlen > rx->len)
		return malformed(out, NP_MAL_IP_TOTLEN);
	np_rd_sub(&r, ihl - IPV4_HDR_MIN, &opts);
	out->ip_options_len = ihl - IPV4_HDR_MIN;
	if (!ipv4_options_valid(opts))
		return malformed(out, NP_MAL_IP_OPTIONS);
	out->ttl = ttl;
	if ((frag & 0x3fff) != 0)
		return ignored(out);
	/* Trailing bytes past the total length are link padding. */
	np_rd_sub(&r, (size_t)totlen - ihl, &icmp);
	/* A raw socket of a protocol not carried in ICMP (TCP) reads its
	 * own segments after the IP header. */
	if (proto != IPPROTO_ICMP && proto == rx_proto(rx)->ip_proto(AF_INET)) {
		transport_checksum(AF_INET, src, dst, proto, icmp, out);
		return rx_proto(rx)->parse(icmp, AF_INET, rx->requests, out);
	}
	if (proto != IPPROTO_ICMP)
		return ignored(out);
	return parse_icmp4(rx_proto(rx), icmp, rx->requests, out);
}

enum np_rx_kind np_reply_parse(const struct np_rx *rx, struct np_reply *out)
{
	const struct np_proto *P = rx_proto(rx);

	memset(out, 0, sizeof(*out));
	out->proto = P;
	out->ttl = rx->ttl;
	/* A protocol not carried in ICMP: its datagram socket reads its own
	 * replies (ICMP errors come on the error queue). */
	if (!rx->has_ip_header &&
	    P->ip_proto(rx->family) !=
		    (rx->family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP)) {
		if (rx->raw && rx->family == AF_INET6 && rx->src6 != NULL &&
		    rx->dst6 != NULL)
			transport_checksum(AF_INET6, rx->src6->s6_addr,
					   rx->dst6->s6_addr,
					   P->ip_proto(AF_INET6),
					   np_rd_init(rx->buf, rx->len), out);
		return P->parse(np_rd_init(rx->buf, rx->len), rx->family,
				rx->requests, out);
	}
	if (rx->family == AF_INET6)
		return parse_icmp6(rx, np_rd_init(rx->buf, rx->len), out);
	if (rx->has_ip_header)
		return parse_ipv4(rx, NULL, out);
	return parse_icmp4(rx_proto(rx), np_rd_init(rx->buf, rx->len),
			   rx->requests, out);
}

/* RFC 2675: a payload length of 0 with a hop-by-hop Jumbo Payload option
 * (type 0xC2, 4 bytes, above 65535) carries the packet's real length.
 * `r` starts at the hop-by-hop header.  0 when there is no such option. */
static uint32_t jumbo_length(struct np_rd r)
{
	uint8_t next = 0, hlen = 0;
	struct np_rd opts;

	if (!np_rd_u8(&r, &next) || !np_rd_u8(&r, &hlen) ||
	    !np_rd_sub(&r, ((size_t)hlen + 1) * 8 - 2, &opts))
		return 0;
	while (np_rd_left(&opts) > 0) {
		uint8_t type = 0, len = 0;
		uint32_t v = 0;

		np_rd_u8(&opts, &type);
		if (type == 0) /* Pad1: a single byte */
			continue;
		if (!np_rd_u8(&opts, &len))
			return 0;
		if (type == 0xc2 && len == 4)
			return np_rd_be32(&opts, &v) && v > 65535 ? v : 0;
		if (!np_rd_skip(&opts, len))
			return 0;
	}
	return 0;
}

/* A whole IPv6 packet: fixed header, extension headers, ICMPv6 message
 * with its checksum checked against the source and the final destination.
 * The protocol chain is followed over the bytes present even when the
 * payload length is wrong, so that ip->proto says what the packet was. */
static enum np_rx_kind parse_ipv6(const uint8_t *pkt, size_t len, bool requests,
				  struct np_ipinfo *ip, struct np_reply *out)
{
	struct np_rd r = np_rd_init(pkt, len);
	struct in6_addr src, dst, final;
	struct np_rx rx;
	uint8_t nh = 0, hlim = 0;
	uint16_t plen = 0;
	uint32_t jumbo = 0;
	size_t hdrs = 0;
	bool has_final = false;
	enum ext_result ext;

	if (len < IPV6_HDR_LEN)
		return malformed(out, NP_MAL_IP6_TRUNCATED);
	np_rd_skip(&r, 4); /* version, traffic class, flow label */
	np_rd_be16(&r, &plen);
	np_rd_u8(&r, &nh);
	np_rd_u8(&r, &hlim);
	np_rd_bytes(&r, &src, 16);
	np_rd_bytes(&r, &dst, 16);
	ip->family = AF_INET6;
	set_in6(&ip->src, src.s6_addr);
	set_in6(&ip->dst, dst.s6_addr);
	ip->ip_len = IPV6_HDR_LEN + (size_t)plen;
	if (plen == 0 && nh == 0)
		jumbo = jumbo_length(r);
	/* (the sum wraps only where size_t has 32 bits) */
	if (jumbo != 0 && IPV6_HDR_LEN + (size_t)jumbo > (size_t)jumbo)
		ip->ip_len = IPV6_HDR_LEN + (size_t)jumbo;
	out->ttl = hlim;
	/* Trailing bytes past the payload length are link padding. */
	if (r.len > ip->ip_len)
		r.len = ip->ip_len;
	ext = skip_exthdrs(&r, &nh, &hdrs, &final, &has_final);
	ip->proto_known = ext != EXT_BAD;
	ip->proto = ext != EXT_BAD ? nh : 0;
	ip->fragment = ext == EXT_NOT_FIRST;
	if (ip->ip_len > len)
		return malformed(out, NP_MAL_IP6_PLEN);
	if (ext == EXT_BAD)
		return malformed(out, NP_MAL_IP6_EXTHDR);
	if (ext == EXT_NOT_FIRST || nh != IPPROTO_ICMPV6)
		return ignored(out);
	memset(&rx, 0, sizeof(rx));
	rx.family = AF_INET6;
	rx.buf = np_rd_ptr(&r);
	rx.len = np_rd_left(&r);
	rx.ttl = hlim;
	rx.src6 = &src;
	rx.dst6 = has_final ? &final : &dst;
	rx.requests = requests;
	return parse_icmp6(&rx, np_rd_init(rx.buf, rx.len), out);
}

enum np_rx_kind np_reply_parse_packet(const uint8_t *pkt, size_t len,
				      bool requests, struct np_ipinfo *ip,
				      struct np_reply *out)
{
	struct np_rx rx;

	memset(out, 0, sizeof(*out));
	memset(ip, 0, sizeof(*ip));
	out->proto = np_proto_default();
	out->ttl = -1;
	if (len < 1)
		return malformed(out, NP_MAL_IP_TRUNCATED);
	if ((pkt[0] >> 4) == 6)
		return parse_ipv6(pkt, len, requests, ip, out);
	memset(&rx, 0, sizeof(rx));
	rx.family = AF_INET;
	rx.has_ip_header = true;
	rx.buf = pkt;
	rx.len = len;
	rx.ttl = -1;
	rx.requests = requests;
	return parse_ipv4(&rx, ip, out);
}

enum np_rx_kind np_reply_from_errqueue(const struct np_proto *P, int family,
				       const struct sock_extended_err *ee,
				       const uint8_t *pkt, size_t len,
				       struct np_reply *out)
{
	memset(out, 0, sizeof(*out));
	out->proto = P != NULL ? P : np_proto_default();
	out->ttl = -1;
	/* Local errors (EMSGSIZE and the like) come without our packet;
	 * sendto() has already failed with the same errno and the engine
	 * reported it there. */
	if (ee->ee_origin == SO_EE_ORIGIN_LOCAL && len == 0)
		return ignored(out);
	/* The kernel hands back our own probe as we sent it. */
	if (out->proto->sent(np_rd_init(pkt, len), family, out) != NP_RX_ERROR)
		return out->kind;
	if (ee->ee_origin == SO_EE_ORIGIN_ICMP ||
	    ee->ee_origin == SO_EE_ORIGIN_ICMP6) {
		out->type = ee->ee_type;
		out->code = ee->ee_code;
		out->icmp_valid = true;
		out->info = ee->ee_info;
		out->kind =
			NP_RX_ERROR; /* a redirect's gateway is not passed */
	} else if (ee->ee_origin == SO_EE_ORIGIN_LOCAL) {
		out->info = ee->ee_errno;
		out->kind = NP_RX_LOCAL_ERROR;
		if (ee->ee_errno == EMSGSIZE)
			out->info = ee->ee_info; /* the MTU */
		out->code = (uint8_t)ee->ee_errno;
	} else {
		return ignored(out);
	}
	out->checksum_checked = false;
	out->checksum_ok = true;
	return out->kind;
}

const char *np_reply_malformed_name(enum np_rx_malformed why)
{
	static const char *const names[NP_MAL_COUNT] = {
		[NP_MAL_NONE] = "none",
		[NP_MAL_IP_TRUNCATED] = "IPv4 header truncated",
		[NP_MAL_IP_VERSION] = "IP version is not 4",
		[NP_MAL_IP_IHL_SHORT] = "IPv4 header length below 20",
		[NP_MAL_IP_IHL_BEYOND] = "IPv4 header length past the packet",
		[NP_MAL_IP_TOTLEN] = "IPv4 total length inconsistent",
		[NP_MAL_IP_OPTIONS] = "IPv4 options malformed",
		[NP_MAL_ICMP_TRUNCATED] = "ICMP message truncated",
		[NP_MAL_QUOTE_TRUNCATED] = "quoted IP header truncated",
		[NP_MAL_QUOTE_VERSION] = "quoted IP version wrong",
		[NP_MAL_QUOTE_IHL] = "quoted IPv4 header length invalid",
		[NP_MAL_QUOTE_OPTIONS] = "quoted IPv4 options malformed",
		[NP_MAL_QUOTE_TOTLEN] =
			"quoted length shorter than its headers",
		[NP_MAL_QUOTE_EXTHDR] =
			"quoted IPv6 extension header malformed",
		[NP_MAL_QUOTE_NO_ICMP] = "quote ends before the ICMP header",
		[NP_MAL_ND_OPTION] = "ICMPv6 redirect option malformed",
		[NP_MAL_IP6_TRUNCATED] = "IPv6 header truncated",
		[NP_MAL_IP6_PLEN] = "IPv6 payload length past the packet",
		[NP_MAL_IP6_EXTHDR] = "IPv6 extension header malformed",
		[NP_MAL_TCP_TRUNCATED] = "TCP header truncated",
		[NP_MAL_TCP_OFFSET] =
			"TCP data offset below 5 or past the segment",
		[NP_MAL_QUOTE_NO_TCP] =
			"quote ends before the TCP sequence number",
	};

	if ((unsigned)why >= NP_MAL_COUNT)
		return "unknown";
	return names[why];
}
