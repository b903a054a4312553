/* match.h - the probe table and the rules that decide whether a parsed
 * packet is a reply or an error about one of this run's probes, and how it
 * is counted.  Pure: no I/O, so every rule is unit-tested. */
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
#include "stats.h"

enum np_probe_state {
	NP_PROBE_EMPTY = 0,
	NP_PROBE_PENDING,
	NP_PROBE_REPLIED,
	NP_PROBE_TIMEDOUT,
	NP_PROBE_ERRORED,
};

struct np_probe {
	uint64_t no;	   /* probe number, from 1; wire seq = no & 0xffff */
	int64_t sent_mono; /* CLOCK_MONOTONIC ns just before sendto */
	uint64_t stamp;	   /* CLOCK_REALTIME ns written into the payload */
	uint32_t target;   /* many targets: slot of the target ... */
	uint32_t gen;	   /* ... while it holds this generation */
	uint32_t index;	   /* many targets: the target's probe, from 0 */
	uint8_t state;
	uint8_t ts; /* NP_TS_TX_KERNEL: sent_mono is the kernel's */
};

/* Probes in flight, indexed by probe number modulo a power of two.  Holds
 * state for the probes that can still be answered, not for the run: its
 * size depends on timeout/interval, never on the count. */
struct np_probe_table {
	struct np_probe *slot;
	size_t mask;	 /* slots - 1 */
	uint64_t next;	 /* number of the next probe */
	uint64_t oldest; /* oldest probe that may still be pending */
	uint64_t pending;
};

/* Slots: timeout/interval + 2 rounded up to a power of two, from 16 to
 * 65536 (the 16-bit sequence space). */
int np_probe_table_init(struct np_probe_table *t, int64_t timeout_ns,
			int64_t interval_ns);
void np_probe_table_free(struct np_probe_table *t);
size_t np_probe_table_slots(const struct np_probe_table *t);
/* Claim the slot of the next probe (state EMPTY, number assigned).  A
 * probe still pending in that slot (only when more are in flight than the
 * table holds) is marked timed out and *forced incremented. */
struct np_probe *np_probe_table_next(struct np_probe_table *t,
				     uint64_t *forced);
/* True when the slot of the next probe still holds a pending one: a
 * many-target run waits rather than evict it (more than 65536 probes, or
 * more than the table holds, would be in flight). */
bool np_probe_table_busy(const struct np_probe_table *t);
/* Give back the slot just claimed by np_probe_table_next (the probe was
 * not sent). */
void np_probe_table_unclaim(struct np_probe_table *t, struct np_probe *p);
/* The kernel's transmit timestamp for probe number `id` (its low 32 bits),
 * already on the monotonic clock: it becomes the probe's send time when
 * the probe still waits for its reply and the stamp is plausible (not
 * before the user-space time taken just before sendto, at most a second
 * after).  True when applied. */
bool np_probe_table_tx_stamp(struct np_probe_table *t, uint32_t id,
			     int64_t ts_mono);

/* The most recent probe whose wire sequence is `seq`, if still held:
 * handles the 16-bit wraparound. */
struct np_probe *np_probe_table_find(struct np_probe_table *t, uint16_t seq);
/* Mark probes sent `timeout_ns` or more before `now` as timed out; returns
 * how many, and the time the next one expires (INT64_MAX if none). */
uint64_t np_probe_table_expire(struct np_probe_table *t, int64_t now,
			       int64_t timeout_ns, int64_t *next_expiry);

/* Mark the oldest pending probe timed out if it was sent `timeout_ns` or
 * more before `now`, and return it; NULL when none is due (*next_expiry
 * then says when one will be, INT64_MAX if none). */
struct np_probe *np_probe_table_expire_one(struct np_probe_table *t,
					   int64_t now, int64_t timeout_ns,
					   int64_t *next_expiry);

struct np_matcher {
	int family;
	enum np_sock_kind kind; /* raw: check the id; datagram: the kernel
				 * already did */
	uint16_t ident;
	struct sockaddr_storage target;
	struct np_payload_spec spec;
	struct np_probe_table tab;
	struct np_stats *st;
	bool no_hist; /* no output shows percentiles: st->hist left empty */
};

/* Record a probe handed to sendto (state PENDING) or refused by it. */
void np_match_sent(struct np_matcher *m, struct np_probe *p, bool ok);

/* Decide what a parsed packet is and count it.  Returns true when `ev`
 * should reach the report (kind REPLY, ICMP_ERROR, LOCAL_ERROR, or IGNORED
 * with `why` set); false for packets that are silently not ours (another
 * pinger's identifier, uninteresting ICMP types). */
bool np_match_packet(struct np_matcher *m, const struct np_reply *r,
		     const struct sockaddr *from, int64_t rx_mono,
		     struct np_event *ev);

/* ---- many targets ------------------------------------------------------ */

/* A target being measured in a many-target run: small and fixed, whatever
 * the size of the list (netprobe.8 gives its size). */
struct np_mtarget {
	uint64_t ord;	  /* position in the target list, from 0 */
	const char *name; /* as written, or NULL: show addr */
	struct np_rtt rtt;
	int64_t *rtts;	      /* -C: the RTT of each probe, -1 lost */
	struct np_hist *hist; /* percentiles (-J, --metrics, --percentiles) */
	uint32_t gen;	      /* bumped when the slot is reused */
	uint32_t sent, received, duplicates, corrupted, errors, errored, late;
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

void np_mtarget_set_addr(struct np_mtarget *t, const struct sockaddr *sa);
socklen_t np_mtarget_addr(const struct np_mtarget *t,
			  struct sockaddr_storage *ss);
bool np_mtarget_is(const struct np_mtarget *t, const struct sockaddr *sa);

/* Matching for many targets: one probe table (one sequence space) for all
 * targets and both families; each probe remembers its target's slot and
 * generation, so a reply for a target already reported is recognised. */
struct np_mmatcher {
	enum np_sock_kind kind[2]; /* [0] IPv4, [1] IPv6 */
	uint16_t ident[2];
	struct np_payload_spec spec;
	struct np_probe_table tab;
	struct np_mtarget *slots;
	size_t nslots;
	size_t keep_rtts;	/* -C N: N, else 0 */
	struct np_stats *total; /* all targets, and what is nobody's */
};

/* Record probe `p` for target `t`, handed to sendto (ok) or refused. */
void np_mmatch_sent(struct np_mmatcher *m, struct np_probe *p,
		    struct np_mtarget *t, uint32_t slot, bool ok);
/* A probe that timed out (from np_probe_table_expire_one): returns its
 * target if the slot still holds it, else NULL. */
struct np_mtarget *np_mmatch_expired(struct np_mmatcher *m,
				     const struct np_probe *p);
/* As np_match_packet; ev->target is the slot of the target concerned. */
bool np_mmatch_packet(struct np_mmatcher *m, const struct np_reply *r,
		      const struct sockaddr *from, int64_t rx_mono,
		      struct np_event *ev);

#endif
