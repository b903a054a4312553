/* engine.c - the send schedule, the select() loop, matching replies to
 * probes, timeouts.  Never prints: everything goes to the sink. */
#include "config.h"

#include "engine.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/select.h>
#include <sys/socket.h>

#include "clock.h"
#include "match.h"
#include "sockets.h"

#define RX_BUF_LEN (65536 + 512) /* the largest IP datagram, and more */
#define RX_BATCH 64		 /* datagrams read per wake-up at most */
#define RX_VLEN 8		 /* ... and per recvmmsg */

/* ---- the engine --------------------------------------------------------- */

struct engine {
	const struct np_run_info *info;
	const struct np_options *o;
	struct np_socket *s;
	const struct np_target *t;
	const struct np_sink *sink;
	struct np_stats *st;
	struct np_matcher m;
	uint8_t *txbuf;
	size_t txcap;
	uint32_t fill_sum; /* the protocol's prepare, for every probe */
	int64_t stamp_off; /* realtime - monotonic at start: the stamps */
	uint64_t last_stamp;
	struct np_rxbatch rx;
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

size_t np_engine_packet_len(int family, long payload)
{
	return (size_t)payload + NP_ICMP_HDR_LEN +
	       (family == AF_INET6 ? 40 : 20);
}

static void emit(struct engine *e, struct np_event *ev)
{
	/* No output shows the time of a probe sent (-f's dot); a packet
	 * has it already (rx_real: its kernel stamp, else when read). */
	if (ev->wall_ns == 0 && ev->kind != NP_EV_SENT)
		ev->wall_ns = np_clock_real();
	if (e->sink->event)
		e->sink->event(e->sink->ctx, e->info, ev);
}

static void emit_ignored(struct engine *e, const struct sockaddr *from,
			 const char *why)
{
	struct np_event ev;

	if (!e->o->verbose)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.kind = NP_EV_IGNORED;
	ev.rtt_ns = -1;
	ev.ttl = -1;
	ev.from = from;
	ev.why = why;
	emit(e, &ev);
}

/* Send the next probe.  False when the kernel had no room for it. */
static bool send_probe(struct engine *e)
{
	struct np_probe_table *tab = &e->m.tab;
	struct np_probe_ident id;
	struct np_event ev;
	struct np_probe *p;
	size_t len;
	ssize_t n;

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
	p = np_probe_table_next(tab, &e->st->late_forced);
	/* One clock read: the send time, and from it the payload's stamp
	 * (distinct for every probe); what is left to write of the packet
	 * takes some nanoseconds. */
	p->sent_mono = np_clock_mono();
	p->stamp = np_payload_next_stamp(p->sent_mono, e->stamp_off,
					 &e->last_stamp);
	id.flow = e->s->ident;
	id.seq = (uint16_t)p->no;
	id.stamp = p->stamp;
	len = e->s->proto->build(e->txbuf, e->txcap, e->t->family, &id,
				 &e->m.spec, e->fill_sum);
	n = np_socket_send(e->s, e->txbuf, len,
			   (const struct sockaddr *)&e->t->addr, e->t->addrlen,
			   (uint32_t)p->no);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		      errno == ENOBUFS || errno == ENOMEM)) {
		/* The send queue is full: not sent, nothing to count; the
		 * probe goes out at the next wake-up (iputils does the same).
		 */
		np_probe_table_unclaim(tab, p);
		return false;
	}
	np_match_sent(&e->m, p, n >= 0);
	if (n >= 0 && e->o->flood) {
		np_event_init(&ev, NP_EV_SENT, (uint16_t)p->no);
		emit(e, &ev);
	}
	if (n < 0) {
		np_event_init(&ev, NP_EV_SEND_ERROR, (uint16_t)p->no);
		ev.err_no = errno;
		if (ev.err_no == EMSGSIZE)
			ev.mtu = np_socket_path_mtu(e->s);
		emit(e, &ev);
	}
	e->last_activity = p->sent_mono;
	e->last_sent = p->sent_mono;
	return true;
}

/* -A: RFC 6298's smoothed RTT and variation, updated with a sample. */
static void adapt(struct engine *e, int64_t rtt)
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
static int64_t adaptive_wait(const struct engine *e)
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

static void dispatch(struct engine *e, const struct np_reply *r,
		     const struct sockaddr *from, int64_t rx_mono,
		     int64_t rx_real, unsigned rx_ts)
{
	struct np_event ev;

	if (!np_match_packet(&e->m, r, from, rx_mono, &ev))
		return;
	ev.wall_ns = rx_real;
	if (ev.kind == NP_EV_REPLY && ev.rtt_ns >= 0 &&
	    !(ev.flags & (NP_EVF_DUP | NP_EVF_LATE)) &&
	    e->info->capture_wire_rtt != NULL) {
		int64_t w = e->info->capture_wire_rtt(e->info->capture_ctx,
						      (uint16_t)r->key.seq);

		ev.wire_rtt_ns = w > 0 ? w : 0;
	}
	if (ev.rtt_ns >= 0)
		ev.ts |= rx_ts;
	if (ev.kind == NP_EV_REPLY && ev.flags == 0)
		e->last_activity = rx_mono;
	if (e->o->adaptive && ev.kind == NP_EV_REPLY && ev.flags == 0 &&
	    ev.rtt_ns >= 0)
		adapt(e, ev.rtt_ns);
	if ((e->flood_gate || e->o->adaptive) && e->m.tab.pending == 0)
		e->send_now = true;
	if (ev.kind == NP_EV_IGNORED && !e->o->verbose)
		return;
	emit(e, &ev);
}

