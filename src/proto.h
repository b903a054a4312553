/* proto.h - the protocol seam: what a probe protocol (ICMP Echo today; UDP
 * and TCP next) supplies to the rest of netprobe.  A new protocol is one
 * proto_*.c and one row of np_protos[] (proto.c).
 *
 * The generic layers stay generic: sockets.c opens what `open` names and
 * applies `filter`, returning bytes and metadata only; reply.c walks the IP
 * header and the ICMP-error envelope through the bounded reader and calls
 * `parse` for the protocol's own messages and `quote` for the packet an
 * ICMP error quotes; the matcher compares the protocol-neutral struct
 * np_key those fill with the probe table and checks the payload's MAC
 * (payload.h). */
#ifndef NP_PROTO_H
#define NP_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "error.h"
#include "payload.h"
#include "reply.h"

struct sockaddr;
struct np_socket;
struct np_options;

/* The flow a probe travels: what a TCP or UDP header and its pseudo-header
 * checksum depend on besides the probe's identity.  sport is the run's
 * flow id (np_probe_ident.flow: the Echo identifier for ICMP); dport the
 * port of --tcp/--udp, else the protocol's default. */
struct np_flow {
	int family;
	const struct sockaddr *src; /* the source the route picked, or NULL */
	const struct sockaddr *dst; /* the target */
	uint16_t sport, dport;
};

/* What a parsed packet means for a probe (classify). */
enum np_class {
	NP_CLASS_NONE = 0, /* nothing about a probe */
	NP_CLASS_REPLY,	   /* the target's answer */
	NP_CLASS_ERROR,	   /* an error that ends the probe */
	NP_CLASS_HOP,	   /* a router on the way (time exceeded) */
	NP_CLASS_NOTICE,   /* redirect, source quench: the probe goes on */
	NP_CLASS_REACHED,  /* the target answered with an error (a UDP port
			    * unreachable from the target itself) */
};

struct np_proto {
	const char *name;      /* "icmp": --help, -v and docs */
	size_t hdr_len;	       /* the probe's header before the payload */
	uint16_t default_port; /* without --tcp=PORT / --udp=PORT; 0: none */
	const char *seq_name;  /* a probe's number in ping's lines: icmp_seq */
	/* open: the socket protocol for `family`; a raw socket is tried
	 * first when `raw` (ICMP: to choose the identifier and see every
	 * reply), else only the datagram socket (a UDP probe's) */
	int (*sock_protocol)(int family);
	bool raw;
	bool dgram; /* a SOCK_DGRAM socket serves too (after raw, or alone) */
	/* the bytes at the start of what `build` writes that the kernel of
	 * a datagram socket writes itself (UDP: its header), not sent */
	size_t dgram_skip;
	/* connect probes: no packet is built; each probe is a TCP
	 * connect() of a socket of its own (the core's np_io.connect), and
	 * the run's socket is a SOCK_STREAM one that only carries the
	 * options (never connected, never waited on) */
	bool connect;
	/* the IP protocol number of our probes, as a quote names it */
	uint8_t (*ip_proto)(int family);
	/* the receive filter of a raw socket (ICMP_FILTER, ICMP6_FILTER) */
	int (*filter)(int fd, int family, struct np_err *err);
	/* what else the protocol's socket needs, last in np_socket_configure
	 * (NULL: nothing) */
	int (*configure)(struct np_socket *s, const struct np_options *o,
			 struct np_err *err);
	/* build: `prepare` writes what every probe of a run shares (the
	 * fill) into the send buffer once and returns its partial checksum;
	 * `build` writes the rest of one probe, returns its length (0 when
	 * buf is too small) */
	uint32_t (*prepare)(uint8_t *buf, size_t buflen,
			    struct np_payload_spec *spec);
	size_t (*build)(uint8_t *buf, size_t buflen, const struct np_flow *fl,
			const struct np_probe_ident *id,
			const struct np_payload_spec *spec, uint32_t prep);
	/* parse: one of the protocol's own messages (an Echo Reply), `r` at
	 * the start of the message whose type and code reply.c has read into
	 * out; for a protocol not carried in ICMP (ip_proto), the datagram
	 * its own datagram socket read (a UDP reply's payload).  NP_RX_IGNORED
	 * when it is not one */
	enum np_rx_kind (*parse)(struct np_rd r, int family, bool requests,
				 struct np_reply *out);
	/* quote: the key an ICMP error's quote proves, `q` at the quoted
	 * transport header and no further than the quoted datagram; sets
	 * out->key (proof NP_PROOF_NONE when it proves nothing) */
	enum np_rx_kind (*quote)(struct np_rd q, int family,
				 struct np_reply *out);
	/* the same for our own probe handed back by the error queue */
	enum np_rx_kind (*sent)(struct np_rd q, int family,
				struct np_reply *out);
	/* classify a parsed packet */
	enum np_class (*classify)(int family, const struct np_reply *r);
	/* the capture filter of --save (pcap syntax) */
	const char *(*capture_filter)(int family);
	/* what a reply says of the port (TCP: "open", "closed"); NULL: the
	 * protocol's replies say nothing of one */
	const char *(*reply_state)(const struct np_reply *r);
	/* build needs the flow's source address (a pseudo-header checksum):
	 * a run whose socket has none looks it up for each target */
	bool flow_src;
};

/* What an ICMP error about a probe means, whatever the probe's protocol:
 * a redirect or source quench a notice, a time exceeded a hop, anything
 * else an error that ends the probe.  The protocols' classify use it. */
enum np_class np_proto_classify_error(int family, const struct np_reply *r);

/* The protocols, by name; NULL if unknown.  np_proto_default() is ICMP
 * Echo. */
const struct np_proto *np_proto_find(const char *name);
const struct np_proto *np_proto_default(void);
/* The protocol of --icmp/--tcp/--udp (`name`, NULL for the default); NULL
 * with err set when this build has no such protocol. */
const struct np_proto *np_proto_select(const char *name, struct np_err *err);

/* The receive path's parse of what the socket layer read (bytes and
 * metadata, struct np_rxpkt): through the IP and ICMP-error envelope
 * (reply.c) and the socket's protocol, into pkt->r; sets pkt->parsed.
 * Nothing to do for a transmit stamp, a cut datagram, or one already
 * parsed. */
struct np_rxpkt;
void np_rx_parse(const struct np_socket *s, struct np_rxpkt *pkt);

#endif
