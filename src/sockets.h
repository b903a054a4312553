/* sockets.h - opening ICMP/ICMPv6 sockets (raw, then datagram fallback) and
 * setting their options. */
#ifndef NP_SOCKETS_H
#define NP_SOCKETS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <linux/errqueue.h>
#include <netinet/in.h>

#include "error.h"
#include "options.h"
#include "privs.h"
#include "reply.h"
#include "target.h"

/* Timestamp sources (np_rxpkt.ts, np_event.ts, np_probe.ts): the
 * kernel's software timestamps when set, else CLOCK_MONOTONIC read in user
 * space around sendto/recvmsg. */
#define NP_TS_TX_KERNEL 0x1u
#define NP_TS_RX_KERNEL 0x2u
/* Connect probes: the RTT is TCP_INFO's, the kernel's own sample of the
 * SYN -> SYN/ACK round trip (tcpi_rtt, in µs) */
#define NP_TS_TCPINFO 0x4u

enum np_sock_kind {
	NP_SOCK_RAW = 0, /* SOCK_RAW: we see every ICMP packet, filter by id */
	NP_SOCK_DGRAM,	 /* SOCK_DGRAM ICMP ("ping socket"): the kernel picks
			  * the id and hands us only our own replies */
	NP_SOCK_STREAM,	 /* connect probes: a socket per probe (core.c) */
};

/* How the socket was obtained: what -v reports and runbooks ask for. */
enum np_priv_path {
	NP_PATH_RAW_ROOT = 0, /* raw socket, CAP_NET_RAW held as root */
	NP_PATH_RAW_CAP,      /* raw socket, CAP_NET_RAW held by another uid:
			       * normally the file capability, possibly an
			       * ambient one (e.g. systemd AmbientCapabilities,
			       * which np_privs_init then clears) */
	NP_PATH_DGRAM,	      /* datagram ICMP socket, no privilege:
			       * net.ipv4.ping_group_range allows our group */
	NP_PATH_CONNECT,      /* TCP connect() per probe, no privilege */
};

struct np_proto;

struct np_socket {
	int fd;
	int family;
	const struct np_proto *proto; /* what it sends and receives */
	enum np_sock_kind kind;
	enum np_priv_path path;
	uint16_t ident; /* Echo identifier (kernel's for datagram) */
	struct sockaddr_storage src; /* source address the route picked */
	int route_mtu; /* path MTU to the target at start, 0 unknown */
	int route_fd;  /* UDP socket connected to the target, -1 */
	struct sockaddr_storage route_dst;
	socklen_t route_dstlen;
	/* np_socket_flow_src's last answer: the source for flow_dst */
	struct sockaddr_storage flow_dst, flow_src;
	/* Kernel timestamps: software receive stamps on every datagram read
	 * (ts_rx), and software transmit stamps read from the error queue,
	 * asked for with each probe and naming it with SCM_TS_OPT_ID (ts_tx;
	 * Linux 6.13; a caller may clear it to send without). */
	bool ts_rx;
	bool ts_tx;
	/* Whether anything can come on the error queue: a datagram socket's
	 * ICMP errors, or transmit stamps asked for at setup (a raw socket
	 * without IP_RECVERR queues nothing else there). */
	bool errqueue;
	/* Connect probes: sockets in flight at most (RLIMIT_NOFILE); 0 for
	 * the core's own cap */
	unsigned conn_max;
};

/* Find the source address the kernel would use for the target (a UDP
 * connect: no packet is sent), honouring -I.  Fails with the kernel's
 * reason (e.g. "Network is unreachable") as ping does. */
int np_socket_route(struct np_socket *s, const struct np_target *t,
		    const struct np_options *o, struct np_privs *privs,
		    struct np_err *err);

/* The path MTU to the target now (learned ICMP "fragmentation needed"
 * included), or the one at start. */
int np_socket_path_mtu(const struct np_socket *s);
/* Many targets: a UDP socket (s->route_fd) for route MTU look-ups,
 * opened before the sandbox; after sendto() failed with EMSGSIZE, the MTU
 * of the route to `dst`, or 0 unknown. */
int np_socket_open_route(struct np_socket *s, int family, struct np_err *err);
int np_socket_emsgsize_mtu(const struct np_socket *s,
			   const struct sockaddr *dst, socklen_t dstlen);

/* The source address the kernel's route gives for `dst` (a connect of
 * the route socket, s->route_fd: no packet is sent), for a pseudo-header
 * checksum in many-target mode; the last answer is kept for the next
 * probe to the same address.  -1 when there is none. */
int np_socket_flow_src(struct np_socket *s, const struct sockaddr *dst,
		       socklen_t dstlen, struct sockaddr_storage *src);

