/* event.h - what a mode tells a report: the run and its events (the sink
 * interface is in sink.h). */
#ifndef NP_EVENT_H
#define NP_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "payload.h"
#include "options.h"
#include "reply.h"
#include "sockets.h"
#include "stats.h"
#include "target.h"

/* What a report needs to know about the run. */
struct np_run_info {
	const struct np_options *opt;
	const struct np_target *target;
	struct np_socket *sock;
	size_t packet_len; /* IP datagram bytes of one request */
	/* --save: a capture descriptor the loop also waits on, and what to
	 * call when it is readable; -1 for none. */
	int capture_fd;
	void (*capture_pump)(void *ctx);
	/* The round trip of the Echo with this sequence number on the wire
	 * (reply's capture stamp - request's), in ns; -1: not captured. */
	int64_t (*capture_wire_rtt)(void *ctx, uint16_t seq);
	void *capture_ctx;
	/* One more descriptor the loop waits on (the name helper's), asked
	 * before each wait: extra_poll returns it (-1: none now) and sets
	 * `*wake` (CLOCK_MONOTONIC ns, INT64_MAX: none); extra_pump is called
	 * when it is readable or that time has come.  NULL: none. */
	int (*extra_poll)(void *ctx, int64_t *wake);
	void (*extra_pump)(void *ctx);
	void *extra_ctx;
};

enum np_event_kind {
	NP_EV_REPLY = 0,   /* an Echo Reply to one of our probes */
	NP_EV_ICMP_ERROR,  /* an ICMP error quoting one of our probes */
	NP_EV_LOCAL_ERROR, /* the kernel refused the probe (error queue) */
	NP_EV_SEND_ERROR,  /* sendto() failed */
	NP_EV_NO_ANSWER,   /* -O: a probe still unanswered at the next send */
	NP_EV_IGNORED,	   /* not counted: foreign or malformed (-v only) */
	NP_EV_TIMEOUT,	   /* a probe reached -W without a reply */
	NP_EV_SENT,	   /* -f: a probe left (for the dots) */
};

#define NP_EVF_DUP 0x1u	    /* duplicate reply */
#define NP_EVF_BADSUM 0x2u  /* ICMP checksum wrong */
#define NP_EVF_BADDATA 0x4u /* payload altered (see payload/mm) */
#define NP_EVF_LATE 0x8u    /* after the -W timeout: counted as lost */
#define NP_EVF_UNVERIFIED                                                      \
	0x10u /* ICMP error quoting too little to check                        \
	       * our cookie: shown, does not end the probe */

#define NP_EVF_REPEAT                                                          \
	0x20u /* many targets: a send error like one already reported          \
	       * for this target */

/* The target an event concerns, as a report may see it: a view made for
 * the event, never the matcher's state. */
struct np_tview {
	const char *name; /* as written, or NULL: show the address */
	int family;
	const struct sockaddr *addr;
	uint64_t transmitted, received; /* so far */
	int64_t avg_ns;			/* of the good replies so far */
};

struct np_event {
	enum np_event_kind kind;
	unsigned flags;
	/* CLOCK_REALTIME: when a packet's kernel receive stamp says it
	 * arrived, else when handled */
	int64_t wall_ns;
	uint16_t seq;
	size_t bytes;	/* ICMP bytes received */
	int ttl;	/* -1 unknown */
	int64_t rtt_ns; /* -1 when not known */
	/* --save: the same round trip as the capture saw it; 0 none (two
	 * capture stamps are never equal) */
	int64_t wire_rtt_ns;
	unsigned ts; /* NP_TS_* bits: where the RTT's two times came from */
	enum np_payload_result payload;
	struct np_payload_mismatch mm;
	const struct sockaddr *from; /* replier or reporting router */
	const struct np_reply *reply;
	int err_no;	 /* send errors */
	int mtu;	 /* EMSGSIZE: the path MTU now, 0 unknown */
	const char *why; /* NP_EV_IGNORED: the reason */
	uint32_t target; /* many targets: the target's slot */
	/* many targets: the target (NULL for a packet that is nobody's);
	 * ping mode: NULL, the target is the run's (np_run_info) */
	const struct np_tview *tv;
	uint32_t index; /* many targets: the target's probe, from 0 */
	/* A port probe's reply (UDP): what it says of the port, nmap's word
	 * ("open", "closed"), and how that was learnt ("reply", "port
	 * unreachable"); NULL for ICMP Echo */
	const char *state;
	const char *state_note;
};

/* An event of `kind` about probe `seq`, nothing else known yet. */
static inline void np_event_init(struct np_event *ev, enum np_event_kind kind,
				 uint16_t seq)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->seq = seq;
	ev->rtt_ns = -1;
	ev->ttl = -1;
}

#endif
