/* core.h - the probe core every mode runs on: the probe table, sending
 * one probe, receiving in batches, expiring, and waiting with ppoll() over
 * any number of descriptors.  The clock and the I/O are injected (struct
 * np_io), so the core and the schedulers over it are unit-tested with a
 * fake clock and fake sockets.  Never prints. */
#ifndef NP_CORE_H
#define NP_CORE_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "error.h"
#include "event.h"
#include "payload.h"
#include "proto.h"
#include "sink.h"
#include "sockets.h"
#include "stats.h"

/* ---- the probe table ---------------------------------------------------- */

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
	uint8_t ts;    /* NP_TS_TX_KERNEL: sent_mono is the kernel's */
	uint16_t conn; /* a connect probe's socket: its slot + 1, 0 none */
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

/* ---- injected clock and I/O -------------------------------------------- */

/* What every connect probe's socket is given before its connect():
 * -t, -Q and -I, from the options and the route look-up. */
struct np_conn_cfg {
	int ttl;	/* -1: the kernel's default */
	int tos;	/* -1: the kernel's default */
	int pmtu;	/* -M as IP(V6)_PMTUDISC_*, -1: the kernel's default */
	bool bind_addr; /* -I ADDR: bind to `src` */
	struct sockaddr_storage src; /* ... port 0 */
	char device[16];	     /* -I IFACE, or "" */
};

/* How a connect probe ended, as its socket tells (np_io.outcome). */
struct np_conn_outcome {
	int err; /* SO_ERROR: 0 connected (open), ECONNREFUSED (a RST), ... */
	/* an ICMP error the kernel matched to the SYN (the error queue,
	 * IP_RECVERR): its type, code, info and sender */
	bool icmp;
	uint8_t type, code;
	uint32_t info;
	bool have_offender;
	struct sockaddr_storage offender;
	/* TCP_INFO: the kernel's RTT sample of the SYN -> SYN/ACK (tcpi_rtt,
	 * µs, as ns; -1 none) and the SYNs it sent again */
	int64_t rtt_ns;
	uint32_t retrans;
};

/* A connect probe in flight: its socket and its probe. */
struct np_conn {
	int fd; /* -1: a free slot */
	int family;
	bool ready;	    /* the socket reported its outcome (ppoll) */
	uint64_t no;	    /* the probe's number */
	int64_t ready_mono; /* when ppoll said so */
};

/* Sockets in flight at most for connect probes: each is a descriptor
 * (np_socket.conn_max lowers it to what RLIMIT_NOFILE allows). */
#define NP_CORE_CONN_MAX 4096

/* What the core and the schedulers ask of the world.  np_io_system is
 * the real one; tests pass a fake clock and fake sockets. */
struct np_io {
	void *ctx;
	int64_t (*mono)(void *ctx); /* CLOCK_MONOTONIC ns */
	int64_t (*real)(void *ctx); /* CLOCK_REALTIME ns */
	/* np_socket_send: sendmsg's result, errno set on failure */
	ssize_t (*send)(void *ctx, struct np_socket *s, const void *buf,
			size_t len, const struct sockaddr *dst,
			socklen_t dstlen, uint32_t id);
	/* np_socket_recv_batch and np_socket_recv_one */
	int (*recv_batch)(void *ctx, const struct np_socket *s,
			  struct np_rxbatch *b, bool errqueue,
			  struct np_err *err);
	int (*recv_one)(void *ctx, const struct np_socket *s,
			struct np_rxbatch *b, bool errqueue,
			struct np_err *err);
	/* ppoll with a relative timeout in ns (clamped at 0), and the mask
	 * to wait with; poll's result, errno set */
	int (*wait)(void *ctx, struct pollfd *fds, nfds_t nfds,
		    int64_t timeout_ns, const sigset_t *mask);
	/* after EMSGSIZE: the MTU of the path to `dst` (NULL: to the
	 * socket's one target, np_socket_path_mtu), 0 unknown */
	int (*mtu)(void *ctx, const struct np_socket *s,
		   const struct sockaddr *dst, socklen_t dstlen);
	/* a protocol whose build needs the source (np_proto.flow_src) on a
	 * socket without one (many targets): the route's source address to
	 * `dst` (np_socket_flow_src); -1 unknown */
	int (*flow_src)(void *ctx, struct np_socket *s,
			const struct sockaddr *dst, socklen_t dstlen,
			struct sockaddr_storage *src);
	/* Connect probes (np_proto.connect): a non-blocking TCP socket with
	 * `cfg` applied, connecting to `dst`; its descriptor, or -1 with
	 * errno (EINPROGRESS is not an error: the connect is under way) */
	int (*connect)(void *ctx, const struct np_conn_cfg *cfg,
		       const struct sockaddr *dst, socklen_t dstlen);
	/* ... how the connect on `fd` ended (once ppoll reported it) */
	void (*outcome)(void *ctx, int fd, struct np_conn_outcome *out);
	/* ... and the socket closed (SO_LINGER 0: a RST, no TIME_WAIT) */
	void (*close)(void *ctx, int fd);
};

