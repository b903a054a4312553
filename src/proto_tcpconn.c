/* proto_tcpconn.c - TCP connect() probes (--connect): the way to probe a
 * TCP port without CAP_NET_RAW.  Each probe is a non-blocking connect() of
 * a socket of its own; the kernel matches the SYN/ACK, the RST or the ICMP
 * error to that socket (its 4-tuple and its random ISN), so no byte from
 * the network is parsed here: the outcome is read from the socket.
 *
 * - open: connected; the RTT is TCP_INFO's tcpi_rtt, the kernel's sample
 *   of the SYN -> SYN/ACK (tcp_ack_update_rtt on the SYN/ACK: the first
 *   sample sets srtt, so tcpi_rtt is that sample, in µs);
 * - closed: ECONNREFUSED with nothing on the error queue (a RST), timed
 *   in user space (a RST leaves no RTT sample);
 * - an ICMP error about the SYN: IP_RECVERR queues it (type, code,
 *   sender) besides failing the connect;
 * - a SYN sent again (TCP_SYNCNT 1: once, after the initial RTO of 1 s)
 *   makes the probe a loss, never an RTT of a second: tcpi_total_retrans.
 * Closing with SO_LINGER {1, 0} sends a RST for a connected socket and
 * leaves no TIME_WAIT behind. */
#include "config.h"

#include "proto_tcpconn.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "icmp.h"
#include "target.h"

/* Descriptors kept for all but the probes: stdio, the name helper, a
 * capture, the metrics file, the route sockets. */
#define OTHER_FDS 64

/* ---- the run's socket ----------------------------------------------------
 */

static int conn_sock_protocol(int family)
{
	(void)family;
	return IPPROTO_TCP;
}

static uint8_t conn_ip_proto(int family)
{
	(void)family;
	return IPPROTO_TCP;
}

/* How many sockets may be in flight: RLIMIT_NOFILE's soft limit raised
 * toward the hard one (no privilege needed) for NP_CORE_CONN_MAX probes,
 * less the descriptors everything else may use.  At setup: the sandbox
 * refuses getrlimit later. */
static int conn_configure(struct np_socket *s, const struct np_options *o,
			  struct np_err *err)
{
	rlim_t want = NP_CORE_CONN_MAX + OTHER_FDS;
	struct rlimit rl;

	(void)o;
	(void)err;
	s->conn_max = NP_CORE_CONN_MAX;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	if (rl.rlim_cur < want && rl.rlim_max > rl.rlim_cur) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0 ||
		    getrlimit(RLIMIT_NOFILE, &rl) != 0)
			return 0;
	}
	if (rl.rlim_cur < want)
		s->conn_max = rl.rlim_cur > OTHER_FDS + 1
				      ? (unsigned)(rl.rlim_cur - OTHER_FDS)
				      : 1;
	return 0;
}

/* ---- no packets of its own --------------------------------------------- */

static uint32_t conn_prepare(uint8_t *buf, size_t buflen,
			     struct np_payload_spec *spec)
{
	(void)buf;
	(void)buflen;
	(void)spec;
	return 0;
}

static size_t conn_build(uint8_t *buf, size_t buflen, const struct np_flow *fl,
			 const struct np_probe_ident *id,
			 const struct np_payload_spec *spec, uint32_t prep)
{
	(void)buf;
	(void)buflen;
	(void)fl;
	(void)id;
	(void)spec;
	(void)prep;
	return 0;
}

/* Nothing is read from a socket of this protocol: every hook that would
 * parse bytes ignores them. */
static enum np_rx_kind conn_parse(struct np_rd r, int family, bool requests,
				  struct np_reply *out)
{
	(void)r;
	(void)family;
	(void)requests;
	return out->kind = NP_RX_IGNORED;
}

static enum np_rx_kind conn_quote(struct np_rd q, int family,
				  struct np_reply *out)
{
	(void)q;
	(void)family;
	out->key.proof = NP_PROOF_NONE;
	return out->kind = NP_RX_IGNORED;
}

/* An error the kernel matched to the SYN: ends the probe, but a time
 * exceeded names a router on the way (-t), as for the other protocols. */
static enum np_class conn_classify(int family, const struct np_reply *r)
{
	if (r->kind == NP_RX_LOCAL_ERROR)
		return NP_CLASS_ERROR;
	if (r->kind != NP_RX_ERROR)
		return NP_CLASS_NONE;
	if (family == AF_INET)
		return r->type == NP_ICMP_TIME_EXCEEDED ? NP_CLASS_HOP
							: NP_CLASS_ERROR;
	return r->type == NP_ICMP6_TIME_EXCEEDED ? NP_CLASS_HOP
						 : NP_CLASS_ERROR;
}

/* What a reply says of the port: its flags (set by the core). */
static const char *conn_reply_state(const struct np_reply *r)
{
	return r->type == NP_TCPCONN_RST ? "closed" : "open";
}

static const char *conn_capture_filter(int family)
{
	return family == AF_INET6 ? "tcp or icmp6" : "tcp or icmp";
}

const struct np_proto np_proto_tcpconn = {
	.name = "tcp-connect",
	/* the SYN as Linux sends it by default: the header and 20 bytes of
	 * options (MSS, SACK permitted, timestamps, window scale) */
	.hdr_len = 40,
	.default_port = 80,
	.seq_name = "tcp_seq",
	.sock_protocol = conn_sock_protocol,
	.raw = false,
	.dgram = false,
	.connect = true,
	.ip_proto = conn_ip_proto,
	.configure = conn_configure,
	.prepare = conn_prepare,
	.build = conn_build,
	.parse = conn_parse,
	.quote = conn_quote,
	.sent = conn_quote,
	.classify = conn_classify,
	.capture_filter = conn_capture_filter,
	.reply_state = conn_reply_state,
};