/* One datagram or error-queue entry that was read. */
static void handle(struct engine *e, struct np_rxpkt *pkt)
{
	np_rx_parse(e->s, pkt);
	if (pkt->tx_stamp)
		np_probe_table_tx_stamp(&e->m.tab, pkt->tx_id, pkt->rx_mono);
	if (!pkt->parsed)
		return;
	if (pkt->truncated) {
		e->st->malformed++;
		emit_ignored(e, (const struct sockaddr *)&pkt->from,
			     "datagram larger than the receive buffer");
		return;
	}
	dispatch(e, &pkt->r, (const struct sockaddr *)&pkt->from, pkt->rx_mono,
		 pkt->rx_real, pkt->ts);
}

/* Read up to RX_BATCH datagrams from one queue, RX_VLEN per recvmmsg (one
 * call reads what is there, without a last one that finds the queue
 * empty).  -1: fatal. */
static int drain(struct engine *e, bool errqueue, struct np_err *err)
{
	for (int round = 0; round < RX_BATCH / RX_VLEN; round++) {
		int got = np_socket_recv_batch(e->s, &e->rx, errqueue, err);

		if (got == -1)
			return -1;
		if (got == -2) /* a pending socket error was read: go on */
			continue;
		for (int i = 0; i < got; i++)
			handle(e, &e->rx.pkt[i]);
		if (got < (int)e->rx.count)
			return 0;
	}
	return 0;
}

/* Probes that reached -W without a reply: lost (a report may say so). */
static void expire(struct engine *e, int64_t now, int64_t *next_expiry)
{
	struct np_probe *p;
	struct np_event ev;

	while ((p = np_probe_table_expire_one(&e->m.tab, now, e->o->timeout_ns,
					      next_expiry)) != NULL) {
		np_event_init(&ev, NP_EV_TIMEOUT, (uint16_t)p->no);
		emit(e, &ev);
	}
}

