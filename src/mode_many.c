/* mode_many.c - many-target mode (fping's job), a scheduler over the
 * probe core: admission of targets, the period per target, the gap
 * between sends, retries, alive mode, the order targets are retired in.
 * Targets come lazily from the plan; at most NP_SWEEP_MAX_ACTIVE are
 * measured at a time, so memory follows what is in flight, never the size
 * of the list. */
#include "config.h"

#include "mode_many.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "clock.h"
#include "match.h"
#include "result.h"

#define RX_BATCH 64
#define SEND_BURST 32 /* sends between two reads when the gap is 0 */

struct due {
	uint32_t slot, gen;
	int64_t at;
};

struct sweep {
	const struct np_sweep_cfg *cfg;
	const struct np_options *o;
	const struct np_sink *sink;
	struct np_run_info info; /* for the sink: opt only */
	struct np_matcher m;
	struct np_core c;
	struct np_stats *total;
	/* slots */
	uint32_t *freelist;
	size_t nfree, nalloc, max_active, active, peak;
	/* targets in list order, to report them in that order */
	uint32_t *order;
	size_t ord_head, ord_len;
	/* next probes due (count mode: period; alive mode: retries) */
	struct due *fifo;
	size_t f_head, f_len, f_cap;
	int64_t f_last;
	bool plan_done;
	bool oom;
	uint64_t next_ord, reported, answered;
	/* a probe the kernel had no room for (EAGAIN), or the probe
	 * table was full: it goes first */
	bool have_retry;
	uint32_t retry_slot, retry_gen;
	int64_t next_send_at;
	int64_t last_sent;  /* the send time of the last probe sent */
	int64_t burst_real; /* CLOCK_REALTIME at the burst's first admit */
};

static int fam_index(int family)
{
	return family == AF_INET6 ? 1 : 0;
}

static bool grow_slots(struct sweep *w)
{
	size_t n = w->nalloc ? w->nalloc * 2 : 64;
	struct np_tstate *v;

	if (n > w->max_active)
		n = w->max_active;
	if (n <= w->nalloc)
		return false;
	v = realloc(w->m.slots, n * sizeof(*v));
	if (v == NULL)
		return false;
	memset(v + w->nalloc, 0, (n - w->nalloc) * sizeof(*v));
	w->m.slots = v;
	/* hand out low slots first */
	for (size_t i = n; i > w->nalloc; i--)
		w->freelist[w->nfree++] = (uint32_t)(i - 1);
	w->nalloc = n;
	w->m.nslots = n;
	return true;
}

/* Entries of targets already reported stay until they reach the head:
 * rarely, the queue holds more entries than targets. */
static bool fifo_grow(struct sweep *w)
{
	size_t cap = w->f_cap * 2;
	struct due *v = malloc(cap * sizeof(*v));

	if (v == NULL)
		return false;
	for (size_t i = 0; i < w->f_len; i++)
		v[i] = w->fifo[(w->f_head + i) % w->f_cap];
	free(w->fifo);
	w->fifo = v;
	w->f_head = 0;
	w->f_cap = cap;
	return true;
}

static void fifo_push(struct sweep *w, uint32_t slot, int64_t at)
{
	struct due *d;

	if (w->f_len == w->f_cap && !fifo_grow(w)) {
		w->oom = true; /* the loop stops with "out of memory" */
		return;
	}

	/* Keep the queue in time order: a rare early entry waits behind a
	 * later one rather than the queue needing a heap. */
	if (at < w->f_last)
		at = w->f_last;
	w->f_last = at;
	d = &w->fifo[(w->f_head + w->f_len++) % w->f_cap];
	d->slot = slot;
	d->gen = w->m.slots[slot].gen;
	d->at = at;
}

static bool wants_probe(const struct sweep *w, const struct np_tstate *t)
{
	if (t->c.transmitted >= w->cfg->probes)
		return false;
	return !(w->cfg->alive_mode && t->c.received > 0);
}

static bool target_done(const struct sweep *w, const struct np_tstate *t)
{
	if (w->cfg->alive_mode && t->c.received > 0)
		return true;
	return t->inflight == 0 && t->c.transmitted >= w->cfg->probes;
}

/* An event about target `t` (NULL: nobody's) to the sink. */
static void tell(struct sweep *w, const struct np_tstate *t,
		 struct np_event *ev)
{
	struct sockaddr_storage ss;
	struct np_tview tv;

