/* main.c - argv -> options -> run -> exit code.  The only place that
 * exits or prints usage. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "mode_ping.h"
#ifdef HAVE_PCAP
#include "capture.h"
#include "pcapdl.h"
#endif
#include "error.h"
#include "options.h"
#include "privs.h"
#include "report.h"
#include "resolver.h"
#include "result.h"
#include "sandbox.h"
#include "sockets.h"
#include "mode_many.h"
#include "target.h"
#include "tlist.h"

/* Exit codes (netprobe.8, EXIT STATUS).  Many targets: 0 every target
 * answered (or -x N did), 1 some did not, 2 a name did not resolve. */
enum {
	EXIT_REPLIES = 0,  /* replies came (with -w and -c: all N of them) */
	EXIT_NO_REPLY = 1, /* no reply (with -w and -c: fewer than N) */
	EXIT_TROUBLE = 2,  /* usage, resolution or system error */
};

/* The only mutable globals: set by signal handlers, read by the engine. */
static volatile sig_atomic_t g_stop;
static volatile sig_atomic_t g_status;

static void on_stop(int sig)
{
	(void)sig;
	g_stop = 1;
}

static void on_status(int sig)
{
	(void)sig;
	g_status = 1;
}

static int fail(const struct np_err *err)
{
	fflush(stdout);
	fprintf(stderr, "netprobe: %s\n", err->msg);
	return EXIT_TROUBLE;
}

/* Block the signals we handle; ppoll() unblocks them while it waits, so
 * a signal is never lost between a check of the flags and the wait. */
static int setup_signals(sigset_t *waitmask, struct np_err *err)
{
	struct sigaction sa;
	sigset_t block;
	static const int stops[] = {SIGINT, SIGTERM, SIGHUP, SIGALRM};

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sa.sa_handler = on_stop;
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
		struct sigaction old;

		/* A hangup the parent ignores stays ignored (nohup).  SIGINT
		 * and SIGQUIT are taken over even when ignored, as ping does:
		 * shells ignore them in background jobs, and scripts still
		 * stop those jobs with kill -INT. */
		if (stops[i] == SIGHUP && sigaction(SIGHUP, NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		if (sigaction(stops[i], &sa, NULL) != 0)
			return np_err_errno(err, errno, "sigaction");
		sigaddset(&block, stops[i]);
	}
	sa.sa_handler = on_status;
	if (sigaction(SIGQUIT, &sa, NULL) != 0)
		return np_err_errno(err, errno, "sigaction");
	sigaddset(&block, SIGQUIT);
	if (sigprocmask(SIG_BLOCK, &block, waitmask) != 0)
		return np_err_errno(err, errno, "sigprocmask");
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGHUP);
	sigdelset(waitmask, SIGALRM);
	sigdelset(waitmask, SIGQUIT);
	return 0;
}

/* -v: the socket, the privileges (once per run: `privs_line`) and the
 * identifier. */
static void verbose_setup(const struct np_socket *s, const struct np_privs *p,
			  const struct np_options *o, bool privs_line)
{
	unsigned long long prm = ~0ULL, eff = ~0ULL;
	char src[INET6_ADDRSTRLEN + 16];
	const char *how = o->ident >= 0		     ? " (-e)"
			  : s->kind == NP_SOCK_DGRAM ? " (chosen by the kernel)"
						     : "";

	np_addr_str((const struct sockaddr *)&s->src, src, sizeof(src));
	fprintf(stderr, "netprobe: socket: %s\n", np_priv_path_name(s->path));
	if (privs_line && np_privs_read_proc(&prm, &eff) == 0)
		fprintf(stderr,
			"netprobe: privileges: all capabilities dropped before "
			"the first probe (CapPrm=%llx CapEff=%llx), "
			"no_new_privs=%d\n",
			prm, eff, p->no_new_privs ? 1 : 0);
	if (s->src.ss_family == 0) /* many targets: no route looked up */
		fprintf(stderr, "netprobe: %s identifier 0x%04x%s\n",
			s->family == AF_INET6 ? "IPv6" : "IPv4", s->ident, how);
	else
		fprintf(stderr,
			"netprobe: source %s, identifier 0x%04x%s, route mtu "
			"%d\n",
			src, s->ident, how, s->route_mtu);
}