extern const struct np_io np_io_system;

/* Signal flags set by main.c's handlers, and the mask ppoll() waits with
 * (the signals are blocked everywhere else, so none is missed). */
struct np_core_signals {
	volatile sig_atomic_t *stop;
	volatile sig_atomic_t *status;
	const sigset_t *waitmask;
};

/* ---- the core ------------------------------------------------------------ */

/* A descriptor the core also waits on (the --save capture, the name
 * helper's socket): `ready` is called when it is readable.  With `poll`,
 * the descriptor is asked before each wait (-1: none now), with a time
 * (*wake, CLOCK_MONOTONIC ns, INT64_MAX none) at which `ready` is called
 * too. */
struct np_core_fd {
	int fd;
	int (*poll)(void *ctx, int64_t *wake);
	void (*ready)(void *ctx);
	void *ctx;
};

#define NP_CORE_MAX_FDS 8

struct np_matcher;
struct np_core;

/* What the core hands the scheduler: each packet matched (`ev` filled by
 * the matcher, or an IGNORED event for a datagram too large to parse),
 * with the packet it came from. */
typedef void (*np_core_event_fn)(void *sched, const struct np_rxpkt *pkt,
				 struct np_event *ev, bool matched);
struct np_tstate;
/* ... and each probe that timed out: `ev` a TIMEOUT event about it, `t`
 * its target (still held), at `now`. */
typedef void (*np_core_expired_fn)(void *sched, struct np_tstate *t,
				   struct np_event *ev, int64_t now);

struct np_core {
	const struct np_io *io;
	struct np_socket *sock[2]; /* IPv4, IPv6; NULL if unused */
	struct np_matcher *m;
	/* what every probe is built by (each socket carries the same) */
	const struct np_proto *proto;
	uint16_t port; /* the probes' destination port (TCP, UDP), else 0 */
	np_core_event_fn on_event;
	np_core_expired_fn on_expired;
	void *sched;
	uint8_t *tx;
	size_t txcap;
	uint32_t fill_sum; /* the protocol's prepare, for every probe */
	int64_t stamp_off; /* realtime - monotonic at start: the stamps */
	uint64_t last_stamp;
	struct np_rxbatch rx;
	/* A send that fails with another error than a full queue is tried
	 * once more: an ICMP error about an earlier probe (to any target)
	 * leaves a pending error on the socket, which sendto returned
	 * instead of sending (many targets: not this target's fault). */
	bool retry_pending_error;
	struct np_core_fd extra[NP_CORE_MAX_FDS];
	size_t nextra;
	/* Connect probes: a socket per probe in flight (conn_max at most,
	 * the table made at the first send), waited on with the others */
	struct np_conn_cfg ccfg[2]; /* IPv4, IPv6 */
	struct np_conn *conn;
	size_t conn_max, conn_used;
	uint16_t *conn_free; /* free slots, a stack */
	size_t nconn_free;
	struct pollfd *pfd; /* the wait set: 2 + extras + connects */
	size_t pfd_cap;
	unsigned conn_ready; /* a bit per family with an outcome to read */
};

