/* check_connect.c - connect probes (--connect) in the core and both
 * schedulers, over a fake clock and fake sockets (np_io.connect, .outcome,
 * .close): open, closed, an ICMP error, silence, a SYN sent again, the cap
 * on sockets in flight, and the options' rules.  Every time is exact: the
 * clock only moves when the fake says so. */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
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
#include "proto_tcpconn.h"
#include "suites.h"
#include "tlist.h"

#define MS INT64_C(1000000)
#define US INT64_C(1000)
#define TGT "198.51.100.7"
#define ROUTER "198.51.100.1"
#define FD0 3000
#define MAXC 64

/* ---- the fake world ------------------------------------------------------ */

/* How the fake's kernel ends connect number n (from 1). */
enum fk_how {
	FK_OPEN,    /* SYN/ACK after `after`, tcp_info's RTT `rtt` */
	FK_REFUSED, /* a RST after `after` */
	FK_ICMP,    /* an ICMP error from ROUTER after `after` */
	FK_SILENT,  /* nothing, ever */
	FK_RETRANS, /* connected after `after`, the SYN sent twice */
	FK_NOROUTE, /* connect() itself fails: ENETUNREACH */
};

struct fk_script {
	enum fk_how how;
	int64_t after, rtt;
	uint8_t type, code;
};

struct fk_conn {
	bool open;
	int64_t due; /* when its outcome comes, INT64_MAX never */
	struct fk_script sc;
	struct sockaddr_storage dst;
};

struct cfake {
	int64_t now;
	struct fk_script (*script)(const struct cfake *fk, unsigned n);
	struct fk_script fixed;
	struct fk_conn c[MAXC];
	unsigned nconn;	       /* connect() calls */
	unsigned open, peak;   /* sockets open now, at most */
	unsigned closed_early; /* closed before their outcome came */
	unsigned ttl_seen;
	unsigned waits;
	int64_t closed_at[MAXC]; /* when each socket was closed */
	uint16_t port_seen;
};

static int64_t cf_mono(void *ctx)
{
	return ((struct cfake *)ctx)->now;
}

static int64_t cf_real(void *ctx)
{
	return ((struct cfake *)ctx)->now + INT64_C(1700000000) * 1000 * MS;
}

static int cf_connect(void *ctx, const struct np_conn_cfg *cfg,
		      const struct sockaddr *dst, socklen_t dstlen)
{
	struct cfake *fk = ctx;
	struct fk_conn *k;
	unsigned n = ++fk->nconn;

	ck_assert_uint_le(n, MAXC);
	k = &fk->c[n - 1];
	k->sc = fk->script != NULL ? fk->script(fk, n) : fk->fixed;
	fk->ttl_seen = (unsigned)cfg->ttl;
	fk->port_seen = np_addr_port(dst);
	if (k->sc.how == FK_NOROUTE) {
		errno = ENETUNREACH;
		return -1;
	}
	memcpy(&k->dst, dst, dstlen);
	k->open = true;
	k->due = k->sc.how == FK_SILENT ? INT64_MAX : fk->now + k->sc.after;
	if (++fk->open > fk->peak)
		fk->peak = fk->open;
	return FD0 + (int)n - 1;
}

static struct fk_conn *by_fd(struct cfake *fk, int fd)
{
	ck_assert_int_ge(fd, FD0);
	ck_assert_int_lt(fd, FD0 + (int)fk->nconn);
	ck_assert(fk->c[fd - FD0].open);
	return &fk->c[fd - FD0];
}

static void cf_outcome(void *ctx, int fd, struct np_conn_outcome *out)
{
	struct cfake *fk = ctx;
	struct fk_conn *k = by_fd(fk, fd);

	memset(out, 0, sizeof(*out));
	out->rtt_ns = -1;
	if (fk->now < k->due) {
		out->err = EINPROGRESS;
		return;
	}
	switch (k->sc.how) {
	case FK_OPEN:
		out->rtt_ns = k->sc.rtt;
		break;
	case FK_RETRANS:
		out->rtt_ns = k->sc.rtt;
		out->retrans = 1;
		break;
	case FK_REFUSED:
		out->err = ECONNREFUSED;
		break;
	case FK_ICMP:
		out->err = EHOSTUNREACH;
		out->icmp = true;
		out->type = k->sc.type;
		out->code = k->sc.code;
		out->have_offender = true;
		out->offender = pk_addr(ROUTER);
		break;
	default:
		out->err = EINPROGRESS;
		break;
	}
}

