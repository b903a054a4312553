/* check_capture.c - the capture decoder: link layers, whole IP packets,
 * pairing and counting in inspect mode (no libpcap needed), and --save's
 * TCP wire pairing (built with libpcap's headers) */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "icmp.h"
#include "proto_icmp.h"
#include "inspect.h"
#include "linklayer.h"
#include "packets.h"
#include "reply.h"
#include "suites.h"

static const uint8_t data56[56];

/* An IPv4 echo (type 8 or 0) from src to dst, id 0x1234. */
static size_t echo4(uint8_t *buf, uint8_t type, uint16_t seq, const char *src,
		    const char *dst)
{
	size_t h = pk_ipv4(buf, 20, 84, IPPROTO_ICMP, 64, src, dst, NULL, 0);

	return h + pk_icmp(buf + h, type, 0, 0x1234, seq, data56, 56);
}

START_TEST(ethernet_vlan_qinq)
{
	uint8_t f[200] = {0};
	struct np_frame fr;
	size_t n;

	/* dst, src MACs; 0x88a8 vid 200; 0x8100 vid 300; IPv4 */
	f[12] = 0x88, f[13] = 0xa8, f[14] = 0x00, f[15] = 200;
	f[16] = 0x81, f[17] = 0x00, f[18] = 0x01, f[19] = 0x2c;
	f[20] = 0x08, f[21] = 0x00;
	n = 22 + echo4(f + 22, NP_ICMP_ECHO, 1, "198.51.100.1", "198.51.100.2");
	ck_assert_int_eq(np_link_decode(NP_LINK_ETHERNET, f, n, n, &fr),
			 NP_LINK_IP);
	ck_assert_uint_eq(fr.nvlan, 2);
	ck_assert_uint_eq(fr.vlan[0], 200);
	ck_assert_uint_eq(fr.vlan[1], 300);
	ck_assert_int_eq(fr.family, AF_INET);
	ck_assert_uint_eq(fr.ip_caplen, 84);
	/* cut inside the second tag */
	ck_assert_int_eq(np_link_decode(NP_LINK_ETHERNET, f, 18, 98, &fr),
			 NP_LINK_SHORT);
	/* ARP is not IP */
	f[12] = 0x08, f[13] = 0x06;
	ck_assert_int_eq(np_link_decode(NP_LINK_ETHERNET, f, n, n, &fr),
			 NP_LINK_NOT_IP);
}
END_TEST

START_TEST(cooked_and_loopback)
{
	uint8_t f[200] = {0};
	struct np_frame fr;
	size_t n =
		echo4(f + 20, NP_ICMP_ECHO, 1, "198.51.100.1", "198.51.100.2");

	f[0] = 0x08, f[1] = 0x00; /* SLL2: protocol first */
	ck_assert_int_eq(
		np_link_decode(NP_LINK_LINUX_SLL2, f, n + 20, n + 20, &fr),
		NP_LINK_IP);
	ck_assert_uint_eq(fr.ip_caplen, 84);
	/* BSD loopback, little-endian family 2, at offset 16 */
	memset(f, 0, 20);
	f[16] = 2;
	ck_assert_int_eq(
		np_link_decode(NP_LINK_NULL, f + 16, n + 4, n + 4, &fr),
		NP_LINK_IP);
	ck_assert_int_eq(fr.family, AF_INET);
	f[16] = 0, f[19] = 30; /* OpenBSD loop: network order, IPv6 */
	ck_assert_int_eq(
		np_link_decode(NP_LINK_LOOP, f + 16, n + 4, n + 4, &fr),
		NP_LINK_IP);
	ck_assert_int_eq(fr.family, AF_INET6);
	ck_assert_int_eq(np_link_decode(147, f, n, n, &fr),
			 NP_LINK_UNSUPPORTED);
	/* snap length: captured less than the wire had */
	ck_assert_int_eq(np_link_decode(NP_LINK_RAW, f + 20, 50, n, &fr),
			 NP_LINK_IP);
	ck_assert_uint_eq(fr.ip_caplen, 50);
	ck_assert_uint_eq(fr.ip_wirelen, 84);
}
END_TEST

