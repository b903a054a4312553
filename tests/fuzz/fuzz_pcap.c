/* fuzz_pcap.c - libFuzzer harness for the offline decoder (--read): the
 * first byte chooses how the rest is read.
 *
 *   bit 2 clear: the rest is a capture file, opened with libpcap from
 *                memory as --read opens a file, every packet decoded;
 *   bit 2 set:   byte 1 picks a link type, the rest is frames, each a
 *                2-byte length and its bytes (a length past the end: the
 *                frame is cut there, as by a snap length);
 *   bit 0:       JSON output; bit 1: -v.
 *
 * Invariants: every frame is counted exactly once (ICMP, ICMPv6, other,
 * truncated or bad tunnel), duplicates and unpaired replies are replies. */
#include "config.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "fuzz_check.h"
#include "inspect.h"
#include "linklayer.h"

static const int links[] = {
	NP_LINK_NULL,	    NP_LINK_ETHERNET,
	NP_LINK_RAW,	    NP_DLT_RAW_LINUX,
	NP_LINK_LOOP,	    NP_LINK_LINUX_SLL,
	NP_LINK_IPV4,	    NP_LINK_IPV6,
	NP_LINK_LINUX_SLL2, 147, /* not decoded */
	NP_LINK_PPP,	    NP_LINK_PPP_HDLC,
	NP_LINK_PPP_ETHER,  NP_LINK_C_HDLC,
};

static void frames(struct np_inspect *in, const uint8_t *d, size_t n)
{
	int link;
	size_t off = 1;
	int64_t ts = 1000000000;

	if (n < 1)
		return;
	link = links[d[0] % (sizeof(links) / sizeof(links[0]))];
	while (off + 2 <= n) {
		size_t len = (size_t)d[off] << 8 | d[off + 1];
		size_t cap;

		off += 2;
		cap = len <= n - off ? len : n - off;
		np_inspect_frame(in, link, ts, d + off, cap, len);
		off += cap;
		ts += (int64_t)(len * 997); /* a little time between frames */
	}
}

static void file(struct np_inspect *in, const uint8_t *d, size_t n)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	FILE *f;
	pcap_t *p;
	int count = 0;

	if (n == 0)
		return;
	f = fmemopen((void *)d, n, "r");
	if (f == NULL)
		return;
	p = pcap_fopen_offline_with_tstamp_precision(
		f, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (p == NULL) {
		fclose(f);
		return;
	}
	if (np_link_supported(pcap_datalink(p))) {
		struct pcap_pkthdr *h;
		const u_char *data;

		while (count++ < 10000 && pcap_next_ex(p, &h, &data) == 1)
			np_inspect_frame(
				in, pcap_datalink(p),
				np_inspect_ts(h->ts.tv_sec, h->ts.tv_usec),
				data, h->caplen, h->len);
	}
	pcap_close(p); /* closes f */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct np_inspect_opts o;
	struct np_inspect *in;
	struct np_inspect_totals t;

	if (size < 1)
		return 0;
	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");
	CHECK(devnull != NULL);
	memset(&o, 0, sizeof(o));
	o.out = devnull;
	o.json = data[0] & 1;
	o.verbose = (data[0] & 2) != 0;
	in = np_inspect_new(&o);
	CHECK(in != NULL);
	if (data[0] & 4)
		frames(in, data + 1, size - 1);
	else
		file(in, data + 1, size - 1);
	np_inspect_finish(in);
	np_inspect_totals(in, &t);
	CHECK(t.frames ==
	      t.icmp + t.icmp6 + t.other + t.truncated + t.bad_tunnel);
	CHECK(t.duplicates + t.unpaired <= t.replies);
	CHECK(t.malformed <= t.icmp + t.icmp6);
	CHECK(t.bad_checksum <= t.icmp + t.icmp6);
	np_inspect_free(in);
	return 0;
}
