/* proto_tcp.c - TCP SYN probes as a probe protocol (--tcp): the only file
 * that knows the TCP header.
 *
 * A probe is one SYN from the run's source port (its flow id) whose
 * initial sequence number holds the probe's 16-bit wire sequence and the
 * first 16 bits of its MAC (np_tcp_isn).  A SYN/ACK says the port is open,
 * a RST/ACK closed; either counts only with `ack == ISN + 1` for a probe
 * still held, from the target and its port to our port (netprobe.8,
 * MATCHING).  An ICMP error quotes at least the first 8 bytes of the SYN:
 * both ports and the ISN, so it proves as much as a reply does. */
#include "config.h"

#include "proto_tcp.h"

#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "bytes.h"
#include "icmp.h"
#include "options.h"
#include "sockets.h"
#include "target.h"

#define TCP_MSS_V4 1460 /* what a stack on Ethernet announces */
#define TCP_MSS_V6 1440
#define TCP_WINDOW 64240 /* Linux's first window for those */

/* ---- checksum and build ------------------------------------------------- */

/* The address bytes of an AF_INET or AF_INET6 `sa`, by offset (it may
 * point into a buffer aligned only for struct sockaddr). */
static size_t addr_bytes(const struct sockaddr *sa, uint8_t out[16])
{
	if (sa->sa_family == AF_INET) {
		memcpy(out,
		       (const char *)sa +
			       offsetof(struct sockaddr_in, sin_addr),
		       4);
		return 4;
	}
	memcpy(out, (const char *)sa + offsetof(struct sockaddr_in6, sin6_addr),
	       16);
	return 16;
}

uint16_t np_tcp_checksum(int family, const struct sockaddr *src,
			 const struct sockaddr *dst, const uint8_t *seg,
			 size_t len)
{
	uint8_t a[16], b[16];

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	if (src != NULL && src->sa_family == family)
		addr_bytes(src, a);
	if (dst != NULL && dst->sa_family == family)
		addr_bytes(dst, b);
	return np_csum_fold(np_csum_add(
		np_csum_pseudo(family, a, b, IPPROTO_TCP, len), seg, len));
}

uint32_t np_tcp_isn(const struct np_payload_spec *spec,
		    const struct np_probe_ident *id)
{
	return (uint32_t)id->seq << 16 | np_payload_tag(spec, id);
}

size_t np_tcp_build_syn(uint8_t *buf, size_t buflen, const struct np_flow *fl,
			const struct np_probe_ident *id,
			const struct np_payload_spec *spec)
{
	uint32_t isn = np_tcp_isn(spec, id);

	if (buflen < NP_TCP_SYN_LEN)
		return 0;
	memset(buf, 0, NP_TCP_SYN_LEN);
	np_wr_be16(buf, fl->sport);
	np_wr_be16(buf + 2, fl->dport);
	np_wr_be16(buf + 4, (uint16_t)(isn >> 16));
	np_wr_be16(buf + 6, (uint16_t)isn);
	/* ack 0; data offset 6 words (the MSS option) */
	buf[12] = (NP_TCP_SYN_LEN / 4) << 4;
	buf[13] = NP_TCP_SYN;
	np_wr_be16(buf + 14, TCP_WINDOW);
	/* MSS (kind 2, length 4), as every stack sends with its SYN */
	buf[20] = 2;
	buf[21] = 4;
	np_wr_be16(buf + 22, fl->family == AF_INET6 ? TCP_MSS_V6 : TCP_MSS_V4);
	if (fl->src != NULL)
		np_wr_be16(buf + 16,
			   np_tcp_checksum(fl->family, fl->src, fl->dst, buf,
					   NP_TCP_SYN_LEN));
	return NP_TCP_SYN_LEN;
}

static uint32_t tcp_prepare(uint8_t *buf, size_t buflen,
			    struct np_payload_spec *spec)
{
	(void)buf;
	(void)buflen;
	(void)spec;
	return 0; /* no payload: nothing the probes share */
}

static size_t tcp_build(uint8_t *buf, size_t buflen, const struct np_flow *fl,
			const struct np_probe_ident *id,
			const struct np_payload_spec *spec, uint32_t prep)
{
	(void)prep;
	return np_tcp_build_syn(buf, buflen, fl, id, spec);
}

/* ---- open ---------------------------------------------------------------- */

