/* reply.h - parsing and validating everything received: the IP header and
 * the ICMP-error envelope; the probe protocol (proto.h) parses its own
 * messages and what a quote proves.  Never prints.
 *
 * Trust: every byte handed to these functions is hostile.  They read through
 * struct np_rd only, check every length field against the bytes actually
 * received, and report what they found in a struct np_reply whose pointers
 * point into the caller's buffer (valid as long as it is).
 */
#ifndef NP_REPLY_H
#define NP_REPLY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum np_rx_kind {
	NP_RX_IGNORED = 0,  /* valid, but not a reply or error about an echo */
	NP_RX_ECHO_REPLY,   /* an Echo Reply (not yet matched to a probe) */
	NP_RX_ERROR,	    /* an ICMP error that quotes an Echo Request */
	NP_RX_LOCAL_ERROR,  /* a local error from the error queue */
	NP_RX_MALFORMED,    /* failed a check; `why` says which */
	NP_RX_ECHO_REQUEST, /* an Echo Request (np_rx.requests only) */
	NP_RX_APP_REPLY	    /* a UDP application's datagram to our port */
};

enum np_rx_malformed {
	NP_MAL_NONE = 0,
	NP_MAL_IP_TRUNCATED,	/* fewer than 20 bytes of IPv4 header */
	NP_MAL_IP_VERSION,	/* IPv4 socket, version field is not 4 */
	NP_MAL_IP_IHL_SHORT,	/* IHL < 5 */
	NP_MAL_IP_IHL_BEYOND,	/* IHL reaches past the bytes received */
	NP_MAL_IP_TOTLEN,	/* total length < IHL, or > bytes received */
	NP_MAL_IP_OPTIONS,	/* an IPv4 option's length is wrong */
	NP_MAL_ICMP_TRUNCATED,	/* fewer than 8 bytes of ICMP header */
	NP_MAL_QUOTE_TRUNCATED, /* quoted IP header shorter than its fixed part
				 */
	NP_MAL_QUOTE_VERSION,	/* quoted IP version is not the socket's */
	NP_MAL_QUOTE_IHL,	/* quoted IHL < 5 or past the quote */
	NP_MAL_QUOTE_OPTIONS,	/* quoted IPv4 options malformed */
	NP_MAL_QUOTE_TOTLEN,	/* quoted length shorter than the headers */
	NP_MAL_QUOTE_EXTHDR,	/* quoted IPv6 extension header malformed */
	NP_MAL_QUOTE_NO_ICMP,	/* quote ends before the quoted ICMP header */
	NP_MAL_ND_OPTION,	/* ICMPv6 redirect option malformed */
	NP_MAL_IP6_TRUNCATED,	/* fewer than 40 bytes of IPv6 header */
	NP_MAL_IP6_PLEN,	/* payload length past the bytes received */
	NP_MAL_IP6_EXTHDR,	/* an extension header is malformed */
	NP_MAL_TCP_TRUNCATED,	/* fewer than 20 bytes of TCP header */
	NP_MAL_TCP_OFFSET,	/* TCP data offset < 5 or past the segment */
	NP_MAL_QUOTE_NO_TCP,	/* quote ends before the TCP sequence number */
	NP_MAL_COUNT
};

struct np_proto;

/* What arrived, as the socket layer saw it. */
struct np_rx {
	int family;	    /* AF_INET or AF_INET6 */
	bool has_ip_header; /* raw IPv4 sockets deliver the IP header */
	const uint8_t *buf;
	size_t len;
	int ttl;		     /* from a control message, -1 if none */
	const struct in6_addr *src6; /* for the ICMPv6 checksum, may be NULL */
	const struct in6_addr *dst6; /* from IPV6_PKTINFO, may be NULL */
	bool requests; /* Echo Requests too (captures), not ignored */
	/* the probe protocol whose messages and quotes to parse; NULL: ICMP
	 * Echo (np_proto_default) */
	const struct np_proto *proto;
	/* a raw socket's read: a protocol not carried in ICMP (TCP) comes
	 * with its own header, whose checksum is checked here */
	bool raw;
};

/* What a packet proves about which probe it concerns, protocol-neutral
 * (the protocol module, proto_*.c, fills it): its flow identifier (ICMP
 * Echo: the identifier), the probe-number bits it carries (Echo: the
 * 16-bit sequence) and the authentication bytes it carried (Echo: the
 * payload, whose first bytes are the probe's MAC), pointing into the
 * caller's buffer. */