	if (w->sink->event == NULL)
		return;
	if (t != NULL) { /* what a report may see of the target */
		np_tstate_addr(t, &ss);
		tv.name = t->name;
		tv.family = t->family;
		tv.addr = (const struct sockaddr *)&ss;
		tv.transmitted = t->c.transmitted;
		tv.received = t->c.received;
		tv.avg_ns = (int64_t)np_rtt_avg_ns(&t->rtt);
		ev->tv = &tv;
	}
	np_core_emit(&w->c, w->sink, &w->info, ev);
	ev->tv = NULL;
}

/* A finished target's result, for the sink. */
static void report(struct sweep *w, const struct np_tstate *t)
{
	struct np_result r;

	if (w->sink->done == NULL)
		return;
	np_result_from_tstate(&r, t);
	r.privilege = np_socket_path_name(w->cfg->sock[fam_index(t->family)]);
	w->sink->done(w->sink->ctx, &w->info, &r);
}

static void retire(struct sweep *w, bool all)
{
	while (w->ord_len > 0) {
		uint32_t slot = w->order[w->ord_head];
		struct np_tstate *t = &w->m.slots[slot];

		if (!all && !target_done(w, t))
			break;
		w->ord_head = (w->ord_head + 1) % w->max_active;
		w->ord_len--;
		w->reported++;
		if (t->c.received > 0)
			w->answered++;
		report(w, t);
		t->used = false;
		w->freelist[w->nfree++] = slot;
		w->active--;
	}
}