static void cf_close(void *ctx, int fd)
{
	struct cfake *fk = ctx;
	struct fk_conn *k = by_fd(fk, fd);

	if (fk->now < k->due)
		fk->closed_early++;
	fk->closed_at[fd - FD0] = fk->now;
	k->open = false;
	fk->open--;
}

/* ppoll over the probes' sockets: the clock moves to the first outcome
 * due among them (or to the timeout), and every socket whose outcome is
 * due by then is reported. */
static int cf_wait(void *ctx, struct pollfd *fds, nfds_t nfds,
		   int64_t timeout_ns, const sigset_t *mask)
{
	struct cfake *fk = ctx;
	int64_t until = fk->now + (timeout_ns > 0 ? timeout_ns : 0);
	int64_t first = INT64_MAX;
	int n = 0;

	(void)mask;
	fk->waits++;
	for (nfds_t i = 0; i < nfds; i++) {
		fds[i].revents = 0;
		ck_assert_int_ge(fds[i].fd, FD0); /* only probe sockets */
		ck_assert_int_eq(fds[i].events, POLLOUT);
		if (by_fd(fk, fds[i].fd)->due < first)
			first = by_fd(fk, fds[i].fd)->due;
	}
	if (first > until) {
		fk->now = until;
		return 0;
	}
	if (first > fk->now)
		fk->now = first;
	for (nfds_t i = 0; i < nfds; i++)
		if (by_fd(fk, fds[i].fd)->due <= fk->now) {
			fds[i].revents = POLLOUT;
			n++;
		}
	return n;
}

static ssize_t cf_send(void *ctx, struct np_socket *s, const void *buf,
		       size_t len, const struct sockaddr *dst, socklen_t dstlen,
		       uint32_t id)
{
	(void)ctx;
	(void)s;
	(void)buf;
	(void)len;
	(void)dst;
	(void)dstlen;
	(void)id;
	ck_abort_msg("a connect probe sends no packet of its own");
	return -1;
}

static int cf_recv(void *ctx, const struct np_socket *s, struct np_rxbatch *b,
		   bool errqueue, struct np_err *err)
{
	(void)ctx;
	(void)s;
	(void)b;
	(void)errqueue;
	(void)err;
	ck_abort_msg("a connect run reads no datagram");
	return -1;
}

static struct np_io cfake_io(struct cfake *fk)
{
	struct np_io io;

	memset(&io, 0, sizeof(io));
	io.ctx = fk;
	io.mono = cf_mono;
	io.real = cf_real;
	io.send = cf_send;
	io.recv_batch = cf_recv;
	io.recv_one = cf_recv;
	io.wait = cf_wait;
	io.connect = cf_connect;
	io.outcome = cf_outcome;
	io.close = cf_close;
	return io;
}

static void cfake_init(struct cfake *fk)
{
	memset(fk, 0, sizeof(*fk));
	fk->now = 1000 * MS;
}

/* ---- ping mode ----------------------------------------------------------- */

struct crec {
	struct cfake *fk;
	unsigned n;
	struct {
		enum np_event_kind kind;
		uint16_t seq;
		int64_t rtt, at;
		unsigned ts;
		char state[16]; /* the reply's, as the reports say it */
		uint8_t type, code;
		char from[64];
	} ev[32];
	struct np_stats st;
};

static void crec_event(void *ctx, const struct np_run_info *info,
		       const struct np_event *ev)
{
	struct crec *r = ctx;

	(void)info;
	ck_assert_uint_lt(r->n, 32);
	r->ev[r->n].kind = ev->kind;
	r->ev[r->n].seq = ev->seq;
	r->ev[r->n].rtt = ev->rtt_ns;
	r->ev[r->n].at = r->fk->now;
	r->ev[r->n].ts = ev->ts;
	r->ev[r->n].state[0] = '\0';
	if (ev->kind == NP_EV_REPLY && ev->reply != NULL &&
	    ev->reply->proto->reply_state != NULL)
		snprintf(r->ev[r->n].state, sizeof(r->ev[r->n].state), "%s",
			 ev->reply->proto->reply_state(ev->reply));
	r->ev[r->n].from[0] = '\0';
	if (ev->from != NULL)
		np_addr_str(ev->from, r->ev[r->n].from,
			    sizeof(r->ev[r->n].from));
	if (ev->reply != NULL) {
		r->ev[r->n].type = ev->reply->type;
		r->ev[r->n].code = ev->reply->code;
	}
	r->n++;
}

