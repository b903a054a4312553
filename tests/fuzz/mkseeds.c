/* mkseeds.c - writes the seed corpora of the fuzz harnesses:
 *   mkseeds DIR   creates DIR/fuzz_reply, DIR/fuzz_options, DIR/fuzz_targets
 * The reply seeds are crafted with the unit tests' packet helpers
 * (tests/unit/packets.c) and answer the probes of fuzz_fixture.h.  The
 * corpora in tests/fuzz/corpus were made with it; run.sh does not need it. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <linux/errqueue.h>

#include "fuzz_fixture.h"
#include "icmp.h"
#include "proto_icmp.h"
#include "proto_udp.h"
#include "packets.h"

static const char *top;

static void put(const char *harness, const char *name, const void *buf,
		size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, harness);
	if (mkdir(path, 0777) != 0 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", top, harness, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static struct np_payload_spec spec(void)
{
	struct np_payload_spec s;

	memset(&s, 0, sizeof(s));
	s.key.k0 = FX_COOKIE;
	s.size = FX_SIZE;
	return s;
}

/* Probe `no` as sent: an Echo Request. */
static size_t request(uint8_t *buf, int family, uint64_t no)
{
	struct np_payload_spec s = spec();

	return np_icmp_build_echo(buf, 512, family, FX_IDENT, (uint16_t)no, &s,
				  FX_STAMP0 + no);
}

/* The target's Echo Reply to probe `no`, ICMP only (IPv4 checksum). */
static size_t echo_reply4(uint8_t *buf, uint64_t no)
{
	size_t len = request(buf, AF_INET, no);

	buf[0] = NP_ICMP_ECHOREPLY;
	pk_icmp_fix(buf, len);
	return len;
}

/* IPv4 header (with options) + ICMP message from `src`. */
static size_t ip4(uint8_t *buf, const char *src, const uint8_t *opts,
		  size_t optlen, const uint8_t *icmp, size_t icmplen)
{
	size_t hlen = 20 + optlen;

	memmove(buf + hlen, icmp, icmplen);
	pk_ipv4(buf, hlen, (uint16_t)(hlen + icmplen), IPPROTO_ICMP, 57, src,
		FX_US4, opts, optlen);
	return hlen + icmplen;
}

/* An ICMPv4 error from the router quoting probe `no` (IP header, with
 * `qopts`, and the first `qlen` bytes of the request, 0 for all). */
static size_t error4(uint8_t *buf, uint8_t type, uint8_t code, uint16_t w1,
		     uint16_t w2, uint64_t no, const uint8_t *qopts,
		     size_t qoptlen, size_t qlen)
{
	uint8_t q[600], icmp[700];
	size_t qhlen = 20 + qoptlen, len = request(q + qhlen, AF_INET, no);
	size_t n;

	pk_ipv4(q, qhlen, (uint16_t)(qhlen + len), IPPROTO_ICMP, 1, FX_US4,
		FX_TGT4, qopts, qoptlen);
	if (qlen != 0 && qlen < len)
		len = qlen;
	n = pk_icmp(icmp, type, code, w1, w2, q, qhlen + len);
	return ip4(buf, FX_RTR4, NULL, 0, icmp, n);
}

static size_t echo_reply6(uint8_t *buf, uint64_t no)
{
	size_t len = request(buf, AF_INET6, no);

	buf[0] = NP_ICMP6_ECHO_REPLY;
	pk_icmp6_fix(buf, len, FX_TGT6, FX_US6);
	return len;
}

/* An ICMPv6 error quoting probe `no`, with extension headers `ext` (whose
 * first next-header value is `nh`) between the IPv6 header and the
 * request. */
