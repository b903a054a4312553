/* capture.c - libpcap: --read, --inspect and --save */
#include "config.h"

#include "capture.h"

#include <errno.h>
#include <poll.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "icmp.h"
#include "proto.h"
#include "inspect.h"
#include "linklayer.h"
#include "pcapdl.h" /* libpcap, loaded at run time */
#include "reply.h"

#define SNAPLEN 262144 /* tcpdump's default: whole packets */

static int pcap_fail(struct np_err *err, pcap_t *p, const char *what)
{
	return np_err_set(err, "%s: %s", what, pcap_geterr(p));
}

/* Compile and set `expr`; for a live capture the netmask is unknown, which
 * only matters for "broadcast". */
static int set_filter(pcap_t *p, const char *expr, struct np_err *err)
{
	struct bpf_program prog;

	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0)
		return np_err_set(err, "invalid capture filter '%s': %s", expr,
				  pcap_geterr(p));
	if (pcap_setfilter(p, &prog) != 0) {
		pcap_freecode(&prog);
		return pcap_fail(err, p, "cannot set the capture filter");
	}
	pcap_freecode(&prog);
	return 0;
}

/* The kernel's filter: the user's --filter as given, else for a live
 * capture ICMP and ICMPv6 (after IPv6 extension headers, and inside
 * VLAN tags) and for a file nothing: the decoder counts what is not ICMP
 * (-4 and -6 are applied there too). */
#define EXT6 "(ip6[6] = 0 or ip6[6] = 43 or ip6[6] = 44 or ip6[6] = 60)"

static const char *inspect_filter(const struct np_options *o, int linktype)
{
	if (o->capture_filter != NULL)
		return o->capture_filter;
	if (o->read_file != NULL)
		return NULL;
	/* ("ip6 protochain 58" would find ICMPv6 after any extension
	 * header, but the kernel refuses its loop: ICMPv6, or a packet whose
	 * first header is an extension header, and the decoder sorts.) */
	if (linktype == NP_LINK_ETHERNET)
		return "icmp or icmp6 or (ip6 and " EXT6 ") or (vlan and (icmp "
		       "or icmp6 or (ip6 and " EXT6 ")))";
	return "icmp or icmp6 or (ip6 and " EXT6 ")";
}

/* A file is closed; a live capture is left to the end of the process:
 * pcap_close() tears its ring down with setsockopt(), which the sandbox
 * does not allow, and the kernel frees it at exit a moment later.  The
 * handle stays referenced from here so that it is not a leak (a run
 * holds at most one live capture; a second is closed, not lost). */
static pcap_t *kept_live;

static void release(struct np_capture *c)
{
	if (c->pcap == NULL)
		return;
	if (c->live && kept_live == NULL)
		kept_live = c->pcap;
	else
		pcap_close(c->pcap);
	c->pcap = NULL;
}

/* A capture that failed to open: nothing is sandboxed yet, so even a
 * live one is closed.  Returns -1 for the caller's error return. */
static int open_failed(struct np_capture *c)
{
	if (c->dumper != NULL)
		pcap_dump_close(c->dumper);
	c->dumper = NULL;
	if (c->pcap != NULL)
		pcap_close(c->pcap);
	c->pcap = NULL;
	c->fd = -1;
	return -1;
}

/* A live capture on `iface`, activated with CAP_NET_RAW raised for the
 * call: immediate delivery, nanosecond stamps where the kernel has
 * them, non-blocking. */