/* What building the target list tells the run: the names that did not
 * resolve, kept for --metrics (whose file is opened later). */
struct plan_notes {
	const struct np_options *opt;
	char **names, **why;
	size_t n, cap;
};

/* The resolver's reason without the "cannot resolve 'NAME':" before it. */
static const char *resolve_reason(const char *msg)
{
	const char *c = strstr(msg, "': ");

	return c != NULL ? c + 3 : msg;
}

static void say_unresolved(void *ctx, const char *name,
			   const struct np_err *err)
{
	struct plan_notes *pn = ctx;

	fprintf(stderr, "netprobe: %s\n", err->msg);
	if (pn->opt->metrics == NULL)
		return;
	if (pn->n == pn->cap) {
		size_t cap = pn->cap ? 2 * pn->cap : 8;
		char **a = realloc(pn->names, cap * sizeof(*a));

		if (a != NULL)
			pn->names = a;
		a = a != NULL ? realloc(pn->why, cap * sizeof(*a)) : NULL;
		if (a == NULL)
			return; /* out of memory: its series is lost */
		pn->why = a;
		pn->cap = cap;
	}
	pn->names[pn->n] = strdup(name);
	pn->why[pn->n] = strdup(resolve_reason(err->msg));
	if (pn->names[pn->n] == NULL || pn->why[pn->n] == NULL) {
		free(pn->names[pn->n]);
		free(pn->why[pn->n]);
		return;
	}
	pn->n++;
}

static void plan_notes_free(struct plan_notes *pn)
{
	for (size_t i = 0; i < pn->n; i++) {
		free(pn->names[i]);
		free(pn->why[i]);
	}
	free(pn->names);
	free(pn->why);
	pn->names = pn->why = NULL;
	pn->n = pn->cap = 0;
}

static void say_duplicate(void *ctx, const char *name, uint64_t addresses)
{
	const struct np_options *o = ((struct plan_notes *)ctx)->opt;

	if (!o->verbose)
		return;
	if (addresses == 0)
		fprintf(stderr,
			"netprobe: %s: already in the list, probed once\n",
			name);
	else
		fprintf(stderr,
			"netprobe: %s: %llu of its addresses already in the "
			"list, probed once\n",
			name, (unsigned long long)addresses);
}

/* fping habits that mean something else here.  -f with a file operand
 * is an error (a flood is the costly reading); a port-like -p and a large
 * many-target -i are warnings, as both are also valid requests. */
static int fping_habits(const struct np_options *o, bool multi,
			struct np_err *err)
{
	struct stat st;

	if (o->flood)
		for (int i = 0; i < o->ntargets; i++)
			if (stat(o->targets[i], &st) == 0 &&
			    S_ISREG(st.st_mode))
				return np_err_set(
					err,
					"'%s' is a file: did you mean "
					"--file? (-f is flood, as in ping; "
					"not run)",
					o->targets[i]);
	if (np_looks_like_port(o->pattern_arg))
		fprintf(stderr,
			"netprobe: warning: -p %s is a hex pattern for the "
			"payload (bytes 0x%02x...), not a port: TCP probes are "
			"not supported yet\n",
			o->pattern_arg, o->pattern[0]);
	if (multi && o->interval_set && o->interval_ns >= 10 * NP_NSEC_PER_SEC)
		fprintf(stderr,
			"netprobe: warning: -i %g is in seconds here, between "
			"probes to each target (fping's -i is in "
			"milliseconds: for %g ms give -i %g)\n",
			(double)o->interval_ns / 1e9,
			(double)o->interval_ns / 1e9,
			(double)o->interval_ns / 1e12);
	return 0;
}

/* Does this run need the many-target mode? */
static bool wants_multi(const struct np_options *o)
{
	struct np_tspec spec;
	struct np_err err;

	if (o->multi_opts || o->ntargets != 1)
		return true;
	/* a block or a range, also a malformed one (so that its error is
	 * about the block, not a failed name lookup) */
	return strchr(o->target, '/') != NULL ||
	       (np_tspec_parse(o->target, o->family, &spec, &err) == 0 &&
		spec.kind == NP_TSPEC_RANGE);
}