static void crec_finish(void *ctx, const struct np_run_info *info,
			const struct np_stats *st)
{
	(void)info;
	((struct crec *)ctx)->st = *st;
}

/* netprobe ARGS... TGT in ping mode over the fake; the events in *rec. */
static void cping(struct cfake *fk, struct crec *rec, ...)
{
	char *argv[16];
	int argc = 0;
	const char *a;
	va_list ap;
	struct np_options o;
	struct np_target t;
	struct np_socket s;
	struct np_run_info info;
	struct np_sink sink;
	struct np_stats st;
	struct np_err err;
	volatile sig_atomic_t stop = 0, status = 0;
	struct np_core_signals sig = {&stop, &status, NULL};
	struct np_io io = cfake_io(fk);

	argv[argc++] = (char *)"netprobe";
	va_start(ap, rec);
	while ((a = va_arg(ap, const char *)) != NULL && argc < 14)
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc++] = (char *)TGT;
	argv[argc] = NULL;
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(np_options_parse(argc, argv, &o, &err), 0);
	ck_assert_ptr_eq(np_proto_select(o.proto, &err), &np_proto_tcpconn);
	memset(&t, 0, sizeof(t));
	t.name = TGT;
	t.numeric = true;
	t.family = AF_INET;
	t.addr = pk_addr(TGT);
	t.addrlen = sizeof(struct sockaddr_in);
	snprintf(t.addr_str, sizeof(t.addr_str), "%s", TGT);
	memset(&s, 0, sizeof(s));
	s.fd = 7; /* the run's socket: never waited on */
	s.family = AF_INET;
	s.kind = NP_SOCK_STREAM;
	s.path = NP_PATH_CONNECT;
	s.proto = &np_proto_tcpconn;
	memset(&info, 0, sizeof(info));
	info.opt = &o;
	info.target = &t;
	info.sock = &s;
	info.capture_fd = -1;
	memset(rec, 0, sizeof(*rec));
	rec->fk = fk;
	memset(&sink, 0, sizeof(sink));
	sink.ctx = rec;
	sink.event = crec_event;
	sink.finish = crec_finish;
	ck_assert_int_eq(np_ping_run(&info, &sink, &sig, &io, &st, &err), 0);
	/* every socket closed by the end */
	ck_assert_uint_eq(fk->open, 0);
}

/* Open: the SYN/ACK's RTT is TCP_INFO's (not the wake-up's), named so;
 * the port is the one given; the socket is closed once the outcome is
 * read. */
START_TEST(connect_open)
{
	struct cfake fk;
	struct crec rec;

	cfake_init(&fk);
	fk.fixed.how = FK_OPEN;
	fk.fixed.after = 3 * MS;  /* when ppoll wakes */
	fk.fixed.rtt = 2345 * US; /* what the kernel measured */
	cping(&fk, &rec, "--connect", "--tcp=443", "-c", "3", "-t", "9", NULL);
	ck_assert_uint_eq(fk.nconn, 3);
	ck_assert_uint_eq(fk.port_seen, 443);
	ck_assert_uint_eq(fk.ttl_seen, 9);
	ck_assert_uint_eq(rec.n, 3);
	for (unsigned i = 0; i < 3; i++) {
		ck_assert_int_eq(rec.ev[i].kind, NP_EV_REPLY);
		ck_assert_uint_eq(rec.ev[i].seq, i + 1);
		ck_assert_str_eq(rec.ev[i].state, "open");
		ck_assert_int_eq(rec.ev[i].rtt, 2345 * US);
		ck_assert_uint_eq(rec.ev[i].ts, NP_TS_TCPINFO);
		ck_assert_str_eq(rec.ev[i].from, TGT);
	}
	ck_assert_uint_eq(rec.st.transmitted, 3);
	ck_assert_uint_eq(rec.st.received, 3);
	ck_assert_uint_eq(fk.peak, 1);
	ck_assert_uint_eq(fk.closed_early, 0);
}
END_TEST