/* ---- a probe's socket ---------------------------------------------------- */

static int setint(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val));
}

/* -t, -Q, -M and -I on a probe's socket (checked on the run's socket at
 * setup, so a failure here is the kernel's of the moment). */
static int apply_cfg(int fd, int family, const struct np_conn_cfg *cfg)
{
	bool v6 = family == AF_INET6;
	int level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;

	if (cfg->ttl >= 0 &&
	    setint(fd, level, v6 ? IPV6_UNICAST_HOPS : IP_TTL, cfg->ttl) != 0)
		return -1;
	if (cfg->tos >= 0 &&
	    setint(fd, level, v6 ? IPV6_TCLASS : IP_TOS, cfg->tos) != 0)
		return -1;
	if (cfg->pmtu >= 0 &&
	    setint(fd, level, v6 ? IPV6_MTU_DISCOVER : IP_MTU_DISCOVER,
		   cfg->pmtu) != 0)
		return -1;
	if (cfg->device[0] != '\0' &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, cfg->device,
		       (socklen_t)strlen(cfg->device) + 1) != 0)
		return -1;
	if (cfg->bind_addr) {
		struct sockaddr_storage src = cfg->src;

		/* the port is chosen at connect(), for the 4-tuple: binding
		 * would take one per address for good */
		(void)setint(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1);
		np_addr_set_port((struct sockaddr *)&src, 0);
		if (bind(fd, (struct sockaddr *)&src, np_addr_len(family)) != 0)
			return -1;
	}
	return 0;
}

int np_tcpconn_open(const struct np_conn_cfg *cfg, const struct sockaddr *dst,
		    socklen_t dstlen)
{
	int family = dst->sa_family;
	struct linger lg = {1, 0};
	int fd, e;

	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    IPPROTO_TCP);
	if (fd < 0)
		return -1;
	/* SO_LINGER 0: close() resets a connected socket (no TIME_WAIT);
	 * one SYN sent again at most; ICMP errors onto the error queue */
	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) != 0 ||
	    setint(fd, IPPROTO_TCP, TCP_SYNCNT, 1) != 0 ||
	    setint(fd, family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP,
		   family == AF_INET6 ? IPV6_RECVERR : IP_RECVERR, 1) != 0 ||
	    apply_cfg(fd, family, cfg) != 0)
		goto fail;
	if (connect(fd, dst, dstlen) == 0 || errno == EINPROGRESS)
		return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* The ICMP error the kernel queued for the SYN, if any. */
static void read_errqueue(int fd, struct np_conn_outcome *out)
{
	union {
		char buf[512];
		struct cmsghdr align;
	} ctl;
	uint8_t data[64];
	struct iovec iov = {data, sizeof(data)};
	struct msghdr msg;
	struct cmsghdr *cm;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
		return;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
		struct sock_extended_err ee;
		const unsigned char *off;
		sa_family_t fam;

		if (!((cm->cmsg_level == IPPROTO_IP &&
		       cm->cmsg_type == IP_RECVERR) ||
		      (cm->cmsg_level == IPPROTO_IPV6 &&
		       cm->cmsg_type == IPV6_RECVERR)) ||
		    cm->cmsg_len < CMSG_LEN(sizeof(ee)))
			continue;
		memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
		if (ee.ee_origin != SO_EE_ORIGIN_ICMP &&
		    ee.ee_origin != SO_EE_ORIGIN_ICMP6)
			continue;
		out->icmp = true;
		out->type = ee.ee_type;
		out->code = ee.ee_code;
		out->info = ee.ee_info;
		/* the sender follows the struct, as SO_EE_OFFENDER says
		 * (copied out: the control data is not aligned for it) */
		off = CMSG_DATA(cm) + sizeof(ee);
		fam = AF_UNSPEC;
		if (cm->cmsg_len >= CMSG_LEN(sizeof(ee) + sizeof(fam)))
			memcpy(&fam, off + offsetof(struct sockaddr, sa_family),
			       sizeof(fam));
		if (fam == AF_INET || fam == AF_INET6) {
			socklen_t l = np_addr_len(fam);

			if (cm->cmsg_len >= CMSG_LEN(sizeof(ee) + l)) {
				memset(&out->offender, 0,
				       sizeof(out->offender));
				memcpy(&out->offender, off, l);
				out->have_offender = true;
			}
		}
	}
}

void np_tcpconn_outcome(int fd, struct np_conn_outcome *out)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	int e = 0;
	socklen_t elen = sizeof(e);

	memset(out, 0, sizeof(*out));
	out->rtt_ns = -1;
	read_errqueue(fd, out);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) != 0)
		e = errno;
	out->err = e;
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
		return;
	out->retrans = ti.tcpi_total_retrans;
	/* Connected, and maybe past it by now: the server's application
	 * may have accepted and closed (a FIN: CLOSE_WAIT) or reset (its
	 * RST after the handshake) before we looked.  The SYN/ACK came
	 * all the same, and its RTT sample is kept. */
	if (e == ECONNRESET && ti.tcpi_rtt > 0 && ti.tcpi_state != TCP_SYN_SENT)
		e = out->err = 0;
	if (e != 0)
		return;
	if (ti.tcpi_state == TCP_SYN_SENT) {
		out->err = EINPROGRESS; /* not yet: a spurious wake-up */
		return;
	}
	if (ti.tcpi_rtt > 0)
		out->rtt_ns = (int64_t)ti.tcpi_rtt * 1000;
}

void np_tcpconn_close(int fd)
{
	close(fd);
}