static int open_live(struct np_capture *c, const char *iface,
		     struct np_privs *privs, struct np_err *err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(iface, ebuf);
	int rc;

	if (p == NULL)
		return np_err_set(err, "cannot capture on %s: %s", iface, ebuf);
	c->pcap = p;
	pcap_set_snaplen(p, SNAPLEN);
	pcap_set_immediate_mode(p, 1);
	pcap_set_buffer_size(p, 4 << 20);
	(void)pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	np_privs_raise(privs);
	rc = pcap_activate(p);
	if (np_privs_lower(privs, err) != 0)
		return -1;
	if (rc < 0) {
		if (rc == PCAP_ERROR_PERM_DENIED)
			return np_err_set(err,
					  "cannot capture on %s: %s (capturing "
					  "needs CAP_NET_RAW)",
					  iface, pcap_geterr(p));
		return np_err_set(err, "cannot capture on %s: %s", iface,
				  pcap_statustostr(rc));
	}
	if (pcap_setnonblock(p, 1, ebuf) != 0)
		return np_err_set(err, "pcap_setnonblock: %s", ebuf);
	c->fd = pcap_get_selectable_fd(p);
	if (c->fd < 0)
		return np_err_set(err,
				  "cannot capture on %s: no selectable "
				  "descriptor",
				  iface);
	c->live = true;
	c->linktype = pcap_datalink(p);
	return 0;
}

static int open_inspect(struct np_capture *c, const struct np_options *o,
			struct np_privs *privs, struct np_err *err)
{
	const char *expr;

	if (o->read_file != NULL) {
		char ebuf[PCAP_ERRBUF_SIZE] = "";
		pcap_t *p = pcap_open_offline_with_tstamp_precision(
			o->read_file, PCAP_TSTAMP_PRECISION_NANO, ebuf);

		if (p == NULL)
			return np_err_set(err, "cannot read %s: %s",
					  o->read_file, ebuf);
		c->pcap = p;
		c->linktype = pcap_datalink(p);
	} else if (open_live(c, o->inspect_iface, privs, err) != 0) {
		return -1;
	} else {
		struct if_nameindex *ni;

		/* "any" gives cooked v1 by default, without the interface:
		 * v2 has it (libpcap 1.10 and later). */
		if (c->linktype == NP_LINK_LINUX_SLL &&
		    pcap_set_datalink(c->pcap, NP_LINK_LINUX_SLL2) == 0)
			c->linktype = pcap_datalink(c->pcap);
		/* Names now: the sandboxed loop cannot ask for them. */
		ni = if_nameindex();
		for (size_t i = 0;
		     ni != NULL && ni[i].if_index != 0 && c->nifnames < 64;
		     i++) {
			c->ifnames[c->nifnames].index = ni[i].if_index;
			snprintf(c->ifnames[c->nifnames].name,
				 sizeof(c->ifnames[0].name), "%s",
				 ni[i].if_name);
			c->nifnames++;
		}
		if (ni != NULL)
			if_freenameindex(ni);
	}
	if (!np_link_supported(c->linktype))
		return np_err_set(
			err,
			"%s: link type %d (%s) is not one netprobe "
			"decodes (Ethernet, Linux cooked v1/v2, raw "
			"IP, BSD loopback, PPP, PPPoE, Cisco HDLC)",
			o->read_file ? o->read_file : o->inspect_iface,
			c->linktype,
			pcap_datalink_val_to_name(c->linktype)
				? pcap_datalink_val_to_name(c->linktype)
				: "unknown");
	expr = inspect_filter(o, c->linktype);
	return expr != NULL ? set_filter(c->pcap, expr, err) : 0;
}

int np_capture_open_inspect(struct np_capture *c, const struct np_options *o,
			    struct np_privs *privs, struct np_err *err)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (np_pcap_load(err) != 0)
		return -1;
	return open_inspect(c, o, privs, err) == 0 ? 0 : open_failed(c);
}

static int64_t ts_ns(const struct pcap_pkthdr *h)
{
	/* Opened for nanoseconds: tv_usec holds them. */
	return np_inspect_ts(h->ts.tv_sec, h->ts.tv_usec);
}