static int tcp_sock_protocol(int family)
{
	(void)family;
	return IPPROTO_TCP;
}

static uint8_t tcp_ip_proto(int family)
{
	(void)family;
	return IPPROTO_TCP;
}

/* The filter needs both ports: it is attached by tcp_configure. */
static int tcp_filter(int fd, int family, struct np_err *err)
{
	(void)fd;
	(void)family;
	(void)err;
	return 0;
}

uint16_t np_tcp_pick_port(uint32_t rnd, unsigned lo, unsigned hi)
{
	unsigned below, above;

	if (lo < 1024)
		lo = 1024;
	if (hi > 65535)
		hi = 65535;
	if (lo > hi) /* no range: any port from 1024 */
		return (uint16_t)(1024 + rnd % (65536 - 1024));
	below = lo - 1024;
	above = 65535 - hi;
	if (below + above == 0)
		return (uint16_t)(1024 + rnd % (65536 - 1024));
	rnd %= below + above;
	return (uint16_t)(rnd < below ? 1024 + rnd : hi + 1 + (rnd - below));
}

void np_tcp_ephemeral_range(unsigned *lo, unsigned *hi)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");

	*lo = 32768; /* the default */
	*hi = 60999;
	if (f == NULL)
		return;
	if (fscanf(f, "%u %u", lo, hi) != 2) {
		*lo = 32768;
		*hi = 60999;
	}
	fclose(f);
}

/* Only segments from the target's port to ours reach the socket (a raw
 * TCP socket gets every TCP segment the host receives).  IPv4 raw
 * sockets see the IP header first; IPv6 ones the TCP header. */
static int attach_filter(int fd, int family, uint16_t sport, uint16_t dport,
			 struct np_err *err)
{
	struct sock_filter v4[] = {
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0), /* X = IP header len */
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 0),	/* source port */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, dport, 0, 3),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2), /* destination port */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, sport, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0x40000),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_filter v6[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, dport, 0, 3),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 2),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, sport, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0x40000),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog;

	if (family == AF_INET6) {
		prog.len = sizeof(v6) / sizeof(v6[0]);
		prog.filter = v6;
	} else {
		prog.len = sizeof(v4) / sizeof(v4[0]);
		prog.filter = v4;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) !=
	    0)
		return np_err_errno(err, errno, "setsockopt(SO_ATTACH_FILTER)");
	return 0;
}

/* The run's source port (unless -e gave one), the receive filter for it,
 * and ICMP errors about our SYNs on the error queue: Linux hands a raw
 * socket with IP_RECVERR / IPV6_RECVERR the errors that quote a packet of
 * its protocol (raw_err, rawv6_err), the quoted TCP header as data and
 * the reporting router as SO_EE_OFFENDER. */
static int tcp_configure(struct np_socket *s, const struct np_options *o,
			 struct np_err *err)
{
	uint16_t dport =
		o->port != 0 ? (uint16_t)o->port : np_proto_tcp.default_port;
	unsigned lo, hi;
	uint32_t rnd;
	int on = 1;

	if (o->ident < 0) {
		np_tcp_ephemeral_range(&lo, &hi);
		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			return np_err_errno(err, errno,
					    "getrandom for the source port");
		s->ident = np_tcp_pick_port(rnd, lo, hi);
	}
	if (s->family == AF_INET6
		    ? setsockopt(s->fd, IPPROTO_IPV6, IPV6_RECVERR, &on,
				 sizeof(on)) != 0
		    : setsockopt(s->fd, IPPROTO_IP, IP_RECVERR, &on,
				 sizeof(on)) != 0)
		return np_err_errno(err, errno, "setsockopt(%s)",
				    s->family == AF_INET6 ? "IPV6_RECVERR"
							  : "IP_RECVERR");
	s->errqueue = true;
	/* -I ADDRESS: the SYNs' source, for their checksum (many targets
	 * look up no route) */
	if (o->source != NULL && s->src.ss_family != s->family)
		(void)np_addr_parse(o->source, s->family, &s->src);
	return attach_filter(s->fd, s->family, s->ident, dport, err);
}

static const char *tcp_capture_filter(int family)
{
	return family == AF_INET6 ? "tcp or icmp6" : "tcp or icmp";
}

/* ---- parse --------------------------------------------------------------- */