static size_t error6(uint8_t *buf, uint8_t type, uint8_t code, uint32_t word,
		     uint64_t no, uint8_t nh, const uint8_t *ext, size_t extlen)
{
	size_t len;

	buf[0] = type;
	buf[1] = code;
	buf[2] = buf[3] = 0;
	buf[4] = (uint8_t)(word >> 24);
	buf[5] = (uint8_t)(word >> 16);
	buf[6] = (uint8_t)(word >> 8);
	buf[7] = (uint8_t)word;
	len = request(buf + 8 + 40 + extlen, AF_INET6, no);
	pk_ipv6(buf + 8, (uint16_t)(extlen + len), nh, FX_US6, FX_TGT6);
	if (extlen != 0)
		memcpy(buf + 48, ext, extlen);
	pk_icmp6_fix(buf, 48 + extlen + len, FX_TGT6, FX_US6);
	return 48 + extlen + len;
}

static size_t errqueue(uint8_t *buf, int family, uint8_t origin, uint8_t type,
		       uint8_t code, uint32_t eno, uint32_t info, uint64_t no)
{
	struct sock_extended_err ee;

	memset(&ee, 0, sizeof(ee));
	ee.ee_errno = eno;
	ee.ee_origin = origin;
	ee.ee_type = type;
	ee.ee_code = code;
	ee.ee_info = info;
	buf[0] = family == AF_INET6 ? 1 : 0;
	memcpy(buf + 1, &ee, sizeof(ee));
	return FX_EQ_HDR + request(buf + FX_EQ_HDR, family, no);
}

/* UDP probe `no` as sent (header and payload, the fixture's flow: our
 * identifier as the source port, 33434 the destination). */
static size_t udp_probe(uint8_t *buf, int family, uint64_t no)
{
	struct np_payload_spec s = spec();
	struct sockaddr_storage src = pk_addr(family == AF_INET6 ? FX_US6
								 : FX_US4),
				dst = pk_addr(family == AF_INET6 ? FX_TGT6
								 : FX_TGT4);
	struct np_flow fl = {family, (struct sockaddr *)&src,
			     (struct sockaddr *)&dst, FX_IDENT,
			     NP_UDP_DEFAULT_PORT};
	struct np_probe_ident id = {FX_IDENT, (uint16_t)no, FX_STAMP0 + no};
	uint32_t prep = np_proto_udp.prepare(buf, 512, &s);

	return np_proto_udp.build(buf, 512, &fl, &id, &s, prep);
}

/* UDP seeds: the target's port unreachable quoting a probe (whole, and
 * RFC 792's 8 bytes), IPv4 and IPv6; a probe's payload alone (what the
 * error queue hands back, and what an echo server returns). */
static void udp_seeds(void)
{
	uint8_t buf[1024], q[600], icmp[700];
	size_t len, n;

	for (int minimal = 0; minimal < 2; minimal++) {
		len = udp_probe(q + 20, AF_INET, FX_FIRST);
		pk_ipv4(q, 20, (uint16_t)(20 + len), IPPROTO_UDP, 1, FX_US4,
			FX_TGT4, NULL, 0);
		n = pk_icmp(icmp, 3, 3, 0, 0, q, 20 + (minimal ? 8 : len));
		n = ip4(buf, FX_TGT4, NULL, 0, icmp, n);
		put("fuzz_reply",
		    minimal ? "udp-v4-port-unreach-8" : "udp-v4-port-unreach",
		    buf, n);
	}
	buf[0] = NP_ICMP6_DST_UNREACH;
	buf[1] = 4;
	memset(buf + 2, 0, 6);
	len = udp_probe(buf + 48, AF_INET6, FX_FIRST + 4);
	pk_ipv6(buf + 8, (uint16_t)len, IPPROTO_UDP, FX_US6, FX_TGT6);
	pk_icmp6_fix(buf, 48 + len, FX_TGT6, FX_US6);
	put("fuzz_reply", "udp-v6-port-unreach", buf, 48 + len);
	len = udp_probe(buf, AF_INET, FX_FIRST + 5);
	put("fuzz_reply", "udp-payload", buf + NP_UDP_HDR_LEN,
	    len - NP_UDP_HDR_LEN);
}

