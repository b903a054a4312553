/* core.c - the probe core every mode runs on: the probe table, sending
 * one probe, receiving in batches, expiring, and waiting with ppoll(). */
#include "config.h"

#include "core.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "clock.h"
#include "match.h"
#include "proto_tcpconn.h"
#include "target.h"

/* ---- the probe table ---------------------------------------------------- */

int np_probe_table_init(struct np_probe_table *t, int64_t timeout_ns,
			int64_t interval_ns)
{
	uint64_t need = 65536;
	size_t slots = 16;

	memset(t, 0, sizeof(*t));
	if (interval_ns > 0 && timeout_ns / interval_ns < 65536)
		need = (uint64_t)(timeout_ns / interval_ns) + 2;
	while (slots < need && slots < 65536)
		slots <<= 1;
	t->slot = calloc(slots, sizeof(*t->slot));
	if (t->slot == NULL)
		return -1;
	t->mask = slots - 1;
	t->next = 1;
	t->oldest = 1;
	return 0;
}

void np_probe_table_free(struct np_probe_table *t)
{
	free(t->slot);
	t->slot = NULL;
}

size_t np_probe_table_slots(const struct np_probe_table *t)
{
	return t->mask + 1;
}

struct np_probe *np_probe_table_next(struct np_probe_table *t, uint64_t *forced)
{
	struct np_probe *p = &t->slot[t->next & t->mask];

	if (p->state == NP_PROBE_PENDING) {
		t->pending--;
		if (forced != NULL)
			(*forced)++;
	}
	memset(p, 0, sizeof(*p));
	p->no = t->next++;
	return p;
}

bool np_probe_table_tx_stamp(struct np_probe_table *t, uint32_t id,
			     int64_t ts_mono)
{
	struct np_probe *p = np_probe_table_find(t, (uint16_t)id);

	/* Up to 1 µs before: the two clocks are lined up to tens of ns. */
	if (p == NULL || (uint32_t)p->no != id ||
	    p->state != NP_PROBE_PENDING || (p->ts & NP_TS_TX_KERNEL) ||
	    ts_mono < p->sent_mono - NP_NSEC_PER_USEC ||
	    ts_mono > p->sent_mono + NP_NSEC_PER_SEC)
		return false;
	p->sent_mono = ts_mono;
	p->ts |= NP_TS_TX_KERNEL;
	return true;
}

void np_probe_table_unclaim(struct np_probe_table *t, struct np_probe *p)
{
	if (p->no + 1 == t->next) {
		memset(p, 0, sizeof(*p));
		t->next--;
	}
}

struct np_probe *np_probe_table_find(struct np_probe_table *t, uint16_t seq)
{
	uint64_t last, delta, no;
	struct np_probe *p;

	if (t->next <= 1)
		return NULL;
	last = t->next - 1;
	delta = (uint16_t)((uint16_t)last - seq);
	if (delta >= last)
		return NULL; /* would be probe 0 or earlier: never sent */
	no = last - delta;
	p = &t->slot[no & t->mask];
	if (p->no != no || p->state == NP_PROBE_EMPTY)
		return NULL; /* slot reused: too old to tell */
	return p;
}

bool np_probe_table_busy(const struct np_probe_table *t)
{
	const struct np_probe *p = &t->slot[t->next & t->mask];

	return p->state == NP_PROBE_PENDING;
}

struct np_probe *np_probe_table_expire_one(struct np_probe_table *t,
					   int64_t now, int64_t timeout_ns,
					   int64_t *next_expiry)
{
	*next_expiry = INT64_MAX;
	while (t->oldest < t->next) {
		struct np_probe *p = &t->slot[t->oldest & t->mask];

		if (p->no == t->oldest && p->state == NP_PROBE_PENDING) {
			if (p->sent_mono + timeout_ns > now) {
				*next_expiry = p->sent_mono + timeout_ns;
				return NULL;
			}
			p->state = NP_PROBE_TIMEDOUT;
			t->pending--;
			t->oldest++;
			return p;
		}
		t->oldest++;
	}
	return NULL;
}

uint64_t np_probe_table_expire(struct np_probe_table *t, int64_t now,
			       int64_t timeout_ns, int64_t *next_expiry)
{
	uint64_t n = 0;

	while (np_probe_table_expire_one(t, now, timeout_ns, next_expiry))
		n++;
	return n;
}

