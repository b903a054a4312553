/* engine.c - the send schedule, the select() loop, matching replies to
 * probes, timeouts.  Never prints: everything goes to the sink. */
#include "config.h"

#include "engine.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/select.h>
#include <sys/socket.h>

#include "clock.h"

#define RX_BUF_LEN 65536 + 512 /* the largest IP datagram, and then some */
#define RX_BATCH 64            /* datagrams read per wake-up at most */

/* ---- the probe table ---------------------------------------------------- */

int np_probe_table_init(struct np_probe_table *t, int64_t timeout_ns,
			int64_t interval_ns)
{
	uint64_t need = 65536;
	size_t slots = 16;

	memset(t, 0, sizeof(*t));
	if (interval_ns > 0)
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

struct np_probe *np_probe_table_next(struct np_probe_table *t,
				     uint64_t *forced_timeouts)
{
	struct np_probe *p = &t->slot[t->next & t->mask];

	if (p->state == NP_PROBE_PENDING) {
		p->state = NP_PROBE_TIMEDOUT;
		t->pending--;
		if (forced_timeouts)
			(*forced_timeouts)++;
	}
	memset(p, 0, sizeof(*p));
	p->no = t->next++;
	return p;
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

uint64_t np_probe_table_expire(struct np_probe_table *t, int64_t now,
			       int64_t timeout_ns, int64_t *next_expiry)
{
	uint64_t n = 0;

	*next_expiry = INT64_MAX;
	while (t->oldest < t->next) {
		struct np_probe *p = &t->slot[t->oldest & t->mask];

		if (p->no == t->oldest && p->state == NP_PROBE_PENDING) {
			if (p->sent_mono + timeout_ns > now) {
				*next_expiry = p->sent_mono + timeout_ns;
				break;
			}
			p->state = NP_PROBE_TIMEDOUT;
			t->pending--;
			n++;
		}
		t->oldest++;
	}
	return n;
}

/* ---- the engine --------------------------------------------------------- */

struct engine {
	const struct np_run_info *info;
	const struct np_options *o;
	const struct np_socket *s;
	const struct np_target *t;
	const struct np_sink *sink;
	struct np_stats *st;
	struct np_payload_spec spec;
	struct np_probe_table tab;
	uint8_t *txbuf;
	size_t txcap;
	uint8_t *rxbuf;
};

size_t np_engine_packet_len(int family, long payload)
{
	return (size_t)payload + NP_ICMP_HDR_LEN + (family == AF_INET6 ? 40 : 20);
}

static void emit(struct engine *e, struct np_event *ev)
{
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

static void send_probe(struct engine *e)
{
	struct np_event ev;
	struct np_probe *p;
	uint64_t forced = 0;
	size_t len;
	ssize_t n;

	if (e->o->outstanding && e->tab.next > 1) {
		struct np_probe *prev =
			&e->tab.slot[(e->tab.next - 1) & e->tab.mask];

		if (prev->no == e->tab.next - 1 &&
		    prev->state == NP_PROBE_PENDING) {
			memset(&ev, 0, sizeof(ev));
			ev.kind = NP_EV_NO_ANSWER;
			ev.seq = (uint16_t)prev->no;
			ev.rtt_ns = -1;
			ev.ttl = -1;
			emit(e, &ev);
		}
	}
	p = np_probe_table_next(&e->tab, &forced);
	p->stamp = (uint64_t)np_clock_real();
	len = np_icmp_build_echo(e->txbuf, e->txcap, e->t->family, e->s->ident,
				 (uint16_t)p->no, &e->spec, p->stamp);
	p->state = NP_PROBE_PENDING;
	e->tab.pending++;
	e->st->transmitted++;
	p->sent_mono = np_clock_mono();
	do {
		n = sendto(e->s->fd, e->txbuf, len, 0,
			   (const struct sockaddr *)&e->t->addr, e->t->addrlen);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		memset(&ev, 0, sizeof(ev));
		ev.kind = NP_EV_SEND_ERROR;
		ev.seq = (uint16_t)p->no;
		ev.err_no = errno;
		ev.rtt_ns = -1;
		ev.ttl = -1;
		p->state = NP_PROBE_ERRORED;
		e->tab.pending--;
		e->st->errors++;
		emit(e, &ev);
	}
}

static bool from_target(const struct engine *e, const struct sockaddr *from)
{
	return np_addr_equal(from, (const struct sockaddr *)&e->t->addr);
}

static void account_rtt(const struct np_probe *p, int64_t rx_mono,
			struct np_event *ev)
{
	ev->rtt_ns = rx_mono - p->sent_mono;
	if (ev->rtt_ns < 0)
		ev->rtt_ns = 0;
}

static void on_echo_reply(struct engine *e, const struct np_reply *r,
			  const struct sockaddr *from, int64_t rx_mono)
{
	struct np_event ev;
	struct np_probe *p;

	/* Raw sockets see every pinger's replies: ours carry our id. */
	if (e->s->kind == NP_SOCK_RAW && r->id != e->s->ident)
		return; /* another pinger's: silently */
	if (!from_target(e, from)) {
		e->st->foreign++;
		emit_ignored(e, from, "echo reply from an address that is not the target");
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.kind = NP_EV_REPLY;
	ev.seq = r->seq;
	ev.bytes = r->icmp_len;
	ev.ttl = r->ttl;
	ev.rtt_ns = -1;
	ev.from = from;
	ev.reply = r;
	p = np_probe_table_find(&e->tab, r->seq);
	if (r->checksum_checked && !r->checksum_ok) {
		if (!np_payload_cookie_matches(&e->spec, r->data, r->data_len)) {
			e->st->foreign++;
			emit_ignored(e, from, "echo reply with a bad checksum and a foreign cookie");
			return;
		}
		e->st->corrupted++;
		ev.flags |= NP_EVF_BADSUM;
		if (p != NULL)
			account_rtt(p, rx_mono, &ev);
		emit(e, &ev);
		return;
	}
	if (p == NULL) {
		e->st->foreign++;
		emit_ignored(e, from, "echo reply for a sequence number not sent, or too old");
		return;
	}
	ev.payload = np_payload_check(&e->spec, p->stamp, r->data, r->data_len,
				      &ev.mm);
	if (ev.payload == NP_PAYLOAD_COOKIE) {
		/* Same id and sequence, another sender's payload: a
		 * concurrent pinger with the same id, or a spoof. */
		e->st->foreign++;
		emit_ignored(e, from, "echo reply with another run's cookie");
		return;
	}
	account_rtt(p, rx_mono, &ev);
	if (ev.payload != NP_PAYLOAD_OK) {
		e->st->corrupted++;
		ev.flags |= NP_EVF_BADDATA;
		emit(e, &ev);
		return;
	}
	switch (p->state) {
	case NP_PROBE_PENDING:
		e->tab.pending--;
		/* fall through */
	case NP_PROBE_ERRORED:
		p->state = NP_PROBE_REPLIED;
		e->st->received++;
		np_rtt_add(&e->st->rtt, ev.rtt_ns);
		break;
	case NP_PROBE_REPLIED:
		e->st->duplicates++;
		ev.flags |= NP_EVF_DUP;
		break;
	default: /* NP_PROBE_TIMEDOUT */
		e->st->late++;
		ev.flags |= NP_EVF_LATE;
		break;
	}
	emit(e, &ev);
}

/* Errors that end a probe; redirects and source quench do not (the probe
 * was forwarded, a reply may still come). */
static bool error_is_final(int family, const struct np_reply *r)
{
	if (r->kind == NP_RX_LOCAL_ERROR)
		return true;
	if (family == AF_INET)
		return r->type != NP_ICMP_REDIRECT &&
		       r->type != NP_ICMP_SOURCE_QUENCH;
	return r->type != NP_ICMP6_REDIRECT;
}

static void on_error(struct engine *e, const struct np_reply *r,
		     const struct sockaddr *from)
{
	struct np_event ev;
	struct np_probe *p;

	if (r->checksum_checked && !r->checksum_ok) {
		e->st->malformed++;
		emit_ignored(e, from, "ICMP error with a bad checksum");
		return;
	}
	if (e->s->kind == NP_SOCK_RAW && r->id != e->s->ident)
		return; /* about another pinger's probe */
	if (r->quoted_dst_set &&
	    !np_addr_equal((const struct sockaddr *)&r->quoted_dst,
			   (const struct sockaddr *)&e->t->addr)) {
		e->st->foreign++;
		emit_ignored(e, from, "ICMP error quoting a probe to another address");
		return;
	}
	p = np_probe_table_find(&e->tab, r->seq);
	if (p == NULL ||
	    !np_payload_cookie_matches(&e->spec, r->data, r->data_len)) {
		e->st->foreign++;
		emit_ignored(e, from, "ICMP error quoting a probe that is not ours");
		return;
	}
	e->st->errors++;
	if (error_is_final(e->t->family, r) && p->state == NP_PROBE_PENDING) {
		p->state = NP_PROBE_ERRORED;
		e->tab.pending--;
	}
	memset(&ev, 0, sizeof(ev));
	ev.kind = r->kind == NP_RX_LOCAL_ERROR ? NP_EV_LOCAL_ERROR
					       : NP_EV_ICMP_ERROR;
	ev.seq = r->seq;
	ev.rtt_ns = -1;
	ev.ttl = -1;
	ev.from = from;
	ev.reply = r;
	emit(e, &ev);
}

static void dispatch(struct engine *e, const struct np_reply *r,
		     const struct sockaddr *from, int64_t rx_mono)
{
	switch (r->kind) {
	case NP_RX_ECHO_REPLY:
		on_echo_reply(e, r, from, rx_mono);
		break;
	case NP_RX_ERROR:
	case NP_RX_LOCAL_ERROR:
		on_error(e, r, from);
		break;
	case NP_RX_MALFORMED:
		e->st->malformed++;
		emit_ignored(e, from, np_reply_malformed_name(r->why));
		break;
	case NP_RX_IGNORED:
		break;
	}
}

/* Read one datagram (or one error-queue entry).  1: handled one, 0: none
 * left, -1: fatal. */
static int receive_one(struct engine *e, bool errqueue, struct np_err *err)
{
	union {
		char buf[512];
		struct cmsghdr align;
	} control;
	struct sockaddr_storage from;
	struct iovec iov = {e->rxbuf, RX_BUF_LEN};
	struct msghdr msg;
	struct cmsghdr *cm;
	struct np_rx rx;
	struct np_reply r;
	struct in6_addr src6, dst6;
	struct sock_extended_err ee;
	struct sockaddr_storage offender;
	bool have_dst6 = false, have_ee = false, have_offender = false;
	int64_t rx_mono;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	memset(&from, 0, sizeof(from));
	msg.msg_name = &from;
	msg.msg_namelen = sizeof(from);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);
	n = recvmsg(e->s->fd, &msg, MSG_DONTWAIT | (errqueue ? MSG_ERRQUEUE : 0));
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		/* A pending socket error (e.g. ECONNREFUSED-like reports on
		 * datagram sockets) is not fatal: the error queue holds the
		 * details. */
		if (errno == EHOSTUNREACH || errno == ENETUNREACH ||
		    errno == ECONNREFUSED || errno == EMSGSIZE ||
		    errno == EPROTO || errno == ENOBUFS)
			return errqueue ? 0 : 1;
		return np_err_errno(err, errno, "recvmsg");
	}
	rx_mono = np_clock_mono();
	memset(&rx, 0, sizeof(rx));
	rx.family = e->t->family;
	rx.has_ip_header = e->t->family == AF_INET && e->s->kind == NP_SOCK_RAW &&
			   !errqueue;
	rx.buf = e->rxbuf;
	rx.len = (size_t)n;
	rx.ttl = -1;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
		size_t dlen = cm->cmsg_len - CMSG_LEN(0);
		int ival;

		if ((cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_TTL) ||
		    (cm->cmsg_level == IPPROTO_IPV6 &&
		     cm->cmsg_type == IPV6_HOPLIMIT)) {
			if (dlen >= sizeof(ival)) {
				memcpy(&ival, CMSG_DATA(cm), sizeof(ival));
				rx.ttl = ival;
			}
		} else if (cm->cmsg_level == IPPROTO_IPV6 &&
			   cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			if (dlen >= sizeof(pi)) {
				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				dst6 = pi.ipi6_addr;
				have_dst6 = true;
			}
		} else if ((cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_RECVERR) ||
			   (cm->cmsg_level == IPPROTO_IPV6 &&
			    cm->cmsg_type == IPV6_RECVERR)) {
			if (dlen >= sizeof(ee)) {
				memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
				have_ee = true;
				if (dlen >= sizeof(ee) + np_addr_len(e->t->family)) {
					memset(&offender, 0, sizeof(offender));
					memcpy(&offender, CMSG_DATA(cm) + sizeof(ee),
					       np_addr_len(e->t->family));
					have_offender = offender.ss_family ==
							e->t->family;
				}
			}
		}
	}
	if (msg.msg_flags & MSG_TRUNC) {
		e->st->malformed++;
		emit_ignored(e, (struct sockaddr *)&from, "datagram larger than the receive buffer");
		return 1;
	}
	if (errqueue) {
		if (!have_ee)
			return 1;
		np_reply_from_errqueue(e->t->family, &ee,
				       have_offender ? (struct sockaddr *)&offender : NULL,
				       e->rxbuf, (size_t)n, &r);
		dispatch(e, &r,
			 have_offender ? (struct sockaddr *)&offender
				       : (struct sockaddr *)&e->s->src,
			 rx_mono);
		return 1;
	}
	if (from.ss_family != e->t->family)
		return 1;
	if (e->t->family == AF_INET6) {
		memcpy(&src6, &((struct sockaddr_in6 *)&from)->sin6_addr,
		       sizeof(src6));
		rx.src6 = &src6;
		rx.dst6 = have_dst6 ? &dst6 : NULL;
	}
	np_reply_parse(&rx, &r);
	dispatch(e, &r, (struct sockaddr *)&from, rx_mono);
	return 1;
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
	int64_t now, next_send, deadline_at, next_expiry;
	int rc = 0;

	memset(&e, 0, sizeof(e));
	e.info = info;
	e.o = o;
	e.s = info->sock;
	e.t = info->target;
	e.sink = sink;
	e.st = st;
	e.spec.size = (size_t)o->size;
	memcpy(e.spec.pattern, o->pattern, sizeof(e.spec.pattern));
	e.spec.pattern_len = o->pattern_len;
	if (getrandom(&e.spec.cookie, sizeof(e.spec.cookie), 0) !=
	    sizeof(e.spec.cookie))
		return np_err_errno(err, errno, "getrandom for the run cookie");
	e.txcap = NP_ICMP_HDR_LEN + (size_t)o->size;
	e.txbuf = malloc(e.txcap);
	e.rxbuf = malloc(RX_BUF_LEN);
	if (e.txbuf == NULL || e.rxbuf == NULL ||
	    np_probe_table_init(&e.tab, o->timeout_ns, o->interval_ns) != 0) {
		rc = np_err_set(err, "out of memory");
		goto out;
	}
	np_stats_init(st);
	if (sink->start)
		sink->start(sink->ctx, info);
	now = np_clock_mono();
	st->start_ns = now;
	next_send = now;
	deadline_at = o->deadline_ns > 0 ? now + o->deadline_ns : INT64_MAX;

	for (;;) {
		struct timespec ts;
		int64_t wake;
		fd_set rfds;
		int n;

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
		np_probe_table_expire(&e.tab, now, o->timeout_ns, &next_expiry);
		if (o->count > 0 && o->deadline_ns > 0 &&
		    st->received >= (uint64_t)o->count)
			break;
		if (sending_wanted(&e) && now >= next_send) {
			send_probe(&e);
			next_send += o->interval_ns;
			if (next_send < now)
				next_send = now; /* fell behind: no burst */
			np_probe_table_expire(&e.tab, now, o->timeout_ns,
					      &next_expiry);
		}
		if (!sending_wanted(&e) && e.tab.pending == 0)
			break;
		wake = min64(next_expiry, deadline_at);
		if (sending_wanted(&e))
			wake = min64(wake, next_send);
		ts = np_ns_to_timespec(wake - np_clock_mono());
		FD_ZERO(&rfds);
		FD_SET(e.s->fd, &rfds);
		n = pselect(e.s->fd + 1, &rfds, NULL, NULL, &ts, sig->waitmask);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = np_err_errno(err, errno, "select");
			break;
		}
		if (n == 0)
			continue;
		for (int i = 0; i < RX_BATCH; i++) {
			int got = receive_one(&e, false, err);

			if (got < 0) {
				rc = -1;
				goto done;
			}
			if (e.s->kind == NP_SOCK_DGRAM) {
				int eq = receive_one(&e, true, err);

				if (eq < 0) {
					rc = -1;
					goto done;
				}
				got |= eq;
			}
			if (got == 0)
				break;
		}
	}
done:
	st->end_ns = np_clock_mono();
	if (rc == 0 && sink->finish)
		sink->finish(sink->ctx, info, st);
out:
	np_probe_table_free(&e.tab);
	free(e.txbuf);
	free(e.rxbuf);
	return rc;
}
