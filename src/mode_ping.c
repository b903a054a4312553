/* mode_ping.c - ping mode: one target.  Scheduling only (when to send,
 * how long to wait after the last probe, when the run ends); sending,
 * receiving, matching and waiting are the core's.  Never prints:
 * everything goes to the sink. */
#include "config.h"

#include "mode_ping.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "clock.h"
#include "match.h"
#include "result.h"
#include "sink.h"

#define RX_BUF_LEN (65536 + 512) /* the largest IP datagram, and more */
#define RX_BATCH 64		 /* datagrams read per wake-up at most */
#define RX_VLEN 8		 /* ... and per recvmmsg */

struct ping {
	const struct np_run_info *info;
	const struct np_options *o;
	struct np_socket *s;
	int f; /* the socket's family index in the core */
	const struct np_sink *sink;
	struct np_stats *st;
	struct np_matcher m;
	struct np_tstate tgt; /* the one target, slot 0 */
	struct np_core c;
	int64_t last_activity;	 /* last send or counted reply (summary time) */
	uint64_t no_answer_said; /* -O: last probe reported unanswered */
	int64_t last_sent;	 /* CLOCK_MONOTONIC of the last probe sent */
	bool flood_gate;	 /* -f without -i: next probe on the reply */
	bool send_now;		 /* -f: every probe answered, send at once */
	/* -A: the smoothed RTT and its variation (RFC 6298's estimator),
	 * from the good replies */
	int64_t srtt_ns, rttvar_ns;
	long long preload_left; /* -l: probes still to send without wait */
};

size_t np_ping_packet_len(int family, long payload)
{
	return (size_t)payload + np_proto_default()->hdr_len +
	       (family == AF_INET6 ? 40 : 20);
}

static void emit(struct ping *e, struct np_event *ev)
{
	np_core_emit(&e->c, e->sink, e->info, ev);
}

/* Send the next probe.  False when the kernel had no room for it. */
static bool send_probe(struct ping *e)
{
	struct np_probe_table *tab = &e->m.tab;
	const struct np_target *t = e->info->target;
	struct np_event ev;
	struct np_probe *p;
	int rc;

	if (e->o->outstanding && tab->next > 1) {
		struct np_probe *prev = &tab->slot[(tab->next - 1) & tab->mask];

		/* once per probe, also when a full send queue makes us
		 * come back here for the same next probe */
		if (prev->no == tab->next - 1 &&
		    prev->state == NP_PROBE_PENDING &&
		    prev->no > e->no_answer_said) {
			e->no_answer_said = prev->no;
			np_event_init(&ev, NP_EV_NO_ANSWER, (uint16_t)prev->no);
			emit(e, &ev);
		}
	}
	rc = np_core_send(&e->c, 0, t->family,
			  (const struct sockaddr *)&t->addr, t->addrlen,
			  &e->st->late_forced, &p);
	if (rc < 0)
		return false; /* the send queue is full: nothing counted */
	if (rc == 0 && e->o->flood) {
		np_event_init(&ev, NP_EV_SENT, (uint16_t)p->no);
		emit(e, &ev);
	}
	if (rc > 0) {
		np_event_init(&ev, NP_EV_SEND_ERROR, (uint16_t)p->no);
		ev.err_no = rc;
		if (ev.err_no == EMSGSIZE)
			ev.mtu = np_core_mtu(&e->c, e->f, NULL, 0);
		emit(e, &ev);
	}
	e->last_activity = p->sent_mono;
	e->last_sent = p->sent_mono;
	return true;
}

/* -A: RFC 6298's smoothed RTT and variation, updated with a sample. */
static void adapt(struct ping *e, int64_t rtt)
{
	if (e->srtt_ns == 0) {
		e->srtt_ns = rtt > 0 ? rtt : 1;
		e->rttvar_ns = rtt / 2;
		return;
	}
	e->rttvar_ns =
		(3 * e->rttvar_ns +
		 (e->srtt_ns > rtt ? e->srtt_ns - rtt : rtt - e->srtt_ns)) /
		4;
	e->srtt_ns = (7 * e->srtt_ns + rtt) / 8;
	if (e->srtt_ns == 0)
		e->srtt_ns = 1;
}