/* ---- the system's clock and I/O ---------------------------------------- */

static int64_t sys_mono(void *ctx)
{
	(void)ctx;
	return np_clock_mono();
}

static int64_t sys_real(void *ctx)
{
	(void)ctx;
	return np_clock_real();
}

static ssize_t sys_send(void *ctx, struct np_socket *s, const void *buf,
			size_t len, const struct sockaddr *dst,
			socklen_t dstlen, uint32_t id)
{
	(void)ctx;
	return np_socket_send(s, buf, len, dst, dstlen, id);
}

static int sys_recv_batch(void *ctx, const struct np_socket *s,
			  struct np_rxbatch *b, bool errqueue,
			  struct np_err *err)
{
	(void)ctx;
	return np_socket_recv_batch(s, b, errqueue, err);
}

static int sys_recv_one(void *ctx, const struct np_socket *s,
			struct np_rxbatch *b, bool errqueue, struct np_err *err)
{
	(void)ctx;
	return np_socket_recv_one(s, b, errqueue, err);
}

static int sys_wait(void *ctx, struct pollfd *fds, nfds_t nfds,
		    int64_t timeout_ns, const sigset_t *mask)
{
	struct timespec ts = np_ns_to_timespec(timeout_ns);

	(void)ctx;
	return ppoll(fds, nfds, &ts, mask);
}

static int sys_mtu(void *ctx, const struct np_socket *s,
		   const struct sockaddr *dst, socklen_t dstlen)
{
	(void)ctx;
	return dst == NULL ? np_socket_path_mtu(s)
			   : np_socket_emsgsize_mtu(s, dst, dstlen);
}

static int sys_connect(void *ctx, const struct np_conn_cfg *cfg,
		       const struct sockaddr *dst, socklen_t dstlen)
{
	(void)ctx;
	return np_tcpconn_open(cfg, dst, dstlen);
}

static void sys_outcome(void *ctx, int fd, struct np_conn_outcome *out)
{
	(void)ctx;
	np_tcpconn_outcome(fd, out);
}

static void sys_close(void *ctx, int fd)
{
	(void)ctx;
	np_tcpconn_close(fd);
}

static int sys_flow_src(void *ctx, struct np_socket *s,
			const struct sockaddr *dst, socklen_t dstlen,
			struct sockaddr_storage *src)
{
	(void)ctx;
	return np_socket_flow_src(s, dst, dstlen, src);
}

const struct np_io np_io_system = {
	.ctx = NULL,
	.mono = sys_mono,
	.real = sys_real,
	.send = sys_send,
	.recv_batch = sys_recv_batch,
	.recv_one = sys_recv_one,
	.wait = sys_wait,
	.mtu = sys_mtu,
	.connect = sys_connect,
	.outcome = sys_outcome,
	.close = sys_close,
	.flow_src = sys_flow_src,
};

/* ---- the core ------------------------------------------------------------ */

/* ---- connect probes: a socket per probe ---------------------------------- */

/* -M as the value of IP_MTU_DISCOVER and IPV6_MTU_DISCOVER (the same
 * numbers), -1 for the kernel's default. */
static int pmtu_value(enum np_pmtu m)
{
	switch (m) {
	case NP_PMTU_DO:
		return IP_PMTUDISC_DO;
	case NP_PMTU_DONT:
		return IP_PMTUDISC_DONT;
	case NP_PMTU_WANT:
		return IP_PMTUDISC_WANT;
	case NP_PMTU_PROBE:
		return IP_PMTUDISC_PROBE;
	default:
		return -1;
	}
}

/* What each probe's socket is given, per family: -t, -Q, -M, and -I as
 * an address to bind or an interface. */
static void conn_cfg_init(struct np_core *c, const struct np_options *o)
{
	for (int f = 0; f < 2; f++) {
		struct np_conn_cfg *k = &c->ccfg[f];
		int family = f == 1 ? AF_INET6 : AF_INET;

		memset(k, 0, sizeof(*k));
		k->ttl = o->ttl;
		k->tos = o->tos;
		k->pmtu = pmtu_value(o->pmtu);
		if (o->source == NULL)
			continue;
		if (np_addr_parse(o->source, family, &k->src) == family)
			k->bind_addr = true;
		else if (strlen(o->source) < sizeof(k->device))
			memcpy(k->device, o->source, strlen(o->source) + 1);
	}
}

