/* run.c - what the modes share: messages, signals, the sandbox step, the
 * checks of fping habits */
#include "config.h"

#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "proto_tcp.h"
#include "report.h"
#include "sandbox.h"

/* The signal flags: the only globals of main.c and run_*.c.  The library
 * has more mutable state of its own, each set once at setup: format.c's
 * RTT decimals, pcapdl.c's table of libpcap functions, capture.c's kept
 * live handle, sandbox.c's SIGSYS status and sockets.c's "receive stamps
 * are on" flag; and getopt's optind/optarg, which options.c resets. */
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

int np_run_fail(const struct np_options *opt, const struct np_err *err)
{
	fflush(stdout);
	if (opt != NULL && opt->plugin) {
		printf("UNKNOWN - %s\n", err->msg);
		return NP_PLUGIN_UNKNOWN;
	}
	fprintf(stderr, "netprobe: %s\n", err->msg);
	return NP_EXIT_TROUBLE;
}

/* Block the signals we handle; pselect() unblocks them while it waits, so
 * a signal is never lost between a check of the flags and the wait. */
int np_run_signals(struct np_core_signals *sig, sigset_t *waitmask,
		   struct np_err *err)
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
	sig->stop = &g_stop;
	sig->status = &g_status;
	sig->waitmask = waitmask;
	return 0;
}

void np_run_verbose_setup(const struct np_socket *s, const struct np_privs *p,
			  const struct np_options *o, bool privs_line)
{
	unsigned long long prm = ~0ULL, eff = ~0ULL;
	char src[INET6_ADDRSTRLEN + 16];
	bool port_probe;
	const char *how = o->ident >= 0		     ? " (-e)"
			  : s->kind == NP_SOCK_DGRAM ? " (chosen by the kernel)"
						     : "";

	np_addr_str((const struct sockaddr *)&s->src, src, sizeof(src));
	fprintf(stderr, "netprobe: socket: %s\n", np_socket_path_name(s));
	if (privs_line && np_privs_read_proc(&prm, &eff) == 0)
		fprintf(stderr,
			"netprobe: privileges: all capabilities dropped before "
			"the first probe (CapPrm=%llx CapEff=%llx), "
			"no_new_privs=%d\n",
			prm, eff, p->no_new_privs ? 1 : 0);
	port_probe = s->proto != NULL && s->proto->default_port != 0;
	if (s->kind == NP_SOCK_STREAM) { /* --connect: no identifier */
		if (s->src.ss_family != 0)
			fprintf(stderr, "netprobe: source %s, route mtu %d\n",
				src, s->route_mtu);
		return;
	}
	if (port_probe && s->src.ss_family == 0)
		/* TCP, UDP: the source port names the run, not an id */
		fprintf(stderr, "netprobe: %s source port %u%s\n",
			s->family == AF_INET6 ? "IPv6" : "IPv4", s->ident, how);
	else if (port_probe)
		fprintf(stderr,
			"netprobe: source %s, source port %u%s, route mtu %d\n",
			src, s->ident, how, s->route_mtu);
	else if (s->src.ss_family == 0) /* many targets: no route looked up */
		fprintf(stderr, "netprobe: %s identifier 0x%04x%s\n",
			s->family == AF_INET6 ? "IPv6" : "IPv4", s->ident, how);
	else
		fprintf(stderr,
			"netprobe: source %s, identifier 0x%04x%s, route mtu "
			"%d\n",
			src, s->ident, how, s->route_mtu);
}

const char *np_run_resolve_reason(const char *msg)
{
	const char *c = strstr(msg, "': ");

	return c != NULL ? c + 3 : msg;
}

int np_run_habits(const struct np_options *o, struct np_err *err)
{
	struct stat st;
	bool multi = o->mode == NP_MODE_MANY;

	/* -f with a file operand is an error (a flood is the costly
	 * reading); the others are warnings, as both are valid requests */
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
			"payload (bytes 0x%02x...), not a port: for TCP "
			"probes to port %s give --tcp=%s\n",
			o->pattern_arg, o->pattern[0], o->pattern_arg,
			o->pattern_arg);
	if (o->proto != NULL && strcmp(o->proto, "tcp") == 0 && o->ident > 0) {
		unsigned lo, hi;

		np_tcp_ephemeral_range(&lo, &hi);
		if ((unsigned)o->ident >= lo && (unsigned)o->ident <= hi)
			fprintf(stderr,
				"netprobe: warning: -e %d is in the kernel's "
				"ephemeral port range (%u-%u): a connection of "
				"this host may be given the same port, and the "
				"target's answers to the probes then go to it "
				"(without -e netprobe picks a port outside the "
				"range)\n",
				o->ident, lo, hi);
	}
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

/* Setup is done: from here on only the loop's system calls, and those of
 * what this run's options need. */
int np_run_sandbox(const struct np_options *opt, int resolver_fd,
		   struct np_err *err)
{
	struct np_sandbox_needs need = {
		.plugin = opt->plugin,
		.metrics_file =
			opt->metrics != NULL && strcmp(opt->metrics, "-") != 0,
		.capture = opt->save_file != NULL || opt->read_file != NULL ||
			   opt->inspect_iface != NULL,
		.route = opt->read_file == NULL && opt->inspect_iface == NULL,
		.connect_probes = opt->connect,
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

/* What a compromised loop would try.  Under the sandbox the call kills
 * netprobe with a message (exit 2, plugin mode 3); without it the call
 * works and this says so (exit 1; in plugin mode the UNKNOWN status line
 * and 3, as nothing was checked).  rename, poll and recv are calls that
 * only some runs need (--metrics FILE; a capture; the name helper's
 * socket, `resolver_fd`, -1 for none): refused in the others. */
int np_run_sandbox_test(const char *what, bool plugin, int resolver_fd)
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
	return NP_EXIT_NO_REPLY;
}

FILE *np_run_text_out(const struct np_options *opt, FILE **devnull,
		      struct np_err *err)
{
	if (opt->metrics == NULL || strcmp(opt->metrics, "-") != 0)
		return stdout;
	*devnull = fopen("/dev/null", "we");
	if (*devnull == NULL)
		np_err_errno(err, errno,
			     "cannot open /dev/null (where the text goes while "
			     "--metrics - takes standard output)");
	return *devnull;
}

int np_run_flush(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	fprintf(stderr, "netprobe: cannot write the output: %s\n",
		strerror(errno));
	return -1;
}