static void reply_seeds(void)
{
	/* NOP, record route (2 slots, 1 used), end of list, padding */
	static const uint8_t rr[16] = {1,   7, 11, 8, 198, 51, 100,
				       254, 0, 0,  0, 0,   0};
	static const uint8_t ts[] = {68, 12, 5, 0x01, 0, 0,
				     0,	 0,  0, 0,    0, 0};   /* timestamp */
	static const uint8_t qrr[] = {7, 7, 4, 0, 0, 0, 0, 0}; /* RR, EOL */
	static const uint8_t hbh_frag[] = {
		44, 0, 1, 4, 0,	   0,	 0,    0,    /* hop-by-hop, PadN */
		58, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, /* fragment, first */
	};
	uint8_t buf[2048], icmp[1024];
	size_t n;

	/* Echo replies to the pending probe, from the target */
	n = echo_reply4(icmp, FX_FIRST);
	put("fuzz_reply", "v4-echo-reply", buf,
	    ip4(buf, FX_TGT4, NULL, 0, icmp, n));
	put("fuzz_reply", "v4-dgram-echo-reply", icmp, n);
	put("fuzz_reply", "v4-echo-reply-rr", buf,
	    ip4(buf, FX_TGT4, rr, sizeof(rr), icmp, n));
	put("fuzz_reply", "v4-echo-reply-ts", buf,
	    ip4(buf, FX_TGT4, ts, sizeof(ts), icmp, n));
	/* to the probe already answered (a duplicate), the one that timed
	 * out (late), the errored one, after the wrap */
	n = echo_reply4(icmp, FX_FIRST + 1);
	put("fuzz_reply", "v4-echo-reply-dup", buf,
	    ip4(buf, FX_TGT4, NULL, 0, icmp, n));
	n = echo_reply4(icmp, FX_FIRST + 2);
	put("fuzz_reply", "v4-echo-reply-errored", buf,
	    ip4(buf, FX_TGT4, NULL, 0, icmp, n));
	n = echo_reply4(icmp, FX_FIRST + 3);
	put("fuzz_reply", "v4-echo-reply-late", buf,
	    ip4(buf, FX_TGT4, NULL, 0, icmp, n));
	n = echo_reply4(icmp, FX_FIRST + 4);
	put("fuzz_reply", "v4-echo-reply-wrapped", buf,
	    ip4(buf, FX_TGT4, NULL, 0, icmp, n));
	n = echo_reply4(icmp, FX_FIRST + 5); /* many targets: slot 0 */
	put("fuzz_reply", "v4-echo-reply-slot0", buf,
	    ip4(buf, FX_TGT4, NULL, 0, icmp, n));
	/* altered fill byte; bad checksum */
	n = echo_reply4(icmp, FX_FIRST + 5);
	icmp[40] ^= 0xff;
	pk_icmp_fix(icmp, n);
	put("fuzz_reply", "v4-echo-reply-baddata", buf,
	    ip4(buf, FX_TGT4, NULL, 0, icmp, n));
	icmp[41] ^= 0x01;
	put("fuzz_reply", "v4-echo-reply-badsum", buf,
	    ip4(buf, FX_TGT4, NULL, 0, icmp, n));
	/* truncated: IP header and 10 bytes of ICMP */
	n = echo_reply4(icmp, FX_FIRST);
	ip4(buf, FX_TGT4, NULL, 0, icmp, n);
	put("fuzz_reply", "v4-truncated", buf, 30);

	/* ICMPv4 errors quoting our probes */
	put("fuzz_reply", "v4-unreach-host", buf,
	    error4(buf, NP_ICMP_DEST_UNREACH, 1, 0, 0, FX_FIRST + 5, NULL, 0,
		   0));
	put("fuzz_reply", "v4-frag-needed-short-quote", buf,
	    error4(buf, NP_ICMP_DEST_UNREACH, 4, 0, 1400, FX_FIRST + 4, NULL, 0,
		   8));
	put("fuzz_reply", "v4-time-exceeded-quote-rr", buf,
	    error4(buf, NP_ICMP_TIME_EXCEEDED, 0, 0, 0, FX_FIRST + 5, qrr,
		   sizeof(qrr), 0));
	put("fuzz_reply", "v4-paramprob", buf,
	    error4(buf, NP_ICMP_PARAMPROB, 0, 0x1400, 0, FX_FIRST, NULL, 0, 0));
	put("fuzz_reply", "v4-source-quench", buf,
	    error4(buf, NP_ICMP_SOURCE_QUENCH, 0, 0, 0, FX_FIRST, NULL, 0, 0));
	/* redirect: the gateway is the first word after type/code */
	put("fuzz_reply", "v4-redirect", buf,
	    error4(buf, NP_ICMP_REDIRECT, 1, 0xc633, 0x64fe, FX_FIRST, NULL, 0,
		   0));

	/* ICMPv6 (its checksum with fuzz_reply's fixed addresses) */
	put("fuzz_reply", "v6-echo-reply", buf, echo_reply6(buf, FX_FIRST));
	put("fuzz_reply", "v6-echo-reply-dup", buf,
	    echo_reply6(buf, FX_FIRST + 1));
	put("fuzz_reply", "v6-echo-reply-late", buf,
	    echo_reply6(buf, FX_FIRST + 3));
	put("fuzz_reply", "v6-unreach-addr", buf,
	    error6(buf, NP_ICMP6_DST_UNREACH, 3, 0, FX_FIRST, 58, NULL, 0));
	put("fuzz_reply", "v6-unreach-exthdrs", buf,
	    error6(buf, NP_ICMP6_DST_UNREACH, 1, 0, FX_FIRST + 4, 0, hbh_frag,
		   sizeof(hbh_frag)));
	put("fuzz_reply", "v6-packet-too-big", buf,
	    error6(buf, NP_ICMP6_PACKET_TOO_BIG, 0, 1280, FX_FIRST + 5, 58,
		   NULL, 0));
	put("fuzz_reply", "v6-time-exceeded", buf,
	    error6(buf, NP_ICMP6_TIME_EXCEEDED, 0, 0, FX_FIRST, 58, NULL, 0));
	/* redirect (RFC 4861 4.5): reserved, target, destination, then the
	 * Redirected Header option quoting our request */
	{
		uint8_t q[40 + 8 + FX_SIZE];
		size_t qn = request(q + 40, AF_INET6, FX_FIRST);
		size_t olen = (8 + 40 + qn + 7) / 8 * 8;
		struct in6_addr a;

		pk_ipv6(q, (uint16_t)qn, 58, FX_US6, FX_TGT6);
		memset(buf, 0, sizeof(buf));
		buf[0] = NP_ICMP6_REDIRECT;
		a = pk_in6(FX_RTR6);
		memcpy(buf + 8, &a, 16);
		a = pk_in6(FX_TGT6);
		memcpy(buf + 24, &a, 16);
		buf[40] = 1; /* a source link-layer address option first */
		buf[41] = 1;
		buf[48] = 4;
		buf[49] = (uint8_t)(olen / 8);
		memcpy(buf + 48 + 8, q, 40 + qn);
		pk_icmp6_fix(buf, 48 + olen, FX_TGT6, FX_US6);
		put("fuzz_reply", "v6-redirect", buf, 48 + olen);
	}

	/* error queue messages: our own request back, and the error */
	put("fuzz_reply", "eq-v4-icmp-unreach", buf,
	    errqueue(buf, AF_INET, SO_EE_ORIGIN_ICMP, 3, 1, EHOSTUNREACH, 0,
		     FX_FIRST));
	put("fuzz_reply", "eq-v4-local-emsgsize", buf,
	    errqueue(buf, AF_INET, SO_EE_ORIGIN_LOCAL, 0, 0, EMSGSIZE, 1400,
		     FX_FIRST + 4));
	put("fuzz_reply", "eq-v6-icmp6-toobig", buf,
	    errqueue(buf, AF_INET6, SO_EE_ORIGIN_ICMP6, 2, 0, EMSGSIZE, 1280,
		     FX_FIRST + 5));
	udp_seeds();
}