int np_capture_inspect(struct np_capture *c, const struct np_options *o,
		       volatile sig_atomic_t *stop, const sigset_t *waitmask,
		       struct np_err *err)
{
	struct np_inspect_opts io = {
		.out = stdout,
		.ifnames = c->ifnames,
		.nifnames = c->nifnames,
		.json = o->json,
		.quiet = o->quiet,
		.verbose = o->verbose,
		.family = o->family,
	};
	struct np_inspect *in = np_inspect_new(&io);
	struct np_inspect_totals t;
	pcap_t *p = c->pcap;
	int64_t end = o->deadline_ns > 0 ? np_clock_mono() + o->deadline_ns : 0;
	long long shown = 0;
	int rc = 0;

	if (in == NULL)
		return np_err_set(err, "out of memory");
	while (!*stop) {
		struct pcap_pkthdr *h;
		const u_char *data;
		int r = pcap_next_ex(p, &h, &data);

		if (r == 1) {
			if (np_inspect_frame(in, c->linktype, ts_ns(h), data,
					     h->caplen, h->len) &&
			    o->count > 0 && ++shown >= o->count)
				break;
			continue;
		}
		if (r == PCAP_ERROR_BREAK) /* the end of the file */
			break;
		if (r == PCAP_ERROR) {
			rc = np_err_set(err, "%s: %s",
					o->read_file ? o->read_file
						     : o->inspect_iface,
					pcap_geterr(p));
			break;
		}
		/* r == 0: a live capture with nothing waiting. */
		{
			/* ppoll, not select: the descriptor may be above
			 * FD_SETSIZE (many inherited descriptors) */
			struct pollfd pfd = {c->fd, POLLIN, 0};
			struct timespec ts = {1, 0};
			int n;

			if (end > 0) {
				int64_t left = end - np_clock_mono();

				if (left <= 0)
					break;
				if (left < NP_NSEC_PER_SEC)
					ts = np_ns_to_timespec(left);
			}
			n = ppoll(&pfd, 1, &ts, waitmask);
			if (n < 0 && errno != EINTR) {
				rc = np_err_errno(err, errno, "ppoll");
				break;
			}
		}
	}
	fflush(stdout);
	np_inspect_finish(in);
	np_inspect_totals(in, &t);
	np_inspect_free(in);
	if (c->live) {
		struct pcap_stat ps;

		if (pcap_stats(p, &ps) == 0 && ps.ps_drop > 0)
			fprintf(stderr,
				"netprobe: the kernel dropped %u packets of "
				"the capture (buffer full)\n",
				ps.ps_drop);
	}
	release(c);
	if (rc != 0)
		return -1;
	return t.icmp + t.icmp6 > 0 ? 0 : 1;
}

/* ---- --save ------------------------------------------------------------ */

static int open_save(struct np_capture *c, const struct np_options *o,
		     int family, uint16_t ident, struct np_privs *privs,
		     struct np_err *err)
{
	const char *filter = np_proto_default()->capture_filter(family);
	char expr[512];

	c->ident = ident;
	c->family = family;
	c->tcp = o->proto != NULL && strcmp(o->proto, "tcp") == 0;
	c->udp = o->proto != NULL && strcmp(o->proto, "udp") == 0;
	if (open_live(c, "any", privs, err) != 0)
		return -1;
	/* The kernel keeps only what the probe protocol names (ICMP Echo:
	 * ICMP of our family); the pump keeps only this run's (identifier,
	 * and errors quoting it).  --tcp: the run's own segments, both ways
	 * (its SYNs, the answers, this host's RSTs), and the ICMP errors
	 * that quote a TCP header from our port (outer header without
	 * options or extension headers, quoted IPv4 header of 20 bytes). */
	if (c->tcp) {
		unsigned dport = o->port != 0 ? o->port : 80;

		c->port = (uint16_t)dport;

		snprintf(expr, sizeof(expr),
			 family == AF_INET6
				 ? "(tcp and port %u and port %u) or (icmp6 "
				   "and ip6[54] == 6 and ip6[88:2] == %u)"
				 : "(tcp and port %u and port %u) or (icmp "
				   "and icmp[17] == 6 and icmp[28:2] == %u)",
			 (unsigned)ident, dport, (unsigned)ident);
		filter = expr;
	} else if (c->udp) {
		/* --udp: the datagrams from or to our source port (`ident`),
		 * and the ICMP errors that quote one from it (a quoted IPv4
		 * header without options, an IPv6 one without extension
		 * headers: ours have none); the pump keeps what passed. */
		snprintf(
			expr, sizeof(expr),
			family == AF_INET6
				? "udp port %u or (icmp6 and ip6[6] = 58 and "
				  "ip6[40] >= 1 and ip6[40] <= 4 and ip6[54] = "
				  "17 and ip6[88:2] = %u)"
				: "udp port %u or (icmp and icmp[0] != 0 and "
				  "icmp[0] != 8 and icmp[8] = 0x45 and "
				  "icmp[17] "
				  "= 17 and icmp[28:2] = %u)",
			(unsigned)ident, (unsigned)ident);
		filter = expr;
	}
	if (set_filter(c->pcap, filter, err) != 0)
		return -1;
	c->dumper = pcap_dump_open(c->pcap, o->save_file);
	if (c->dumper == NULL)
		return np_err_set(err, "cannot write %s: %s", o->save_file,
				  pcap_geterr(c->pcap));
	if (pcap_dump_flush(c->dumper) != 0) /* the file header */
		return np_err_set(err, "cannot write %s", o->save_file);
	return 0;
}