static bool sending_wanted(const struct engine *e)
{
	const struct np_options *o = e->o;

	if (o->count == 0)
		return true;
	if (o->deadline_ns > 0)
		return e->st->received < (uint64_t)o->count;
	return e->st->transmitted < (uint64_t)o->count;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

int np_engine_run(const struct np_run_info *info, const struct np_sink *sink,
		  const struct np_engine_signals *sig, struct np_stats *st,
		  struct np_err *err)
{
	struct engine e;
	const struct np_options *o = info->opt;
	int64_t now, next_send, deadline_at, next_expiry, last_send = 0;
	int rc = 0;
	bool sent;

	memset(&e, 0, sizeof(e));
	e.info = info;
	e.o = o;
	e.s = info->sock;
	e.t = info->target;
	e.sink = sink;
	e.st = st;
	e.m.family = e.t->family;
	e.m.kind = e.s->kind;
	e.m.ident = e.s->ident;
	memcpy(&e.m.target, &e.t->addr, sizeof(e.m.target));
	e.m.st = st;
	e.m.spec.size = (size_t)o->size;
	memcpy(e.m.spec.pattern, o->pattern, sizeof(e.m.spec.pattern));
	e.m.spec.pattern_len = o->pattern_len;
	if (np_payload_new_key(&e.m.spec) != 0)
		return np_err_errno(err, errno,
				    "getrandom for the run's MAC key");
	e.txcap = e.s->proto->hdr_len + (size_t)o->size;
	e.txbuf = malloc(e.txcap);
	if (e.txbuf != NULL)
		e.fill_sum = e.s->proto->prepare(e.txbuf, e.txcap, &e.m.spec);
	e.stamp_off = np_clock_real_minus_mono();
	/* percentiles: shown by -J, --percentiles and --metrics only */
	e.m.no_hist = !o->json && !o->percentiles && o->metrics == NULL;
	if (e.txbuf == NULL ||
	    np_rxbatch_init(&e.rx, RX_BUF_LEN, RX_VLEN) != 0 ||
	    np_probe_table_init(&e.m.tab, o->timeout_ns, o->interval_ns) != 0) {
		rc = np_err_set(err, "out of memory");
		goto out;
	}
	np_stats_init(st);
	if (sink->start)
		sink->start(sink->ctx, info);
	now = np_clock_mono();
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
		struct timespec ts;
		int64_t wake, xwake;
		fd_set rfds;
		int n, xfd, maxfd;

		if (*sig->stop)
			break;
		if (*sig->status) {
			*sig->status = 0;
			if (sink->interim) {
				st->end_ns = np_clock_mono();
				sink->interim(sink->ctx, info, st);
			}
		}
		now = np_clock_mono();
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
				next_expiry = min64(next_expiry,
						    last_send + o->timeout_ns);
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
		/* -f, and -A with no least interval: on a fast path the reply
		 * is often queued by now; read it without a select() first
		 * (one recvmsg, as ping; the transmit stamp before it, which
		 * -f does not ask for), and send again at once.  Anything
		 * else waits for the select(). */
		if (sent && (e.flood_gate ||
			     (o->adaptive && o->adaptive_min_ns == 0))) {
			for (int q = e.s->ts_tx ? 0 : 1; q < 2; q++) {
				int got = np_socket_recv_one(e.s, &e.rx, q == 0,
							     err);

				if (got == -1) {
					rc = -1;
					goto done;
				}
				if (got == 1)
					handle(&e, &e.rx.pkt[0]);
			}
			if (e.send_now)
				continue;
		}
		wake = min64(next_expiry, deadline_at);
		if (sending_wanted(&e)) {
			wake = min64(wake, next_send);
		} else {
			if (e.m.tab.pending == 0)
				break;
			if (o->deadline_ns == 0) {
				/* After the last probe: wait for the
				 * outstanding replies up to -W; once replies
				 * have come, as iputils, for twice the longest
				 * RTT seen but at least one interval (and at
				 * least 10 ms), never longer than -W. */
				int64_t linger = o->timeout_ns;

				if (st->rtt.n > 0) {
					linger = 2 * st->rtt.max_ns;
					if (linger < o->interval_ns)
						linger = o->interval_ns;
					if (linger < 10 * NP_NSEC_PER_MSEC)
						linger = 10 * NP_NSEC_PER_MSEC;
					if (linger > o->timeout_ns)
						linger = o->timeout_ns;
				}
				if (now >= last_send + linger) {
					/* The whole -W since the last probe
					 * left: every probe still waiting is
					 * lost, also one whose kernel send
					 * stamp is a little later than the
					 * clock read before sendmsg. */
					if (linger == o->timeout_ns)
						expire(&e, INT64_MAX / 2,
						       &next_expiry);
					break;
				}
				wake = min64(wake, last_send + linger);
			}
		}
		xfd = -1;
		xwake = INT64_MAX;
		if (info->extra_poll != NULL) {
			xfd = info->extra_poll(info->extra_ctx, &xwake);
			if (xfd >= FD_SETSIZE)
				xfd = -1; /* woken by its time only */
			wake = min64(wake, xwake);
		}
		ts = np_ns_to_timespec(wake - np_clock_mono());
		FD_ZERO(&rfds);
		FD_SET(e.s->fd, &rfds);
		maxfd = e.s->fd;
		if (info->capture_fd >= 0)
			FD_SET(info->capture_fd, &rfds);
		if (info->capture_fd > maxfd)
			maxfd = info->capture_fd;
		if (xfd >= 0)
			FD_SET(xfd, &rfds);
		if (xfd > maxfd)
			maxfd = xfd;
		n = pselect(maxfd + 1, &rfds, NULL, NULL, &ts, sig->waitmask);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = np_err_errno(err, errno, "select");
			break;
		}
		if (info->extra_poll != NULL &&
		    ((xfd >= 0 && n > 0 && FD_ISSET(xfd, &rfds)) ||
		     np_clock_mono() >= xwake)) {
			info->extra_pump(info->extra_ctx);
			if (n > 0 && xfd >= 0 && FD_ISSET(xfd, &rfds))
				n--;
		}
		if (n == 0)
			continue;
		if (info->capture_fd >= 0 &&
		    FD_ISSET(info->capture_fd, &rfds)) {
			info->capture_pump(info->capture_ctx);
			if (!FD_ISSET(e.s->fd, &rfds))
				continue;
		}
		/* Probes whose -W ran out while we waited end first, so that
		 * a reply that comes after it is late, not good. */
		expire(&e, np_clock_mono(), &next_expiry);
		/* The error queue first: the kernel's transmit stamps are
		 * there (and, on datagram sockets, ICMP errors), and a probe's
		 * stamp must be in before its reply is matched.  Then the
		 * plain queue; an error-queue entry that comes meanwhile is
		 * read at the next wake-up (select reports it). */
		if (drain(&e, true, err) < 0 || drain(&e, false, err) < 0) {
			rc = -1;
			goto done;
		}
	}
done:
	/* The summary even after a fatal error: probes were sent and
	 * counted, and a runbook wants the numbers.  Its time runs to the
	 * last probe or good reply, not to the end of the final wait. */
	st->end_ns = e.last_activity > st->start_ns ? e.last_activity
						    : np_clock_mono();
	if (sink->finish)
		sink->finish(sink->ctx, info, st);
out:
	np_probe_table_free(&e.m.tab);
	free(e.txbuf);
	np_rxbatch_free(&e.rx);
	return rc;
}