/* The table of sockets in flight, made at the first connect probe: as
 * large as the run's sockets allow (np_socket.conn_max). */
static int conn_table(struct np_core *c)
{
	size_t max = NP_CORE_CONN_MAX;

	for (int f = 0; f < 2; f++)
		if (c->sock[f] != NULL && c->sock[f]->conn_max > 0 &&
		    c->sock[f]->conn_max < max)
			max = c->sock[f]->conn_max;
	c->conn = calloc(max, sizeof(*c->conn));
	c->conn_free = calloc(max, sizeof(*c->conn_free));
	c->pfd_cap = 2 + NP_CORE_MAX_FDS + max;
	c->pfd = calloc(c->pfd_cap, sizeof(*c->pfd));
	if (c->conn == NULL || c->conn_free == NULL || c->pfd == NULL)
		return -1;
	c->conn_max = max;
	for (size_t i = 0; i < max; i++) {
		c->conn[i].fd = -1;
		c->conn_free[i] = (uint16_t)(max - 1 - i); /* low slots first */
	}
	c->nconn_free = max;
	return 0;
}

/* The probe's socket closed, its slot free again. */
static void conn_release(struct np_core *c, struct np_probe *p)
{
	struct np_conn *k;

	if (p->conn == 0 || c->conn == NULL)
		return;
	k = &c->conn[p->conn - 1];
	if (k->fd >= 0 && k->no == p->no) {
		c->io->close(c->io->ctx, k->fd);
		k->fd = -1;
		k->ready = false;
		c->conn_free[c->nconn_free++] = (uint16_t)(p->conn - 1);
		c->conn_used--;
	}
	p->conn = 0;
}

/* A connect probe: claim a probe and a socket slot, connect.  As
 * np_core_send. */
static int conn_send(struct np_core *c, uint32_t slot, int family,
		     const struct sockaddr *dst, socklen_t dstlen,
		     uint64_t *forced, struct np_probe **pp)
{
	int f = family == AF_INET6 ? 1 : 0;
	struct sockaddr_storage to;
	struct np_probe *p;
	uint16_t k;
	int fd, e;

	*pp = NULL;
	/* no memory for the table: as a full send queue (no probe to
	 * count an error against) */
	if (c->conn == NULL && conn_table(c) != 0)
		return -1;
	if (c->nconn_free == 0)
		return -1; /* every socket in flight: as a full send queue */
	memset(&to, 0, sizeof(to));
	memcpy(&to, dst, dstlen);
	np_addr_set_port((struct sockaddr *)&to, c->port);
	/* a probe pushed out of a full table is lost: its socket too */
	p = &c->m->tab.slot[c->m->tab.next & c->m->tab.mask];
	if (p->state == NP_PROBE_PENDING)
		conn_release(c, p);
	p = np_probe_table_next(&c->m->tab, forced);
	*pp = p;
	/* the user-space send time: the RTT's start when the kernel gives
	 * none (a RST), and where -W counts from */
	p->sent_mono = np_core_now(c);
	fd = c->io->connect(c->io->ctx, &c->ccfg[f], (struct sockaddr *)&to,
			    dstlen);
	e = fd < 0 ? errno : 0;
	if (fd < 0 && (e == EMFILE || e == ENFILE || e == ENOBUFS ||
		       e == ENOMEM || e == EAGAIN)) {
		/* no descriptor or memory now: as a full send queue */
		np_probe_table_unclaim(&c->m->tab, p);
		*pp = NULL;
		return -1;
	}
	np_match_sent(c->m, p, slot, e == 0);
	if (e != 0)
		return e;
	k = c->conn_free[--c->nconn_free];
	c->conn_used++;
	c->conn[k].fd = fd;
	c->conn[k].family = family;
	c->conn[k].no = p->no;
	c->conn[k].ready = false;
	p->conn = (uint16_t)(k + 1);
	return 0;
}

/* The event a connect probe's outcome makes, counted by the matcher and
 * handed to the scheduler. */
