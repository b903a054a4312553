/* check_proto.c - the protocol seam: SipHash-2-4 on the paper's vectors,
 * the ICMP Echo protocol's build/parse/quote key, and the socket layer's
 * transmit-stamp decision. */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "icmp.h"
#include "proto_icmp.h"
#include "reply.h"
#include "siphash.h"
#include "sockets.h"
#include "packets.h"
#include "suites.h"

/* The SipHash paper's key 00 01 .. 0f and messages 00 01 .. (len-1):
 * appendix A's 15-byte example and the reference implementation's
 * vectors for lengths 0, 1 and 8 (the empty, partial and whole-word
 * final blocks). */
START_TEST(siphash_paper_vectors)
{
	uint8_t key[16], msg[64];
	struct np_siphash_key k;

	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	np_siphash_key_set(&k, key);
	ck_assert_uint_eq(np_siphash24(&k, msg, 15),
			  UINT64_C(0xa129ca6149be45e5));
	ck_assert_uint_eq(np_siphash24(&k, msg, 0),
			  UINT64_C(0x726fdb47dd0e0e31));
	ck_assert_uint_eq(np_siphash24(&k, msg, 1),
			  UINT64_C(0x74f839c593dc67fd));
	ck_assert_uint_eq(np_siphash24(&k, msg, 8),
			  UINT64_C(0x93f5f5799a932462));
}
END_TEST

START_TEST(siphash_key_matters)
{
	uint8_t key[16] = {0}, msg[16] = {0};
	struct np_siphash_key a, b;

	np_siphash_key_set(&a, key);
	key[15] = 1;
	np_siphash_key_set(&b, key);
	ck_assert_uint_ne(np_siphash24(&a, msg, sizeof(msg)),
			  np_siphash24(&b, msg, sizeof(msg)));
}
END_TEST

/* An EINVAL from sendmsg is the probe's send error: it no longer turns
 * transmit stamps off for the rest of the run (that decision is taken at
 * setup, np_socket_tx_id_supported).  A destination length sendmsg
 * refuses (EINVAL) on an unbound UDP socket: nothing is sent. */
START_TEST(send_einval_keeps_tx_stamps)
{
	struct np_socket s;
	struct sockaddr_in dst;
	const char byte = 0;
	ssize_t n;

	memset(&s, 0, sizeof(s));
	s.family = AF_INET;
	s.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(s.fd, 0);
	s.ts_rx = s.ts_tx = true;
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	dst.sin_port = htons(9);
	n = np_socket_send(&s, &byte, 1, (const struct sockaddr *)&dst, 3, 7);
	ck_assert_int_lt(n, 0);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert(s.ts_tx);
	close(s.fd);
}
END_TEST

/* The setup probe finds SCM_TS_OPT_ID wherever the kernel has it (Linux
 * 6.13 and later), so transmit stamps are not lost by the decision. */
START_TEST(tx_id_probe_finds_the_feature)
{
	struct utsname u;
	int major = 0, minor = 0;

	ck_assert_int_eq(uname(&u), 0);
	if (sscanf(u.release, "%d.%d", &major, &minor) != 2 ||
	    major * 1000 + minor < 6013)
		return; /* an older kernel: nothing to find */
	ck_assert(np_socket_tx_id_supported());
}
END_TEST

/* An ICMP Time Exceeded from 198.51.100.254 quoting `qlen` bytes of an
 * Echo Request (id 0x1234, seq 5, 56 payload bytes) after its IP header;
 * parsed as a raw IPv4 socket does. */
static enum np_rx_kind quoted(size_t qlen, struct np_reply *r, uint8_t buf[256])
{
	struct np_payload_spec spec;
	uint8_t q[128];
	size_t req, icmp;
	struct np_rx rx;

	memset(&spec, 0, sizeof(spec));
	spec.size = 56;
	req = np_icmp_build_echo(q + 20, sizeof(q) - 20, AF_INET, 0x1234, 5,
				 &spec, 77);
	pk_ipv4(q, 20, (uint16_t)(20 + req), IPPROTO_ICMP, 1, "198.51.100.1",
		"198.51.100.7", NULL, 0);
	icmp = pk_icmp(buf + 20, NP_ICMP_TIME_EXCEEDED, 0, 0, 0, q, 20 + qlen);
	pk_ipv4(buf, 20, (uint16_t)(20 + icmp), IPPROTO_ICMP, 64,
		"198.51.100.254", "198.51.100.1", NULL, 0);
	memset(&rx, 0, sizeof(rx));
	rx.family = AF_INET;
	rx.has_ip_header = true;
	rx.buf = buf;
	rx.len = 20 + icmp;
	rx.ttl = -1;
	rx.proto = &np_proto_icmp;
	return np_reply_parse(&rx, r);
}

/* What an Echo quote proves: RFC 792's minimum (IP header + 8 bytes) the
 * key only; a fuller quote the MAC bytes too; less than the Echo header
 * nothing (malformed, never ours). */