START_TEST(whole_packets)
{
	uint8_t p[200];
	struct np_ipinfo ip;
	struct np_reply r;
	size_t n = echo4(p, NP_ICMP_ECHO, 7, "198.51.100.1", "198.51.100.2");
	uint8_t hbh[8] = {IPPROTO_ICMPV6, 0, 1, 4, 0, 0, 0, 0};
	size_t m;

	ck_assert_int_eq(np_reply_parse_packet(p, n, true, &ip, &r),
			 NP_RX_ECHO_REQUEST);
	ck_assert_uint_eq(r.key.seq, 7);
	ck_assert_int_eq(ip.family, AF_INET);
	/* without `requests` an echo request is ignored, as on a socket */
	ck_assert_int_eq(np_reply_parse_packet(p, n, false, &ip, &r),
			 NP_RX_IGNORED);
	/* the header claims more than there is */
	ck_assert_int_eq(np_reply_parse_packet(p, n - 1, true, &ip, &r),
			 NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_IP_TOTLEN);
	/* IPv6 with a hop-by-hop header, checksum over the addresses */
	m = pk_ipv6(p, 8 + 64, 0, "2001:db8::1", "2001:db8::2");
	memcpy(p + m, hbh, 8);
	pk_icmp(p + m + 8, NP_ICMP6_ECHO_REPLY, 0, 0x4321, 3, data56, 56);
	pk_icmp6_fix(p + m + 8, 64, "2001:db8::1", "2001:db8::2");
	ck_assert_int_eq(np_reply_parse_packet(p, m + 72, true, &ip, &r),
			 NP_RX_ECHO_REPLY);
	ck_assert(r.checksum_checked && r.checksum_ok);
	ck_assert_uint_eq(ip.proto, IPPROTO_ICMPV6);
	/* payload length past the packet */
	ck_assert_int_eq(np_reply_parse_packet(p, m + 71, true, &ip, &r),
			 NP_RX_MALFORMED);
	ck_assert_int_eq(r.why, NP_MAL_IP6_PLEN);
}
END_TEST

START_TEST(pairing)
{
	char out[8192] = "";
	FILE *f = fmemopen(out, sizeof(out) - 1, "w");
	struct np_inspect_opts o = {.out = f, .family = AF_UNSPEC};
	struct np_inspect *in = np_inspect_new(&o);
	struct np_inspect_totals t;
	uint8_t p[200];
	int64_t ts = INT64_C(1795000000000000000);
	size_t n;

	ck_assert_ptr_nonnull(in);
	for (uint16_t seq = 1; seq <= 3; seq++) {
		n = echo4(p, NP_ICMP_ECHO, seq, "198.51.100.1", "198.51.100.2");
		np_inspect_frame(in, NP_LINK_RAW, ts, p, n, n);
		if (seq == 2)
			continue; /* unanswered */
		n = echo4(p, NP_ICMP_ECHOREPLY, seq, "198.51.100.2",
			  "198.51.100.1");
		np_inspect_frame(in, NP_LINK_RAW, ts + 12345, p, n, n);
		if (seq == 3) /* a duplicate */
			np_inspect_frame(in, NP_LINK_RAW, ts + 20000, p, n, n);
	}
	/* a reply with no request, and a cut one */
	n = echo4(p, NP_ICMP_ECHOREPLY, 9, "198.51.100.2", "198.51.100.1");
	np_inspect_frame(in, NP_LINK_RAW, ts, p, n, n);
	np_inspect_frame(in, NP_LINK_RAW, ts, p, 40, n);
	np_inspect_finish(in);
	np_inspect_totals(in, &t);
	np_inspect_free(in);
	fclose(f);
	ck_assert_uint_eq(t.frames, 8);
	ck_assert_uint_eq(t.requests, 3);
	ck_assert_uint_eq(t.replies, 4);
	ck_assert_uint_eq(t.duplicates, 1);
	ck_assert_uint_eq(t.unpaired, 1);
	ck_assert_uint_eq(t.truncated, 1);
	ck_assert_ptr_nonnull(
		strstr(out, "seq 1, 64 bytes, ttl 64, time=0.012 ms\n"));
	ck_assert_ptr_nonnull(strstr(out, "time=0.020 ms (DUP!)\n"));
	ck_assert_ptr_nonnull(
		strstr(out, "seq 9, 64 bytes, ttl 64, no request seen\n"));
	ck_assert_ptr_nonnull(
		strstr(out, "truncated: 40 of 84 IP bytes captured\n"));
	ck_assert_ptr_nonnull(strstr(out,
				     "3 requests, 2 replies, 1 unanswered, +1 "
				     "duplicates, 1 replies without request"));
}
END_TEST