static void conn_event(struct np_core *c, struct np_conn *k, struct np_probe *p,
		       const struct np_conn_outcome *out)
{
	struct np_rxpkt pkt;
	struct np_event ev;
	struct np_reply *r = &pkt.r;
	struct sockaddr_storage target;
	int64_t rx = k->ready_mono;

	memset(&pkt, 0, sizeof(pkt));
	memset(&target, 0, sizeof(target));
	np_tstate_addr(&c->m->slots[p->target], &target);
	pkt.rx_mono = rx;
	pkt.rx_real = rx + c->stamp_off;
	pkt.parsed = true;
	r->proto = c->proto;
	r->ttl = -1;
	r->key.seq = (uint16_t)p->no;
	r->key.port = c->port; /* -J names it, for errors too */
	memcpy(&pkt.from, &target, sizeof(target));
	np_event_init(&ev, NP_EV_REPLY, (uint16_t)p->no);
	ev.from = (const struct sockaddr *)&pkt.from;
	ev.reply = r;
	ev.wall_ns = pkt.rx_real;
	if (out->retrans > 0) {
		/* The SYN went again (after the initial RTO, 1 s): which one
		 * was answered cannot be told, and its RTT would be a
		 * second.  The probe is lost (-v says why). */
		struct np_tstate *t;

		ev.kind = NP_EV_IGNORED;
		ev.why = "connect probe: the SYN was sent again (no answer "
			 "within the initial RTO, 1 s): counted as lost";
		c->on_event(c->sched, &pkt, &ev, true);
		t = np_match_conn_lost(c->m, p);
		if (t == NULL)
			return;
		np_event_init(&ev, NP_EV_TIMEOUT, (uint16_t)p->no);
		ev.target = p->target;
		ev.index = p->index;
		c->on_expired(c->sched, t, &ev, rx);
		return;
	}
	if (out->icmp) {
		r->kind = NP_RX_ERROR;
		r->type = out->type;
		r->code = out->code;
		r->info = out->info;
		r->icmp_valid = true;
		r->checksum_ok = true;
		r->quoted_dst_set = true;
		memcpy(&r->quoted_dst, &target, sizeof(target));
		if (out->have_offender)
			memcpy(&pkt.from, &out->offender, sizeof(pkt.from));
		ev.kind = NP_EV_ICMP_ERROR;
	} else if (out->err == 0 || out->err == ECONNREFUSED) {
		/* open (connected) or closed (a RST): the target answered */
		/* what the answer was, as the raw probe's reply says it */
		r->type = out->err == 0 ? NP_TCPCONN_SYNACK : NP_TCPCONN_RST;
		if (out->err == 0 && out->rtt_ns >= 0) {
			ev.rtt_ns = out->rtt_ns;
			ev.ts = NP_TS_TCPINFO;
		} else {
			ev.rtt_ns = rx - p->sent_mono;
			if (ev.rtt_ns < 0)
				ev.rtt_ns = 0;
		}
	} else {
		/* an error without an ICMP message behind it */
		r->kind = NP_RX_LOCAL_ERROR;
		r->code = (uint8_t)out->err;
		r->info = (uint32_t)out->err;
		ev.kind = NP_EV_LOCAL_ERROR;
	}
	np_match_conn(c->m, p, &ev);
	c->on_event(c->sched, &pkt, &ev, true);
}

/* Read the outcomes ppoll reported for family index `f`. */
static void conn_drain(struct np_core *c, int f)
{
	int family = f == 1 ? AF_INET6 : AF_INET;

	if (!(c->conn_ready & (1u << f)))
		return;
	c->conn_ready &= ~(1u << f);
	for (size_t i = 0; i < c->conn_max; i++) {
		struct np_conn *k = &c->conn[i];
		struct np_conn_outcome out;
		struct np_probe *p;

		if (k->fd < 0 || !k->ready || k->family != family)
			continue;
		k->ready = false;
		p = np_probe_table_find(&c->m->tab, (uint16_t)k->no);
		if (p == NULL || p->no != k->no || p->conn != i + 1) {
			/* its probe is gone (cannot be: closed at expiry) */
			c->io->close(c->io->ctx, k->fd);
			k->fd = -1;
			c->conn_free[c->nconn_free++] = (uint16_t)i;
			c->conn_used--;
			continue;
		}
		c->io->outcome(c->io->ctx, k->fd, &out);
		if (out.err == EINPROGRESS)
			continue; /* not yet */
		/* ETIMEDOUT: the SYNs went unanswered; the probe's -W
		 * decides (a loss) */
		if (out.err != ETIMEDOUT && p->state == NP_PROBE_PENDING)
			conn_event(c, k, p, &out);
		conn_release(c, p);
	}
}

