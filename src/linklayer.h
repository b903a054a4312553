/* linklayer.h - from a captured frame to the IP packet inside it.
 *
 * Trust: the frame is hostile.  Read through struct np_rd only; every
 * length is checked against the bytes captured.  No libpcap here: the
 * link types are pcap's numbers, so the same code serves live captures,
 * files and the fuzzer.
 */
#ifndef NP_LINKLAYER_H
#define NP_LINKLAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* pcap link types (LINKTYPE_*, https://www.tcpdump.org/linktypes.html) */
#define NP_LINK_NULL 0	      /* BSD loopback: 4-byte family, host order */
#define NP_LINK_ETHERNET 1    /* Ethernet II, 802.1Q / 802.1ad tags */
#define NP_LINK_PPP 9	      /* PPP, with or without HDLC address/control */
#define NP_LINK_PPP_HDLC 50   /* PPP in HDLC-like framing (serial lines) */
#define NP_LINK_PPP_ETHER 51  /* PPPoE session header, then PPP */
#define NP_LINK_RAW 101	      /* raw IPv4 or IPv6 */
#define NP_LINK_LOOP 108      /* OpenBSD loopback: family, network order */
#define NP_LINK_C_HDLC 104    /* Cisco HDLC: address, control, EtherType */
#define NP_LINK_LINUX_SLL 113 /* Linux cooked capture v1 */
#define NP_LINK_IPV4 228
#define NP_LINK_IPV6 229
#define NP_LINK_LINUX_SLL2 276 /* Linux cooked capture v2 */
/* DLT_RAW is 12 on Linux (14 on OpenBSD); libpcap maps it to 101 in files
 * but a live capture may report 12. */
#define NP_DLT_RAW_LINUX 12

#define NP_LINK_MAX_VLANS 4
#define NP_LINK_MAX_TUNNELS 4 /* layers decapsulated; more are left as is */
#define NP_LINK_MAX_LABELS 8  /* MPLS label stack entries */

enum np_link_status {
	NP_LINK_IP = 0,	     /* an IPv4 or IPv6 packet; see np_frame */
	NP_LINK_NOT_IP,	     /* ARP and the like */
	NP_LINK_SHORT,	     /* cut inside the link header */
	NP_LINK_UNSUPPORTED, /* a link type netprobe does not decode */
	NP_LINK_BAD_TUNNEL, /* a tunnel header cut short or invalid (see why) */
};

/* Where a Linux cooked capture saw the frame (the sll_pkttype). */
enum np_link_dir {
	NP_DIR_UNKNOWN = 0, /* not a cooked capture */
	NP_DIR_HOST,	    /* received, to this host */
	NP_DIR_BROADCAST,
	NP_DIR_MULTICAST,
	NP_DIR_OTHERHOST, /* received, to another host (promiscuous) */
	NP_DIR_OUTGOING,  /* sent (or forwarded) by this host */
};

/* The encapsulations decoded, outermost first in np_frame.tun. */
enum np_tunnel_kind {
	NP_TUN_NONE = 0,
	NP_TUN_IPIP,   /* IPv4 or IPv6 in IPv4 or IPv6 (protocol 4, 41) */
	NP_TUN_GRE,    /* GRE version 0 (protocol 47) */
	NP_TUN_ERSPAN, /* ERSPAN type I, II, III over GRE */
	NP_TUN_VXLAN,  /* UDP port 4789 */
	NP_TUN_GENEVE, /* UDP port 6081 */
	NP_TUN_MPLS,   /* EtherType 0x8847/0x8848, GRE, IP protocol 137 */
	NP_TUN_PPPOE,  /* EtherType 0x8864 and the PPPoE link type */
	NP_TUN_KINDS
};

struct np_tunnel {
	uint8_t kind;		  /* enum np_tunnel_kind */
	uint8_t family;		  /* of the outer addresses; 0: none (MPLS) */
	uint8_t src[16], dst[16]; /* the outer IP header's */
	bool has_id;
	uint32_t id; /* GRE key, VNI, ERSPAN session, MPLS label, PPPoE session
		      */
};

struct np_frame {
	enum np_link_status status;
	const uint8_t *ip; /* the IP packet's captured bytes */
	size_t ip_caplen;  /* of which captured */
	size_t ip_wirelen; /* it had on the wire (>= ip_caplen) */
	int family;	   /* AF_INET, AF_INET6 from the link header; 0 */
	unsigned nvlan;
	uint16_t vlan[NP_LINK_MAX_VLANS]; /* VLAN ids, outermost first */
	uint8_t dir;			  /* enum np_link_dir */
	uint32_t ifindex; /* the capturing interface (SLL2), else 0 */
	unsigned ntun;
	struct np_tunnel tun[NP_LINK_MAX_TUNNELS]; /* outermost first */
	const char *why; /* NP_LINK_BAD_TUNNEL: what was wrong (static) */
	/* A tunnel left encapsulated (its payload not decoded): its kind
	 * and the protocol it carried, for the counts and -v. */
	uint8_t skipped;
	uint16_t skipped_proto;
};

/* Whether netprobe decodes this link type. */
bool np_link_supported(int linktype);
/* Its name for messages ("EN10MB"-style names are libpcap's; these are
 * short English). */
const char *np_link_name(int linktype);

/* "gre", "vxlan"... (the JSON names), and a direction's ("in", "out"). */
const char *np_tunnel_name(int kind);
const char *np_link_dir_name(int dir);

/* Decode one frame: `caplen` bytes captured of `wirelen`. */
enum np_link_status np_link_decode(int linktype, const uint8_t *pkt,
				   size_t caplen, size_t wirelen,
				   struct np_frame *f);

#endif