/* A segment from the target: SYN/ACK (open) or RST/ACK (closed), with
 * the probe named by ack - 1, its ISN.  reply.c has checked the checksum
 * (out->checksum_ok); the ISN's MAC is what proves the segment ours. */
static enum np_rx_kind tcp_parse(struct np_rd r, int family, bool requests,
				 struct np_reply *out)
{
	uint16_t sport = 0, dport = 0;
	uint32_t seq = 0, ack = 0, isn;
	uint8_t off = 0, flags = 0;
	size_t hlen;

	(void)family;
	(void)requests;
	out->icmp_len = np_rd_left(&r);
	if (out->icmp_len < NP_TCP_HDR_LEN) {
		out->why = NP_MAL_TCP_TRUNCATED;
		return out->kind = NP_RX_MALFORMED;
	}
	np_rd_be16(&r, &sport);
	np_rd_be16(&r, &dport);
	np_rd_be32(&r, &seq);
	np_rd_be32(&r, &ack);
	np_rd_u8(&r, &off);
	np_rd_u8(&r, &flags);
	hlen = (size_t)(off >> 4) * 4;
	if (hlen < NP_TCP_HDR_LEN || hlen > out->icmp_len) {
		out->why = NP_MAL_TCP_OFFSET;
		return out->kind = NP_RX_MALFORMED;
	}
	out->type = flags;
	out->code = 0;
	out->key.flow = dport;
	out->key.port = sport;
	isn = ack - 1;
	out->key.seq = isn >> 16;
	out->key.tag = (uint16_t)isn;
	out->key.proof = NP_PROOF_TAG;
	/* RFC 9293 3.10.7.3: in SYN-SENT only a segment that acknowledges
	 * our SYN is about it; a RST without ACK is not. */
	if ((flags & (NP_TCP_SYN | NP_TCP_ACK | NP_TCP_RST)) ==
		    (NP_TCP_SYN | NP_TCP_ACK) ||
	    (flags & (NP_TCP_SYN | NP_TCP_ACK | NP_TCP_RST)) ==
		    (NP_TCP_RST | NP_TCP_ACK))
		return out->kind = NP_RX_ECHO_REPLY;
	return out->kind = NP_RX_IGNORED;
}

/* The first 8 bytes of a quoted TCP header hold both ports and the
 * sequence number, our ISN: all that names and authenticates a probe.
 * Past 13 bytes the flags must be a SYN's. */
static enum np_rx_kind tcp_quote(struct np_rd q, int family,
				 struct np_reply *out)
{
	uint16_t sport = 0, dport = 0;
	uint32_t seq = 0;
	uint8_t flags = 0;

	(void)family;
	if (np_rd_left(&q) < 8) {
		out->key.proof = NP_PROOF_NONE;
		out->why = NP_MAL_QUOTE_NO_TCP;
		return out->kind = NP_RX_MALFORMED;
	}
	np_rd_be16(&q, &sport);
	np_rd_be16(&q, &dport);
	np_rd_be32(&q, &seq);
	out->key.flow = sport;
	out->key.port = dport;
	out->key.seq = seq >> 16;
	out->key.tag = (uint16_t)seq;
	out->key.proof = NP_PROOF_TAG;
	if (np_rd_skip(&q, 5) && np_rd_u8(&q, &flags) &&
	    (flags & 0x3f) != NP_TCP_SYN)
		return out->kind = NP_RX_IGNORED; /* not a SYN: not a probe */
	return out->kind = NP_RX_ERROR;
}

static enum np_class tcp_classify(int family, const struct np_reply *r)
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

static const char *tcp_reply_state(const struct np_reply *r)
{
	return r->type & NP_TCP_RST ? "closed" : "open";
}

const struct np_proto np_proto_tcp = {
	.name = "tcp",
	.hdr_len = NP_TCP_SYN_LEN,
	.default_port = 80,
	.seq_name = "tcp_seq",
	.sock_protocol = tcp_sock_protocol,
	.raw = true,
	.dgram = false,
	.ip_proto = tcp_ip_proto,
	.filter = tcp_filter,
	.configure = tcp_configure,
	.prepare = tcp_prepare,
	.build = tcp_build,
	.parse = tcp_parse,
	.quote = tcp_quote,
	.sent = tcp_quote, /* the error queue hands back the quote */
	.classify = tcp_classify,
	.capture_filter = tcp_capture_filter,
	.reply_state = tcp_reply_state,
	.flow_src = true,
};