static void option_seeds(void)
{
	/* byte 0: odd runs as check_netprobe; then NUL-separated args */
	static const struct {
		const char *name;
		const char *args;
		size_t len;
	} s[] = {
#define SEED(n, a) {n, a, sizeof(a) - 1}
		SEED("ping", "\0-c\0003\0-i\0000.2\0host"),
		SEED("ping-long", "\0--count=5\0--interval\0001e-1\0-W\0002\0-w"
				  "\00010\0-s\0001400\0-t\00064\0-Q\0000x10\0-M"
				  "\0do\0-I\0eth0\0-p\0ff00\0-nqDOv\0h"),
		SEED("multi", "\0-C\0003\0-r\0002\0-x\0001\0-a\0--gap\0000.001"
			      "\0--multi\0-J\0--percentiles\0--metrics\0-\0-g"
			      "\000198.51.100.0/24"),
		SEED("file", "\0--file\0-\0-u\0-6\0-4"),
		SEED("bad", "\0-c\0000\0--nope\0-Z"),
		SEED("help", "\0--help"),
		SEED("plugin", "\x01-H\0host1\0-w\000200,40%\0-c\000500ms,80%"
			       "\0-n\0005\0-i\00080ms\0-I\0001ms\0-m\0001\0-l"
			       "\00064\0-t\00010\0-b\00068\0-s\0lo\0host2"),
		SEED("plugin-flag",
		     "\0--plugin\0-H\0h\0-w\0001.5s,80\0-c\000500"
		     "us,10%\0--metrics\0m.prom\0-4\0-v"),
		SEED("threshold", "\x01-w\000200\0-c\000.5s,100%\0-V"),
		SEED("pmtu", "\0-M\0dont\0-Mprobe\0-Mwant\0-s\00065520\0-6\0h"),
#undef SEED
	};

	char many[1 + 1030 * 2];

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		put("fuzz_options", s[i].name, s[i].args, s[i].len);
	/* more hosts than the plugin mode takes (1024) */
	many[0] = 1;
	for (size_t i = 0; i < 1030; i++) {
		many[1 + 2 * i] = 'h';
		many[2 + 2 * i] = '\0';
	}
	put("fuzz_options", "plugin-hosts", many, sizeof(many));
}