/* -A: how long after a probe the next goes when no reply comes: the
 * smoothed RTT + 4 variations (1 s before any reply), not above -W, and
 * never below the least interval nor below -f's 10 ms. */
static int64_t adaptive_wait(const struct ping *e)
{
	const struct np_options *o = e->o;
	int64_t w = e->srtt_ns > 0 ? e->srtt_ns + 4 * e->rttvar_ns
				   : NP_NSEC_PER_SEC;

	if (w > o->timeout_ns)
		w = o->timeout_ns;
	if (w < o->adaptive_min_ns)
		w = o->adaptive_min_ns;
	if (w < NP_FLOOD_INTERVAL_NS)
		w = NP_FLOOD_INTERVAL_NS;
	return w;
}

/* The core's hand-over of each packet read. */
static void ping_packet(void *sched, const struct np_rxpkt *pkt,
			struct np_event *ev, bool matched)
{
	struct ping *e = sched;

	if (!matched) { /* too large to parse */
		if (e->o->verbose)
			emit(e, ev);
		return;
	}
	if (ev->kind == NP_EV_REPLY && ev->rtt_ns >= 0 &&
	    !(ev->flags & (NP_EVF_DUP | NP_EVF_LATE)) &&
	    e->info->capture_wire_rtt != NULL) {
		int64_t w = e->info->capture_wire_rtt(e->info->capture_ctx,
						      (uint16_t)pkt->r.key.seq);

		ev->wire_rtt_ns = w > 0 ? w : 0;
	}
	if (ev->kind == NP_EV_REPLY && ev->flags == 0)
		e->last_activity = pkt->rx_mono;
	if (e->o->adaptive && ev->kind == NP_EV_REPLY && ev->flags == 0 &&
	    ev->rtt_ns >= 0)
		adapt(e, ev->rtt_ns);
	if ((e->flood_gate || e->o->adaptive) && e->m.tab.pending == 0)
		e->send_now = true;
	if (ev->kind == NP_EV_IGNORED && !e->o->verbose)
		return;
	emit(e, ev);
}

/* The core's hand-over of a probe that reached -W without a reply: lost
 * (a report may say so). */
static void ping_expired(void *sched, struct np_tstate *t, struct np_event *ev,
			 int64_t now)
{
	(void)t;
	(void)now;
	emit(sched, ev);
}

/* Probes that reached -W without a reply. */
static void expire(struct ping *e, int64_t now, int64_t *next_expiry)
{
	np_core_expire(&e->c, now, e->o->timeout_ns, next_expiry);
}

static bool sending_wanted(const struct ping *e)
{
	const struct np_options *o = e->o;

	if (o->count == 0)
		return true;
	if (o->deadline_ns > 0)
		return e->st->received < (uint64_t)o->count;
	return e->st->transmitted < (uint64_t)o->count;
}

/* After the last probe: how long to wait for the outstanding replies.
 * Up to -W; once replies have come, as iputils, twice the longest RTT
 * seen but at least one interval (and at least 10 ms), never longer than
 * -W. */
static int64_t linger(const struct ping *e)
{
	const struct np_options *o = e->o;
	int64_t l = o->timeout_ns;

	if (e->st->rtt.n > 0) {
		l = 2 * e->st->rtt.max_ns;
		if (l < o->interval_ns)
			l = o->interval_ns;
		if (l < 10 * NP_NSEC_PER_MSEC)
			l = 10 * NP_NSEC_PER_MSEC;
		if (l > o->timeout_ns)
			l = o->timeout_ns;
	}
	return l;
}

static int ping_setup(struct ping *e, const struct np_run_info *info,
		      const struct np_sink *sink, const struct np_io *io,
		      struct np_stats *st, struct np_err *err)
{
	const struct np_options *o = info->opt;
	const struct np_target *t = info->target;