static int build_plan(struct np_tplan *plan, const struct np_options *o,
		      struct plan_notes *pn, struct np_err *err)
{
	struct np_tplan_notify notify = {pn, say_unresolved,
					 o->verbose ? say_duplicate : NULL};
	struct np_tspec spec;

	if (o->generate && o->ntargets == 2) {
		if (np_tspec_pair(o->targets[0], o->targets[1], o->family,
				  &spec, err) != 0)
			return -1;
		return np_tplan_add_range(plan, o->targets[0], &spec, &notify,
					  err);
	}
	for (int i = 0; i < o->ntargets; i++)
		if (np_tplan_add(plan, o->targets[i], o->family, &notify,
				 err) != 0)
			return -1;
	if (o->file != NULL || o->ntargets == 0) {
		const char *path = o->file != NULL ? o->file : "-";
		bool is_stdin = strcmp(path, "-") == 0;
		FILE *f;
		int rc;

		if (o->file == NULL && isatty(STDIN_FILENO))
			return np_err_set(err, "no target given (usage: "
					       "netprobe [options] TARGET...; "
					       "try --help)");
		f = is_stdin ? stdin : fopen(path, "re");
		if (f == NULL)
			return np_err_errno(err, errno, "cannot open %s", path);
		rc = np_tplan_read(plan, f, is_stdin ? "<stdin>" : path,
				   o->family, &notify, err);
		if (!is_stdin)
			fclose(f);
		if (rc != 0)
			return -1;
	}
	if (plan->n == 0 && plan->unresolved == 0)
		return np_err_set(err, "no target given (usage: netprobe "
				       "[options] TARGET...; try --help)");
	return 0;
}

/* Setup is done: from here on only the loop's system calls, and those of
 * what this run's options need (`resolver_fd`: the name helper's socket,
 * or -1). */
static int enter_sandbox(const struct np_options *opt, int resolver_fd,
			 struct np_err *err)
{
	struct np_sandbox_needs need = {
		.plugin = opt->plugin,
		.metrics_file =
			opt->metrics != NULL && strcmp(opt->metrics, "-") != 0,
		.capture = opt->save_file != NULL || opt->read_file != NULL ||
			   opt->inspect_iface != NULL,
		.route = opt->read_file == NULL && opt->inspect_iface == NULL,
		.resolver_fd = resolver_fd,
	};

	if (opt->no_sandbox || !np_sandbox_available())
		return 0;
	if (np_sandbox_under_valgrind()) {
		fprintf(stderr, "netprobe: warning: running under valgrind, "
				"which cannot follow a seccomp filter: no "
				"sandbox for this run\n");
		return 0;
	}
	if (np_sandbox_enter(err, &need) != 0)
		return -1;
	if (opt->verbose)
		fprintf(stderr,
			"netprobe: sandbox: seccomp filter loaded (no "
			"new sockets, files or programs from here on)\n");
	return 0;
}

/* --sandbox-test: what a compromised loop would try.  Under the sandbox
 * the call kills netprobe with a message (exit 2, plugin mode 3); without
 * it the call works and this says so (exit 1; in plugin mode the UNKNOWN
 * status line and 3, as nothing was checked).  rename, poll and recv are
 * calls that only some runs need (--metrics FILE; a capture; the name
 * helper's socket, `resolver_fd`, -1 for none): refused in the others. */
static int sandbox_test(const char *what, bool plugin, int resolver_fd)
{
	int fd = -1;
	char byte;

	fflush(stdout);
	if (strcmp(what, "socket") == 0) {
		fd = socket(AF_INET, SOCK_DGRAM, 0);
	} else if (strcmp(what, "open") == 0) {
		fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	} else if (strcmp(what, "rename") == 0) {
		(void)!rename("/nonexistent/netprobe-sandbox-test",
			      "/nonexistent/netprobe-sandbox-test.2");
	} else if (strcmp(what, "poll") == 0) {
		(void)!poll(NULL, 0, 0);
	} else if (strcmp(what, "recv") == 0) {
		(void)!recv(resolver_fd, &byte, 1, MSG_DONTWAIT);
	} else {
		char *const argv[] = {(char *)"true", NULL};

		execve("/bin/true", argv, NULL);
	}
	if (fd >= 0)
		close(fd);
	fprintf(stderr, "netprobe: sandbox test: %s was allowed\n", what);
	if (plugin) {
		printf("UNKNOWN - sandbox test: %s was allowed\n", what);
		return NP_PLUGIN_UNKNOWN;
	}
	return EXIT_NO_REPLY;
}

