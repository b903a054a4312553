/* proto_icmp.c - ICMP and ICMPv6 Echo as a probe protocol: the only file
 * that knows the Echo Request and Reply formats (besides the inspect
 * decoder, which shows them).
 *
 * What a quote proves (man/netprobe.8, MATCHING): RFC 792's minimal quote,
 * the IP header and 8 bytes, holds the Echo header only, identifier and
 * sequence (NP_PROOF_KEY): anyone who guesses them could forge it.  A
 * fuller quote (Linux quotes up to 576 bytes, RFC 1812 asks routers for as
 * much as fits) holds the payload's MAC too (NP_PROOF_AUTH), which only
 * this run's key can have made. */
#include "config.h"

#include "proto_icmp.h"

#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "icmp.h"

/* From <linux/icmp.h>, which clashes with the glibc headers: the SOL_RAW
 * option of a raw ICMP socket, the kernel ABI. */
#ifndef ICMP_FILTER
#define ICMP_FILTER 1
#endif
struct np_icmp_filter {
	uint32_t data; /* bit n set: drop ICMP type n */
};

/* ---- open ---------------------------------------------------------------- */

static int icmp_sock_protocol(int family)
{
	return family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
}

static uint8_t icmp_ip_proto(int family)
{
	return family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
}

/* Only replies and errors: not the Echo Requests that loopback and other
 * pingers put on the wire. */
static int icmp_filter(int fd, int family, struct np_err *err)
{
	if (family == AF_INET) {
		struct np_icmp_filter filt;

		filt.data = ~((1U << NP_ICMP_ECHOREPLY) |
			      (1U << NP_ICMP_DEST_UNREACH) |
			      (1U << NP_ICMP_SOURCE_QUENCH) |
			      (1U << NP_ICMP_REDIRECT) |
			      (1U << NP_ICMP_TIME_EXCEEDED) |
			      (1U << NP_ICMP_PARAMPROB));
		if (setsockopt(fd, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt)) !=
		    0)
			return np_err_errno(err, errno,
					    "setsockopt(ICMP_FILTER)");
		return 0;
	}
	struct icmp6_filter filt6;

	ICMP6_FILTER_SETBLOCKALL(&filt6);
	ICMP6_FILTER_SETPASS(NP_ICMP6_ECHO_REPLY, &filt6);
	ICMP6_FILTER_SETPASS(NP_ICMP6_DST_UNREACH, &filt6);
	ICMP6_FILTER_SETPASS(NP_ICMP6_PACKET_TOO_BIG, &filt6);
	ICMP6_FILTER_SETPASS(NP_ICMP6_TIME_EXCEEDED, &filt6);
	ICMP6_FILTER_SETPASS(NP_ICMP6_PARAM_PROB, &filt6);
	ICMP6_FILTER_SETPASS(NP_ICMP6_REDIRECT, &filt6);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt6,
		       sizeof(filt6)) != 0)
		return np_err_errno(err, errno, "setsockopt(ICMP6_FILTER)");
	return 0;
}

static const char *icmp_capture_filter(int family)
{
	return family == AF_INET6 ? "icmp6" : "icmp";
}

/* ---- build --------------------------------------------------------------- */