/* The run's payload for protocol `proto`: -s, -p and a random MAC key;
 * `rxlen` and `rxcount` size the receive batch.  -1 with err set. */
int np_core_init(struct np_core *c, const struct np_io *io,
		 struct np_matcher *m, const struct np_proto *proto,
		 const struct np_options *o, size_t rxlen, unsigned rxcount,
		 struct np_err *err);
void np_core_free(struct np_core *c);
/* Wait on `fd` too; `ready(ctx)` when it is readable.  -1: no room. */
int np_core_add_fd(struct np_core *c, int fd, void (*ready)(void *ctx),
		   void *ctx);
/* The same for a descriptor (and a time) asked of `poll` before each
 * wait. */
int np_core_add_poll(struct np_core *c, int (*poll)(void *ctx, int64_t *wake),
		     void (*ready)(void *ctx), void *ctx);

int64_t np_core_now(const struct np_core *c);
/* The MTU a send that failed with EMSGSIZE ran into (np_io.mtu), over the
 * socket of family index `f`. */
int np_core_mtu(const struct np_core *c, int f, const struct sockaddr *dst,
		socklen_t dstlen);
int64_t np_core_real(const struct np_core *c);

/* Send one probe to the target in `slot` (address `dst`) over the socket
 * of `family`: claim a probe, stamp it, build it, send it.  Returns 0 when
 * the kernel took it, an errno when it refused it (the probe is counted,
 * errored), or -1 when the send queue was full (EAGAIN, ENOBUFS, ENOMEM:
 * the probe is given back, nothing counted).  *pp: the probe. */
int np_core_send(struct np_core *c, uint32_t slot, int family,
		 const struct sockaddr *dst, socklen_t dstlen, uint64_t *forced,
		 struct np_probe **pp);
/* No probe can be sent now: the slot of the next probe holds a pending
 * one, or every connect probe's socket is in flight.  A scheduler waits
 * for a reply or a timeout, which frees one. */
bool np_core_busy(const struct np_core *c);

/* Read up to `rounds` batches from one queue of the socket of family
 * index `f`, handing each datagram to the scheduler (the transmit stamps
 * applied first).  Connect probes: the outcomes np_core_wait saw, read
 * from their sockets (with the plain queue).  -1: fatal. */
int np_core_drain(struct np_core *c, int f, bool errqueue, int rounds,
		  struct np_err *err);
/* One datagram with recvmsg (-f, -A: the reply expected right after the
 * send).  -1 fatal, 0 none, 1 handled. */
int np_core_read_one(struct np_core *c, int f, bool errqueue,
		     struct np_err *err);

/* Mark the probes sent `timeout_ns` or more before `now` as timed out,
 * each handed to on_expired; *next_expiry: when the next one will be. */
void np_core_expire(struct np_core *c, int64_t now, int64_t timeout_ns,
		    int64_t *next_expiry);

/* Hand `ev` to the sink, with the time it happened: a packet's (set
 * already), else now.  No output shows the time of a probe sent (-f's
 * dot): that one is not read. */
void np_core_emit(const struct np_core *c, const struct np_sink *sink,
		  const struct np_run_info *info, struct np_event *ev);

static inline int64_t np_min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* Wait until `wake` (CLOCK_MONOTONIC ns) for the sockets and the extra
 * descriptors; the extras' callbacks run here.  Returns a bit per socket
 * family index that is readable (0: timeout or only extras), -1 on a
 * fatal error, -2 interrupted by a signal. */
int np_core_wait(struct np_core *c, int64_t wake, const sigset_t *mask,
		 struct np_err *err);

#endif