enum np_proof {
	NP_PROOF_NONE = 0, /* nothing: not counted as ours */
	NP_PROOF_KEY,	   /* flow and probe bits only (RFC 792's minimal
			    * quote): may be forged by a guess */
	NP_PROOF_AUTH,	   /* authentication bytes too, to be checked */
	NP_PROOF_TAG,	   /* flow, probe bits and `tag`, a 16-bit truncation
			    * of the probe's MAC that the protocol's header
			    * carries (TCP's ISN), to be checked */
};

struct np_key {
	uint32_t flow;
	uint32_t seq;
	enum np_proof proof;
	const uint8_t *auth;
	size_t auth_len;
	uint16_t tag;  /* NP_PROOF_TAG: the MAC's first 16 bits */
	uint16_t port; /* the far port (TCP, UDP): a reply's source, a
			* quote's destination; 0 for ICMP */
};

struct np_reply {
	const struct np_proto *proto; /* the protocol that parsed it */
	enum np_rx_kind kind;
	enum np_rx_malformed why;
	uint8_t type, code;
	bool icmp_valid;       /* type and code were read: a malformed error's
				* fault is in its quote, not in them */
	bool checksum_checked; /* false when the bytes to check were missing */
	bool checksum_ok;
	struct np_key key;     /* which probe: of the reply, or of the quote */
	size_t icmp_len;       /* ICMP message bytes, header included */
	int ttl;	       /* -1 unknown */
	size_t ip_options_len; /* bytes of IPv4 options in the outer header */
	/* ICMP errors */
	uint32_t info;	  /* MTU (frag needed, packet too big), pointer
			   * (parameter problem), errno (local errors) */
	bool has_gateway; /* redirect: the new next hop */
	struct sockaddr_storage gateway;
	struct sockaddr_storage quoted_dst; /* where the quoted probe went */
	bool quoted_dst_set;
};

/* Parse one datagram from an ICMP or ICMPv6 socket. Returns out->kind. */
enum np_rx_kind np_reply_parse(const struct np_rx *rx, struct np_reply *out);

/* What the IP header of a whole captured packet said. */
struct np_ipinfo {
	int family; /* AF_INET, AF_INET6; 0 when not IP */
	struct sockaddr_storage src, dst;
	uint8_t proto;	  /* after IPv6 extension headers */
	bool proto_known; /* the protocol chain could be followed to `proto`
			   * (over the bytes present) */
	bool fragment;	  /* a fragment other than a whole datagram's first */
	size_t ip_len;	  /* bytes the header says the packet has */
};

/* Parse a whole IPv4 or IPv6 packet as captured on a link (the version
 * nibble says which), Echo Requests included when `requests`.  A packet
 * whose header claims more bytes than `len` is malformed (the caller
 * reports packets its capture cut short before calling this).  Returns
 * out->kind: NP_RX_IGNORED with ip->proto telling what it was for
 * protocols other than ICMP (IPv4) and ICMPv6 (IPv6).  ip->proto is set
 * (ip->proto_known) for malformed and cut packets too, whenever their
 * protocol chain could be followed: a packet is ICMP only if it says so.
 * IPv6's payload length 0 with a Jumbo Payload option is RFC 2675's. */
enum np_rx_kind np_reply_parse_packet(const uint8_t *pkt, size_t len,
				      bool requests, struct np_ipinfo *ip,
				      struct np_reply *out);

/* Translate an error-queue message (IP_RECVERR / IPV6_RECVERR on datagram
 * ICMP sockets).  `ee` is a copy of the sock_extended_err control message,
 * `pkt` the bytes the kernel returned (our own Echo Request as we sent it).
 * The reporting address (SO_EE_OFFENDER) is the caller's to keep. */
struct sock_extended_err;
enum np_rx_kind np_reply_from_errqueue(const struct np_proto *proto, int family,
				       const struct sock_extended_err *ee,
				       const uint8_t *pkt, size_t len,
				       struct np_reply *out);

/* Short English name of a malformation, for verbose output and tests. */
const char *np_reply_malformed_name(enum np_rx_malformed why);

/* iputils-compatible description of an ICMP error, e.g. "Destination Host
 * Unreachable" or "Frag needed and DF set (mtu = 1400)": from the one
 * table of type and code names (icmp_names.c). */
void np_reply_describe_error(int family, const struct np_reply *r, char *buf,
			     size_t len);

#endif