/* An outer IPv4 header (198.18.0.1 > .2, protocol `proto`) around `len`
 * bytes already at buf + 20; returns the packet's length. */
static size_t outer4(uint8_t *buf, uint8_t proto, size_t len)
{
	return pk_ipv4(buf, 20, (uint16_t)(20 + len), proto, 64, "198.18.0.1",
		       "198.18.0.2", NULL, 0) +
	       len;
}

/* The inner echo at buf + off; the frame's length. */
static size_t inner_echo(uint8_t *buf, size_t off)
{
	return off + echo4(buf + off, NP_ICMP_ECHO, 1, "198.51.100.1",
			   "198.51.100.2");
}

START_TEST(tunnels)
{
	uint8_t f[400] = {0};
	struct np_frame fr;
	size_t n, hdr;

	/* GRE, key 7: 20 + 8 header bytes, then IPv4 */
	f[20] = 0x20, f[22] = 0x08, f[27] = 7;
	n = inner_echo(f, 28);
	outer4(f, 47, n - 20);
	ck_assert_int_eq(np_link_decode(NP_LINK_RAW, f, n, n, &fr), NP_LINK_IP);
	ck_assert_uint_eq(fr.ntun, 1);
	ck_assert_int_eq(fr.tun[0].kind, NP_TUN_GRE);
	ck_assert(fr.tun[0].has_id && fr.tun[0].id == 7);
	ck_assert_int_eq(fr.tun[0].family, AF_INET);
	ck_assert_uint_eq(fr.tun[0].src[3], 1);
	ck_assert_ptr_eq(fr.ip, f + 28);
	ck_assert_uint_eq(fr.ip_caplen, 84);
	ck_assert_uint_eq(fr.ip_wirelen, 84);
	/* Every cut inside the GRE header, captured whole: a bad tunnel,
	 * named; cut by a snap length: the outer packet, left as is. */
	for (size_t cut = 20; cut < 28; cut++) {
		ck_assert_int_eq(np_link_decode(NP_LINK_RAW, f, cut, cut, &fr),
				 NP_LINK_BAD_TUNNEL);
		ck_assert_str_eq(fr.why, "GRE header cut short");
		ck_assert_int_eq(np_link_decode(NP_LINK_RAW, f, cut, n, &fr),
				 NP_LINK_IP);
		ck_assert_uint_eq(fr.ntun, 0);
		ck_assert_ptr_eq(fr.ip, f);
	}
	/* GRE with nothing after it: the payload is missing */
	ck_assert_int_eq(np_link_decode(NP_LINK_RAW, f, 28, 28, &fr),
			 NP_LINK_BAD_TUNNEL);
	/* An outer total length that cuts the inner packet: bounded by it */
	outer4(f, 47, 8 + 40);
	ck_assert_int_eq(np_link_decode(NP_LINK_RAW, f, n, n, &fr), NP_LINK_IP);
	ck_assert_uint_eq(fr.ip_caplen, 40);

	/* VXLAN (UDP 4789) with an Ethernet frame: the UDP length lies
	 * (0xffff), the payload is bounded by what was captured */
	memset(f, 0, sizeof(f));
	f[20 + 2] = 0x12, f[20 + 3] = 0xb5, f[20 + 4] = 0xff, f[20 + 5] = 0xff;
	f[28] = 0x08, f[28 + 6] = 42; /* I flag; VNI 42 << 8 */
	f[36 + 12] = 0x08;	      /* inner EtherType IPv4 */
	hdr = 36 + 14;
	n = inner_echo(f, hdr);
	outer4(f, 17, n - 20);
	ck_assert_int_eq(np_link_decode(NP_LINK_RAW, f, n, n, &fr), NP_LINK_IP);
	ck_assert_int_eq(fr.tun[0].kind, NP_TUN_VXLAN);
	ck_assert_uint_eq(fr.tun[0].id, 42);
	ck_assert_uint_eq(fr.ip_caplen, 84);
	for (size_t cut = 28; cut < hdr; cut++)
		ck_assert_int_eq(np_link_decode(NP_LINK_RAW, f, cut, cut, &fr),
				 NP_LINK_BAD_TUNNEL);
	/* UDP to another port is plain UDP */
	f[20 + 3] = 0xb6;
	ck_assert_int_eq(np_link_decode(NP_LINK_RAW, f, n, n, &fr), NP_LINK_IP);
	ck_assert_uint_eq(fr.ntun, 0);
	/* Geneve whose option length (63 words) runs past the packet */
	f[20 + 2] = 0x17, f[20 + 3] = 0xc1;
	f[28] = 0x3f, f[30] = 0x65, f[31] = 0x58;
	ck_assert_int_eq(np_link_decode(NP_LINK_RAW, f, n, n, &fr),
			 NP_LINK_BAD_TUNNEL);
	ck_assert_str_eq(fr.why, "Geneve options cut short");
}
END_TEST

