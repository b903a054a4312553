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
#define ETH_MPLS 0x8847
#define ETH_MPLS_MC 0x8848
#define ETH_PPPOE 0x8864 /* PPPoE session stage */
#define ETH_TEB 0x6558	 /* transparent Ethernet bridging (GRE, Geneve) */
#define ETH_ERSPAN2 0x88be
#define ETH_ERSPAN3 0x22eb

#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057
#define PPP_MPLS 0x0281

#define PROTO_IPIP 4
#define PROTO_IPV6 41
#define PROTO_UDP 17
#define PROTO_GRE 47
#define PROTO_MPLS 137

#define PORT_VXLAN 4789
#define PORT_GENEVE 6081

bool np_link_supported(int linktype)
{
	switch (linktype) {
	case NP_LINK_NULL:
	case NP_LINK_ETHERNET:
	case NP_LINK_PPP:
	case NP_LINK_PPP_HDLC:
	case NP_LINK_PPP_ETHER:
	case NP_LINK_RAW:
	case NP_DLT_RAW_LINUX:
	case NP_LINK_C_HDLC:
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
	case NP_LINK_PPP:
		return "PPP";
	case NP_LINK_PPP_HDLC:
		return "PPP in HDLC framing";
	case NP_LINK_PPP_ETHER:
		return "PPPoE";
	case NP_LINK_RAW:
	case NP_DLT_RAW_LINUX:
		return "raw IP";
	case NP_LINK_C_HDLC:
		return "Cisco HDLC";
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

const char *np_tunnel_name(int kind)
{
	static const char *const names[NP_TUN_KINDS] = {
		"none",	 "ipip",   "gre",  "erspan",
		"vxlan", "geneve", "mpls", "pppoe",
	};

	return kind >= 0 && kind < NP_TUN_KINDS ? names[kind] : "unknown";
}

const char *np_link_dir_name(int dir)
{
	switch (dir) {
	case NP_DIR_HOST:
		return "in";
	case NP_DIR_BROADCAST:
		return "broadcast";
	case NP_DIR_MULTICAST:
		return "multicast";
	case NP_DIR_OTHERHOST:
		return "otherhost";
	case NP_DIR_OUTGOING:
		return "out";
	}
	return "unknown";
}

/* The decoder's state: the captured frame, whether the capture cut it
 * (then running out of bytes is the snap length, not a bad header). */
struct dec {
	const uint8_t *pkt;
	bool snapped;
	struct np_frame *f;
};

/* A tunnel header that does not fit in the bytes there are: with a snap
 * length the frame is left at the last IP packet reached (shown as
 * truncated), else the header is bad (see decap). */
static enum np_link_status cut(struct dec *d, const char *why)
{
	d->f->why = why;
	return NP_LINK_SHORT;
}

/* A tunnel header whose fields make no sense, captured whole or not. */
static enum np_link_status bad(struct dec *d, const char *why)
{
	d->f->why = why;
	return NP_LINK_BAD_TUNNEL;
}

static struct np_tunnel *tunnel(struct dec *d, int kind)
{
	struct np_frame *f = d->f;

	if (f->ntun >= NP_LINK_MAX_TUNNELS)
		return NULL;
	memset(&f->tun[f->ntun], 0, sizeof(f->tun[0]));
	f->tun[f->ntun].kind = (uint8_t)kind;
	return &f->tun[f->ntun++];
}

static enum np_link_status ethertype(struct dec *d, struct np_rd *r,
				     uint16_t type);

/* An MPLS label stack (RFC 3032), then IPv4 or IPv6 by the first nibble
 * (what routers do too; a pseudowire's control word starts with 0). */
static enum np_link_status mpls(struct dec *d, struct np_rd *r)
{
	struct np_tunnel *t = tunnel(d, NP_TUN_MPLS);
	uint32_t e = 0;
	uint8_t v = 0;

	if (t == NULL)
		return NP_LINK_NOT_IP;
	for (unsigned n = 0;; n++) {
		if (n >= NP_LINK_MAX_LABELS)
			return bad(d, "MPLS label stack deeper than 8");
		if (!np_rd_be32(r, &e))
			return cut(d, "MPLS label stack cut short");
		if (n == 0) {
			t->has_id = true;
			t->id = e >> 12;
		}
		if (e & 0x100) /* bottom of stack */
			break;
	}
	if (np_rd_left(r) < 1)
		return cut(d, "MPLS payload missing");
	v = np_rd_ptr(r)[0] >> 4;
	if (v == 4)
		d->f->family = AF_INET;
	else if (v == 6)
		d->f->family = AF_INET6;
	else
		return NP_LINK_NOT_IP;
	return NP_LINK_IP;
}

/* PPP's protocol field: 1 byte when odd (compressed), else 2. */
static enum np_link_status ppp_proto(struct dec *d, struct np_rd *r)
{
	uint8_t b = 0;
	uint16_t proto = 0;

	if (!np_rd_u8(r, &b))
		return NP_LINK_SHORT;
	proto = b;
	if ((b & 1) == 0) {
		if (!np_rd_u8(r, &b))
			return NP_LINK_SHORT;
		proto = (uint16_t)(proto << 8 | b);
	}
	if (proto == PPP_IPV4)
		d->f->family = AF_INET;
	else if (proto == PPP_IPV6)
		d->f->family = AF_INET6;
	else if (proto == PPP_MPLS)
		return mpls(d, r);
	else
		return NP_LINK_NOT_IP;
	return NP_LINK_IP;
}

/* PPP with or without the HDLC address and control bytes (ff 03). */
static enum np_link_status ppp(struct dec *d, struct np_rd *r)
{
	if (np_rd_left(r) >= 2 && np_rd_ptr(r)[0] == 0xff &&
	    np_rd_ptr(r)[1] == 0x03)
		np_rd_skip(r, 2);
	return ppp_proto(d, r);
}

/* PPPoE session header (RFC 2516): ver/type, code, session, length. */
static enum np_link_status pppoe(struct dec *d, struct np_rd *r)
{
	struct np_tunnel *t = tunnel(d, NP_TUN_PPPOE);
	uint8_t vt = 0, code = 0;
	uint16_t sess = 0, len = 0;

	if (t == NULL)
		return NP_LINK_NOT_IP;
	if (!np_rd_u8(r, &vt) || !np_rd_u8(r, &code) || !np_rd_be16(r, &sess) ||
	    !np_rd_be16(r, &len))
		return NP_LINK_SHORT;
	if (vt != 0x11 || code != 0)
		return NP_LINK_NOT_IP; /* discovery, or not PPPoE v1 */
	t->has_id = true;
	t->id = sess;
	return ppp_proto(d, r);
}

/* An Ethernet header (MACs, then the EtherType), inside a tunnel. */
static enum np_link_status ether(struct dec *d, struct np_rd *r,
				 const char *what)
{
	uint16_t type = 0;

	if (!np_rd_skip(r, 12) || !np_rd_be16(r, &type))
		return cut(d, what);
	return ethertype(d, r, type);
}

/* An EtherType after the link header: IP, or VLAN tags then IP (or
 * MPLS, PPPoE). */
static enum np_link_status ethertype(struct dec *d, struct np_rd *r,
				     uint16_t type)
{
	struct np_frame *f = d->f;

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
	else if (type == ETH_MPLS || type == ETH_MPLS_MC)
		return mpls(d, r);
	else if (type == ETH_PPPOE)
		return pppoe(d, r);
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

/* ---- IP in something in IP ------------------------------------------ */

/* What the decapsulation reads of an IP header: addresses, the protocol
 * after the extension headers, where the payload starts and ends.  Only a
 * sane, unfragmented packet is opened; anything else is left whole for
 * reply.c to judge. */
struct outer {
	int family;
	uint8_t src[16], dst[16];
	uint8_t proto;
	size_t hlen, len; /* header; the packet's captured bytes */
};

static bool outer_ip(const uint8_t *p, size_t cap, struct outer *o)
{
	struct np_rd r = np_rd_init(p, cap);
	uint8_t vb = 0, nh = 0, b = 0;
	uint16_t tot = 0, frag = 0, plen = 0;
	size_t end;

	memset(o, 0, sizeof(*o));
	if (!np_rd_u8(&r, &vb))
		return false;
	if (vb >> 4 == 4) {
		size_t ihl = (size_t)(vb & 15) * 4;

		if (ihl < 20 || !np_rd_skip(&r, 1) || !np_rd_be16(&r, &tot) ||
		    !np_rd_skip(&r, 2) || !np_rd_be16(&r, &frag) ||
		    !np_rd_skip(&r, 1) || !np_rd_u8(&r, &o->proto) ||
		    !np_rd_skip(&r, 2) || !np_rd_bytes(&r, o->src, 4) ||
		    !np_rd_bytes(&r, o->dst, 4))
			return false;
		if (tot < ihl || ihl > cap || (frag & 0x3fff) != 0)
			return false; /* bad, or a fragment: not whole */
		o->family = AF_INET;
		o->hlen = ihl;
		o->len = tot < cap ? tot : cap;
		return true;
	}
	if (vb >> 4 != 6 || !np_rd_skip(&r, 3) || !np_rd_be16(&r, &plen) ||
	    !np_rd_u8(&r, &nh) || !np_rd_skip(&r, 1) ||
	    !np_rd_bytes(&r, o->src, 16) || !np_rd_bytes(&r, o->dst, 16))
		return false;
	if (plen == 0)
		return false; /* a jumbogram: left to reply.c */
	end = 40 + (size_t)plen;
	/* hop-by-hop, routing, destination options: 8 at most */
	for (int n = 0; n < 8 && (nh == 0 || nh == 43 || nh == 60); n++) {
		if (!np_rd_u8(&r, &nh) || !np_rd_u8(&r, &b) ||
		    !np_rd_skip(&r, (size_t)b * 8 + 6))
			return false;
	}
	if (r.off > end)
		return false;
	o->family = AF_INET6;
	o->proto = nh; /* 44, a fragment, is no tunnel below */
	o->hlen = r.off;
	o->len = end < cap ? end : cap;
	return true;
}

static struct np_tunnel *outer_tunnel(struct dec *d, int kind,
				      const struct outer *o)
{
	struct np_tunnel *t = tunnel(d, kind);

	if (t != NULL) {
		t->family = (uint8_t)o->family;
		memcpy(t->src, o->src, sizeof(t->src));
		memcpy(t->dst, o->dst, sizeof(t->dst));
	}
	return t;
}

/* Beside enum np_link_status: a tunnel left encapsulated (its payload
 * not decoded), and a UDP datagram to no tunnel port. */
#define LEAVE ((enum np_link_status)100)
#define PLAIN ((enum np_link_status)101)

static enum np_link_status inner_ip(struct dec *d, struct np_rd *r, int family,
				    const char *what)
{
	if (np_rd_left(r) == 0)
		return cut(d, what);
	d->f->family = family;
	return NP_LINK_IP;
}

/* GRE version 0 (RFC 2784, 2890): checksum, key, sequence; then IP,
 * Ethernet, ERSPAN or MPLS by the protocol type. */
static enum np_link_status gre(struct dec *d, struct np_rd *r,
			       const struct outer *o)
{
	uint16_t fl = 0, proto = 0, w = 0, sess = 0;
	uint32_t key = 0;
	uint8_t b10 = 0, b11 = 0;
	struct np_tunnel *t;

	if (!np_rd_be16(r, &fl) || !np_rd_be16(r, &proto))
		return cut(d, "GRE header cut short");
	d->f->skipped_proto = proto;
	if ((fl & 7) != 0 || (fl & 0x4000) != 0)
		return LEAVE; /* version 1 (PPTP), or source routing */
	t = outer_tunnel(d, NP_TUN_GRE, o);
	if (t == NULL)
		return LEAVE;
	if (((fl & 0x8000) && !np_rd_skip(r, 4)) ||
	    ((fl & 0x2000) && !np_rd_be32(r, &key)) ||
	    ((fl & 0x1000) && !np_rd_skip(r, 4)))
		return cut(d, "GRE header cut short");
	if (fl & 0x2000) {
		t->has_id = true;
		t->id = key;
	}
	switch (proto) {
	case ETH_IPV4:
		return inner_ip(d, r, AF_INET, "GRE payload missing");
	case ETH_IPV6:
		return inner_ip(d, r, AF_INET6, "GRE payload missing");
	case ETH_TEB:
		return ether(d, r, "GRE Ethernet header cut short");
	case ETH_MPLS:
	case ETH_MPLS_MC:
		return mpls(d, r);
	case ETH_ERSPAN2:
		t->kind = NP_TUN_ERSPAN;
		t->has_id = false;
		if ((fl & 0x1000) == 0) /* type I: no header of its own */
			return ether(d, r, "ERSPAN Ethernet header cut short");
		if (!np_rd_be16(r, &w) || !np_rd_be16(r, &sess) ||
		    !np_rd_skip(r, 4))
			return cut(d, "ERSPAN header cut short");
		if (w >> 12 != 1)
			return bad(d, "ERSPAN type II header not version 1");
		t->has_id = true;
		t->id = sess & 0x3ff;
		return ether(d, r, "ERSPAN Ethernet header cut short");
	case ETH_ERSPAN3:
		t->kind = NP_TUN_ERSPAN;
		t->has_id = false;
		if (!np_rd_be16(r, &w) || !np_rd_be16(r, &sess) ||
		    !np_rd_skip(r, 6) || !np_rd_u8(r, &b10) ||
		    !np_rd_u8(r, &b11) || ((b11 & 1) && !np_rd_skip(r, 8)))
			return cut(d, "ERSPAN header cut short");
		if (w >> 12 != 2)
			return bad(d, "ERSPAN type III header not version 2");
		t->has_id = true;
		t->id = sess & 0x3ff;
		if (((b10 >> 2) & 0x1f) != 0)
			return LEAVE; /* not an Ethernet frame */
		return ether(d, r, "ERSPAN Ethernet header cut short");
	}
	return LEAVE;
}

/* VXLAN (RFC 7348) and Geneve (RFC 8926) over UDP, by destination
 * port. */
static enum np_link_status udp(struct dec *d, struct np_rd *r,
			       const struct outer *o)
{
	uint16_t sport = 0, dport = 0, len = 0, proto = 0;
	uint8_t b0 = 0, b1 = 0;
	uint32_t vni = 0;
	struct np_tunnel *t;
	struct np_rd u;

	if (!np_rd_be16(r, &sport) || !np_rd_be16(r, &dport) ||
	    (dport != PORT_VXLAN && dport != PORT_GENEVE))
		return PLAIN;
	if (!np_rd_be16(r, &len) || !np_rd_skip(r, 2))
		return cut(d, "UDP header cut short");
	/* The UDP length bounds the payload when it is sane. */
	if (len >= 8 && (size_t)len - 8 <= np_rd_left(r)) {
		np_rd_sub(r, (size_t)len - 8, &u);
		*r = u;
	}
	d->f->skipped_proto = dport;
	t = outer_tunnel(d, dport == PORT_VXLAN ? NP_TUN_VXLAN : NP_TUN_GENEVE,
			 o);
	if (t == NULL)
		return LEAVE;
	if (dport == PORT_VXLAN) {
		if (!np_rd_u8(r, &b0) || !np_rd_skip(r, 3) ||
		    !np_rd_be32(r, &vni))
			return cut(d, "VXLAN header cut short");
		t->has_id = (b0 & 0x08) != 0; /* the I flag: VNI valid */
		t->id = vni >> 8;
		return ether(d, r, "VXLAN Ethernet header cut short");
	}
	if (!np_rd_u8(r, &b0) || !np_rd_u8(r, &b1) || !np_rd_be16(r, &proto) ||
	    !np_rd_be32(r, &vni))
		return cut(d, "Geneve header cut short");
	if (b0 >> 6 != 0)
		return bad(d, "Geneve version not 0");
	if (!np_rd_skip(r, (size_t)(b0 & 0x3f) * 4))
		return cut(d, "Geneve options cut short");
	t->has_id = true;
	t->id = vni >> 8;
	switch (proto) {
	case ETH_TEB:
		return ether(d, r, "Geneve Ethernet header cut short");
	case ETH_IPV4:
		return inner_ip(d, r, AF_INET, "Geneve payload missing");
	case ETH_IPV6:
		return inner_ip(d, r, AF_INET6, "Geneve payload missing");
	}
	d->f->skipped_proto = proto;
	return LEAVE;
}

/* From the IP packet at *ip (cap bytes) through every tunnel decoded to
 * the innermost IP packet, NP_LINK_MAX_TUNNELS layers at most. */
static enum np_link_status decap(struct dec *d, const uint8_t **ip, size_t *cap)
{
	struct np_frame *f = d->f;

	for (;;) {
		struct outer o;
		struct np_rd r;
		enum np_link_status st;
		unsigned ntun = f->ntun, nvlan = f->nvlan;
		int family = f->family;
		uint8_t kind = NP_TUN_NONE;

		if (!outer_ip(*ip, *cap, &o))
			return NP_LINK_IP;
		r = np_rd_init(*ip + o.hlen, o.len - o.hlen);
		switch (o.proto) {
		case PROTO_IPIP:
		case PROTO_IPV6:
			kind = NP_TUN_IPIP;
			break;
		case PROTO_GRE:
			kind = NP_TUN_GRE;
			break;
		case PROTO_MPLS:
			kind = NP_TUN_MPLS;
			break;
		case PROTO_UDP:
			kind = NP_TUN_VXLAN; /* or Geneve: udp() says */
			break;
		default:
			return NP_LINK_IP;
		}
		if (f->ntun >= NP_LINK_MAX_TUNNELS) {
			f->skipped = kind; /* deeper than netprobe opens */
			f->skipped_proto = o.proto;
			return NP_LINK_IP;
		}
		if (kind == NP_TUN_IPIP) {
			outer_tunnel(d, kind, &o);
			st = inner_ip(d, &r,
				      o.proto == PROTO_IPIP ? AF_INET
							    : AF_INET6,
				      "IP-in-IP payload missing");
		} else if (kind == NP_TUN_GRE) {
			st = gre(d, &r, &o);
		} else if (kind == NP_TUN_MPLS) {
			st = mpls(d, &r);
			if (f->ntun > ntun) { /* the label's outer addresses */
				f->tun[ntun].family = (uint8_t)o.family;
				memcpy(f->tun[ntun].src, o.src, 16);
				memcpy(f->tun[ntun].dst, o.dst, 16);
			}
		} else {
			st = udp(d, &r, &o);
			if (st == PLAIN)
				return NP_LINK_IP;
			if (f->ntun > ntun)
				kind = f->tun[ntun].kind;
		}
		if (st == NP_LINK_IP) {
			*ip = np_rd_ptr(&r);
			*cap = np_rd_left(&r);
			f->skipped_proto = 0;
			continue;
		}
		if (st == LEAVE || (st == NP_LINK_SHORT && d->snapped)) {
			/* Left encapsulated: not decoded, or cut by the
			 * snap length (then shown truncated). */
			if (st == LEAVE) {
				f->skipped = kind;
			} else {
				f->skipped = NP_TUN_NONE;
				f->why = NULL;
			}
			f->ntun = ntun;
			f->nvlan = nvlan;
			f->family = family;
			return NP_LINK_IP;
		}
		if (st == NP_LINK_SHORT) {
			if (f->why == NULL)
				f->why = "tunnelled frame cut short";
			return NP_LINK_BAD_TUNNEL;
		}
		return st; /* NOT_IP inside, or BAD_TUNNEL */
	}
}

enum np_link_status np_link_decode(int linktype, const uint8_t *pkt,
				   size_t caplen, size_t wirelen,
				   struct np_frame *f)
{
	struct np_rd r = np_rd_init(pkt, caplen);
	struct dec d = {pkt, wirelen > caplen, f};
	enum np_link_status st;
	uint16_t type = 0;
	uint32_t fam = 0, ifindex = 0;
	uint8_t b[4] = {0}, pkttype = 0;
	uint16_t pkttype16 = 0;
	const uint8_t *ip;
	size_t cap;

	memset(f, 0, sizeof(*f));
	if (wirelen < caplen)
		wirelen = caplen; /* a file that says so is wrong; trust less */
	switch (linktype) {
	case NP_LINK_ETHERNET:
		if (!np_rd_skip(&r, 12) || !np_rd_be16(&r, &type))
			st = NP_LINK_SHORT;
		else
			st = ethertype(&d, &r, type);
		break;
	case NP_LINK_LINUX_SLL: /* type 2, ARPHRD 2, addr len 2, addr 8 */
		if (!np_rd_be16(&r, &pkttype16) || !np_rd_skip(&r, 12) ||
		    !np_rd_be16(&r, &type)) {
			st = NP_LINK_SHORT;
			break;
		}
		f->dir = pkttype16 <= 4 ? (uint8_t)(pkttype16 + 1) : 0;
		st = ethertype(&d, &r, type);
		break;
	case NP_LINK_LINUX_SLL2: /* protocol, reserved, ifindex, ARPHRD,
				    packet type, addr len, addr 8 */
		if (!np_rd_be16(&r, &type) || !np_rd_skip(&r, 2) ||
		    !np_rd_be32(&r, &ifindex) || !np_rd_skip(&r, 2) ||
		    !np_rd_u8(&r, &pkttype) || !np_rd_skip(&r, 9)) {
			st = NP_LINK_SHORT;
			break;
		}
		f->ifindex = ifindex;
		f->dir = pkttype <= 4 ? (uint8_t)(pkttype + 1) : 0;
		st = ethertype(&d, &r, type);
		break;
	case NP_LINK_PPP:
	case NP_LINK_PPP_HDLC:
		st = ppp(&d, &r);
		break;
	case NP_LINK_PPP_ETHER:
		st = pppoe(&d, &r);
		break;
	case NP_LINK_C_HDLC: /* address, control, then an EtherType */
		if (!np_rd_skip(&r, 2) || !np_rd_be16(&r, &type))
			st = NP_LINK_SHORT;
		else
			st = ethertype(&d, &r, type);
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
	if (st == NP_LINK_SHORT && f->ntun > 0 && !d.snapped) {
		if (f->why == NULL)
			f->why = "tunnel header cut short";
		st = NP_LINK_BAD_TUNNEL; /* MPLS or PPPoE on the link */
	}
	f->status = st;
	if (st != NP_LINK_IP)
		return st;
	ip = np_rd_ptr(&r);
	cap = np_rd_left(&r);
	if (cap == 0)
		return f->status = NP_LINK_SHORT;
	if (f->family == 0)
		f->family = (ip[0] >> 4) == 6 ? AF_INET6 : AF_INET;
	st = decap(&d, &ip, &cap);
	f->status = st;
	if (st != NP_LINK_IP)
		return st;
	f->ip = ip;
	f->ip_caplen = cap;
	/* Whole: the packet's captured bytes (within its tunnel's length);
	 * cut by the snap length: what the wire had after its start. */
	f->ip_wirelen = d.snapped ? wirelen - (size_t)(ip - pkt) : cap;
	if (f->ip_caplen == 0)
		return f->status = NP_LINK_SHORT;
	return st;
}