int np_capture_open_save(struct np_capture *c, const struct np_options *o,
			 int family, uint16_t ident, struct np_privs *privs,
			 struct np_err *err)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (np_pcap_load(err) != 0)
		return -1;
	return open_save(c, o, family, ident, privs, err) == 0 ? 0
							       : open_failed(c);
}

/* --tcp: the kernel's filter passed only the run's segments and errors
 * quoting them; the capture stamps of each SYN (in the slot of the
 * sequence number its ISN holds) and of the first SYN/ACK or RST/ACK that
 * acknowledges that whole ISN, from the target's port, for the wire RTT.
 * Bytes read through the bounded reader; a header length the packet
 * cannot have is not ours. */
bool np_capture_tcp_frame(struct np_capture *c, int64_t ts_ns,
			  const uint8_t *ip, size_t caplen)
{
	struct np_rd r = np_rd_init(ip, caplen);
	uint8_t v = 0, proto = 0, flags = 0;
	uint16_t sport = 0, dport = 0, seq16;
	uint32_t seq = 0, ack = 0;
	size_t hl;
	struct np_wire *w;

	if (!np_rd_u8(&r, &v))
		return false;
	if (v >> 4 == 4) {
		hl = (size_t)(v & 0x0f) * 4;
		if (hl < 20 || !np_rd_skip(&r, 8) || !np_rd_u8(&r, &proto))
			return false;
	} else if (v >> 4 == 6) {
		hl = 40;
		if (!np_rd_skip(&r, 5) || !np_rd_u8(&r, &proto))
			return false;
	} else {
		return false;
	}
	r = np_rd_init(ip, caplen);
	if (proto != IPPROTO_TCP)
		return true; /* an ICMP error quoting our port */
	if (!np_rd_skip(&r, hl) || !np_rd_be16(&r, &sport) ||
	    !np_rd_be16(&r, &dport) || !np_rd_be32(&r, &seq) ||
	    !np_rd_be32(&r, &ack) || !np_rd_skip(&r, 1) ||
	    !np_rd_u8(&r, &flags))
		return false;
	if (sport == c->ident && dport == c->port &&
	    (flags & 0x17) == 0x02) { /* our SYN */
		seq16 = (uint16_t)(seq >> 16);
		w = &c->wire[seq16 % NP_WIRE_SLOTS];
		if (w->seq != seq16 || !w->have_req || w->isn != seq) {
			w->seq = seq16;
			w->isn = seq;
			w->have_req = true;
			w->have_rep = false;
			w->req_ns = ts_ns;
		}
	} else if (dport == c->ident && sport == c->port &&
		   ((flags & 0x17) == 0x12 || (flags & 0x17) == 0x14)) {
		seq16 = (uint16_t)((ack - 1) >> 16); /* SYN/ACK, RST/ACK */
		w = &c->wire[seq16 % NP_WIRE_SLOTS];
		if (w->seq == seq16 && w->isn == ack - 1 && w->have_req &&
		    !w->have_rep) {
			w->have_rep = true;
			w->rep_ns = ts_ns;
		}
	}
	return true;
}

