/* run_ping.c - ping mode: one target, iputils ping's output */
#include "config.h"

#include "proto.h"
#include "run.h"

#include <string.h>
#include <unistd.h>

#ifdef HAVE_PCAP
#include "capture.h"
#endif
#include "report.h"
#include "resolver.h"
#include "sandbox.h"
#include "stats.h"
#include "target.h"

/* What a ping run holds; ping_cleanup() releases whatever was set up. */
struct ping_run {
	struct np_target target;
	struct np_socket sock;
	struct np_run_info info;
	struct np_report_text text;
	struct np_report_json json;
	struct np_sink sink;
	struct np_metrics_tee tee; /* --metrics beside the report */
	struct np_core_signals sig;
	sigset_t waitmask;
	struct np_metrics metrics;
	struct np_resolver resolver; /* routers' names: fd -1 when none */
	bool have_metrics; /* opened and neither written nor discarded */
	FILE *devnull;
#ifdef HAVE_PCAP
	struct np_capture cap;
#endif
};

/* The target does not resolve.  --metrics: the target's series all the
 * same (up 0), so an alert on up == 0 fires for a name that stopped
 * resolving. */
static void unresolved_metrics(const struct np_options *opt,
			       const struct np_err *why)
{
	struct np_metrics m;
	struct np_err merr;

	if (opt->metrics == NULL || np_metrics_open(&m, opt->metrics, &merr))
		return;
	np_metrics_probe(&m, opt);
	np_metrics_add_unresolved(&m, opt->target,
				  np_run_resolve_reason(why->msg));
	if (np_metrics_write(&m, &merr) != 0)
		fprintf(stderr, "netprobe: %s\n", merr.msg);
}

/* Socket, capture, then every privilege dropped before the first packet
 * leaves, then the signal handlers (until here the default actions end
 * the program at once, e.g. SIGINT during a slow name lookup). */
static int ping_setup(struct ping_run *r, const struct np_options *opt,
		      struct np_privs *privs, struct np_err *err)
{
	const struct np_proto *P;

	if (np_options_check_size(opt, r->target.family, err) != 0)
		return -1;
	/* Routers' names in error lines: a helper forked now, before any
	 * socket is open and the privileges go (-n: no names, no helper). */
	if (!opt->json && !opt->quiet && !opt->flood && !opt->numeric &&
	    !r->target.numeric &&
	    !(opt->metrics != NULL && strcmp(opt->metrics, "-") == 0) &&
	    np_resolver_start(&r->resolver, privs,
			      !opt->no_sandbox && !np_sandbox_under_valgrind(),
			      err) != 0 &&
	    opt->verbose)
		fprintf(stderr, "netprobe: %s (routers by address)\n",
			err->msg);
	if ((P = np_proto_select(opt->proto, err)) == NULL ||
	    np_socket_route(&r->sock, &r->target, opt, privs, err) != 0 ||
	    np_socket_open_proto(&r->sock, P, r->target.family, privs, err) !=
		    0 ||
	    np_socket_configure(&r->sock, opt, privs, err) != 0)
		return -1;
	r->info.opt = opt;
	r->info.target = &r->target;
	r->info.sock = &r->sock;
	r->info.packet_len = np_ping_packet_len(r->target.family, opt->size) -
			     np_proto_default()->hdr_len + P->hdr_len;
	r->info.capture_fd = -1;
#ifdef HAVE_PCAP
	if (opt->save_file != NULL) {
		if (np_capture_open_save(&r->cap, opt, r->target.family,
					 r->sock.ident, privs, err) != 0)
			return -1;
		r->info.capture_fd = r->cap.fd;
		r->info.capture_pump = np_capture_pump;
		r->info.capture_wire_rtt = np_capture_wire_rtt;
		r->info.capture_ctx = &r->cap;
	}
#endif
	if (np_privs_drop_all(privs, err) != 0)
		return -1;
	if (opt->verbose)
		np_run_verbose_setup(&r->sock, privs, opt, true);
	return np_run_signals(&r->sig, &r->waitmask, err);
}