	memset(e, 0, sizeof(*e));
	e->info = info;
	e->o = o;
	e->s = info->sock;
	e->f = t->family == AF_INET6 ? 1 : 0;
	e->sink = sink;
	e->st = st;
	np_stats_init(st);
	e->m.kind[e->f] = e->s->kind;
	e->m.ident[e->f] = e->s->ident;
	e->m.total = st;
	e->m.total_rtt = true;
	e->m.slots = &e->tgt;
	e->m.nslots = 1;
	e->tgt.used = true;
	e->tgt.gen = 1;
	np_tstate_set_addr(&e->tgt, (const struct sockaddr *)&t->addr);
	np_rtt_init(&e->tgt.rtt);
	/* percentiles: shown by -J, --percentiles and --metrics only */
	if (o->json || o->percentiles || o->metrics != NULL)
		e->tgt.hist = &st->hist;
	if (np_core_init(&e->c, io, &e->m, e->s->proto, o, RX_BUF_LEN, RX_VLEN,
			 err) != 0)
		return -1;
	e->c.sock[e->f] = e->s;
	e->c.on_event = ping_packet;
	e->c.on_expired = ping_expired;
	e->c.sched = e;
	if ((info->capture_fd >= 0 &&
	     np_core_add_fd(&e->c, info->capture_fd, info->capture_pump,
			    info->capture_ctx) != 0) ||
	    (info->extra_poll != NULL &&
	     np_core_add_poll(&e->c, info->extra_poll, info->extra_pump,
			      info->extra_ctx) != 0))
		return np_err_set(err, "too many descriptors to wait on");
	if (np_probe_table_init(&e->m.tab, o->timeout_ns, o->interval_ns) != 0)
		return np_err_set(err, "out of memory");
	return 0;
}

/* The one target is finished: its result, for the sinks that want one
 * (the JSON summary, --metrics). */
static void done(struct ping *e, int64_t start_wall)
{
	const struct np_target *t = e->info->target;
	struct np_result r;

	if (e->sink->done == NULL)
		return;
	np_result_from_stats(&r, t->name, t->addr_str, e->st);
	r.privilege = np_socket_path_name(e->s);
	r.start_wall_ns = start_wall;
	r.end_wall_ns = np_core_real(&e->c);
	e->sink->done(e->sink->ctx, e->info, &r);
}

/* -f, and -A with no least interval: on a fast path the reply is often
 * queued by now; read it without a wait first (one recvmsg, as ping; the
 * transmit stamp before it, which -f does not ask for).  -1: fatal. */
static int read_after_send(struct ping *e, struct np_err *err)
{
	for (int q = e->s->ts_tx ? 0 : 1; q < 2; q++)
		if (np_core_read_one(&e->c, e->f, q == 0, err) < 0)
			return -1;
	return 0;
}

int np_ping_run(const struct np_run_info *info, const struct np_sink *sink,
		const struct np_core_signals *sig, const struct np_io *io,
		struct np_stats *st, struct np_err *err)
{
	struct ping e;
	const struct np_options *o = info->opt;
	int64_t now, next_send, deadline_at, next_expiry, last_send = 0;
	int64_t start_wall;
	int rc = 0;
	bool sent;

	if (ping_setup(&e, info, sink, io, st, err) != 0) {
		rc = -1;
		goto out;
	}
	start_wall = np_core_real(&e.c);
	if (sink->start)
		sink->start(sink->ctx, info);
	now = np_core_now(&e.c);
	st->start_ns = now;
	next_send = now;
	/* -f: as fast as replies come back, at least 100 per second */
	e.flood_gate = o->flood && !o->interval_set;
	/* ... and at ping's rate: no transmit stamps, whose copy and
	 * error-queue read cost about a third more per probe on loopback;
	 * the send time is read in user space (ts=kernel-rx). */
	if (e.flood_gate)
		e.s->ts_tx = false;
	e.preload_left = o->preload;
	deadline_at = o->deadline_ns > 0 ? now + o->deadline_ns : INT64_MAX;