/* Closed: a RST is a reply (reachable), timed in user space from the
 * connect() to the wake-up; --connect alone probes port 80. */
START_TEST(connect_refused)
{
	struct cfake fk;
	struct crec rec;

	cfake_init(&fk);
	fk.fixed.how = FK_REFUSED;
	fk.fixed.after = 1500 * US;
	cping(&fk, &rec, "--connect", "-c", "2", NULL);
	ck_assert_uint_eq(fk.port_seen, 80);
	ck_assert_uint_eq(rec.n, 2);
	for (unsigned i = 0; i < 2; i++) {
		ck_assert_int_eq(rec.ev[i].kind, NP_EV_REPLY);
		ck_assert_str_eq(rec.ev[i].state, "closed");
		ck_assert_int_eq(rec.ev[i].rtt, 1500 * US);
		ck_assert_uint_eq(rec.ev[i].ts, 0); /* user space */
	}
	ck_assert_uint_eq(rec.st.received, 2);
}
END_TEST

/* An ICMP error the kernel matched to the SYN: an error line from the
 * router, with its type and code; the probe errored, not received. */
START_TEST(connect_unreachable)
{
	struct cfake fk;
	struct crec rec;

	cfake_init(&fk);
	fk.fixed.how = FK_ICMP;
	fk.fixed.after = 1 * MS;
	fk.fixed.type = NP_ICMP_DEST_UNREACH;
	fk.fixed.code = 13; /* communication administratively prohibited */
	cping(&fk, &rec, "--connect", "-c", "2", NULL);
	ck_assert_uint_eq(rec.n, 2);
	for (unsigned i = 0; i < 2; i++) {
		ck_assert_int_eq(rec.ev[i].kind, NP_EV_ICMP_ERROR);
		ck_assert_uint_eq(rec.ev[i].type, NP_ICMP_DEST_UNREACH);
		ck_assert_uint_eq(rec.ev[i].code, 13);
		ck_assert_str_eq(rec.ev[i].from, ROUTER);
	}
	ck_assert_uint_eq(rec.st.received, 0);
	ck_assert_uint_eq(rec.st.errors, 2);
}
END_TEST

/* connect() itself fails (no route): a send error, counted. */
START_TEST(connect_no_route)
{
	struct cfake fk;
	struct crec rec;

	cfake_init(&fk);
	fk.fixed.how = FK_NOROUTE;
	cping(&fk, &rec, "--connect", "-c", "1", NULL);
	ck_assert_uint_eq(rec.n, 1);
	ck_assert_int_eq(rec.ev[0].kind, NP_EV_SEND_ERROR);
	ck_assert_uint_eq(rec.st.transmitted, 1);
	ck_assert_uint_eq(rec.st.received, 0);
	ck_assert_uint_eq(fk.peak, 0);
}
END_TEST

/* Silence: lost at -W, and its socket closed then (no SYN sent again
 * after the probe has ended). */
START_TEST(connect_timeout)
{
	struct cfake fk;
	struct crec rec;

	cfake_init(&fk);
	fk.fixed.how = FK_SILENT;
	cping(&fk, &rec, "--connect", "-c", "2", "-i", "0.5", "-W", "0.8",
	      NULL);
	ck_assert_uint_eq(rec.n, 2);
	ck_assert_int_eq(rec.ev[0].kind, NP_EV_TIMEOUT);
	ck_assert_int_eq(rec.ev[1].kind, NP_EV_TIMEOUT);
	/* probe 1 went at t0, lost at t0 + 0.8 s */
	ck_assert_int_eq(rec.ev[0].at, 1000 * MS + 800 * MS);
	ck_assert_uint_eq(rec.st.received, 0);
	ck_assert_uint_eq(fk.closed_early, 2);
	/* each socket closed when its probe was lost, not at the end */
	ck_assert_int_eq(fk.closed_at[0], 1000 * MS + 800 * MS);
	ck_assert_int_eq(fk.closed_at[1], 1000 * MS + 1300 * MS);
}
END_TEST

