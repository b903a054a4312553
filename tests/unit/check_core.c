/* check_core.c - the probe core and both schedulers over it, driven with a
 * fake clock and fake sockets (struct np_io): ping mode's wait after the
 * last probe, -A's estimator, expiry, a full send queue, the 16-bit
 * sequence wraparound, and --burst grouping in many-target mode.  Every
 * time below is exact: the clock only moves when the fake says so. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "icmp.h"
#include "match.h"
#include "mode_many.h"
#include "mode_ping.h"
#include "options.h"
#include "packets.h"
#include "proto.h"
#include "reply.h"
#include "suites.h"
#include "tlist.h"

#define MS INT64_C(1000000)
#define US INT64_C(1000)
#define TGT "198.51.100.7"
#define FAKE_FD 1000

/* ---- the fake world ------------------------------------------------------ */

struct fk_sent {
	int64_t at;
	uint16_t seq;
	unsigned waits; /* wait() calls before this send */
	struct sockaddr_storage dst;
};

struct fk_rx {
	int64_t at;
	size_t len;
	uint8_t buf[128];
	struct sockaddr_storage from;
};

struct fake {
	int64_t now;
	int64_t send_cost; /* the clock moves this much per send */
	/* the round trip of probe number n (from 1), -1: no reply */
	int64_t (*rtt)(const struct fake *fk, uint64_t n);
	int64_t fixed_rtt;
	unsigned eagain_call; /* this send call (from 1) finds the queue full */
	unsigned emsgsize_call; /* ... this one is too large for the path */
	unsigned calls, waits;
	struct fk_sent *sent;
	size_t nsent, cap;
	struct fk_rx rx[64];
	size_t nrx;
};