/* Open the socket of protocol `proto` (its sock_protocol) for `family`: a
 * raw socket with CAP_NET_RAW raised just around socket(2), else the
 * datagram socket, else an error that names both fixes.  np_socket_open
 * opens ICMP Echo's (np_proto_default). */
int np_socket_open_proto(struct np_socket *s, const struct np_proto *proto,
			 int family, struct np_privs *privs,
			 struct np_err *err);
int np_socket_open(struct np_socket *s, int family, struct np_privs *privs,
		   struct np_err *err);

/* Apply the options (-t, -Q, -M, -I), the receive filters and the
 * control messages we read.  Raises CAP_NET_RAW only for SO_BINDTODEVICE. */
int np_socket_configure(struct np_socket *s, const struct np_options *o,
			struct np_privs *privs, struct np_err *err);

const char *np_priv_path_name(enum np_priv_path p);
/* How socket `s` was obtained, for -v and JSON: np_priv_path_name, or
 * what a UDP probe's datagram socket is. */
const char *np_socket_path_name(const struct np_socket *s);

/* One datagram (or error-queue entry) as read: bytes and metadata only;
 * the receive path parses it (np_rx_parse, proto.h) through the IP and
 * ICMP-error envelope (reply.c) and the socket's protocol.  The fields
 * before `dst6` are cleared for each datagram; those after are valid when
 * their flag says so, `r` once parsed, `from` as the kernel wrote it. */
struct np_rxpkt {
	bool parsed;	/* r and from are filled */
	bool truncated; /* larger than the buffer: not parsed */
	/* CLOCK_MONOTONIC when it arrived: the kernel's receive stamp
	 * (ts NP_TS_RX_KERNEL), else when read.  For a transmit stamp
	 * (tx_stamp), when probe tx_id left. */
	int64_t rx_mono;
	/* CLOCK_REALTIME of the same moment (the kernel's stamp, else when
	 * read); 0 for a transmit stamp. */
	int64_t rx_real;
	unsigned ts;
	bool tx_stamp;
	uint32_t tx_id;
	/* to parse: a datagram (bytes buf[0..len)) or an error-queue entry
	 * (errqueue: ee, and our own probe in buf) */
	bool to_parse;
	bool errqueue;
	bool have_dst6;	    /* dst6: IPV6_PKTINFO's destination */
	bool have_offender; /* offender: SO_EE_OFFENDER, the reporter */
	int ttl;	    /* from a control message, -1 if none */
	const uint8_t *buf;
	size_t len;
	struct in6_addr dst6;
	struct sock_extended_err ee;
	struct sockaddr_storage offender;
	struct np_reply r;
	struct sockaddr_storage from; /* sender; for errors the reporter */
};

/* Send one probe to `dst`; `id` (the probe number) names it in its
 * transmit timestamp when s->ts_tx.  sendmsg's result, errno set on
 * failure: every error, EINVAL too, is the probe's (whether the kernel
 * knows SCM_TS_OPT_ID was decided once, at setup). */
ssize_t np_socket_send(struct np_socket *s, const void *buf, size_t len,
		       const struct sockaddr *dst, socklen_t dstlen,
		       uint32_t id);

/* Whether the kernel accepts SCM_TS_OPT_ID (Linux 6.13), which names a
 * transmit stamp by the probe: asked once, at setup (np_socket_configure),
 * with one byte sent to a socket of our own on loopback. */
bool np_socket_tx_id_supported(void);

/* Many datagrams per system call (recvmmsg): for many-target runs, where
 * replies come by the thousand.  All of a batch share one receive time. */
struct np_rxbatch_ctl;
struct np_rxbatch {
	size_t bufsize;
	unsigned count;
	uint8_t *data;
	struct np_rxbatch_ctl *ctl;
	struct mmsghdr *hdr;
	struct iovec *iov;
	struct np_rxpkt *pkt;
};

int np_rxbatch_init(struct np_rxbatch *b, size_t bufsize, unsigned count);
void np_rxbatch_free(struct np_rxbatch *b);
/* Read up to b->count datagrams without waiting; returns how many (pkt[]
 * filled), 0 when the queue is empty, -2 after a pending socket error (read
 * again), -1 fatal. */
int np_socket_recv_batch(const struct np_socket *s, struct np_rxbatch *b,
			 bool errqueue, struct np_err *err);
/* The same for one datagram (into pkt[0]), with recvmsg: cheaper when
 * one is expected (-f reads its reply right after the send). */
int np_socket_recv_one(const struct np_socket *s, struct np_rxbatch *b,
		       bool errqueue, struct np_err *err);

#endif