static struct fk_script retrans_second(const struct cfake *fk, unsigned n)
{
	struct fk_script sc = {FK_OPEN, 2 * MS, 2 * MS, 0, 0};

	(void)fk;
	if (n == 2) { /* the first SYN lost, the second answered at 1 s */
		sc.how = FK_RETRANS;
		sc.after = 1002 * MS;
		sc.rtt = 1002 * MS;
	}
	return sc;
}

/* A SYN sent again (after the initial RTO, 1 s) and then answered: lost,
 * never an RTT of a second; -v hears why (an ignored event). */
START_TEST(connect_retransmitted_syn_is_lost)
{
	struct cfake fk;
	struct crec rec;

	cfake_init(&fk);
	fk.script = retrans_second;
	cping(&fk, &rec, "--connect", "-c", "3", "-W", "2", NULL);
	ck_assert_uint_eq(rec.st.transmitted, 3);
	ck_assert_uint_eq(rec.st.received, 2);
	ck_assert_uint_eq(rec.st.rtt.n, 2);
	ck_assert_int_eq(rec.st.rtt.max_ns, 2 * MS);
	for (unsigned i = 0; i < rec.n; i++)
		if (rec.ev[i].seq == 2)
			ck_assert(rec.ev[i].kind == NP_EV_IGNORED ||
				  rec.ev[i].kind == NP_EV_TIMEOUT);
}
END_TEST

/* ---- many targets ------------------------------------------------------- */

struct mcrec {
	unsigned done, open, closed;
};

static void mc_event(void *ctx, const struct np_run_info *info,
		     const struct np_event *ev)
{
	struct mcrec *r = ctx;
	const char *st = ev->kind == NP_EV_REPLY && ev->reply != NULL
				 ? ev->reply->proto->reply_state(ev->reply)
				 : "";

	(void)info;
	if (strcmp(st, "open") == 0)
		r->open++;
	if (strcmp(st, "closed") == 0)
		r->closed++;
}

static void mc_done(void *ctx, const struct np_run_info *info,
		    const struct np_result *r)
{
	(void)info;
	(void)r;
	((struct mcrec *)ctx)->done++;
}

static struct fk_script odd_open(const struct cfake *fk, unsigned n)
{
	struct fk_script sc = {FK_OPEN, 50 * MS, 40 * MS, 0, 0};

	(void)fk;
	if (n % 2 == 0)
		sc.how = FK_REFUSED;
	return sc;
}

/* A sweep of 12 targets with 3 sockets in flight at most: the scheduler
 * waits for a free one (never more than 3 open), every target is probed
 * and reported. */
START_TEST(connect_many_cap)
{
	static char *argv[24];
	static char names[12][32];
	struct cfake fk;
	struct np_options o;
	struct np_err err;
	struct np_tplan plan;
	struct np_socket s;
	struct np_sweep_cfg cfg;
	struct np_sweep_result res;
	struct np_sink sink;
	struct mcrec rec;
	volatile sig_atomic_t stop = 0, status = 0;
	struct np_core_signals sig = {&stop, &status, NULL};
	struct np_io io;
	int argc = 0;

	cfake_init(&fk);
	fk.script = odd_open;
	io = cfake_io(&fk);
	argv[argc++] = (char *)"netprobe";
	argv[argc++] = (char *)"--connect";
	argv[argc++] = (char *)"--tcp=443";
	for (unsigned i = 0; i < 12; i++) {
		snprintf(names[i], sizeof(names[i]), "198.18.0.%u", i + 1);
		argv[argc++] = names[i];
	}
	argv[argc] = NULL;
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(np_options_parse(argc, argv, &o, &err), 0);
	np_tplan_init(&plan);
	for (unsigned i = 0; i < 12; i++)
		ck_assert_int_eq(
			np_tplan_add(&plan, names[i], AF_INET, NULL, &err), 0);
	memset(&s, 0, sizeof(s));
	s.fd = 7;
	s.family = AF_INET;
	s.kind = NP_SOCK_STREAM;
	s.path = NP_PATH_CONNECT;
	s.proto = &np_proto_tcpconn;
	s.conn_max = 3;
	memset(&cfg, 0, sizeof(cfg));
	cfg.opt = &o;
	cfg.plan = &plan;
	cfg.sock[0] = &s;
	cfg.timeout_ns = np_options_multi_timeout(&o);
	cfg.probes = 1 + NP_DEFAULT_RETRIES;
	cfg.alive_mode = true;
	memset(&rec, 0, sizeof(rec));
	memset(&sink, 0, sizeof(sink));
	sink.ctx = &rec;
	sink.event = mc_event;
	sink.done = mc_done;
	ck_assert_int_eq(np_many_run(&cfg, &sink, &sig, &io, &res, &err), 0);
	ck_assert_uint_eq(rec.done, 12);
	ck_assert_uint_eq(fk.nconn, 12); /* one probe each: all answered */
	ck_assert_uint_eq(fk.peak, 3);
	ck_assert_uint_eq(fk.open, 0);
	/* the scheduler waited for a free socket (a wake-up for the gap
	 * before each send, one for each answer), rather than trying again
	 * every millisecond (some 50 wake-ups per answer) */
	ck_assert_uint_le(fk.waits, 2 * 12);
	ck_assert_uint_eq(rec.open, 6);
	ck_assert_uint_eq(rec.closed, 6);
	ck_assert_uint_eq(res.answered, 12);
	np_tplan_free(&plan);
}
END_TEST