/* Take the next target from the plan into a free slot. */
static int admit(struct sweep *w, uint32_t *slot_out)
{
	struct np_tnext nx;
	struct sockaddr_storage ss;
	struct np_tstate *t;
	uint32_t slot, gen;
	int64_t *rtts;
	struct np_hist *hist;

	if (w->nfree == 0 && !grow_slots(w))
		return -1;
	if (!np_tplan_next(w->cfg->plan, &nx)) {
		w->plan_done = true;
		return 0;
	}
	slot = w->freelist[--w->nfree];
	t = &w->m.slots[slot];
	gen = t->gen + 1;
	rtts = t->rtts;
	hist = t->hist;
	memset(t, 0, sizeof(*t));
	t->gen = gen;
	if (w->cfg->percentiles) {
		if (hist == NULL)
			hist = malloc(sizeof(*hist));
		if (hist == NULL) {
			t->rtts = rtts;
			w->freelist[w->nfree++] = slot;
			return -1;
		}
		np_hist_init(hist);
	}
	t->hist = hist;
	t->used = true;
	t->ord = w->next_ord++;
	/* when the burst that takes it in began: one clock read per burst,
	 * not one per target */
	if (w->burst_real == 0)
		w->burst_real = np_core_real(&w->c);
	t->start_wall_ns = w->burst_real;
	t->name = nx.name;
	np_u128_to_addr(nx.family, nx.addr, &ss);
	if (nx.family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_scope_id = nx.scope;
	np_tstate_set_addr(t, (struct sockaddr *)&ss);
	np_rtt_init(&t->rtt);
	if (w->m.keep_rtts > 0) {
		if (rtts == NULL)
			rtts = malloc(w->m.keep_rtts * sizeof(*rtts));
		if (rtts == NULL) {
			t->used = false;
			w->freelist[w->nfree++] = slot;
			return -1;
		}
		for (size_t i = 0; i < w->m.keep_rtts; i++)
			rtts[i] = -1;
	}
	t->rtts = rtts;
	w->order[(w->ord_head + w->ord_len++) % w->max_active] = slot;
	w->active++;
	if (w->active > w->peak)
		w->peak = w->active;
	*slot_out = slot;
	return 1;
}

/* The kernel took probe `p` for target `slot`, or refused it with `e`. */
static void sent_one(struct sweep *w, uint32_t slot, struct np_probe *p, int e)
{
	struct np_tstate *t = &w->m.slots[slot];
	struct np_event ev;

	if (e != 0) {
		np_event_init(&ev, NP_EV_SEND_ERROR, (uint16_t)p->no);
		ev.err_no = e;
		if (e == EMSGSIZE) {
			struct sockaddr_storage dst;
			socklen_t dlen = np_tstate_addr(t, &dst);

			ev.mtu = np_core_mtu(&w->c, fam_index(t->family),
					     (struct sockaddr *)&dst, dlen);
		}
		ev.target = slot;
		ev.index = p->index;
		if (t->send_error_said)
			ev.flags |= NP_EVF_REPEAT;
		t->send_error_said = true;
		tell(w, t, &ev);
	}
	if (wants_probe(w, t)) {
		if (!w->cfg->alive_mode)
			fifo_push(w, slot, p->sent_mono + w->o->interval_ns);
		else if (e != 0) /* as if lost: retry after the timeout */
			fifo_push(w, slot, p->sent_mono + w->cfg->timeout_ns);
	}
}

static int pick(struct sweep *w, int64_t now, uint32_t *slot);

/* Send up to `max` probes, each as soon as it is built (one sendto per
 * probe: sendmmsg measured no faster here, and would stamp a whole burst
 * with one send time).  Returns how many the kernel took or refused for
 * good, or -1 (out of memory).  *busy: the probe table is full; *again:
 * the send queue is. */
static int send_burst(struct sweep *w, int64_t now, unsigned max, bool *busy,
		      bool *again)
{
	unsigned n = 0;

	*busy = *again = false;
	w->burst_real = 0;
	while (n < max) {
		struct sockaddr_storage dst;
		struct np_tstate *t;
		struct np_probe *p;
		uint32_t slot;
		socklen_t dlen;
		int got, e;

		if (np_core_busy(&w->c)) { /* a full table, or sockets */
			*busy = true;
			break;
		}
		got = pick(w, now, &slot);
		if (got <= 0)
			return got < 0 ? -1 : (int)n;
		t = &w->m.slots[slot];
		dlen = np_tstate_addr(t, &dst);
		/* claim, stamp, build, send: the core (one clock read) */
		e = np_core_send(&w->c, slot, t->family,
				 (struct sockaddr *)&dst, dlen, NULL, &p);
		if (e < 0) {
			/* No room in the send queue: not sent, nothing to
			 * count (as iputils); this target goes first next
			 * time. */
			w->have_retry = true;
			w->retry_slot = slot;
			w->retry_gen = t->gen;
			*again = true;
			break;
		}
		w->last_sent = p->sent_mono;
		sent_one(w, slot, p, e);
		n++;
	}
	return (int)n;
}

/* The next target to probe now, if any.  0: none now, 1: *slot set. */
static int pick(struct sweep *w, int64_t now, uint32_t *slot)
{
	if (w->have_retry) {
		w->have_retry = false;
		const struct np_tstate *t = &w->m.slots[w->retry_slot];

		if (t->used && t->gen == w->retry_gen && wants_probe(w, t)) {
			*slot = w->retry_slot;
			return 1;
		}
	}
	while (w->f_len > 0) {
		struct due *d = &w->fifo[w->f_head];
		struct np_tstate *t = &w->m.slots[d->slot];

		if (!t->used || t->gen != d->gen || !wants_probe(w, t)) {
			w->f_head = (w->f_head + 1) % w->f_cap;
			w->f_len--;
			continue;
		}
		if (d->at > now)
			break;
		*slot = d->slot;
		w->f_head = (w->f_head + 1) % w->f_cap;
		w->f_len--;
		return 1;
	}
	if (!w->plan_done && w->active < w->max_active)
		return admit(w, slot);
	return 0;
}

/* When something could next be sent (INT64_MAX: nothing).  With --burst
 * N, probes that come due over the next N gaps wait for the last of them
 * (or N - 1 gaps after the first), so that they go in one burst, one
 * wake-up: else the probes of one burst, due again an interval later
 * within microseconds of each other, would be sent in a few wake-ups. */
static int64_t next_send_time(const struct sweep *w)
{
	int64_t at = INT64_MAX;

	if (w->have_retry || (!w->plan_done && w->active < w->max_active)) {
		at = w->next_send_at;
	} else if (w->f_len > 0) {
		size_t n = (size_t)w->o->burst < w->f_len ? (size_t)w->o->burst
							  : w->f_len;
		int64_t first = w->fifo[w->f_head].at;
		int64_t last = w->fifo[(w->f_head + n - 1) % w->f_cap].at;

		at = first;
		if (n > 1 && w->o->gap_ns > 0) {
			int64_t most = first + (int64_t)(n - 1) * w->o->gap_ns;

			at = last < most ? last : most;
		}
		if (at < w->next_send_at)
			at = w->next_send_at;
	}
	return at;
}

/* The core's hand-over of each packet read. */
static void many_packet(void *sched, const struct np_rxpkt *pkt,
			struct np_event *ev, bool matched)
{
	struct sweep *w = sched;
	struct np_tstate *t;

	if (!matched) /* too large to parse: counted, not shown */
		return;
	if (ev->kind == NP_EV_IGNORED) {
		if (w->o->verbose)
			tell(w, NULL, ev);
		return;
	}
	t = &w->m.slots[ev->target];
	tell(w, t, ev);
	/* alive mode: a probe ended by an ICMP error is retried at once */
	if (w->cfg->alive_mode && w->m.ended && wants_probe(w, t) &&
	    t->inflight == 0)
		fifo_push(w, ev->target, pkt->rx_mono);
}

/* Read what is queued, a few batches at most (then the loop sends
 * again). */
static int drain(struct sweep *w, int f, bool errqueue, struct np_err *err)
{
	return np_core_drain(&w->c, f, errqueue, 4, err);
}

/* Both queues of both sockets, the error queue first (transmit stamps
 * before the replies they time). */
static int drain_all(struct sweep *w, struct np_err *err)
{
	for (int f = 0; f < 2; f++)
		if (w->cfg->sock[f] != NULL &&
		    (drain(w, f, true, err) < 0 || drain(w, f, false, err) < 0))
			return -1;
	return 0;
}

/* The core's hand-over of a probe that timed out. */
static void many_expired(void *sched, struct np_tstate *t, struct np_event *ev,
			 int64_t now)
{
	struct sweep *w = sched;

	tell(w, t, ev);
	if (w->cfg->alive_mode && wants_probe(w, t) && t->inflight == 0)
		fifo_push(w, ev->target, now);
}

static int many_setup(struct sweep *w, const struct np_sweep_cfg *cfg,
		      const struct np_io *io, struct np_sweep_result *res,
		      struct np_err *err)
{
	const struct np_options *o = cfg->opt;
	uint64_t size = np_tplan_size(cfg->plan);
	const struct np_proto *P;
	size_t rxlen;
	unsigned batch;

	memset(w, 0, sizeof(*w));
	w->cfg = cfg;
	w->o = o;
	w->total = &res->total;
	w->max_active =
		size < NP_SWEEP_MAX_ACTIVE ? (size_t)size : NP_SWEEP_MAX_ACTIVE;
	/* -C N keeps N RTTs per target: at most 64 MB of them */
	if (o->vcount > 0 &&
	    w->max_active > (64u << 20) / (8 * (size_t)o->vcount))
		w->max_active = (64u << 20) / (8 * (size_t)o->vcount);
	/* percentiles: a 1.8 KB histogram per target, at most 64 MB */
	if (cfg->percentiles &&
	    w->max_active > (64u << 20) / sizeof(struct np_hist))
		w->max_active = (64u << 20) / sizeof(struct np_hist);
	if (w->max_active == 0)
		w->max_active = 1;
	for (int f = 0; f < 2; f++) {
		if (cfg->sock[f] == NULL)
			continue;
		w->m.kind[f] = cfg->sock[f]->kind;
		w->m.ident[f] = cfg->sock[f]->ident;
	}
	w->m.total = w->total;
	w->m.keep_rtts = (size_t)o->vcount;
	/* Room for a reply with the largest IPv4 header; anything longer
	 * is not a reply to us (MSG_TRUNC: counted as malformed), except
	 * an ICMP error quoting a long probe, which is cut to 576 or 1280
	 * bytes anyway. */
	/* (both families' sockets carry the same protocol) */
	P = cfg->sock[0] != NULL ? cfg->sock[0]->proto : cfg->sock[1]->proto;
	rxlen = P->hdr_len + (size_t)o->size + 60 + 40;
	if (rxlen < 1500)
		rxlen = 1500;
	batch = RX_BATCH;
	while (batch > 1 && rxlen * batch > (1u << 20))
		batch /= 2;
	w->freelist = malloc(w->max_active * sizeof(*w->freelist));
	w->order = malloc(w->max_active * sizeof(*w->order));
	w->f_cap = w->max_active;
	w->fifo = malloc(w->f_cap * sizeof(*w->fifo));
	if (np_core_init(&w->c, io, &w->m, P, o, rxlen, batch, err) != 0)
		return -1;
	for (int f = 0; f < 2; f++)
		w->c.sock[f] = cfg->sock[f];
	w->c.on_event = many_packet;
	w->c.on_expired = many_expired;
	w->c.sched = w;
	w->c.retry_pending_error = true;
	if (w->freelist == NULL || w->order == NULL || w->fifo == NULL ||
	    np_probe_table_init(&w->m.tab,
				cfg->timeout_ns + o->burst * o->gap_ns,
				o->gap_ns) != 0)
		return np_err_set(err, "out of memory");
	return 0;
}

static void teardown(struct sweep *w)
{
	for (size_t i = 0; i < w->nalloc; i++) {
		free(w->m.slots[i].rtts);
		free(w->m.slots[i].hist);
	}
	free(w->m.slots);
	np_probe_table_free(&w->m.tab);
	free(w->freelist);
	free(w->order);
	free(w->fifo);
	np_core_free(&w->c);
}

int np_many_run(const struct np_sweep_cfg *cfg, const struct np_sink *sink,
		const struct np_core_signals *sig, const struct np_io *io,
		struct np_sweep_result *res, struct np_err *err)
{
	struct sweep w;
	const struct np_options *o = cfg->opt;
	int64_t now, deadline_at, next_expiry = INT64_MAX;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	np_stats_init(&res->total);
	if (many_setup(&w, cfg, io, res, err) != 0) {
		teardown(&w);
		return -1;
	}
	w.sink = sink;
	w.info.opt = o;
	w.info.capture_fd = -1;
	if (sink->start)
		sink->start(sink->ctx, &w.info);
	now = np_core_now(&w.c);
	res->total.start_ns = now;
	w.next_send_at = now;
	deadline_at = o->deadline_ns > 0 ? now + o->deadline_ns : INT64_MAX;

	for (;;) {
		int64_t wake;
		int ready;
		bool busy = false;

		if (*sig->stop)
			break;
		if (*sig->status) {
			*sig->status = 0;
			if (sink->progress)
				sink->progress(sink->ctx, &w.info, w.total,
					       w.reported, w.active);
		}
		now = np_core_now(&w.c);
		if (now >= deadline_at)
			break;
		np_core_expire(&w.c, now, cfg->timeout_ns, &next_expiry);
		retire(&w, false);
		if (w.plan_done && w.active == 0)
			break;
		if (now >= w.next_send_at) {
			bool again;
			int sent = send_burst(&w, now,
					      o->gap_ns > 0 ? (unsigned)o->burst
							    : SEND_BURST,
					      &busy, &again);

			if (sent < 0) {
				rc = np_err_set(err, "out of memory");
				goto done;
			}
			if (again) /* the send queue is full: let it drain */
				w.next_send_at = now + NP_NSEC_PER_MSEC;
			else if (sent > 0) /* from the last one sent; --burst:
					    * the same average */
				w.next_send_at = w.last_sent + sent * o->gap_ns;
			/* expire() ran before these probes existed: wake up
			 * for their timeout too (else, with nothing else in
			 * flight, nothing would) */
			if (sent > 0)
				next_expiry = np_min64(next_expiry,
						       now + cfg->timeout_ns);
			/* The transmit stamps of the burst are queued by now,
			 * and on a fast path (loopback) the replies too: read
			 * them without a wait first. */
			if (sent > 0 && drain_all(&w, err) < 0) {
				rc = -1;
				goto done;
			}
		}
		if (w.oom) {
			rc = np_err_set(err, "out of memory");
			goto done;
		}
		/* a send error can finish a target: nothing else would wake
		 * us for it */
		retire(&w, false);
		if (w.plan_done && w.active == 0)
			break;
		wake = np_min64(next_expiry, deadline_at);
		if (!busy)
			wake = np_min64(wake, next_send_time(&w));
		now = np_core_now(&w.c);
		if (wake > now && sink->flush)
			sink->flush(sink->ctx);
		ready = np_core_wait(&w.c, wake, sig->waitmask, err);
		if (ready == -2)
			continue;
		if (ready < 0) {
			rc = -1;
			break;
		}
		/* Probes whose -W ran out while we waited end first, so that
		 * a reply that comes after it is late, not good. */
		if (ready > 0)
			np_core_expire(&w.c, np_core_now(&w.c), cfg->timeout_ns,
				       &next_expiry);
		for (int f = 0; f < 2; f++) {
			if (!(ready & (1 << f)))
				continue;
			/* Transmit stamps (and ICMP errors) first, as in
			 * ping mode. */
			if (drain(&w, f, true, err) < 0 ||
			    drain(&w, f, false, err) < 0) {
				rc = -1;
				goto done;
			}
		}
	}
	/* Stopped by a signal or the deadline: replies already queued are
	 * counted before the report (on loopback the reply to the last probe
	 * is queued within its sendto). */
	if (rc == 0 && drain_all(&w, err) < 0)
		rc = -1;
done:
	/* Stopped (signal, deadline, error) or finished: every target taken
	 * from the list is reported, in order. */
	retire(&w, true);
	res->total.end_ns = np_core_now(&w.c);
	if (sink->finish)
		sink->finish(sink->ctx, &w.info, &res->total);
	res->targets = w.reported;
	res->complete = w.plan_done && rc == 0;
	res->answered = w.answered;
	res->peak_active = w.peak;
	res->table_slots = np_probe_table_slots(&w.m.tab);
	teardown(&w);
	return rc;
}