int np_core_init(struct np_core *c, const struct np_io *io,
		 struct np_matcher *m, const struct np_proto *proto,
		 const struct np_options *o, size_t rxlen, unsigned rxcount,
		 struct np_err *err)
{
	memset(c, 0, sizeof(*c));
	c->io = io != NULL ? io : &np_io_system;
	c->m = m;
	c->proto = proto != NULL ? proto : np_proto_default();
	c->port = o->port != 0 ? (uint16_t)o->port : c->proto->default_port;
	m->spec.size = (size_t)o->size;
	memcpy(m->spec.pattern, o->pattern, sizeof(m->spec.pattern));
	m->spec.pattern_len = o->pattern_len;
	m->port = c->port;
	m->spec.user = o->has_payload ? o->payload : NULL; /* UDP's --payload */
	m->spec.user_len = o->payload_len;
	if (np_payload_new_key(&m->spec) != 0)
		return np_err_errno(err, errno,
				    "getrandom for the run's MAC key");
	c->txcap = c->proto->hdr_len + (size_t)o->size;
	c->tx = malloc(c->txcap);
	if (c->tx != NULL)
		c->fill_sum = c->proto->prepare(c->tx, c->txcap, &m->spec);
	/* realtime - monotonic: the system's read close together */
	c->stamp_off = c->io == &np_io_system ? np_clock_real_minus_mono()
					      : c->io->real(c->io->ctx) -
							c->io->mono(c->io->ctx);
	if (c->tx == NULL || np_rxbatch_init(&c->rx, rxlen, rxcount) != 0)
		return np_err_set(err, "out of memory");
	if (c->proto->connect)
		conn_cfg_init(c, o);
	return 0;
}

void np_core_free(struct np_core *c)
{
	/* connect probes still in flight at the end: closed, lost */
	for (size_t i = 0; c->conn != NULL && i < c->conn_max; i++)
		if (c->conn[i].fd >= 0)
			c->io->close(c->io->ctx, c->conn[i].fd);
	free(c->conn);
	free(c->conn_free);
	free(c->pfd);
	c->conn = NULL;
	c->conn_free = NULL;
	c->pfd = NULL;
	free(c->tx);
	c->tx = NULL;
	np_rxbatch_free(&c->rx);
}

int np_core_add_fd(struct np_core *c, int fd, void (*ready)(void *ctx),
		   void *ctx)
{
	if (c->nextra == NP_CORE_MAX_FDS)
		return -1;
	c->extra[c->nextra].fd = fd;
	c->extra[c->nextra].poll = NULL;
	c->extra[c->nextra].ready = ready;
	c->extra[c->nextra].ctx = ctx;
	c->nextra++;
	return 0;
}

int np_core_add_poll(struct np_core *c, int (*poll)(void *ctx, int64_t *wake),
		     void (*ready)(void *ctx), void *ctx)
{
	if (np_core_add_fd(c, -1, ready, ctx) != 0)
		return -1;
	c->extra[c->nextra - 1].poll = poll;
	return 0;
}

int64_t np_core_now(const struct np_core *c)
{
	return c->io->mono(c->io->ctx);
}

int np_core_mtu(const struct np_core *c, int f, const struct sockaddr *dst,
		socklen_t dstlen)
{
	if (c->io->mtu == NULL)
		return 0;
	return c->io->mtu(c->io->ctx, c->sock[f], dst, dstlen);
}

int64_t np_core_real(const struct np_core *c)
{
	return c->io->real(c->io->ctx);
}

static bool queue_full(int e)
{
	return e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS || e == ENOMEM;
}

int np_core_send(struct np_core *c, uint32_t slot, int family,
		 const struct sockaddr *dst, socklen_t dstlen, uint64_t *forced,
		 struct np_probe **pp)
{
	int f = family == AF_INET6 ? 1 : 0;
	struct np_socket *s = c->sock[f];
	struct np_probe_ident id;
	struct np_flow fl;
	struct sockaddr_storage src;
	struct np_probe *p;
	size_t len;
	ssize_t n;
	int e;