/* ---- options ------------------------------------------------------------- */

static int parse(struct np_options *o, struct np_err *err, ...)
{
	char *argv[16];
	int argc = 0;
	const char *a;
	va_list ap;

	argv[argc++] = (char *)"netprobe";
	va_start(ap, err);
	while ((a = va_arg(ap, const char *)) != NULL && argc < 14)
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	memset(err, 0, sizeof(*err));
	return np_options_parse(argc, argv, o, err);
}

/* --connect alone is TCP to port 80; with --tcp=PORT that port; with
 * another protocol, -s, -p or -e: refused, saying why. */
START_TEST(connect_options)
{
	struct np_options o;
	struct np_err err;

	ck_assert_int_eq(parse(&o, &err, "--connect", TGT, NULL), 0);
	ck_assert_str_eq(o.proto, "tcp-connect");
	ck_assert_uint_eq(o.port, 0);
	ck_assert_int_eq(parse(&o, &err, "--tcp=8443", "--connect", TGT, NULL),
			 0);
	ck_assert_str_eq(o.proto, "tcp-connect");
	ck_assert_uint_eq(o.port, 8443);
	ck_assert_int_eq(parse(&o, &err, "--connect", "--udp", TGT, NULL), -1);
	ck_assert_str_eq(err.msg,
			 "--connect probes TCP: it cannot be used with --udp");
	ck_assert_int_eq(parse(&o, &err, "--connect", "-s", "10", TGT, NULL),
			 -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "-s cannot be used with "
					      "--connect"));
	ck_assert_int_eq(parse(&o, &err, "--connect", "-p", "ff", TGT, NULL),
			 -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "-p cannot be used"));
	ck_assert_int_eq(parse(&o, &err, "--connect", "-e", "7", TGT, NULL),
			 -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "-e cannot be used"));
	ck_assert_int_eq(
		parse(&o, &err, "--connect", "--save", "f.pcap", TGT, NULL),
		-1);
#ifdef HAVE_PCAP /* (without libpcap --save itself is refused first) */
	ck_assert_ptr_nonnull(strstr(err.msg, "--save cannot be used with "
					      "--connect"));
#endif
	/* many targets too */
	ck_assert_int_eq(
		parse(&o, &err, "--connect", "-a", "198.18.0.0/30", NULL), 0);
	ck_assert_int_eq(o.mode, NP_MODE_MANY);
}
END_TEST

Suite *connect_suite(void)
{
	Suite *s = suite_create("connect");
	TCase *tc = tcase_create("connect");

	tcase_add_test(tc, connect_open);
	tcase_add_test(tc, connect_refused);
	tcase_add_test(tc, connect_unreachable);
	tcase_add_test(tc, connect_no_route);
	tcase_add_test(tc, connect_timeout);
	tcase_add_test(tc, connect_retransmitted_syn_is_lost);
	tcase_add_test(tc, connect_many_cap);
	tcase_add_test(tc, connect_options);
	suite_add_tcase(s, tc);
	return s;
}
