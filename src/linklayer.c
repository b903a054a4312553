/* linklayer.c - from a captured frame to the IP packet inside it */
#include "config.h"

#include "linklayer.h"

#include <string.h>
#include <sys/socket.h>

#include "bytes.h"

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd
#define ETH_VLAN 0x8100	 /* 802.1Q */
#define ETH_QINQ 0x88a8	 /* 802.1ad */
#define ETH_QINQ1 0x9100 /* pre-standard QinQ */

bool np_link_supported(int linktype)
{
	switch (linktype) {
	case NP_LINK_NULL:
	case NP_LINK_ETHERNET:
	case NP_LINK_RAW:
	case NP_DLT_RAW_LINUX:
	case NP_LINK_LOOP:
	case NP_LINK_LINUX_SLL:
	case NP_LINK_IPV4:
	case NP_LINK_IPV6:
	case NP_LINK_LINUX_SLL2:
		return true;
	}
	return false;
}

const char *np_link_name(int linktype)
{
	switch (linktype) {
	case NP_LINK_NULL:
		return "BSD loopback";
	case NP_LINK_ETHERNET:
		return "Ethernet";
	case NP_LINK_RAW:
	case NP_DLT_RAW_LINUX:
		return "raw IP";
	case NP_LINK_LOOP:
		return "OpenBSD loopback";
	case NP_LINK_LINUX_SLL:
		return "Linux cooked v1";
	case NP_LINK_IPV4:
		return "raw IPv4";
	case NP_LINK_IPV6:
		return "raw IPv6";
	case NP_LINK_LINUX_SLL2:
		return "Linux cooked v2";
	}
	return "unknown";
}

/* An EtherType after the link header: IP, or VLAN tags then IP. */
static enum np_link_status ethertype(struct np_rd *r, uint16_t type,
				     struct np_frame *f)
{
	while (type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ1) {
		uint16_t tci = 0;

		if (!np_rd_be16(r, &tci) || !np_rd_be16(r, &type))
			return NP_LINK_SHORT;
		if (f->nvlan >= NP_LINK_MAX_VLANS)
			return NP_LINK_NOT_IP; /* more tags than anyone uses */
		f->vlan[f->nvlan++] = tci & 0x0fff;
	}
	if (type == ETH_IPV4)
		f->family = AF_INET;
	else if (type == ETH_IPV6)
		f->family = AF_INET6;
	else
		return NP_LINK_NOT_IP;
	return NP_LINK_IP;
}

/* BSD loopback's address family: 2 for IPv4; 24, 28 or 30 for IPv6
 * (NetBSD/OpenBSD, FreeBSD, macOS), as in the pcap link-type list. */
static enum np_link_status bsd_family(uint32_t fam, struct np_frame *f)
{
	if (fam == 2)
		f->family = AF_INET;
	else if (fam == 24 || fam == 28 || fam == 30)
		f->family = AF_INET6;
	else
		return NP_LINK_NOT_IP;
	return NP_LINK_IP;
}

enum np_link_status np_link_decode(int linktype, const uint8_t *pkt,
				   size_t caplen, size_t wirelen,
				   struct np_frame *f)
{
	struct np_rd r = np_rd_init(pkt, caplen);
	enum np_link_status st;
	uint16_t type = 0;
	uint32_t fam = 0;
	uint8_t b[4] = {0};

	memset(f, 0, sizeof(*f));
	if (wirelen < caplen)
		wirelen = caplen; /* a file that says so is wrong; trust less */
	switch (linktype) {
	case NP_LINK_ETHERNET:
		if (!np_rd_skip(&r, 12) || !np_rd_be16(&r, &type))
			st = NP_LINK_SHORT;
		else
			st = ethertype(&r, type, f);
		break;
	case NP_LINK_LINUX_SLL: /* type 2, ARPHRD 2, addr len 2, addr 8 */
		if (!np_rd_skip(&r, 14) || !np_rd_be16(&r, &type))
			st = NP_LINK_SHORT;
		else
			st = ethertype(&r, type, f);
		break;
	case NP_LINK_LINUX_SLL2: /* protocol first, 20 bytes in all */
		if (!np_rd_be16(&r, &type) || !np_rd_skip(&r, 18))
			st = NP_LINK_SHORT;
		else
			st = ethertype(&r, type, f);
		break;
	case NP_LINK_NULL:
		if (!np_rd_bytes(&r, b, 4)) {
			st = NP_LINK_SHORT;
			break;
		}
		/* Host byte order of the machine that wrote the file: a
		 * family fits in the low byte, so take whichever end is set. */
		fam = b[0] != 0 ? b[0] : b[3];
		st = bsd_family(fam, f);
		break;
	case NP_LINK_LOOP:
		if (!np_rd_be32(&r, &fam))
			st = NP_LINK_SHORT;
		else
			st = bsd_family(fam, f);
		break;
	case NP_LINK_RAW:
	case NP_DLT_RAW_LINUX:
	case NP_LINK_IPV4:
	case NP_LINK_IPV6:
		st = NP_LINK_IP; /* the version nibble says which */
		break;
	default:
		st = NP_LINK_UNSUPPORTED;
	}
	f->status = st;
	if (st != NP_LINK_IP)
		return st;
	f->ip = np_rd_ptr(&r);
	f->ip_caplen = np_rd_left(&r);
	f->ip_wirelen = wirelen - r.off;
	if (f->ip_caplen == 0)
		return f->status = NP_LINK_SHORT;
	if (f->family == 0)
		f->family = (f->ip[0] >> 4) == 6 ? AF_INET6 : AF_INET;
	return st;
}