	if (c->proto->connect)
		return conn_send(c, slot, family, dst, dstlen, forced, pp);
	p = np_probe_table_next(&c->m->tab, forced);
	*pp = p;
	/* One clock read: the send time, and from it the payload's stamp
	 * (distinct for every probe); what is left to write of the packet
	 * takes some nanoseconds. */
	p->sent_mono = np_core_now(c);
	p->stamp = np_payload_next_stamp(p->sent_mono, c->stamp_off,
					 &c->last_stamp);
	id.flow = c->m->ident[f];
	id.seq = (uint16_t)p->no;
	id.stamp = p->stamp;
	fl.family = family;
	fl.src = s->src.ss_family == family ? (const struct sockaddr *)&s->src
					    : NULL;
	if (fl.src == NULL && c->proto->flow_src && c->io->flow_src != NULL &&
	    c->io->flow_src(c->io->ctx, s, dst, dstlen, &src) == 0)
		fl.src = (const struct sockaddr *)&src; /* many targets */
	fl.dst = dst;
	fl.sport = id.flow;
	fl.dport = c->port;
	len = c->proto->build(c->tx, c->txcap, &fl, &id, &c->m->spec,
			      c->fill_sum);
	n = c->io->send(c->io->ctx, s, c->tx, len, dst, dstlen,
			(uint32_t)p->no);
	e = n < 0 ? errno : 0;
	if (e != 0 && c->retry_pending_error && !queue_full(e) && e != EINVAL &&
	    e != EMSGSIZE) {
		n = c->io->send(c->io->ctx, s, c->tx, len, dst, dstlen,
				(uint32_t)p->no);
		e = n < 0 ? errno : 0;
	}
	if (queue_full(e)) {
		/* The send queue is full: not sent, nothing to count; the
		 * probe goes out at the next wake-up (iputils does the same).
		 */
		np_probe_table_unclaim(&c->m->tab, p);
		*pp = NULL;
		return -1;
	}
	np_match_sent(c->m, p, slot, e == 0);
	return e;
}

/* One datagram or error-queue entry that was read from socket `s`:
 * parsed here (the socket layer returns bytes and metadata). */
static void handle(struct np_core *c, const struct np_socket *s,
		   struct np_rxpkt *pkt)
{
	struct np_event ev;
	bool matched;

	np_rx_parse(s, pkt);
	if (pkt->tx_stamp)
		np_probe_table_tx_stamp(&c->m->tab, pkt->tx_id, pkt->rx_mono);
	if (!pkt->parsed)
		return;
	if (pkt->truncated) {
		c->m->total->malformed++;
		np_event_init(&ev, NP_EV_IGNORED, 0);
		ev.from = (const struct sockaddr *)&pkt->from;
		ev.why = "datagram larger than the receive buffer";
		c->on_event(c->sched, pkt, &ev, false);
		return;
	}
	matched = np_match_packet(c->m, &pkt->r,
				  (const struct sockaddr *)&pkt->from,
				  pkt->rx_mono, &ev);
	if (!matched)
		return;
	ev.wall_ns = pkt->rx_real;
	if (ev.rtt_ns >= 0)
		ev.ts |= pkt->ts;
	c->on_event(c->sched, pkt, &ev, true);
}

int np_core_drain(struct np_core *c, int f, bool errqueue, int rounds,
		  struct np_err *err)
{
	const struct np_socket *s = c->sock[f];

	if (c->proto->connect) {
		if (!errqueue)
			conn_drain(c, f);
		return 0;
	}
	for (int round = 0; round < rounds; round++) {
		int got =
			c->io->recv_batch(c->io->ctx, s, &c->rx, errqueue, err);

		if (got == -1)
			return -1;
		if (got == -2) /* a pending socket error was read: go on */
			continue;
		for (int i = 0; i < got; i++)
			handle(c, s, &c->rx.pkt[i]);
		/* one call reads what is there, without a last one that
		 * finds the queue empty */
		if (got < (int)c->rx.count)
			return 0;
	}
	return 0;
}

int np_core_read_one(struct np_core *c, int f, bool errqueue,
		     struct np_err *err)
{
	int got;

	if (c->proto->connect) /* the outcomes come through ppoll */
		return 0;
	got = c->io->recv_one(c->io->ctx, c->sock[f], &c->rx, errqueue, err);
	if (got == -1)
		return -1;
	if (got != 1)
		return 0;
	handle(c, c->sock[f], &c->rx.pkt[0]);
	return 1;
}

