/* match.h - the rules that decide whether a parsed packet is a reply or
 * an error about one of this run's probes, and how it is counted: one
 * matcher for every mode.  Pure: no I/O, so every rule is unit-tested. */
#ifndef NP_MATCH_H
#define NP_MATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "event.h"
#include "payload.h"
#include "proto.h"
#include "reply.h"
#include "sockets.h"
#include "core.h"
#include "stats.h"

/* A target being measured: small and fixed, whatever the size of the
 * list (netprobe.8 gives its size).  Ping mode has one. */
struct np_tstate {
	uint64_t ord;	  /* position in the target list, from 0 */
	const char *name; /* as written, or NULL: show addr */
	struct np_counts c;
	struct np_rtt rtt;
	int64_t *rtts;	       /* -C: the RTT of each probe, -1 lost */
	struct np_hist *hist;  /* percentiles (-J, --metrics, --percentiles) */
	uint32_t gen;	       /* bumped when the slot is reused */
	uint32_t inflight;     /* probes pending */
	uint32_t scope;	       /* IPv6 scope id, or 0 */
	int64_t start_wall_ns; /* CLOCK_REALTIME when taken from the list */
	uint8_t family;
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
	bool used;
	bool send_error_said;
	/* The last ICMP error about this target: why it is down (the
	 * plugin line names it, as check_icmp does) */
	bool err_set;
	uint8_t err_type, err_code, err_family;
	uint8_t err_from[16]; /* the reporting router, network order */
};

void np_tstate_set_addr(struct np_tstate *t, const struct sockaddr *sa);
socklen_t np_tstate_addr(const struct np_tstate *t,
			 struct sockaddr_storage *ss);
bool np_tstate_is(const struct np_tstate *t, const struct sockaddr *sa);

/* One matcher for every mode: one probe table (one sequence space) for all
 * targets and both families; each probe remembers its target's slot and
 * generation, so a reply for a target already reported is recognised.
 * Ping mode is a run with one target in slot 0. */
struct np_matcher {
	enum np_sock_kind kind[2]; /* [0] IPv4, [1] IPv6: raw sockets see
				    * every pinger's packets, check the id */
	uint16_t ident[2];
	uint16_t port; /* UDP: the probes' destination port, else 0 */
	struct np_payload_spec spec;
	struct np_probe_table tab;
	struct np_tstate *slots;
	size_t nslots;
	size_t keep_rtts;	/* -C N: N, else 0 */
	struct np_stats *total; /* all targets, and what is nobody's */
	/* One target: its RTTs are kept in the run's stats only, not in
	 * its slot (the total of a many-target run has none: no output
	 * shows them). */
	bool total_rtt;
	/* Out: the last packet matched ended its probe with an error. */
	bool ended;
};

/* Record probe `p` for the target in `slot`, handed to sendto (ok) or
 * refused by it. */
void np_match_sent(struct np_matcher *m, struct np_probe *p, uint32_t slot,
		   bool ok);
/* A probe that timed out (from np_probe_table_expire_one): returns its
 * target if the slot still holds it, else NULL. */
struct np_tstate *np_match_expired(struct np_matcher *m,
				   const struct np_probe *p);

/* Decide what a parsed packet is and count it, for its target and the
 * run.  Returns true when `ev` should reach the report (kind REPLY,
 * ICMP_ERROR, LOCAL_ERROR with ev->target the target's slot, or IGNORED
 * with `why` set); false for packets that are silently not ours (another
 * pinger's identifier, uninteresting ICMP types). */
bool np_match_packet(struct np_matcher *m, const struct np_reply *r,
		     const struct sockaddr *from, int64_t rx_mono,
		     struct np_event *ev);

/* Connect probes: the kernel matched the answer to probe `p`'s own
 * socket, so there are no bytes to authenticate.  `ev` is the REPLY (with
 * its RTT and port state), ICMP_ERROR or LOCAL_ERROR (with ev->reply) the
 * socket's outcome makes; it is counted as np_match_packet counts a
 * packet, and ev->target and ev->index set. */
void np_match_conn(struct np_matcher *m, struct np_probe *p,
		   struct np_event *ev);
/* ... a probe whose SYN was sent again: lost, as if it had timed out
 * (np_match_expired): its target if still held, NULL when the probe had
 * ended already or its target was reported. */
struct np_tstate *np_match_conn_lost(struct np_matcher *m, struct np_probe *p);

#endif
