/* capture.h - libpcap: --read, --inspect and --save.  Built only with
 * libpcap (HAVE_PCAP); without it the options are refused when parsed. */
#ifndef NP_CAPTURE_H
#define NP_CAPTURE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "error.h"
#include "inspect.h"
#include "options.h"
#include "privs.h"

#define NP_WIRE_SLOTS 1024

struct np_capture {
	void *pcap;   /* pcap_t */
	void *dumper; /* pcap_dumper_t, --save */
	int linktype;
	int fd; /* selectable descriptor of a live capture, else -1 */
	bool live;
	uint64_t saved;
	uint16_t ident; /* --save: the run's Echo identifier, or (tcp)
			 * the SYNs' source port */
	bool tcp;	/* --save of a --tcp run */
	uint16_t port;	/* ... its destination port */
	int family;
	bool udp;    /* --save of a UDP run: the kernel filter keeps its own */
	bool failed; /* a read or write error in the pump */
	/* A live --inspect's interface names, read before the sandbox */
	struct np_ifname ifnames[64];
	size_t nifnames;
	/* The capture stamps of the last NP_WIRE_SLOTS Echoes, by sequence
	 * number: the wire RTT of each reply. */
	struct np_wire {
		uint16_t seq;
		uint32_t isn; /* --tcp: the SYN's whole sequence number */
		bool have_req, have_rep;
		int64_t req_ns, rep_ns;
	} wire[NP_WIRE_SLOTS];
};

/* --save of a --tcp run: one IP packet the kernel's filter passed (`ip`,
 * `caplen` bytes of it, captured at `ts_ns`): a SYN of ours records its
 * ISN, the first SYN/ACK or RST/ACK from the target's port acknowledging
 * exactly that ISN its time.  False when it is no TCP segment of ours
 * (not saved); an ICMP error quoting one is. */
bool np_capture_tcp_frame(struct np_capture *c, int64_t ts_ns,
			  const uint8_t *ip, size_t caplen);

/* --read FILE or --inspect[=IFACE], opened (a live one with CAP_NET_RAW
 * raised for the call) before the privileges are dropped; --filter and
 * -4/-6 compiled in. */
int np_capture_open_inspect(struct np_capture *c, const struct np_options *o,
			    struct np_privs *privs, struct np_err *err);
/* Decode and print until the file ends, -c packets were shown, -w
 * passed or `*stop` is set.  Returns the exit status. */
int np_capture_inspect(struct np_capture *c, const struct np_options *o,
		       volatile sig_atomic_t *stop, const sigset_t *waitmask,
		       struct np_err *err);

/* --save FILE: a live capture of this run's own ICMP (its Echo Requests
 * and replies by identifier, and the errors that quote them) on the
 * interfaces of the route to `dst` ("any"), written to FILE. */
int np_capture_open_save(struct np_capture *c, const struct np_options *o,
			 int family, uint16_t ident, struct np_privs *privs,
			 struct np_err *err);
/* Write what the capture has (called when its descriptor is readable). */
void np_capture_pump(void *capture);
/* The round trip of Echo `seq` between its request and its first reply as
 * captured, after reading what the capture has; -1 if either is not (yet)
 * in it. */
int64_t np_capture_wire_rtt(void *capture, uint16_t seq);
/* The end of the run: what is left, flushed, closed.  -1 if writing
 * failed. */
int np_capture_close(struct np_capture *c, struct np_err *err);

#endif