static void target_seeds(void)
{
	static const struct {
		const char *name, *text;
	} s[] = {
		{"list", "198.51.100.0/24\n198.51.100.1-198.51.100.9\n# c\n"},
		{"hosts", "198.51.100.7\n  198.51.100.7  # again\n\n"
			  "198.51.100.0/30\n198.51.100.2\n"},
		{"v6", "2001:db8::/120\n2001:db8::1-2001:db8::ff\n"
		       "2001:db8::7\nfe80::1%lo\n::ffff:198.51.100.1\n"},
		{"overlap",
		 "198.18.0.0/28\n198.18.0.8-198.18.0.20\n198.18.0.0/31\n"
		 "198.18.0.30/32\n198.18.0.4\n"},
		{"names", "localhost\nweb-1\nexample.invalid\n"},
		{"bad", "198.51.100.0/33\n"},
		{"big", "2001:db8::/103\n"},
		{"reversed", "198.18.0.9-198.18.0.1\n"},
		{"mixed", "198.18.0.1-2001:db8::1\n"},
		{"spaces", "198.18.0.1 198.18.0.2\n"},
	};

	char line[4200];

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		put("fuzz_targets", s[i].name, s[i].text, strlen(s[i].text));
	/* a line longer than np_tplan_read takes (4095 bytes) */
	memset(line, ' ', sizeof(line));
	memcpy(line, "198.18.0.1", 10);
	line[sizeof(line) - 1] = '\n';
	put("fuzz_targets", "long-line", line, sizeof(line));
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 2;
	}
	top = argv[1];
	if (mkdir(top, 0777) != 0 && errno != EEXIST) {
		perror(top);
		return 1;
	}
	reply_seeds();
	option_seeds();
	target_seeds();
	return 0;
}