START_TEST(hostile_tunnels)
{
	uint8_t f[600] = {0};
	struct np_frame fr;
	size_t n;

	/* An MPLS stack of 9 entries, none the bottom */
	f[12] = 0x88, f[13] = 0x47;
	n = inner_echo(f, 14 + 9 * 4);
	ck_assert_int_eq(np_link_decode(NP_LINK_ETHERNET, f, n, n, &fr),
			 NP_LINK_BAD_TUNNEL);
	ck_assert_str_eq(fr.why, "MPLS label stack deeper than 8");
	/* 8 entries, the last the bottom: decoded */
	f[14 + 7 * 4 + 2] = 0x01;
	memmove(f + 14 + 8 * 4, f + 14 + 9 * 4, 84);
	ck_assert_int_eq(np_link_decode(NP_LINK_ETHERNET, f, n - 4, n - 4, &fr),
			 NP_LINK_IP);
	ck_assert_int_eq(fr.tun[0].kind, NP_TUN_MPLS);
	/* 6 IPIP layers: 4 opened, the rest left and counted as skipped */
	memset(f, 0, sizeof(f));
	n = inner_echo(f, 6 * 20);
	for (int i = 5; i >= 0; i--)
		outer4(f + i * 20, 4, n - (size_t)(i + 1) * 20);
	ck_assert_int_eq(np_link_decode(NP_LINK_RAW, f, n, n, &fr), NP_LINK_IP);
	ck_assert_uint_eq(fr.ntun, NP_LINK_MAX_TUNNELS);
	ck_assert_int_eq(fr.skipped, NP_TUN_IPIP);
	ck_assert_ptr_eq(fr.ip, f + 4 * 20);
	/* An outer fragment is not opened */
	memset(f, 0, sizeof(f));
	n = inner_echo(f, 20);
	outer4(f, 4, n - 20);
	f[6] = 0x20; /* more fragments (checksum left wrong: not read) */
	ck_assert_int_eq(np_link_decode(NP_LINK_RAW, f, n, n, &fr), NP_LINK_IP);
	ck_assert_uint_eq(fr.ntun, 0);
	/* GRE version 1 (PPTP): left, named */
	memset(f, 0, sizeof(f));
	f[20] = 0x20, f[21] = 0x01, f[22] = 0x88, f[23] = 0x0b;
	n = outer4(f, 47, 16);
	ck_assert_int_eq(np_link_decode(NP_LINK_RAW, f, n, n, &fr), NP_LINK_IP);
	ck_assert_int_eq(fr.skipped, NP_TUN_GRE);
	ck_assert_uint_eq(fr.skipped_proto, 0x880b);
}
END_TEST

START_TEST(ppp_and_hdlc)
{
	uint8_t f[200] = {0};
	struct np_frame fr;
	size_t n;

	/* PPP, protocol compressed to one byte (0x21) */
	f[0] = 0x21;
	n = inner_echo(f, 1);
	ck_assert_int_eq(np_link_decode(NP_LINK_PPP, f, n, n, &fr), NP_LINK_IP);
	ck_assert_ptr_eq(fr.ip, f + 1);
	/* with ff 03 and two bytes */
	f[0] = 0xff, f[1] = 0x03, f[2] = 0x00, f[3] = 0x21;
	n = inner_echo(f, 4);
	ck_assert_int_eq(np_link_decode(NP_LINK_PPP_HDLC, f, n, n, &fr),
			 NP_LINK_IP);
	ck_assert_ptr_eq(fr.ip, f + 4);
	ck_assert_int_eq(np_link_decode(NP_LINK_PPP, f, 3, 3, &fr),
			 NP_LINK_SHORT);
	f[3] = 0x23; /* not IP */
	ck_assert_int_eq(np_link_decode(NP_LINK_PPP, f, n, n, &fr),
			 NP_LINK_NOT_IP);
	/* Cisco HDLC */
	f[0] = 0x0f, f[1] = 0, f[2] = 0x86, f[3] = 0xdd;
	ck_assert_int_eq(np_link_decode(NP_LINK_C_HDLC, f, n, n, &fr),
			 NP_LINK_IP);
	ck_assert_int_eq(fr.family, AF_INET6);
	ck_assert_int_eq(np_link_decode(NP_LINK_C_HDLC, f, 3, 3, &fr),
			 NP_LINK_SHORT);
}
END_TEST