/* Errors in monitoring-plugin mode: UNKNOWN, on stdout (the status line
 * a monitoring system shows). */
static int fail_for(const struct np_options *opt, const struct np_err *err)
{
	if (opt == NULL || !opt->plugin)
		return fail(err);
	fflush(stdout);
	printf("UNKNOWN - %s\n", err->msg);
	return NP_PLUGIN_UNKNOWN;
}

/* The output a many-target run writes. */
struct multi_out {
	struct np_report_multi text;
	struct np_report_json json;
	struct np_report_plugin plugin;
	struct np_metrics metrics;
	bool have_metrics;
	struct np_metrics_tee tee; /* --metrics beside the report */
	FILE *devnull;
};

static int multi_report(struct multi_out *mo, struct np_options *opt,
			const struct np_sweep_cfg *cfg, struct np_sink *sink,
			struct np_err *err);

static int multi_output(struct multi_out *mo, struct np_options *opt,
			const struct np_sweep_cfg *cfg, struct np_sink *sink,
			struct np_err *err)
{
	struct np_sink report;

	if (multi_report(mo, opt, cfg, &report, err) != 0)
		return -1;
	if (mo->have_metrics)
		np_metrics_tee(&mo->tee, &report, &mo->metrics, sink);
	else
		*sink = report;
	return 0;
}

static int multi_report(struct multi_out *mo, struct np_options *opt,
			const struct np_sweep_cfg *cfg, struct np_sink *sink,
			struct np_err *err)
{
	memset(mo, 0, sizeof(*mo));
	if (opt->metrics != NULL) {
		if (np_metrics_open(&mo->metrics, opt->metrics, err) != 0)
			return -1;
		mo->have_metrics = true;
	}
	if (opt->plugin) {
		mo->plugin.opt = opt;
		mo->plugin.cap = (size_t)opt->ntargets;
		mo->plugin.res =
			calloc(mo->plugin.cap, sizeof(struct np_result));
		if (mo->plugin.res == NULL)
			return np_err_set(err, "out of memory");
		np_report_plugin_sink(&mo->plugin, sink);
		return 0;
	}
	if (opt->json) {
		mo->json.out = stdout;
		np_report_json_msink(&mo->json, sink);
		return 0;
	}
	mo->text.out = stdout;
	if (opt->metrics != NULL && strcmp(opt->metrics, "-") == 0) {
		/* the metrics replace the text on stdout */
		mo->devnull = fopen("/dev/null", "we");
		if (mo->devnull == NULL)
			return np_err_errno(err, errno, "/dev/null");
		mo->text.out = mo->devnull;
	}
	mo->text.diag = stderr;
	mo->text.opt = opt;
	mo->text.alive_mode = cfg->alive_mode;
	np_report_multi_sink(&mo->text, sink);
	return 0;
}