	for (;;) {
		int64_t wake;
		int ready;

		if (*sig->stop)
			break;
		if (*sig->status) {
			*sig->status = 0;
			if (sink->progress) {
				st->end_ns = np_core_now(&e.c);
				sink->progress(sink->ctx, info, st, 0, 1);
			}
		}
		now = np_core_now(&e.c);
		if (now >= deadline_at)
			break;
		expire(&e, now, &next_expiry);
		/* iputils' rules: with -c, stop once every probe is answered
		 * or has failed; with -w, stop at the first failure. */
		if (o->count > 0 &&
		    st->received + st->errored >= (uint64_t)o->count)
			break;
		if (o->deadline_ns > 0 && st->errored > 0)
			break;
		if (e.send_now) {
			e.send_now = false;
			next_send = now;
			/* -A: answered, but not sooner than the least
			 * interval after the last probe */
			if (o->adaptive && e.preload_left == 0 &&
			    next_send < last_send + o->adaptive_min_ns)
				next_send = last_send + o->adaptive_min_ns;
		}
		sent = false;
		if (sending_wanted(&e) && now >= next_send) {
			if ((sent = send_probe(&e))) {
				/* the probe's own send time: its timeout and
				 * the wait after the last one count from it */
				last_send = e.last_sent;
				next_expiry = np_min64(
					next_expiry, last_send + o->timeout_ns);
				/* Keep to the schedule; after a stall longer
				 * than an interval, start a new one rather
				 * than catch up with a burst.  -l: the first
				 * probes go at once; -f: the next goes when
				 * this one is answered, or after 10 ms. */
				if (e.preload_left > 0)
					e.preload_left--;
				if (e.preload_left > 0)
					next_send = now;
				else if (e.flood_gate)
					next_send = now + NP_FLOOD_INTERVAL_NS;
				else if (o->adaptive) /* unless answered */
					next_send = now + adaptive_wait(&e);
				else
					next_send += o->interval_ns;
				if (next_send < now ||
				    (next_send == now && e.preload_left == 0))
					next_send = now + o->interval_ns;
			} else {
				/* no room in the send queue: retry soon */
				next_send = now + 10 * NP_NSEC_PER_MSEC;
			}
		}
		if (sent && (e.flood_gate ||
			     (o->adaptive && o->adaptive_min_ns == 0))) {
			if (read_after_send(&e, err) != 0) {
				rc = -1;
				goto done;
			}
			if (e.send_now)
				continue;
		}
		wake = np_min64(next_expiry, deadline_at);
		if (sending_wanted(&e)) {
			wake = np_min64(wake, next_send);
		} else {
			if (e.m.tab.pending == 0)
				break;
			if (o->deadline_ns == 0) {
				int64_t l = linger(&e);

				if (now >= last_send + l) {
					/* The whole -W since the last probe
					 * left: every probe still waiting is
					 * lost, also one whose kernel send
					 * stamp is a little later than the
					 * clock read before sendmsg. */
					if (l == o->timeout_ns)
						expire(&e, INT64_MAX / 2,
						       &next_expiry);
					break;
				}
				wake = np_min64(wake, last_send + l);
			}
		}
		ready = np_core_wait(&e.c, wake, sig->waitmask, err);
		if (ready == -2)
			continue;
		if (ready < 0) {
			rc = -1;
			break;
		}
		if (ready == 0)
			continue;
		/* Probes whose -W ran out while we waited end first, so that
		 * a reply that comes after it is late, not good. */
		expire(&e, np_core_now(&e.c), &next_expiry);
		/* The error queue first: the kernel's transmit stamps are
		 * there (and, on datagram sockets, ICMP errors), and a probe's
		 * stamp must be in before its reply is matched.  Then the
		 * plain queue; an error-queue entry that comes meanwhile is
		 * read at the next wake-up (ppoll reports it). */
		if (np_core_drain(&e.c, e.f, true, RX_BATCH / RX_VLEN, err) <
			    0 ||
		    np_core_drain(&e.c, e.f, false, RX_BATCH / RX_VLEN, err) <
			    0) {
			rc = -1;
			goto done;
		}
	}
done:
	/* The summary even after a fatal error: probes were sent and
	 * counted, and a runbook wants the numbers.  Its time runs to the
	 * last probe or good reply, not to the end of the final wait. */
	st->end_ns = e.last_activity > st->start_ns ? e.last_activity
						    : np_core_now(&e.c);
	done(&e, start_wall);
	if (sink->finish)
		sink->finish(sink->ctx, info, st);
out:
	np_probe_table_free(&e.m.tab);
	np_core_free(&e.c);
	return rc;
}