static int64_t fk_mono(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

static int64_t fk_real(void *ctx)
{
	return ((struct fake *)ctx)->now + INT64_C(1700000000) * 1000 * MS;
}

static ssize_t fk_send(void *ctx, struct np_socket *s, const void *buf,
		       size_t len, const struct sockaddr *dst, socklen_t dstlen,
		       uint32_t id)
{
	struct fake *fk = ctx;
	struct fk_sent *x;
	int64_t rtt;

	(void)s;
	(void)id;
	fk->calls++;
	if (fk->calls == fk->eagain_call || fk->calls == fk->emsgsize_call) {
		errno = fk->calls == fk->eagain_call ? EAGAIN : EMSGSIZE;
		return -1;
	}
	ck_assert_uint_lt(fk->nsent, fk->cap);
	x = &fk->sent[fk->nsent++];
	x->at = fk->now;
	x->seq = (uint16_t)(((const uint8_t *)buf)[6] << 8 |
			    ((const uint8_t *)buf)[7]);
	x->waits = fk->waits;
	memset(&x->dst, 0, sizeof(x->dst));
	memcpy(&x->dst, dst, dstlen);
	rtt = fk->rtt ? fk->rtt(fk, fk->nsent) : fk->fixed_rtt;
	if (rtt >= 0) {
		struct fk_rx *r = &fk->rx[fk->nrx++];

		ck_assert_uint_le(fk->nrx, 64);
		ck_assert_uint_le(len, sizeof(r->buf));
		memcpy(r->buf, buf, len);
		r->buf[0] = 0; /* Echo Reply */
		pk_icmp_fix(r->buf, len);
		r->len = len;
		r->at = fk->now + rtt;
		memcpy(&r->from, &x->dst, sizeof(r->from));
	}
	fk->now += fk->send_cost;
	return (ssize_t)len;
}

/* The earliest reply due by `by`, or -1. */
static int due(const struct fake *fk, int64_t by)
{
	int best = -1;

	for (size_t i = 0; i < fk->nrx; i++)
		if (fk->rx[i].at <= by &&
		    (best < 0 || fk->rx[i].at < fk->rx[best].at))
			best = (int)i;
	return best;
}

static int fk_recv(struct fake *fk, struct np_rxbatch *b, bool errqueue,
		   unsigned max)
{
	unsigned n = 0;
	int i;

	if (errqueue)
		return 0;
	while (n < max && (i = due(fk, fk->now)) >= 0) {
		struct np_rxpkt *pkt = &b->pkt[n];
		uint8_t *data = b->data + n * b->bufsize;

		/* bytes and metadata, as the socket layer hands them over:
		 * the core parses them (a datagram socket: no IP header) */
		memcpy(data, fk->rx[i].buf, fk->rx[i].len);
		memset(pkt, 0, sizeof(*pkt));
		pkt->to_parse = true;
		pkt->buf = data;
		pkt->len = fk->rx[i].len;
		pkt->ttl = 64;
		pkt->rx_mono = fk->rx[i].at;
		pkt->rx_real = fk_real(fk);
		memcpy(&pkt->from, &fk->rx[i].from, sizeof(pkt->from));
		fk->rx[i] = fk->rx[--fk->nrx];
		n++;
	}
	return (int)n;
}

static int fk_recv_batch(void *ctx, const struct np_socket *s,
			 struct np_rxbatch *b, bool errqueue,
			 struct np_err *err)
{
	(void)s;
	(void)err;
	return fk_recv(ctx, b, errqueue, b->count);
}

static int fk_recv_one(void *ctx, const struct np_socket *s,
		       struct np_rxbatch *b, bool errqueue, struct np_err *err)
{
	(void)s;
	(void)err;
	return fk_recv(ctx, b, errqueue, 1);
}

static int fk_wait(void *ctx, struct pollfd *fds, nfds_t nfds,
		   int64_t timeout_ns, const sigset_t *mask)
{
	struct fake *fk = ctx;
	int64_t until = fk->now + (timeout_ns > 0 ? timeout_ns : 0);
	int i = due(fk, until);

	(void)mask;
	fk->waits++;
	for (nfds_t k = 0; k < nfds; k++)
		fds[k].revents = 0;
	if (i < 0) {
		fk->now = until;
		return 0;
	}
	if (fk->rx[i].at > fk->now)
		fk->now = fk->rx[i].at;
	for (nfds_t k = 0; k < nfds; k++)
		if (fds[k].fd == FAKE_FD)
			fds[k].revents = POLLIN;
	return 1;
}

/* The path MTU: 1280 to the one target, 1400 to a given address. */
static int fk_mtu(void *ctx, const struct np_socket *s,
		  const struct sockaddr *dst, socklen_t dstlen)
{
	(void)ctx;
	(void)s;
	(void)dstlen;
	return dst == NULL ? 1280 : 1400;
}

static void fake_init(struct fake *fk, size_t cap)
{
	memset(fk, 0, sizeof(*fk));
	fk->now = 1000 * MS;
	fk->fixed_rtt = -1;
	fk->cap = cap;
	fk->sent = calloc(cap, sizeof(*fk->sent));
	ck_assert_ptr_nonnull(fk->sent);
}

static struct np_io fake_io(struct fake *fk)
{
	struct np_io io = {
		fk,	 fk_mono, fk_real, fk_send, fk_recv_batch, fk_recv_one,
		fk_wait, fk_mtu,  NULL,	   NULL,    NULL,	   NULL};

	return io;
}

/* ---- ping mode ----------------------------------------------------------- */

struct rec {
	struct fake *fk;
	unsigned n;
	struct {
		enum np_event_kind kind;
		uint16_t seq;
		unsigned flags;
		int64_t at;
		int mtu;
	} ev[64];
	bool finished;
	int64_t finish_at;
};

static void rec_event(void *ctx, const struct np_run_info *info,
		      const struct np_event *ev)
{
	struct rec *r = ctx;

	(void)info;
	if (r->n < 64) {
		r->ev[r->n].kind = ev->kind;
		r->ev[r->n].seq = ev->seq;
		r->ev[r->n].flags = ev->flags;
		r->ev[r->n].at = r->fk->now;
		r->ev[r->n].mtu = ev->mtu;
		r->n++;
	}
}

static void rec_finish(void *ctx, const struct np_run_info *info,
		       const struct np_stats *st)
{
	struct rec *r = ctx;

	(void)info;
	(void)st;
	r->finished = true;
	r->finish_at = r->fk->now;
}

struct ping_run {
	struct np_options o;
	struct np_target t;
	struct np_socket s;
	struct np_run_info info;
	struct np_stats st;
	struct rec rec;
	struct np_sink sink;
	volatile sig_atomic_t stop, status;
	struct np_core_signals sig;
	char *argv[16];
};

/* Parse `args` (ending in NULL; the target is added) as the command
 * line. */
static void ping_setup(struct ping_run *pr, struct fake *fk, ...)
{
	struct np_err err;
	int argc = 0;
	va_list ap;
	const char *a;

	memset(pr, 0, sizeof(*pr));
	pr->argv[argc++] = (char *)"netprobe";
	va_start(ap, fk);
	while ((a = va_arg(ap, const char *)) != NULL && argc < 14)
		pr->argv[argc++] = (char *)a;
	va_end(ap);
	pr->argv[argc++] = (char *)TGT;
	pr->argv[argc] = NULL;
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(np_options_parse(argc, pr->argv, &pr->o, &err), 0);
	pr->t.name = TGT;
	pr->t.numeric = true;
	pr->t.family = AF_INET;
	pr->t.addr = pk_addr(TGT);
	pr->t.addrlen = sizeof(struct sockaddr_in);
	snprintf(pr->t.addr_str, sizeof(pr->t.addr_str), "%s", TGT);
	pr->s.fd = FAKE_FD;
	pr->s.family = AF_INET;
	pr->s.kind = NP_SOCK_DGRAM;
	pr->s.ident = 0x4e50;
	pr->s.proto = np_proto_default();
	pr->info.opt = &pr->o;
	pr->info.target = &pr->t;
	pr->info.sock = &pr->s;
	pr->info.packet_len = np_ping_packet_len(AF_INET, pr->o.size);
	pr->info.capture_fd = -1;
	pr->rec.fk = fk;
	pr->sink.ctx = &pr->rec;
	pr->sink.event = rec_event;
	pr->sink.finish = rec_finish;
	pr->sig.stop = &pr->stop;
	pr->sig.status = &pr->status;
}

static void ping_go(struct ping_run *pr, struct fake *fk)
{
	struct np_io io = fake_io(fk);
	struct np_err err;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(
		np_ping_run(&pr->info, &pr->sink, &pr->sig, &io, &pr->st, &err),
		0);
	ck_assert(pr->rec.finished);
}

static int64_t rtt_first_only(const struct fake *fk, uint64_t n)
{
	return n == 1 ? fk->fixed_rtt : -1;
}

/* After the last probe, ping mode waits for the outstanding replies
 * twice the longest RTT seen, at least one interval, at most -W; with no
 * reply at all, the whole -W. */
START_TEST(ping_linger_after_last_probe)
{
	struct fake fk;
	struct ping_run pr;
	int64_t t0;

	/* RTT 30 ms: 2 x 30 < the 200 ms interval: one interval */
	fake_init(&fk, 8);
	fk.rtt = rtt_first_only;
	fk.fixed_rtt = 30 * MS;
	t0 = fk.now;
	ping_setup(&pr, &fk, "-c", "2", "-i", "0.2", "-W", "5", NULL);
	ping_go(&pr, &fk);
	ck_assert_uint_eq(fk.nsent, 2);
	ck_assert_int_eq(fk.sent[1].at - t0, 200 * MS);
	ck_assert_int_eq(fk.now - t0, 400 * MS);
	ck_assert_uint_eq(pr.st.received, 1);
	free(fk.sent);

	/* RTT 150 ms: twice that, 300 ms after the last probe */
	fake_init(&fk, 8);
	fk.rtt = rtt_first_only;
	fk.fixed_rtt = 150 * MS;
	t0 = fk.now;
	ping_setup(&pr, &fk, "-c", "2", "-i", "0.2", "-W", "5", NULL);
	ping_go(&pr, &fk);
	ck_assert_int_eq(fk.now - t0, 500 * MS);
	free(fk.sent);

	/* RTT 4 s: twice that is above -W 5: -W */
	fake_init(&fk, 8);
	fk.rtt = rtt_first_only;
	fk.fixed_rtt = 4000 * MS;
	t0 = fk.now;
	ping_setup(&pr, &fk, "-c", "2", "-i", "0.2", "-W", "5", NULL);
	ping_go(&pr, &fk);
	ck_assert_int_eq(fk.now - t0, 200 * MS + 5000 * MS);
	free(fk.sent);

	/* nothing answered: -W after the last probe */
	fake_init(&fk, 8);
	t0 = fk.now;
	ping_setup(&pr, &fk, "-c", "2", "-i", "0.2", "-W", "0.7", NULL);
	ping_go(&pr, &fk);
	ck_assert_int_eq(fk.now - t0, 900 * MS);
	ck_assert_uint_eq(pr.st.received, 0);
	free(fk.sent);
}
END_TEST

/* A probe unanswered for -W times out then, exactly, and is lost. */
START_TEST(ping_expiry)
{
	struct fake fk;
	struct ping_run pr;
	int64_t t0;
	unsigned timeouts = 0;

	fake_init(&fk, 8);
	t0 = fk.now;
	ping_setup(&pr, &fk, "-c", "2", "-i", "1", "-W", "0.5", NULL);
	ping_go(&pr, &fk);
	for (unsigned i = 0; i < pr.rec.n; i++) {
		if (pr.rec.ev[i].kind != NP_EV_TIMEOUT)
			continue;
		ck_assert_int_eq(pr.rec.ev[i].at - t0,
				 (pr.rec.ev[i].seq - 1) * 1000 * MS + 500 * MS);
		timeouts++;
	}
	ck_assert_uint_eq(timeouts, 2);
	ck_assert_uint_eq(pr.st.transmitted, 2);
	ck_assert_uint_eq(pr.st.received, 0);
	free(fk.sent);
}
END_TEST

static int64_t rtt_four(const struct fake *fk, uint64_t n)
{
	(void)fk;
	return n <= 4 ? 20 * MS : -1;
}

/* -A (as root, no -i): the next probe goes when the reply comes; without
 * one, after RFC 6298's smoothed RTT + 4 variations. */
START_TEST(ping_adaptive_estimator)
{
	struct fake fk;
	struct ping_run pr;
	int64_t t0, srtt = 0, rttvar = 0;

	fake_init(&fk, 16);
	fk.rtt = rtt_four;
	t0 = fk.now;
	ping_setup(&pr, &fk, "-A", "-c", "6", "-W", "2", NULL);
	pr.o.adaptive_min_ns = 0; /* main.c: root without -i */
	ping_go(&pr, &fk);
	ck_assert_uint_eq(fk.nsent, 6);
	for (int i = 1; i <= 4; i++) /* each on the previous reply */
		ck_assert_int_eq(fk.sent[i].at - t0, i * 20 * MS);
	/* the estimator after four samples of 20 ms */
	for (int i = 0; i < 4; i++) {
		int64_t rtt = 20 * MS;

		if (srtt == 0) {
			srtt = rtt;
			rttvar = rtt / 2;
			continue;
		}
		rttvar = (3 * rttvar + (srtt > rtt ? srtt - rtt : rtt - srtt)) /
			 4;
		srtt = (7 * srtt + rtt) / 8;
	}
	ck_assert_int_eq(srtt + 4 * rttvar, 36875 * US);
	ck_assert_int_eq(fk.sent[5].at - fk.sent[4].at, srtt + 4 * rttvar);
	free(fk.sent);
}
END_TEST

/* A full send queue: the probe is given back (its number reused, nothing
 * counted) and tried again 10 ms later. */
START_TEST(ping_eagain_unclaims)
{
	struct fake fk;
	struct ping_run pr;
	int64_t t0;

	fake_init(&fk, 8);
	fk.fixed_rtt = 1 * MS;
	fk.eagain_call = 2;
	t0 = fk.now;
	ping_setup(&pr, &fk, "-c", "3", "-i", "0.2", NULL);
	ping_go(&pr, &fk);
	ck_assert_uint_eq(fk.nsent, 3);
	ck_assert_uint_eq(fk.sent[0].seq, 1);
	ck_assert_uint_eq(fk.sent[1].seq, 2); /* not 3 */
	ck_assert_int_eq(fk.sent[1].at - t0, 210 * MS);
	ck_assert_uint_eq(fk.sent[2].seq, 3);
	ck_assert_uint_eq(pr.st.transmitted, 3);
	ck_assert_uint_eq(pr.st.received, 3);
	ck_assert_uint_eq(pr.st.errors, 0);
	free(fk.sent);
}
END_TEST

/* A probe too large for the path: a send error that names the path's
 * MTU (through the injected I/O), counted as an error. */
START_TEST(ping_emsgsize_names_mtu)
{
	struct fake fk;
	struct ping_run pr;
	unsigned said = 0;

	fake_init(&fk, 8);
	fk.fixed_rtt = 1 * MS;
	fk.emsgsize_call = 1;
	ping_setup(&pr, &fk, "-c", "2", "-i", "0.2", NULL);
	ping_go(&pr, &fk);
	for (unsigned i = 0; i < pr.rec.n; i++)
		if (pr.rec.ev[i].kind == NP_EV_SEND_ERROR) {
			ck_assert_uint_eq(pr.rec.ev[i].seq, 1);
			ck_assert_int_eq(pr.rec.ev[i].mtu, 1280);
			said++;
		}
	ck_assert_uint_eq(said, 1);
	ck_assert_uint_eq(pr.st.transmitted, 2);
	ck_assert_uint_eq(pr.st.errors, 1);
	ck_assert_uint_eq(pr.st.received, 1);
	free(fk.sent);
}
END_TEST

/* More probes than the 16-bit sequence space: the numbers wrap, every
 * reply still goes to its own probe. */
START_TEST(ping_sequence_wraparound)
{
	struct fake fk;
	struct ping_run pr;
	const uint64_t n = 65536 + 40;

	fake_init(&fk, (size_t)n);
	fk.fixed_rtt = 3 * MS;
	ping_setup(&pr, &fk, "-c", "65576", "-W", "1", NULL);
	pr.o.interval_ns = 2 * MS; /* replies overlap the next probe */
	ping_go(&pr, &fk);
	ck_assert_uint_eq(fk.nsent, n);
	ck_assert_uint_eq(fk.sent[65534].seq, 65535); /* probe 65535 */
	ck_assert_uint_eq(fk.sent[65535].seq, 0);
	ck_assert_uint_eq(fk.sent[n - 1].seq, 40);
	ck_assert_uint_eq(pr.st.transmitted, n);
	ck_assert_uint_eq(pr.st.received, n);
	ck_assert_uint_eq(pr.st.duplicates + pr.st.late + pr.st.foreign +
				  pr.st.corrupted,
			  0);
	ck_assert_int_eq(pr.st.rtt.min_ns, 3 * MS);
	ck_assert_int_eq(pr.st.rtt.max_ns, 3 * MS);
	free(fk.sent);
}
END_TEST

struct xpoll {
	struct fake *fk;
	int64_t due, called_at;
	unsigned polls, calls;
};

static int xpoll_poll(void *ctx, int64_t *wake)
{
	struct xpoll *x = ctx;

	x->polls++;
	*wake = x->calls == 0 ? x->due : INT64_MAX;
	return -1; /* no descriptor now: woken by the time only */
}

static void xpoll_ready(void *ctx)
{
	struct xpoll *x = ctx;

	x->calls++;
	x->called_at = x->fk->now;
}

/* A polled extra (the name helper's): asked before every wait, woken at
 * the time it gives, and it delays nothing else. */
START_TEST(ping_polled_extra)
{
	struct fake fk;
	struct ping_run pr;
	struct xpoll x;
	int64_t t0;

	fake_init(&fk, 8);
	fk.fixed_rtt = 1 * MS;
	t0 = fk.now;
	memset(&x, 0, sizeof(x));
	x.fk = &fk;
	x.due = t0 + 50 * MS;
	ping_setup(&pr, &fk, "-c", "2", "-i", "0.2", NULL);
	pr.info.extra_poll = xpoll_poll;
	pr.info.extra_pump = xpoll_ready;
	pr.info.extra_ctx = &x;
	ping_go(&pr, &fk);
	ck_assert_uint_eq(x.calls, 1);
	ck_assert_int_eq(x.called_at - t0, 50 * MS);
	ck_assert_uint_gt(x.polls, 2);
	ck_assert_int_eq(fk.sent[1].at - t0, 200 * MS);
	ck_assert_int_eq(fk.now - t0, 201 * MS); /* the last reply ends it */
	ck_assert_uint_eq(pr.st.received, 2);
	free(fk.sent);
}
END_TEST

/* ---- many-target mode ---------------------------------------------------- */

struct mrec {
	unsigned done, replies;
};

static void mrec_event(void *ctx, const struct np_run_info *info,
		       const struct np_event *ev)
{
	struct mrec *r = ctx;

	(void)info;
	if (ev->kind == NP_EV_REPLY && ev->flags == 0)
		r->replies++;
}

static void mrec_done(void *ctx, const struct np_run_info *info,
		      const struct np_result *r)
{
	(void)info;
	(void)r;
	((struct mrec *)ctx)->done++;
}

static void many_run(struct fake *fk, const char *const *args,
		     unsigned ntargets, uint32_t probes, bool alive,
		     unsigned replies);

static void many_go(struct fake *fk, const char *burst, unsigned ntargets)
{
	const char *args[] = {"-c",   "2",	 "-i",	"1", "--gap",
			      "0.01", "--burst", burst, NULL};

	many_run(fk, args, ntargets, 2, false, 2 * ntargets);
}

/* Many-target mode over the fake I/O: netprobe ARGS and ntargets targets
 * 198.18.0.1 on; every target reported, `replies` good replies. */
static void many_run(struct fake *fk, const char *const *args,
		     unsigned ntargets, uint32_t probes, bool alive,
		     unsigned replies)
{
	static char *argv[16];
	static char names[8][32];
	struct np_options o;
	struct np_err err;
	struct np_tplan plan;
	struct np_socket s;
	struct np_sweep_cfg cfg;
	struct np_sweep_result res;
	struct np_sink sink;
	struct mrec rec;
	volatile sig_atomic_t stop = 0, status = 0;
	struct np_core_signals sig = {&stop, &status, NULL};
	struct np_io io = fake_io(fk);
	int argc = 0;

	argv[argc++] = (char *)"netprobe";
	for (size_t i = 0; args[i] != NULL; i++)
		argv[argc++] = (char *)args[i];
	for (unsigned i = 0; i < ntargets; i++) {
		snprintf(names[i], sizeof(names[i]), "198.18.0.%u", i + 1);
		argv[argc++] = names[i];
	}
	argv[argc] = NULL;
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(np_options_parse(argc, argv, &o, &err), 0);
	np_tplan_init(&plan);
	for (unsigned i = 0; i < ntargets; i++)
		ck_assert_int_eq(
			np_tplan_add(&plan, names[i], AF_INET, NULL, &err), 0);
	memset(&s, 0, sizeof(s));
	s.fd = FAKE_FD;
	s.family = AF_INET;
	s.kind = NP_SOCK_DGRAM;
	s.ident = 0x4e51;
	s.proto = np_proto_default();
	memset(&cfg, 0, sizeof(cfg));
	cfg.opt = &o;
	cfg.plan = &plan;
	cfg.sock[0] = &s;
	cfg.timeout_ns = np_options_multi_timeout(&o);
	cfg.probes = probes;
	cfg.alive_mode = alive;
	memset(&rec, 0, sizeof(rec));
	memset(&sink, 0, sizeof(sink));
	sink.ctx = &rec;
	sink.event = mrec_event;
	sink.done = mrec_done;
	ck_assert_int_eq(np_many_run(&cfg, &sink, &sig, &io, &res, &err), 0);
	ck_assert_uint_eq(rec.done, ntargets);
	ck_assert_uint_eq(rec.replies, replies);
	ck_assert(res.complete);
	np_tplan_free(&plan);
}

/* --burst N: the probes that come due again an interval later, within
 * microseconds of each other, go in one burst in one wake-up (the
 * scheduler waits for the last of them); with --burst 1 they go one per
 * gap. */
START_TEST(many_burst_grouping)
{
	struct fake fk;

	fake_init(&fk, 16);
	fk.fixed_rtt = 1 * MS;
	fk.send_cost = 1 * US; /* as a real sendto */
	many_go(&fk, "4", 4);
	ck_assert_uint_eq(fk.nsent, 8);
	for (int i = 1; i < 4; i++) { /* first round: one burst */
		ck_assert_uint_eq(fk.sent[i].waits, fk.sent[0].waits);
		ck_assert_int_eq(fk.sent[i].at - fk.sent[0].at, i * US);
	}
	/* second round: after the period, again one wake-up */
	ck_assert_int_ge(fk.sent[4].at - fk.sent[0].at, 1000 * MS);
	for (int i = 5; i < 8; i++)
		ck_assert_uint_eq(fk.sent[i].waits, fk.sent[4].waits);
	free(fk.sent);

	fake_init(&fk, 16);
	fk.fixed_rtt = 1 * MS;
	fk.send_cost = 1 * US;
	many_go(&fk, "1", 4);
	ck_assert_uint_eq(fk.nsent, 8);
	for (int i = 1; i < 8; i++) {
		ck_assert_uint_gt(fk.sent[i].waits, fk.sent[i - 1].waits);
		ck_assert_int_ge(fk.sent[i].at - fk.sent[i - 1].at, 10 * MS);
	}
	free(fk.sent);
}
END_TEST

static int64_t rtt_first_target(const struct fake *fk, uint64_t n)
{
	/* sends alternate while both are probed: probe 1 is 198.18.0.1's */
	(void)fk;
	return n == 1 ? 2 * MS : -1;
}

/* Alive mode with -r 2: a target that answers is done at its first
 * reply; one that does not gets its retries, each -W after the last
 * probe, then is reported unreachable. */
START_TEST(many_alive_retries)
{
	static const char *const args[] = {"-r",    "2",    "-W", "0.5",
					   "--gap", "0.01", NULL};
	struct fake fk;
	int64_t t0;

	fake_init(&fk, 16);
	fk.rtt = rtt_first_target;
	t0 = fk.now;
	many_run(&fk, args, 2, 3, true, 1);
	ck_assert_uint_eq(fk.nsent, 4); /* 1 + 3 to the silent one */
	ck_assert_int_eq(fk.sent[0].at - t0, 0);
	ck_assert_int_eq(fk.sent[1].at - t0, 10 * MS); /* the gap */
	/* the silent target: again -W after each probe */
	ck_assert_int_eq(fk.sent[2].at - fk.sent[1].at, 500 * MS);
	ck_assert_int_eq(fk.sent[3].at - fk.sent[2].at, 500 * MS);
	ck_assert_int_eq(memcmp(&fk.sent[1].dst, &fk.sent[3].dst,
				sizeof(struct sockaddr_in)),
			 0);
	/* and is given up -W after its last retry */
	ck_assert_int_eq(fk.now - fk.sent[3].at, 500 * MS);
	free(fk.sent);
}
END_TEST

/* A full send queue in many-target mode: the target goes first at the
 * next try, its probe number given back. */
START_TEST(many_eagain_unclaims)
{
	struct fake fk;

	fake_init(&fk, 16);
	fk.fixed_rtt = 1 * MS;
	fk.eagain_call = 2;
	many_go(&fk, "4", 3);
	ck_assert_uint_eq(fk.nsent, 6);
	ck_assert_uint_eq(fk.sent[1].seq, 2);
	ck_assert_int_eq(memcmp(&fk.sent[1].dst, &fk.sent[4].dst,
				sizeof(struct sockaddr_in)),
			 0);
	free(fk.sent);
}
END_TEST

Suite *core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("fake clock");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, ping_linger_after_last_probe);
	tcase_add_test(tc, ping_expiry);
	tcase_add_test(tc, ping_adaptive_estimator);
	tcase_add_test(tc, ping_eagain_unclaims);
	tcase_add_test(tc, ping_emsgsize_names_mtu);
	tcase_add_test(tc, ping_sequence_wraparound);
	tcase_add_test(tc, ping_polled_extra);
	tcase_add_test(tc, many_burst_grouping);
	tcase_add_test(tc, many_eagain_unclaims);
	tcase_add_test(tc, many_alive_retries);
	suite_add_tcase(s, tc);
	return s;
}