/* SLL2 around an IPv4 echo: interface `ifx`, packet type `pt`. */
static size_t sll2_echo(uint8_t *f, uint8_t type, uint16_t seq, uint32_t ifx,
			uint8_t pt, const char *src, const char *dst)
{
	memset(f, 0, 20);
	f[0] = 0x08;
	f[7] = (uint8_t)ifx;
	f[10] = pt;
	return 20 + echo4(f + 20, type, seq, src, dst);
}

START_TEST(router_copies)
{
	char out[8192] = "";
	FILE *fo = fmemopen(out, sizeof(out) - 1, "w");
	struct np_inspect_opts o = {.out = fo, .family = AF_UNSPEC};
	struct np_inspect *in = np_inspect_new(&o);
	struct np_inspect_totals t;
	uint8_t f[200];
	int64_t ts = INT64_C(1795000000000000000);
	const char *c = "198.51.100.1", *s = "198.51.100.130";
	size_t n;

	ck_assert_ptr_nonnull(in);
	for (uint16_t seq = 1; seq <= 2; seq++, ts += 1000000000) {
		/* in on 2, out on 3; the reply in on 3, out on 2 */
		n = sll2_echo(f, NP_ICMP_ECHO, seq, 2, 0, c, s);
		np_inspect_frame(in, NP_LINK_LINUX_SLL2, ts, f, n, n);
		n = sll2_echo(f, NP_ICMP_ECHO, seq, 3, 4, c, s);
		np_inspect_frame(in, NP_LINK_LINUX_SLL2, ts + 10000, f, n, n);
		n = sll2_echo(f, NP_ICMP_ECHOREPLY, seq, 3, 0, s, c);
		np_inspect_frame(in, NP_LINK_LINUX_SLL2, ts + 50000, f, n, n);
		n = sll2_echo(f, NP_ICMP_ECHOREPLY, seq, 2, 4, s, c);
		np_inspect_frame(in, NP_LINK_LINUX_SLL2, ts + 60000, f, n, n);
	}
	/* seq 2 answered twice by the server: one duplicate, its copy
	 * not another */
	n = sll2_echo(f, NP_ICMP_ECHOREPLY, 2, 3, 0, s, c);
	np_inspect_frame(in, NP_LINK_LINUX_SLL2, ts, f, n, n);
	n = sll2_echo(f, NP_ICMP_ECHOREPLY, 2, 2, 4, s, c);
	np_inspect_frame(in, NP_LINK_LINUX_SLL2, ts + 10000, f, n, n);
	np_inspect_finish(in);
	np_inspect_totals(in, &t);
	np_inspect_free(in);
	fclose(fo);
	ck_assert_uint_eq(t.frames, 10);
	ck_assert_uint_eq(t.requests, 2);
	ck_assert_uint_eq(t.replies, 3);
	ck_assert_uint_eq(t.duplicates, 1);
	ck_assert_uint_eq(t.copies, 5);
	/* timed on the same interface: 40 us on 3, 60 us on 2 */
	ck_assert_ptr_nonnull(strstr(
		out, "ifindex 3 in 198.51.100.130 > 198.51.100.1: echo reply, "
		     "id 4660, seq 1, 64 bytes, ttl 64, time=0.040 ms\n"));
	ck_assert_ptr_nonnull(strstr(
		out,
		"ifindex 2 out 198.51.100.130 > 198.51.100.1: echo reply, "
		"id 4660, seq 1, 64 bytes, ttl 64, time=0.060 ms (copy)\n"));
	ck_assert_ptr_nonnull(
		strstr(out, "seen at ifindex 2 in, ifindex 3 out, ifindex 3 "
			    "in, ifindex 2 out\n2 requests, 2 replies, 0 "
			    "unanswered, +1 duplicates, 0% loss\n"));
}
END_TEST