/* The report: JSON or text. */
static int ping_report(struct ping_run *r, const struct np_options *opt,
		       struct np_err *err)
{
	if (opt->json) {
		r->json.out = stdout;
		np_report_json_sink(&r->json, &r->sink);
		return 0;
	}
	r->text.out = np_run_text_out(opt, &r->devnull, err);
	if (r->text.out == NULL)
		return -1;
	r->text.diag = stderr;
	r->text.no_lookups = !opt->no_sandbox && np_sandbox_available();
	if (r->resolver.fd >= 0) {
		r->text.resolver = &r->resolver;
		r->info.extra_poll = np_report_text_poll;
		r->info.extra_pump = np_report_text_pump;
		r->info.extra_ctx = &r->text;
	}
	np_report_text_sink(&r->text, &r->sink);
	return 0;
}

/* The sink: the report, with --metrics teed beside it. */
static int ping_output(struct ping_run *r, const struct np_options *opt,
		       struct np_err *err)
{
	if (opt->metrics != NULL) {
		if (np_metrics_open(&r->metrics, opt->metrics, err) != 0)
			return -1;
		np_metrics_probe(&r->metrics, opt);
		r->have_metrics = true;
	}
	if (ping_report(r, opt, err) != 0)
		return -1;
	if (r->have_metrics)
		np_metrics_tee(&r->tee, &r->sink, &r->metrics, &r->sink);
	return 0;
}

/* After the loop: the capture and the metrics written, then the exit
 * code from the replies. */
static int ping_finish(struct ping_run *r, const struct np_options *opt,
		       const struct np_stats *st, struct np_err *err)
{
#ifdef HAVE_PCAP
	if (opt->save_file != NULL) {
		if (np_capture_close(&r->cap, err) != 0)
			return np_run_fail(opt, err);
		if (opt->verbose)
			fprintf(stderr, "netprobe: %llu packets saved to %s\n",
				(unsigned long long)r->cap.saved,
				opt->save_file);
	}
#endif
	if (r->have_metrics) {
		r->have_metrics = false; /* written or removed, either way */
		if (np_metrics_write(&r->metrics, err) != 0)
			return np_run_fail(opt, err);
	}
	if (np_run_flush() != 0)
		return NP_EXIT_TROUBLE;
	if (st->received == 0)
		return NP_EXIT_NO_REPLY;
	if (opt->count > 0 && opt->deadline_ns > 0 &&
	    st->received < (uint64_t)opt->count)
		return NP_EXIT_NO_REPLY;
	return NP_EXIT_REPLIES;
}

/* The one way out of a ping run once the target resolved: nothing left
 * open, no metrics file half made. */
static void ping_cleanup(struct ping_run *r)
{
	struct np_err ignored;

	if (r->have_metrics)
		np_metrics_discard(&r->metrics);
	if (r->devnull != NULL)
		fclose(r->devnull);
#ifdef HAVE_PCAP
	np_capture_close(&r->cap, &ignored);
#endif
	(void)ignored;
	np_resolver_stop(&r->resolver);
	if (r->sock.fd >= 0)
		close(r->sock.fd);
	if (r->sock.route_fd >= 0)
		close(r->sock.route_fd);
}

int np_run_ping(const struct np_options *opt, struct np_privs *privs)
{
	struct ping_run r;
	struct np_stats st;
	struct np_err err;
	int rc;

	memset(&r, 0, sizeof(r));
	memset(&err, 0, sizeof(err));
	r.sock.fd = r.sock.route_fd = -1;
	r.resolver.fd = -1;
	if (np_run_habits(opt, &err) != 0)
		return np_run_fail(opt, &err);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (np_target_resolve(&r.target, opt->target, opt->family, opt->numeric,
			      &err) != 0) {
		unresolved_metrics(opt, &err);
		return np_run_fail(opt, &err);
	}
	if (ping_setup(&r, opt, privs, &err) != 0 ||
	    ping_output(&r, opt, &err) != 0 ||
	    np_run_sandbox(opt, r.resolver.fd, &err) != 0) {
		rc = np_run_fail(opt, &err);
	} else if (opt->sandbox_test != NULL) {
		/* a refused call ends the process: no metrics file left */
		if (r.have_metrics)
			np_metrics_discard(&r.metrics);
		r.have_metrics = false;
		rc = np_run_sandbox_test(opt->sandbox_test, false,
					 r.resolver.fd);
	} else if (np_ping_run(&r.info, &r.sink, &r.sig, NULL, &st, &err) !=
		   0) {
		rc = np_run_fail(opt, &err); /* after the mode's summary */
	} else {
		rc = ping_finish(&r, opt, &st, &err);
	}
	ping_cleanup(&r);
	return rc;
}