void np_core_expire(struct np_core *c, int64_t now, int64_t timeout_ns,
		    int64_t *next_expiry)
{
	struct np_probe *p;

	while ((p = np_probe_table_expire_one(&c->m->tab, now, timeout_ns,
					      next_expiry)) != NULL) {
		struct np_tstate *t = np_match_expired(c->m, p);
		struct np_event ev;

		conn_release(c, p); /* a connect probe's socket: done */
		if (t == NULL)	    /* its target was reported already */
			continue;
		np_event_init(&ev, NP_EV_TIMEOUT, (uint16_t)p->no);
		ev.target = p->target;
		ev.index = p->index;
		c->on_expired(c->sched, t, &ev, now);
	}
}

bool np_core_busy(const struct np_core *c)
{
	return np_probe_table_busy(&c->m->tab) ||
	       (c->proto->connect && c->conn != NULL && c->nconn_free == 0);
}

void np_core_emit(const struct np_core *c, const struct np_sink *sink,
		  const struct np_run_info *info, struct np_event *ev)
{
	if (ev->wall_ns == 0 && ev->kind != NP_EV_SENT)
		ev->wall_ns = np_core_real(c);
	if (sink->event)
		sink->event(sink->ctx, info, ev);
}

int np_core_wait(struct np_core *c, int64_t wake, const sigset_t *mask,
		 struct np_err *err)
{
	struct pollfd local[2 + NP_CORE_MAX_FDS];
	/* connect probes: their sockets too, in the core's larger set */
	struct pollfd *fds = c->pfd != NULL ? c->pfd : local;
	int64_t xwake[NP_CORE_MAX_FDS], now;
	int sidx[2] = {-1, -1}, xidx[NP_CORE_MAX_FDS];
	nfds_t n = 0, cbase;
	int got, ready = 0;

	for (int f = 0; f < 2; f++) {
		/* a connect run's own sockets are never connected */
		if (c->sock[f] == NULL || c->proto->connect)
			continue;
		sidx[f] = (int)n;
		fds[n].fd = c->sock[f]->fd;
		fds[n].events = POLLIN;
		fds[n++].revents = 0;
	}
	for (size_t i = 0; i < c->nextra; i++) {
		int fd = c->extra[i].fd;

		xwake[i] = INT64_MAX;
		if (c->extra[i].poll != NULL) {
			fd = c->extra[i].poll(c->extra[i].ctx, &xwake[i]);
			wake = np_min64(wake, xwake[i]);
		}
		xidx[i] = fd >= 0 ? (int)n : -1;
		if (fd < 0)
			continue;
		fds[n].fd = fd;
		fds[n].events = POLLIN;
		fds[n++].revents = 0;
	}
	/* a connect in progress: writable once connected; an error or a
	 * RST comes as POLLERR or POLLHUP */
	cbase = n;
	for (size_t i = 0; i < c->conn_max; i++)
		if (c->conn[i].fd >= 0 && !c->conn[i].ready) {
			fds[n].fd = c->conn[i].fd;
			fds[n].events = POLLOUT;
			fds[n++].revents = 0;
		}
	got = c->io->wait(c->io->ctx, fds, n, wake - np_core_now(c), mask);
	if (got < 0) {
		if (errno == EINTR)
			return -2;
		return np_err_errno(err, errno, "ppoll");
	}
	now = c->nextra > 0 || n > cbase ? np_core_now(c) : 0;
	for (size_t i = 0; i < c->nextra; i++)
		if ((got > 0 && xidx[i] >= 0 && fds[xidx[i]].revents != 0) ||
		    (c->extra[i].poll != NULL && now >= xwake[i]))
			c->extra[i].ready(c->extra[i].ctx);
	for (int f = 0; f < 2 && got > 0; f++)
		if (sidx[f] >= 0 && fds[sidx[f]].revents != 0)
			ready |= 1 << f;
	for (size_t i = 0, j = cbase; got > 0 && j < n; i++) {
		struct np_conn *k = &c->conn[i];

		if (k->fd < 0 || k->ready)
			continue;
		if (fds[j++].revents != 0) {
			/* when ppoll said so: a RST's receive time */
			k->ready = true;
			k->ready_mono = now;
			c->conn_ready |= 1u << (k->family == AF_INET6 ? 1 : 0);
		}
	}
	return ready | (int)c->conn_ready;
}
