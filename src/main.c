/* main.c - argv -> options -> run -> exit code.  The only place that
 * exits or prints usage. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "error.h"
#include "options.h"
#include "privs.h"
#include "report.h"
#include "sockets.h"
#include "target.h"

/* Exit codes (netprobe.8, EXIT STATUS). */
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

/* Block the signals we handle; pselect() unblocks them while it waits, so
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

static void verbose_setup(const struct np_socket *s, const struct np_privs *p)
{
	unsigned long long prm = ~0ULL, eff = ~0ULL;
	char src[INET6_ADDRSTRLEN + 16];

	np_addr_str((const struct sockaddr *)&s->src, src, sizeof(src));
	fprintf(stderr, "netprobe: socket: %s\n", np_priv_path_name(s->path));
	if (np_privs_read_proc(&prm, &eff) == 0)
		fprintf(stderr,
			"netprobe: privileges: all capabilities dropped before "
			"the first probe (CapPrm=%llx CapEff=%llx), "
			"no_new_privs=%d\n",
			prm, eff, p->no_new_privs ? 1 : 0);
	fprintf(stderr,
		"netprobe: source %s, identifier 0x%04x%s, route mtu %d\n", src,
		s->ident,
		s->kind == NP_SOCK_DGRAM ? " (chosen by the kernel)" : "",
		s->route_mtu);
}

int main(int argc, char **argv)
{
	struct np_options opt;
	struct np_privs privs;
	struct np_target target;
	struct np_socket sock;
	struct np_err err;
	struct np_run_info info;
	struct np_report_text text;
	struct np_sink sink;
	struct np_stats st;
	struct np_engine_signals sig;
	sigset_t waitmask;

	memset(&err, 0, sizeof(err));
	memset(&sock, 0, sizeof(sock));
	sock.fd = -1;
	sock.route_fd = -1;
	/* Privileges first: nothing else runs with more than CAP_NET_RAW in
	 * the permitted set and nothing in the effective set. */
	if (np_privs_init(&privs, &err) != 0)
		return fail(&err);
	if (np_options_parse(argc, argv, &opt, &err) != 0)
		return fail(&err);
	if (opt.action == NP_ACTION_HELP) {
		fputs(np_options_usage(), stdout);
		return EXIT_REPLIES;
	}
	if (opt.action == NP_ACTION_VERSION) {
		printf("netprobe %s\n", PACKAGE_VERSION);
#ifdef HAVE_PCAP
		printf("configured with libpcap (capture options: not in this "
		       "version)\n");
#else
		printf("configured without libpcap\n");
#endif
		return EXIT_REPLIES;
	}
	if (np_options_check_interval(&opt, privs.is_root, &err) != 0)
		return fail(&err);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (np_target_resolve(&target, opt.target, opt.family, opt.numeric,
			      &err) != 0)
		return fail(&err);
	if (np_options_check_size(&opt, target.family, &err) != 0)
		return fail(&err);
	if (np_socket_route(&sock, &target, &opt, &privs, &err) != 0)
		return fail(&err);
	if (np_socket_open(&sock, target.family, &privs, &err) != 0)
		return fail(&err);
	if (np_socket_configure(&sock, &target, &opt, &privs, &err) != 0)
		return fail(&err);
	/* Everything privileged is done: drop it all, verified, before the
	 * first packet leaves. */
	if (np_privs_drop_all(&privs, &err) != 0)
		return fail(&err);
	if (opt.verbose)
		verbose_setup(&sock, &privs);
	/* Handlers only now: until here the default actions end the
	 * program at once (e.g. SIGINT during a slow name lookup). */
	if (setup_signals(&waitmask, &err) != 0)
		return fail(&err);

	memset(&info, 0, sizeof(info));
	info.opt = &opt;
	info.target = &target;
	info.sock = &sock;
	info.packet_len = np_engine_packet_len(target.family, opt.size);
	memset(&text, 0, sizeof(text));
	text.out = stdout;
	text.diag = stderr;
	np_report_text_sink(&text, &sink);
	sig.stop = &g_stop;
	sig.status = &g_status;
	sig.waitmask = &waitmask;
	if (np_engine_run(&info, &sink, &sig, &st, &err) != 0)
		return fail(&err); /* after the summary the engine printed */
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