START_TEST(icmp_quote_proof)
{
	struct np_reply r;
	uint8_t buf[256];

	ck_assert_int_eq(quoted(8, &r, buf), NP_RX_ERROR);
	ck_assert_ptr_eq(r.proto, &np_proto_icmp);
	ck_assert_uint_eq(r.key.flow, 0x1234);
	ck_assert_uint_eq(r.key.seq, 5);
	ck_assert_int_eq(r.key.proof, NP_PROOF_KEY);
	ck_assert_uint_eq(r.key.auth_len, 0);
	ck_assert_int_eq(quoted(8 + 56, &r, buf), NP_RX_ERROR);
	ck_assert_int_eq(r.key.proof, NP_PROOF_AUTH);
	ck_assert_uint_eq(r.key.auth_len, 56);
	ck_assert_int_eq(quoted(4, &r, buf), NP_RX_MALFORMED);
	ck_assert_int_eq(r.key.proof, NP_PROOF_NONE);
	ck_assert_int_eq(r.why, NP_MAL_QUOTE_NO_ICMP);
	ck_assert_int_eq(quoted(0, &r, buf), NP_RX_MALFORMED);
	ck_assert_int_eq(r.key.proof, NP_PROOF_NONE);
}
END_TEST

/* classify: the Echo protocol's reading of replies and errors. */
START_TEST(icmp_classify)
{
	struct np_reply r;

	memset(&r, 0, sizeof(r));
	r.kind = NP_RX_ECHO_REPLY;
	ck_assert_int_eq(np_proto_icmp.classify(AF_INET, &r), NP_CLASS_REPLY);
	r.kind = NP_RX_ERROR;
	r.type = NP_ICMP_TIME_EXCEEDED;
	ck_assert_int_eq(np_proto_icmp.classify(AF_INET, &r), NP_CLASS_HOP);
	r.type = NP_ICMP_REDIRECT;
	ck_assert_int_eq(np_proto_icmp.classify(AF_INET, &r), NP_CLASS_NOTICE);
	r.type = NP_ICMP6_DST_UNREACH;
	ck_assert_int_eq(np_proto_icmp.classify(AF_INET6, &r), NP_CLASS_ERROR);
	ck_assert_str_eq(np_proto_icmp.capture_filter(AF_INET6), "icmp6");
	ck_assert_ptr_eq(np_proto_find("icmp"), &np_proto_icmp);
	ck_assert_ptr_null(np_proto_find("sctp")); /* udp: check_udp.c */
}
END_TEST

/* A protocol not carried in ICMP, as a UDP probe would be: datagram
 * socket only, its own replies parsed from the socket's datagrams.  Only
 * what the seam needs; nothing is sent. */
static int udp_sock_protocol(int family)
{
	(void)family;
	return IPPROTO_UDP;
}

static uint8_t udp_ip_proto(int family)
{
	(void)family;
	return IPPROTO_UDP;
}

static enum np_rx_kind udp_parse(struct np_rd r, int family, bool requests,
				 struct np_reply *out)
{
	uint16_t seq = 0;

	(void)family;
	(void)requests;
	if (!np_rd_be16(&r, &seq))
		return out->kind = NP_RX_IGNORED;
	out->key.seq = seq;
	out->key.proof = NP_PROOF_AUTH;
	out->key.auth = np_rd_ptr(&r);
	out->key.auth_len = np_rd_left(&r);
	return out->kind = NP_RX_ECHO_REPLY;
}

static const struct np_proto udp_like = {
	.name = "udp-like",
	.hdr_len = 8,
	.sock_protocol = udp_sock_protocol,
	.raw = false,
	.dgram = true,
	.ip_proto = udp_ip_proto,
	.parse = udp_parse,
};

START_TEST(seam_opens_a_datagram_only_protocol)
{
	struct np_socket s;
	struct np_err err;

	memset(&s, 0, sizeof(s));
	memset(&err, 0, sizeof(err));
	/* no privileges needed: no raw socket is tried */
	ck_assert_int_eq(
		np_socket_open_proto(&s, &udp_like, AF_INET, NULL, &err), 0);
	ck_assert_int_ge(s.fd, 0);
	ck_assert_int_eq(s.kind, NP_SOCK_DGRAM);
	ck_assert_ptr_eq(s.proto, &udp_like);
	close(s.fd);
}
END_TEST

START_TEST(seam_parses_the_protocols_own_datagram)
{
	const uint8_t dgram[] = {0x00, 0x07, 'm', 'a', 'c'};
	struct np_reply r;
	struct np_rx rx;

	memset(&rx, 0, sizeof(rx));
	rx.family = AF_INET;
	rx.buf = dgram;
	rx.len = sizeof(dgram);
	rx.ttl = 64;
	rx.proto = &udp_like;
	ck_assert_int_eq(np_reply_parse(&rx, &r), NP_RX_ECHO_REPLY);
	ck_assert_ptr_eq(r.proto, &udp_like);
	ck_assert_uint_eq(r.key.seq, 7);
	ck_assert_uint_eq(r.key.auth_len, 3);
	ck_assert_int_eq(r.ttl, 64);
}
END_TEST

Suite *proto_suite(void)
{
	Suite *s = suite_create("proto");
	TCase *tc = tcase_create("siphash");

	tcase_add_test(tc, siphash_paper_vectors);
	tcase_add_test(tc, siphash_key_matters);
	suite_add_tcase(s, tc);
	tc = tcase_create("icmp");
	tcase_add_test(tc, icmp_quote_proof);
	tcase_add_test(tc, icmp_classify);
	tcase_add_test(tc, seam_opens_a_datagram_only_protocol);
	tcase_add_test(tc, seam_parses_the_protocols_own_datagram);
	suite_add_tcase(s, tc);
	tc = tcase_create("sockets");
	tcase_add_test(tc, send_einval_keeps_tx_stamps);
	tcase_add_test(tc, tx_id_probe_finds_the_feature);
	suite_add_tcase(s, tc);
	return s;
}