/* Is this frame one of the run's?  Its requests and replies (by
 * identifier) and the ICMP errors that quote one of its requests. */
static bool ours(struct np_capture *c, const struct pcap_pkthdr *h,
		 const u_char *data)
{
	struct np_frame fr;
	struct np_ipinfo ip;
	struct np_reply r;
	enum np_rx_kind kind;
	struct np_wire *w;

	if (np_link_decode(c->linktype, data, h->caplen, h->len, &fr) !=
		    NP_LINK_IP ||
	    fr.family != c->family)
		return false;
	if (c->udp) /* the kernel's filter chose (open_save) */
		return true;
	if (c->tcp)
		return np_capture_tcp_frame(c, ts_ns(h), fr.ip, fr.ip_caplen);
	kind = np_reply_parse_packet(fr.ip, fr.ip_caplen, true, &ip, &r);
	if ((kind != NP_RX_ECHO_REQUEST && kind != NP_RX_ECHO_REPLY &&
	     kind != NP_RX_ERROR) ||
	    r.key.flow != c->ident)
		return false;
	/* The stamps of the Echo: its request, then its first reply (a
	 * request seen twice, on two interfaces of "any", keeps the first
	 * time). */
	w = &c->wire[r.key.seq % NP_WIRE_SLOTS];
	if (kind == NP_RX_ECHO_REQUEST &&
	    (w->seq != r.key.seq || !w->have_req)) {
		w->seq = r.key.seq;
		w->have_req = true;
		w->have_rep = false;
		w->req_ns = ts_ns(h);
	} else if (kind == NP_RX_ECHO_REPLY && w->seq == r.key.seq &&
		   w->have_req && !w->have_rep) {
		w->have_rep = true;
		w->rep_ns = ts_ns(h);
	}
	return true;
}

int64_t np_capture_wire_rtt(void *capture, uint16_t seq)
{
	struct np_capture *c = capture;
	const struct np_wire *w = &c->wire[seq % NP_WIRE_SLOTS];

	if (!(w->seq == seq && w->have_req && w->have_rep))
		np_capture_pump(c);
	if (!(w->seq == seq && w->have_req && w->have_rep) ||
	    w->rep_ns <= w->req_ns)
		return -1;
	return w->rep_ns - w->req_ns;
}

void np_capture_pump(void *capture)
{
	struct np_capture *c = capture;
	struct pcap_pkthdr *h;
	const u_char *data;
	int r;

	if (c->pcap == NULL)
		return;
	uint64_t before = c->saved;

	while ((r = pcap_next_ex(c->pcap, &h, &data)) == 1)
		if (ours(c, h, data)) {
			pcap_dump(c->dumper, h, data);
			c->saved++;
		}
	if (r == PCAP_ERROR)
		c->failed = true;
	/* As tcpdump -U: what is saved is on disk, also if the run is
	 * killed. */
	if (c->saved != before && pcap_dump_flush(c->dumper) != 0)
		c->failed = true;
}

int np_capture_close(struct np_capture *c, struct np_err *err)
{
	int rc = 0;

	if (c->pcap == NULL)
		return 0;
	if (c->dumper != NULL) {
		np_capture_pump(c); /* what came since the last wake-up */
		if (pcap_dump_flush(c->dumper) != 0)
			rc = np_err_set(err, "cannot write the capture file");
		pcap_dump_close(c->dumper);
		c->dumper = NULL;
	}
	if (c->failed && rc == 0)
		rc = np_err_set(err, "capture: %s", pcap_geterr(c->pcap));
	release(c);
	return rc;
}