uint32_t np_icmp_prepare_echo(uint8_t *buf, size_t buflen,
			      const struct np_payload_spec *spec)
{
	if (buflen < NP_ICMP_HDR_LEN + spec->size)
		return 0;
	return np_payload_prepare(buf + NP_ICMP_HDR_LEN, spec);
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

size_t np_icmp_finish_echo(uint8_t *buf, size_t buflen, int family, uint16_t id,
			   uint16_t seq, const struct np_payload_spec *spec,
			   uint64_t stamp, uint32_t fill_sum)
{
	size_t len = NP_ICMP_HDR_LEN + spec->size;
	struct np_probe_ident pid = {id, seq, stamp};
	size_t head;

	if (buflen < len || len < NP_ICMP_HDR_LEN)
		return 0;
	buf[0] = family == AF_INET6 ? NP_ICMP6_ECHO_REQUEST : NP_ICMP_ECHO;
	buf[1] = 0;
	buf[2] = buf[3] = 0;
	np_wr_be16(buf + 4, id);
	np_wr_be16(buf + 6, seq);
	head = np_payload_finish(buf + NP_ICMP_HDR_LEN, spec, &pid);
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

static size_t icmp_build(uint8_t *buf, size_t buflen, const struct np_flow *fl,
			 const struct np_probe_ident *id,
			 const struct np_payload_spec *spec, uint32_t prep)
{
	return np_icmp_finish_echo(buf, buflen, fl->family, id->flow, id->seq,
				   spec, id->stamp, prep);
}

/* ---- parse --------------------------------------------------------------- */

/* The Echo header's identifier and sequence, and the payload after them,
 * into out->key.  `r` is past the type, code and checksum. */
static void echo_key(struct np_rd r, struct np_reply *out)
{
	uint16_t id = 0, seq = 0;

	np_rd_be16(&r, &id);
	np_rd_be16(&r, &seq);
	out->key.flow = id;
	out->key.seq = seq;
	out->key.auth = np_rd_ptr(&r);
	out->key.auth_len = np_rd_left(&r);
	out->key.proof = out->key.auth_len > 0 ? NP_PROOF_AUTH : NP_PROOF_KEY;
}

static enum np_rx_kind icmp_parse(struct np_rd r, int family, bool requests,
				  struct np_reply *out)
{
	uint8_t req = family == AF_INET6 ? NP_ICMP6_ECHO_REQUEST : NP_ICMP_ECHO;
	uint8_t rep =
		family == AF_INET6 ? NP_ICMP6_ECHO_REPLY : NP_ICMP_ECHOREPLY;

	if (out->type != rep && (out->type != req || !requests))
		return out->kind = NP_RX_IGNORED;
	if (!np_rd_skip(&r, 4) || np_rd_left(&r) < 4) {
		out->why = NP_MAL_ICMP_TRUNCATED;
		return out->kind = NP_RX_MALFORMED;
	}
	echo_key(r, out);
	out->kind = out->type == req ? NP_RX_ECHO_REQUEST : NP_RX_ECHO_REPLY;
	return out->kind;
}

/* The quoted ICMP header: one of our Echo Requests, or not ours. */
static enum np_rx_kind icmp_quote(struct np_rd q, int family,
				  struct np_reply *out)
{
	uint8_t type = 0, code = 0;
	uint8_t want =
		family == AF_INET6 ? NP_ICMP6_ECHO_REQUEST : NP_ICMP_ECHO;

	/* Shorter than the Echo header: it proves nothing about us (and a
	 * sender of ours always quotes it whole). */
	if (np_rd_left(&q) < NP_ICMP_HDR_LEN) {
		out->key.proof = NP_PROOF_NONE;
		out->why = NP_MAL_QUOTE_NO_ICMP;
		return out->kind = NP_RX_MALFORMED;
	}
	np_rd_u8(&q, &type);
	np_rd_u8(&q, &code);
	np_rd_skip(&q, 2);
	echo_key(q, out);
	if (type != want || code != 0)
		return out->kind = NP_RX_IGNORED;
	return out->kind = NP_RX_ERROR;
}

/* The error queue hands back our own request as we sent it. */
static enum np_rx_kind icmp_sent(struct np_rd q, int family,
				 struct np_reply *out)
{
	uint8_t type = 0;

	if (np_rd_left(&q) < NP_ICMP_HDR_LEN) {
		out->why = NP_MAL_QUOTE_NO_ICMP;
		return out->kind = NP_RX_MALFORMED;
	}
	np_rd_u8(&q, &type);
	np_rd_skip(&q, 3);
	echo_key(q, out);
	if (type != (family == AF_INET6 ? NP_ICMP6_ECHO_REQUEST : NP_ICMP_ECHO))
		return out->kind = NP_RX_IGNORED;
	return out->kind = NP_RX_ERROR;
}

static enum np_class icmp_classify(int family, const struct np_reply *r)
{
	switch (r->kind) {
	case NP_RX_ECHO_REPLY:
		return NP_CLASS_REPLY;
	case NP_RX_LOCAL_ERROR:
		return NP_CLASS_ERROR;
	case NP_RX_ERROR:
		break;
	default:
		return NP_CLASS_NONE;
	}
	return np_proto_classify_error(family, r);
}

const struct np_proto np_proto_icmp = {
	.name = "icmp",
	.hdr_len = NP_ICMP_HDR_LEN,
	.sock_protocol = icmp_sock_protocol,
	.raw = true,
	.dgram = true,
	.ip_proto = icmp_ip_proto,
	.filter = icmp_filter,
	.prepare = np_icmp_keep_echo,
	.seq_name = "icmp_seq",
	.build = icmp_build,
	.parse = icmp_parse,
	.quote = icmp_quote,
	.sent = icmp_sent,
	.classify = icmp_classify,
	.capture_filter = icmp_capture_filter,
};