START_TEST(stamp_range)
{
	ck_assert_int_eq(np_inspect_ts(1, 5), INT64_C(1000000005));
	ck_assert_int_eq(np_inspect_ts(-3, 5), 5);
	ck_assert_int_eq(np_inspect_ts(INT64_MAX, 0),
			 INT64_C(9000000000) * 1000000000);
	ck_assert_int_eq(np_inspect_ts(1, 2000000000), INT64_C(1000000000));
}
END_TEST

#ifdef HAVE_PCAP
/* An IPv4 TCP segment (20-byte header) with those ports, numbers and
 * flags; the checksums are not the capture's business. */
static size_t seg4(uint8_t *buf, uint16_t sport, uint16_t dport, uint32_t seq,
		   uint32_t ack, uint8_t flags)
{
	size_t h = pk_ipv4(buf, 20, 40, IPPROTO_TCP, 64, "198.51.100.1",
			   "198.51.100.2", NULL, 0);
	uint8_t *t = buf + h;

	memset(t, 0, 20);
	t[0] = (uint8_t)(sport >> 8), t[1] = (uint8_t)sport;
	t[2] = (uint8_t)(dport >> 8), t[3] = (uint8_t)dport;
	for (int i = 0; i < 4; i++) {
		t[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
		t[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
	}
	t[12] = 5 << 4;
	t[13] = flags;
	return h + 20;
}

/* --save of a --tcp run: a SYN/ACK sets the wire time only when it
 * acknowledges the whole ISN of our SYN, from the target's port; an IPv4
 * header length below 20 is not ours (the reads stay in the packet). */
START_TEST(tcp_wire_pairing)
{
	struct np_capture *c = calloc(1, sizeof(*c));
	uint8_t p[64];
	size_t n;
	const uint32_t isn = 0x0005abcdu;

	ck_assert_ptr_nonnull(c);
	c->tcp = true;
	c->ident = 40000;
	c->port = 443;
	n = seg4(p, 40000, 443, isn, 0, 0x02);
	ck_assert(np_capture_tcp_frame(c, 1000, p, n));
	ck_assert(c->wire[5].have_req);
	ck_assert_int_eq(c->wire[5].req_ns, 1000);
	/* right sequence bits, wrong low ISN bits: not the probe's answer */
	n = seg4(p, 443, 40000, 1, 0x00050001u, 0x12);
	ck_assert(np_capture_tcp_frame(c, 1500, p, n));
	ck_assert(!c->wire[5].have_rep);
	/* the right ack from another port */
	n = seg4(p, 444, 40000, 1, isn + 1, 0x12);
	np_capture_tcp_frame(c, 1600, p, n);
	ck_assert(!c->wire[5].have_rep);
	/* a header length of 16 bytes: not read as TCP at all */
	n = seg4(p, 443, 40000, 1, isn + 1, 0x12);
	p[0] = 0x44;
	ck_assert(!np_capture_tcp_frame(c, 1700, p, n));
	ck_assert(!c->wire[5].have_rep);
	/* cut inside the TCP header */
	p[0] = 0x45;
	ck_assert(!np_capture_tcp_frame(c, 1800, p, 20 + 12));
	ck_assert(!c->wire[5].have_rep);
	/* the SYN/ACK itself, then a later RST/ACK does not move it */
	ck_assert(np_capture_tcp_frame(c, 2000, p, n));
	ck_assert(c->wire[5].have_rep);
	ck_assert_int_eq(c->wire[5].rep_ns, 2000);
	n = seg4(p, 443, 40000, 0, isn + 1, 0x14);
	np_capture_tcp_frame(c, 3000, p, n);
	ck_assert_int_eq(c->wire[5].rep_ns, 2000);
	free(c);
}
END_TEST
#endif

Suite *capture_suite(void)
{
	Suite *s = suite_create("capture");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, ethernet_vlan_qinq);
	tcase_add_test(tc, cooked_and_loopback);
	tcase_add_test(tc, whole_packets);
	tcase_add_test(tc, pairing);
	tcase_add_test(tc, stamp_range);
	tcase_add_test(tc, tunnels);
	tcase_add_test(tc, hostile_tunnels);
	tcase_add_test(tc, ppp_and_hdlc);
	tcase_add_test(tc, router_copies);
#ifdef HAVE_PCAP
	tcase_add_test(tc, tcp_wire_pairing);
#endif
	suite_add_tcase(s, tc);
	return s;
}
