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
#define NP_LINK_RAW 101	      /* raw IPv4 or IPv6 */
#define NP_LINK_LOOP 108      /* OpenBSD loopback: family, network order */
#define NP_LINK_LINUX_SLL 113 /* Linux cooked capture v1 */
#define NP_LINK_IPV4 228
#define NP_LINK_IPV6 229
#define NP_LINK_LINUX_SLL2 276 /* Linux cooked capture v2 */
/* DLT_RAW is 12 on Linux (14 on OpenBSD); libpcap maps it to 101 in files
 * but a live capture may report 12. */
#define NP_DLT_RAW_LINUX 12

#define NP_LINK_MAX_VLANS 4

enum np_link_status {
	NP_LINK_IP = 0,	     /* an IPv4 or IPv6 packet; see np_frame */
	NP_LINK_NOT_IP,	     /* ARP and the like */
	NP_LINK_SHORT,	     /* cut inside the link header */
	NP_LINK_UNSUPPORTED, /* a link type netprobe does not decode */
};

struct np_frame {
	enum np_link_status status;
	const uint8_t *ip; /* the IP packet's captured bytes */
	size_t ip_caplen;  /* of which captured */
	size_t ip_wirelen; /* it had on the wire (>= ip_caplen) */
	int family;	   /* AF_INET, AF_INET6 from the link header; 0 */
	unsigned nvlan;
	uint16_t vlan[NP_LINK_MAX_VLANS]; /* VLAN ids, outermost first */
};

/* Whether netprobe decodes this link type. */
bool np_link_supported(int linktype);
/* Its name for messages ("EN10MB"-style names are libpcap's; these are
 * short English). */
const char *np_link_name(int linktype);

/* Decode one frame: `caplen` bytes captured of `wirelen`. */
enum np_link_status np_link_decode(int linktype, const uint8_t *pkt,
				   size_t caplen, size_t wirelen,
				   struct np_frame *f);

#endif
