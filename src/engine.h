/* engine.h - the send schedule, the select() loop, matching replies to
 * probes, timeouts.  Reports through a struct np_sink; never prints. */
#ifndef NP_ENGINE_H
#define NP_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "icmp.h"
#include "options.h"
#include "reply.h"
#include "sockets.h"
#include "stats.h"
#include "target.h"

/* What a report needs to know about the run. */
struct np_run_info {
	const struct np_options *opt;
	const struct np_target *target;
	const struct np_socket *sock;
	size_t packet_len;  /* IP datagram bytes of one request */
};

enum np_event_kind {
	NP_EV_REPLY = 0,   /* an Echo Reply to one of our probes */
	NP_EV_ICMP_ERROR,  /* an ICMP error quoting one of our probes */
	NP_EV_LOCAL_ERROR, /* the kernel refused the probe (error queue) */
	NP_EV_SEND_ERROR,  /* sendto() failed */
	NP_EV_NO_ANSWER,   /* -O: a probe still unanswered at the next send */
	NP_EV_IGNORED,     /* not counted: foreign or malformed (-v only) */
};

#define NP_EVF_DUP 0x1u     /* duplicate reply */
#define NP_EVF_BADSUM 0x2u  /* ICMP checksum wrong */
#define NP_EVF_BADDATA 0x4u /* payload altered (see payload/mm) */
#define NP_EVF_LATE 0x8u    /* after the -W timeout: counted as lost */

struct np_event {
	enum np_event_kind kind;
	unsigned flags;
	int64_t wall_ns;             /* CLOCK_REALTIME when handled */
	uint16_t seq;
	size_t bytes;                /* ICMP bytes received */
	int ttl;                     /* -1 unknown */
	int64_t rtt_ns;              /* -1 when not known */
	enum np_payload_result payload;
	struct np_payload_mismatch mm;
	const struct sockaddr *from; /* replier or reporting router */
	const struct np_reply *reply;
	int err_no;                  /* send errors */
	const char *why;             /* NP_EV_IGNORED: the reason */
};

struct np_sink {
	void *ctx;
	void (*start)(void *ctx, const struct np_run_info *info);
	void (*event)(void *ctx, const struct np_run_info *info,
		      const struct np_event *ev);
	void (*interim)(void *ctx, const struct np_run_info *info,
			const struct np_stats *st);
	void (*finish)(void *ctx, const struct np_run_info *info,
		       const struct np_stats *st);
};

/* Signal flags set by main.c's handlers, and the mask pselect() waits
 * with (the signals are blocked everywhere else, so none is missed). */
struct np_engine_signals {
	volatile sig_atomic_t *stop;
	volatile sig_atomic_t *status;
	const sigset_t *waitmask;
};

/* Size of one Echo Request as an IP datagram (what ping prints in
 * "56(84) bytes"). */
size_t np_engine_packet_len(int family, long payload);

/* Run the probe loop to its end (count, deadline, stop flag). */
int np_engine_run(const struct np_run_info *info, const struct np_sink *sink,
		  const struct np_engine_signals *sig, struct np_stats *st,
		  struct np_err *err);

/* The probe table, exposed for unit tests: maps 16-bit sequence numbers
 * back to 64-bit probe numbers and tracks each probe's state. */
enum np_probe_state {
	NP_PROBE_EMPTY = 0,
	NP_PROBE_PENDING,
	NP_PROBE_REPLIED,
	NP_PROBE_TIMEDOUT,
	NP_PROBE_ERRORED,
};

struct np_probe {
	uint64_t no;        /* probe number, from 1; wire seq = no & 0xffff */
	int64_t sent_mono;  /* CLOCK_MONOTONIC ns just before sendto */
	uint64_t stamp;     /* CLOCK_REALTIME ns written into the payload */
	uint8_t state;
};

struct np_probe_table {
	struct np_probe *slot;
	size_t mask;        /* slots - 1, slots a power of two <= 65536 */
	uint64_t next;      /* number of the next probe */
	uint64_t oldest;    /* oldest probe that may still be pending */
	uint64_t pending;
};

/* Slots: enough for every probe that can be in flight (timeout/interval
 * + 2), a power of two from 16 to 65536. */
int np_probe_table_init(struct np_probe_table *t, int64_t timeout_ns,
			int64_t interval_ns);
void np_probe_table_free(struct np_probe_table *t);
/* Claim the slot of the next probe; a probe still pending there (only
 * when more than 65536 are in flight) is marked timed out. */
struct np_probe *np_probe_table_next(struct np_probe_table *t,
				     uint64_t *forced_timeouts);
/* The most recent probe whose wire sequence is `seq`, if still held. */
struct np_probe *np_probe_table_find(struct np_probe_table *t, uint16_t seq);
/* Mark probes older than `timeout_ns` at `now` as timed out; returns how
 * many, and sets *next_expiry to the next deadline (INT64_MAX if none). */
uint64_t np_probe_table_expire(struct np_probe_table *t, int64_t now,
			       int64_t timeout_ns, int64_t *next_expiry);

#endif
