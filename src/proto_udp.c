/* proto_udp.c - UDP as a probe protocol: the only file that knows the
 * probe's layout (proto_udp.h) and what each reply to it proves.
 *
 * Sockets (netprobe.8, UDP): one datagram socket bound to a port the
 * kernel picks (or -e's), with IP_RECVERR / IPV6_RECVERR, as tracepath:
 * the application's replies arrive as datagrams, the ICMP errors about
 * our probes on the error queue, where Linux hands back what the error
 * quoted *after* the UDP header (udp_err -> ip_icmp_error(.., uh + 1)):
 * the kernel itself matched the quoted addresses and ports to our socket
 * (the flow is proved), and the quoted payload names the probe (its
 * sequence) and proves it ours (the MAC).  A minimal RFC 792 quote (the IP
 * header and 8 bytes: the UDP header alone) leaves nothing after the
 * header: it proves nothing about which probe, and is not counted as ours
 * (issue 15's rule, netprobe.8 MATCHING).
 *
 * Constant flow (Paris traceroute): the same addresses and ports for
 * every probe of a run; the probe is named by the UDP checksum, which the
 * first two payload bytes make equal to its sequence, so even an 8-byte
 * quote of the UDP header names it (np_proto.quote). */
#include "config.h"

#include "proto_udp.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <string.h>

#include "bytes.h"
#include "icmp.h"

/* ---- the checksum ------------------------------------------------------ */

/* The pseudo-header's sum (RFC 768; RFC 8200 section 8.1 for IPv6); the
 * addresses copied out by offset (the sockaddrs may be aligned for struct
 * sockaddr only). */
static uint32_t pseudo_sum(const struct sockaddr *src,
			   const struct sockaddr *dst, size_t len)
{
	bool v6 = dst->sa_family == AF_INET6;
	size_t off = v6 ? offsetof(struct sockaddr_in6, sin6_addr)
			: offsetof(struct sockaddr_in, sin_addr);
	size_t n = v6 ? 16 : 4;
	uint8_t a[16], b[16];

	memcpy(a, (const char *)src + off, n);
	memcpy(b, (const char *)dst + off, n);
	return np_csum_pseudo(dst->sa_family, a, b, IPPROTO_UDP, len);
}

uint16_t np_udp_checksum(const struct sockaddr *src, const struct sockaddr *dst,
			 const uint8_t *udp, size_t len)
{
	return np_csum_fold(np_csum_add(pseudo_sum(src, dst, len), udp, len));
}