static int run_multi(struct np_options *opt, struct np_privs *privs)
{
	struct np_tplan plan;
	struct np_socket sock[2];
	struct np_options sockopt;
	struct np_sweep_cfg cfg;
	struct np_sweep_result res;
	struct multi_out mo;
	struct np_sink sink;
	struct np_engine_signals sig;
	struct np_err err;
	struct plan_notes notes;
	sigset_t waitmask;
	unsigned fams;
	int rc;

	memset(&err, 0, sizeof(err));
	memset(&mo, 0, sizeof(mo));
	memset(sock, 0, sizeof(sock));
	sock[0].fd = sock[1].fd = -1;
	sock[0].route_fd = sock[1].route_fd = -1;
	np_tplan_init(&plan);
	memset(&notes, 0, sizeof(notes));
	notes.opt = opt;
	rc = build_plan(&plan, opt, &notes, &err);
	if (rc != 0) {
		plan_notes_free(&notes);
		np_tplan_free(&plan);
		return fail_for(opt, &err);
	}
	if (opt->plugin &&
	    np_tplan_size(&plan) + plan.duplicates + plan.unresolved >
		    (uint64_t)opt->ntargets) {
		np_err_set(&err, "plugin mode checks hosts: a CIDR block or "
				 "a range is not one");
		np_tplan_free(&plan);
		plan_notes_free(&notes);
		return fail_for(opt, &err);
	}
	if (opt->plugin && plan.unresolved > 0) {
		/* check_icmp: a host that does not resolve is UNKNOWN */
		np_err_set(&err, "cannot resolve %llu of the hosts",
			   (unsigned long long)plan.unresolved);
		np_tplan_free(&plan);
		plan_notes_free(&notes);
		return fail_for(opt, &err);
	}
	fams = np_tplan_families(&plan);
	memset(&cfg, 0, sizeof(cfg));
	/* An alive sweep whose output shows no round-trip time (text, not
	 * -v, -J, --metrics or --percentiles) has no use for the kernel's
	 * stamps, which cost about a fifth of its CPU: user-space times. */
	sockopt = *opt;
	if (opt->count == 0 && opt->vcount == 0 && !opt->json &&
	    !opt->verbose && opt->metrics == NULL && !opt->percentiles)
		sockopt.user_timestamps = true;
	for (int f = 0; f < 2; f++) {
		int family = f == 0 ? AF_INET : AF_INET6;

		if (!(fams & (1u << f)))
			continue;
		if (np_options_check_size(opt, family, &err) != 0 ||
		    np_socket_open(&sock[f], family, privs, &err) != 0 ||
		    np_socket_configure(&sock[f], &sockopt, privs, &err) != 0 ||
		    np_socket_open_route(&sock[f], family, &err) != 0) {
			np_tplan_free(&plan);
			plan_notes_free(&notes);
			return fail_for(opt, &err);
		}
		cfg.sock[f] = &sock[f];
	}
	/* The same as for one target: nothing privileged after this. */
	if (np_privs_drop_all(privs, &err) != 0 ||
	    setup_signals(&waitmask, &err) != 0) {
		np_tplan_free(&plan);
		plan_notes_free(&notes);
		return fail_for(opt, &err);
	}
	if (opt->verbose)
		for (int f = 0; f < 2; f++)
			if (cfg.sock[f] != NULL)
				verbose_setup(cfg.sock[f], privs, opt,
					      f == 0 || cfg.sock[0] == NULL);
	/* Whole lines, written when the engine is about to wait. */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	cfg.opt = opt;
	cfg.plan = &plan;
	cfg.alive_mode = opt->count == 0 && opt->vcount == 0;
	cfg.probes = cfg.alive_mode ? (uint32_t)(1 + opt->retries)
		     : opt->vcount > 0
			     ? (uint32_t)opt->vcount
			     : (uint32_t)(opt->count > UINT32_MAX ? UINT32_MAX
								  : opt->count);
	cfg.timeout_ns = np_options_multi_timeout(opt);
	cfg.percentiles = opt->json || opt->percentiles || opt->metrics;
	rc = multi_output(&mo, opt, &cfg, &sink, &err);
	/* the names that did not resolve first: up 0 and why */
	for (size_t i = 0; rc == 0 && mo.have_metrics && i < notes.n; i++)
		np_metrics_add_unresolved(&mo.metrics, notes.names[i],
					  notes.why[i]);
	plan_notes_free(&notes);
	if (rc != 0) {
		np_tplan_free(&plan);
		return fail_for(opt, &err);
	}
	sig.stop = &g_stop;
	sig.status = &g_status;
	sig.waitmask = &waitmask;
	memset(&res, 0, sizeof(res));
	if (enter_sandbox(opt, -1, &err) != 0) {
		np_tplan_free(&plan);
		free(mo.plugin.res);
		return fail_for(opt, &err);
	}
	if (opt->sandbox_test != NULL) {
		np_tplan_free(&plan);
		free(mo.plugin.res);
		if (mo.have_metrics)
			np_metrics_discard(&mo.metrics);
		return sandbox_test(opt->sandbox_test, opt->plugin, -1);
	}
	if (plan.n > 0 &&
	    np_many_run(&cfg, &sink, &sig, NULL, &res, &err) != 0) {
		np_tplan_free(&plan);
		free(mo.plugin.res);
		if (mo.have_metrics)
			np_metrics_discard(&mo.metrics);
		return fail_for(opt, &err);
	}
	/* stdout is fully buffered here: the -a/-u list first, so that the
	 * totals come after it when both go to one file (cron, journald) */
	fflush(stdout);
	if (opt->verbose)
		fprintf(stderr,
			"netprobe: %llu targets, %llu answered; %llu probes "
			"sent, %llu replies; at most %llu targets at a time, "
			"probe table of %zu\n",
			(unsigned long long)res.targets,
			(unsigned long long)res.answered,
			(unsigned long long)res.total.transmitted,
			(unsigned long long)res.total.received,
			(unsigned long long)res.peak_active, res.table_slots);
	for (int f = 0; f < 2; f++) {
		if (sock[f].fd >= 0)
			close(sock[f].fd);
		if (sock[f].route_fd >= 0)
			close(sock[f].route_fd);
	}
	if (opt->plugin) {
		rc = np_report_plugin_print(&mo.plugin, stdout);
	} else if (opt->reachable > 0 &&
		   res.answered >= (uint64_t)opt->reachable) {
		rc = EXIT_REPLIES;
	} else if (plan.unresolved > 0) {
		rc = EXIT_TROUBLE;
	} else if (opt->reachable > 0 || res.answered < res.targets ||
		   res.targets == 0 || (plan.n > 0 && !res.complete)) {
		rc = EXIT_NO_REPLY;
	} else {
		rc = EXIT_REPLIES;
	}
	free(mo.plugin.res);
	if (mo.devnull != NULL)
		fclose(mo.devnull);
	if (mo.have_metrics && np_metrics_write(&mo.metrics, &err) != 0) {
		np_tplan_free(&plan);
		return fail_for(opt, &err);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "netprobe: cannot write the output: %s\n",
			strerror(errno));
		np_tplan_free(&plan);
		return opt->plugin ? NP_PLUGIN_UNKNOWN : EXIT_TROUBLE;
	}
	np_tplan_free(&plan);
	return rc;
}