static uint16_t fold16(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t np_udp_paris_word(uint32_t sum, uint16_t want)
{
	/* The checksum is ~(sum + w) folded: w = ~want - sum in one's
	 * complement arithmetic, that is ~want + ~sum. */
	return fold16((uint32_t)(uint16_t)~want + (uint16_t)~fold16(sum));
}

uint16_t np_udp_seq_checksum(uint16_t seq)
{
	return seq != 0 ? seq : 0xffff;
}

/* ---- open ---------------------------------------------------------------- */

static int udp_sock_protocol(int family)
{
	(void)family;
	return IPPROTO_UDP;
}

static uint8_t udp_ip_proto(int family)
{
	(void)family;
	return IPPROTO_UDP;
}

static const char *udp_capture_filter(int family)
{
	/* our datagrams, the replies and the ICMP errors about them (the
	 * capture adds the host) */
	return family == AF_INET6 ? "udp or icmp6" : "udp or icmp";
}

/* ---- build --------------------------------------------------------------- */

static size_t head_len(const struct np_payload_spec *spec)
{
	return spec->user != NULL ? 0 : NP_UDP_HEAD_LEN;
}

/* The fill (or the user's payload) once; spec->size becomes the size of
 * the authentication bytes after the checksum and sequence bytes. */
static uint32_t udp_prepare(uint8_t *buf, size_t buflen,
			    struct np_payload_spec *spec)
{
	uint8_t *pl = buf + NP_UDP_HDR_LEN;
	uint32_t sum;

	if (spec->user != NULL) {
		if (buflen < NP_UDP_HDR_LEN + spec->user_len)
			return 0;
		memcpy(pl, spec->user, spec->user_len);
		spec->size = spec->user_len;
		return np_csum_add(0, pl, spec->user_len);
	}
	if (spec->size < NP_UDP_HEAD_LEN ||
	    buflen < NP_UDP_HDR_LEN + spec->size)
		return 0;
	spec->size -= NP_UDP_HEAD_LEN;
	sum = np_payload_prepare(pl + NP_UDP_HEAD_LEN, spec);
	if (spec->size > NP_PAYLOAD_FILL_OFF)
		spec->fill = pl + NP_UDP_HEAD_LEN + NP_PAYLOAD_FILL_OFF;
	return sum;
}

static size_t udp_build(uint8_t *buf, size_t buflen, const struct np_flow *fl,
			const struct np_probe_ident *id,
			const struct np_payload_spec *spec, uint32_t prep)
{
	size_t hl = head_len(spec);
	size_t len = NP_UDP_HDR_LEN + hl + spec->size;
	uint8_t *pl = buf + NP_UDP_HDR_LEN;
	size_t written = 0;
	uint32_t sum;

	if (buflen < len || len > 0xffff)
		return 0;
	np_wr_be16(buf, fl->sport);
	np_wr_be16(buf + 2, fl->dport);
	np_wr_be16(buf + 4, (uint16_t)len);
	buf[6] = buf[7] = 0;
	if (hl > 0) {
		pl[0] = pl[1] = 0;
		np_wr_be16(pl + 2, id->seq);
		written = np_payload_finish(pl + hl, spec, id);
	}
	if (fl->src == NULL || fl->dst == NULL ||
	    fl->src->sa_family != fl->dst->sa_family)
		return len; /* no source known: the kernel's checksum only */
	/* prep covers the fill (or the user's payload); the rest here */
	sum = np_csum_add(pseudo_sum(fl->src, fl->dst, len), buf,
			  NP_UDP_HDR_LEN + hl + written);
	sum += prep;
	if (hl > 0) {
		uint16_t w =
			np_udp_paris_word(sum, np_udp_seq_checksum(id->seq));

		np_wr_be16(pl, w);
		sum += w;
	}
	/* what a raw socket sends, and what the kernel computes on a
	 * datagram socket: a computed 0 goes as 0xffff (RFC 768) */
	np_wr_be16(buf + 6, np_udp_seq_checksum((uint16_t)~fold16(sum)));
	return len;
}

/* ---- parse --------------------------------------------------------------- */

/* A probe's payload (or what came back of it): its sequence and the
 * authentication bytes after it into out->key; fewer than the checksum
 * and sequence bytes prove nothing. */
static void payload_key(struct np_rd r, struct np_reply *out)
{
	uint16_t seq = 0;

	out->key.auth = NULL;
	out->key.auth_len = 0;
	if (!np_rd_skip(&r, 2) || !np_rd_be16(&r, &seq)) {
		out->key.proof = NP_PROOF_NONE;
		return;
	}
	out->key.seq = seq;
	out->key.auth = np_rd_ptr(&r);
	out->key.auth_len = np_rd_left(&r);
	out->key.proof = NP_PROOF_AUTH;
}

/* A datagram our socket read: the application's reply (its sender's port
 * is checked by the receive path).  Which probe it answers is the
 * matcher's to find: an echo of ours names it, anything else is matched
 * to the oldest pending probe. */
static enum np_rx_kind udp_parse(struct np_rd r, int family, bool requests,
				 struct np_reply *out)
{
	(void)family;
	(void)requests;
	out->icmp_len = np_rd_left(&r);
	payload_key(r, out);
	return out->kind = NP_RX_APP_REPLY;
}

/* The UDP header an ICMP error quotes (a raw socket's view), `q` no
 * further than the quoted datagram. */
static enum np_rx_kind udp_quote(struct np_rd q, int family,
				 struct np_reply *out)
{
	uint16_t sport = 0, dport = 0, len = 0, csum = 0;

	(void)family;
	if (np_rd_left(&q) < NP_UDP_HDR_LEN) {
		out->key.proof = NP_PROOF_NONE;
		out->why = NP_MAL_QUOTE_NO_ICMP;
		return out->kind = NP_RX_MALFORMED;
	}
	np_rd_be16(&q, &sport);
	np_rd_be16(&q, &dport);
	np_rd_be16(&q, &len);
	np_rd_be16(&q, &csum);
	out->key.flow = sport;
	out->key.port = dport;
	if (np_rd_left(&q) >= NP_UDP_HEAD_LEN) {
		payload_key(q, out);
	} else {
		/* RFC 792's minimum: the checksum names the probe, nothing
		 * proves it ours */
		out->key.seq = csum;
		out->key.proof = NP_PROOF_KEY;
		out->key.auth = NULL;
		out->key.auth_len = 0;
	}
	return out->kind = NP_RX_ERROR;
}

/* The error queue of our datagram socket: what the error quoted after
 * the UDP header (Linux keeps no header).  An empty one (a minimal quote)
 * proves nothing; it is still an error, so that it is shown as one. */
static enum np_rx_kind udp_sent(struct np_rd q, int family,
				struct np_reply *out)
{
	(void)family;
	out->icmp_len = np_rd_left(&q);
	payload_key(q, out);
	return out->kind = NP_RX_ERROR;
}

static enum np_class udp_classify(int family, const struct np_reply *r)
{
	switch (r->kind) {
	case NP_RX_APP_REPLY:
		return NP_CLASS_REPLY;
	case NP_RX_LOCAL_ERROR:
		return NP_CLASS_ERROR;
	case NP_RX_ERROR:
		break;
	default:
		return NP_CLASS_NONE;
	}
	/* the target's own port unreachable: the port is closed */
	if (family == AF_INET ? r->type == NP_ICMP_DEST_UNREACH && r->code == 3
			      : r->type == NP_ICMP6_DST_UNREACH && r->code == 4)
		return NP_CLASS_REACHED;
	return np_proto_classify_error(family, r);
}

/* What a reply event's packet says of the port: the application's datagram
 * "open", the port unreachable the matcher took as the reply "closed". */
static const char *udp_reply_state(const struct np_reply *r)
{
	return r->kind == NP_RX_APP_REPLY ? "open" : "closed";
}

const struct np_proto np_proto_udp = {
	.name = "udp",
	.hdr_len = NP_UDP_HDR_LEN,
	.default_port = NP_UDP_DEFAULT_PORT,
	.seq_name = "udp_seq",
	.sock_protocol = udp_sock_protocol,
	.raw = false,
	.dgram = true,
	.dgram_skip = NP_UDP_HDR_LEN,
	.ip_proto = udp_ip_proto,
	.prepare = udp_prepare,
	.build = udp_build,
	.parse = udp_parse,
	.quote = udp_quote,
	.sent = udp_sent,
	.classify = udp_classify,
	.capture_filter = udp_capture_filter,
	.reply_state = udp_reply_state,
	.flow_src = true, /* the Paris bytes need each target's source */
};