#ifdef HAVE_PCAP
/* Inspect mode: --read FILE or --inspect[=IFACE].  The capture is opened
 * with the privileges, which go before the first packet is decoded; then
 * the sandbox. */
static int run_inspect(const struct np_options *opt, struct np_privs *privs)
{
	struct np_capture cap;
	struct np_err err;
	sigset_t waitmask;
	int rc;

	memset(&err, 0, sizeof(err));
	if (opt->inspect_iface != NULL)
		setvbuf(stdout, NULL, _IOLBF, 0);
	if (np_capture_open_inspect(&cap, opt, privs, &err) != 0)
		return fail(&err);
	if (np_privs_drop_all(privs, &err) != 0)
		return fail(&err);
	if (setup_signals(&waitmask, &err) != 0)
		return fail(&err);
	if (enter_sandbox(opt, -1, &err) != 0)
		return fail(&err);
	rc = np_capture_inspect(&cap, opt, &g_stop, &waitmask, &err);
	if (rc < 0)
		return fail(&err);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "netprobe: cannot write the output: %s\n",
			strerror(errno));
		return EXIT_TROUBLE;
	}
	return rc;
}
#endif

int main(int argc, char **argv)
{
	struct np_options opt;
	struct np_privs privs;
	struct np_target target;
	struct np_socket sock;
	struct np_err err;
	struct np_run_info info;
	struct np_report_text text;
	struct np_report_json json;
	struct np_metrics metrics, *pmetrics = NULL;
	struct np_metrics_tee tee;
	FILE *devnull = NULL;
	struct np_sink sink;
	struct np_stats st;
	struct np_engine_signals sig;
	struct np_resolver resolver;
	sigset_t waitmask;
#ifdef HAVE_PCAP
	struct np_capture cap;
#endif

	memset(&err, 0, sizeof(err));
	resolver.fd = -1;
	memset(&opt, 0, sizeof(opt));
	memset(&sock, 0, sizeof(sock));
	sock.fd = -1;
	sock.route_fd = -1;
	/* Privileges first: nothing else runs with more than CAP_NET_RAW in
	 * the permitted set and nothing in the effective set. */
	if (np_privs_init(&privs, &err) != 0)
		return fail(&err);
	if (np_options_parse(argc, argv, &opt, &err) != 0)
		return fail_for(&opt, &err);
	np_report_set_decimals(opt.decimals);
	if (opt.action == NP_ACTION_HELP) {
		fputs(opt.plugin ? np_options_plugin_usage()
				 : np_options_usage(),
		      stdout);
		return EXIT_REPLIES;
	}
	if (opt.action == NP_ACTION_VERSION) {
		printf("netprobe %s\n", PACKAGE_VERSION);
#ifdef HAVE_PCAP
		if (np_pcap_load(NULL) == 0)
			printf("configured with libpcap (%s, loaded when "
			       "capturing: %s)\n",
			       np_pcap_soname(), np_pcap.lib_version());
		else
			printf("configured with libpcap (loaded when "
			       "capturing; not installed here)\n");
#else
		printf("configured without libpcap\n");
#endif
		printf("sandbox after setup: %s\n",
		       np_sandbox_available()
			       ? "seccomp (libseccomp)"
			       : "none (built without libseccomp)");
		return EXIT_REPLIES;
	}
#ifdef HAVE_PCAP
	if (opt.read_file != NULL || opt.inspect_iface != NULL)
		return run_inspect(&opt, &privs);
#endif
	if (opt.adaptive) {
		/* -A: at least -i between probes (none by default), and for
		 * a user other than root at least 200 ms, as iputils */
		opt.adaptive_min_ns =
			opt.interval_set ? opt.interval_ns : NP_ADAPTIVE_MIN_NS;
		if (!privs.is_root &&
		    opt.adaptive_min_ns < NP_ADAPTIVE_MIN_USER_NS)
			opt.adaptive_min_ns = NP_ADAPTIVE_MIN_USER_NS;
	}
	if (np_options_check_interval(&opt, privs.is_root, &err) != 0)
		return fail_for(&opt, &err);
	if (!opt.plugin && fping_habits(&opt, wants_multi(&opt), &err) != 0)
		return fail(&err);
	if (wants_multi(&opt)) {
		if (opt.save_file != NULL) {
			np_err_set(&err, "--save applies to a single target");
			return fail(&err);
		}
		if (opt.outstanding || opt.flood || opt.preload ||
		    opt.adaptive) {
			np_err_set(
				&err,
				"-O, -f, -A and -l apply to a single target");
			return fail(&err);
		}
		return run_multi(&opt, &privs);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (np_target_resolve(&target, opt.target, opt.family, opt.numeric,
			      &err) != 0) {
		/* --metrics: the target's series all the same (up 0), so
		 * an alert on up == 0 fires for a name that stopped
		 * resolving */
		struct np_err merr;

		if (opt.metrics != NULL &&
		    np_metrics_open(&metrics, opt.metrics, &merr) == 0) {
			np_metrics_add_unresolved(&metrics, opt.target,
						  resolve_reason(err.msg));
			if (np_metrics_write(&metrics, &merr) != 0)
				fprintf(stderr, "netprobe: %s\n", merr.msg);
		}
		return fail(&err);
	}
	if (np_options_check_size(&opt, target.family, &err) != 0)
		return fail(&err);
	/* Routers' names in error lines: a helper forked now, before any
	 * socket is open and the privileges go (-n: no names, no helper). */
	if (!opt.json && !opt.quiet && !opt.flood && !opt.numeric &&
	    !target.numeric &&
	    !(opt.metrics != NULL && strcmp(opt.metrics, "-") == 0) &&
	    np_resolver_start(&resolver, &privs,
			      !opt.no_sandbox && !np_sandbox_under_valgrind(),
			      &err) != 0 &&
	    opt.verbose)
		fprintf(stderr, "netprobe: %s (routers by address)\n", err.msg);
	if (np_socket_route(&sock, &target, &opt, &privs, &err) != 0)
		return fail(&err);
	if (np_socket_open(&sock, target.family, &privs, &err) != 0)
		return fail(&err);
	if (np_socket_configure(&sock, &opt, &privs, &err) != 0)
		return fail(&err);
#ifdef HAVE_PCAP
	if (opt.save_file != NULL &&
	    np_capture_open_save(&cap, &opt, target.family, sock.ident, &privs,
				 &err) != 0)
		return fail(&err);
#endif
	/* Everything privileged is done: drop it all, verified, before the
	 * first packet leaves. */
	if (np_privs_drop_all(&privs, &err) != 0)
		return fail(&err);
	if (opt.verbose)
		verbose_setup(&sock, &privs, &opt, true);
	/* Handlers only now: until here the default actions end the
	 * program at once (e.g. SIGINT during a slow name lookup). */
	if (setup_signals(&waitmask, &err) != 0)
		return fail(&err);

	memset(&info, 0, sizeof(info));
	info.opt = &opt;
	info.target = &target;
	info.sock = &sock;
	info.packet_len = np_ping_packet_len(target.family, opt.size);
	info.capture_fd = -1;
#ifdef HAVE_PCAP
	if (opt.save_file != NULL) {
		info.capture_fd = cap.fd;
		info.capture_pump = np_capture_pump;
		info.capture_wire_rtt = np_capture_wire_rtt;
		info.capture_ctx = &cap;
	}
#endif
	if (opt.metrics != NULL) {
		if (np_metrics_open(&metrics, opt.metrics, &err) != 0)
			return fail(&err);
		pmetrics = &metrics;
	}
	memset(&text, 0, sizeof(text));
	memset(&json, 0, sizeof(json));
	if (opt.json) {
		json.out = stdout;
		np_report_json_sink(&json, &sink);
	} else {
		text.out = stdout;
		if (pmetrics != NULL && strcmp(opt.metrics, "-") == 0) {
			/* the metrics replace the text on stdout */
			devnull = fopen("/dev/null", "we");
			if (devnull == NULL)
				return fail(&err);
			text.out = devnull;
		}
		text.diag = stderr;
		text.no_lookups = !opt.no_sandbox && np_sandbox_available();
		if (resolver.fd >= 0) {
			text.resolver = &resolver;
			info.extra_poll = np_report_text_poll;
			info.extra_pump = np_report_text_pump;
			info.extra_ctx = &text;
		}
		np_report_text_sink(&text, &sink);
	}
	if (pmetrics != NULL) /* --metrics beside the report */
		np_metrics_tee(&tee, &sink, pmetrics, &sink);
	sig.stop = &g_stop;
	sig.status = &g_status;
	sig.waitmask = &waitmask;
	if (enter_sandbox(&opt, resolver.fd, &err) != 0)
		return fail(&err);
	if (opt.sandbox_test != NULL)
		return sandbox_test(opt.sandbox_test, false, resolver.fd);
	if (np_ping_run(&info, &sink, &sig, NULL, &st, &err) != 0) {
		if (pmetrics != NULL)
			np_metrics_discard(pmetrics);
		return fail(&err); /* after the summary the engine printed */
	}
	if (devnull != NULL)
		fclose(devnull);
	np_resolver_stop(&resolver);
#ifdef HAVE_PCAP
	if (opt.save_file != NULL) {
		if (np_capture_close(&cap, &err) != 0)
			return fail(&err);
		if (opt.verbose)
			fprintf(stderr, "netprobe: %llu packets saved to %s\n",
				(unsigned long long)cap.saved, opt.save_file);
	}
#endif
	if (pmetrics != NULL && np_metrics_write(pmetrics, &err) != 0)
		return fail(&err);
	close(sock.fd);
	if (sock.route_fd >= 0)
		close(sock.route_fd);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "netprobe: cannot write the output: %s\n",
			strerror(errno));
		return EXIT_TROUBLE;
	}
	if (st.received == 0)
		return EXIT_NO_REPLY;
	if (opt.count > 0 && opt.deadline_ns > 0 &&
	    st.received < (uint64_t)opt.count)
		return EXIT_NO_REPLY;
	return EXIT_REPLIES;
}
