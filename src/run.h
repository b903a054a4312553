/* run.h - the modes main() dispatches to, and what they share: exit
 * codes, messages, signals, the sandbox step */
#ifndef NP_RUN_H
#define NP_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "mode_ping.h"
#include "error.h"
#include "options.h"
#include "privs.h"
#include "sockets.h"

/* Exit codes (netprobe.8, EXIT STATUS).  Many targets: 0 every target
 * answered (or -x N did), 1 some did not, 2 a name did not resolve. */
enum {
	NP_EXIT_REPLIES = 0,  /* replies came (with -w and -c: all N) */
	NP_EXIT_NO_REPLY = 1, /* no reply (with -w and -c: fewer than N) */
	NP_EXIT_TROUBLE = 2,  /* usage, resolution or system error */
};

/* One mode: everything from the parsed options to the exit code, with one
 * cleanup path. */
typedef int (*np_run_fn)(const struct np_options *opt, struct np_privs *privs);

int np_run_ping(const struct np_options *opt, struct np_privs *privs);
int np_run_many(const struct np_options *opt, struct np_privs *privs);
int np_run_inspect(const struct np_options *opt, struct np_privs *privs);
int np_run_help(const struct np_options *opt, struct np_privs *privs);
int np_run_version(const struct np_options *opt, struct np_privs *privs);

/* The error on stderr (exit 2), or in plugin mode the UNKNOWN status line
 * on stdout (exit 3).  `opt` may be NULL. */
int np_run_fail(const struct np_options *opt, const struct np_err *err);

/* Install the handlers of SIGINT, SIGTERM, SIGHUP, SIGALRM (stop) and
 * SIGQUIT (status), block them, and fill `sig` with the flags they set
 * and the mask under which the loop waits. */
int np_run_signals(struct np_core_signals *sig, sigset_t *waitmask,
		   struct np_err *err);

/* Enter the seccomp sandbox unless --no-sandbox or valgrind, sized to
 * what the options need (`resolver_fd`: the name helper's socket, or -1). */
int np_run_sandbox(const struct np_options *opt, int resolver_fd,
		   struct np_err *err);
/* --sandbox-test: try the call; the exit code when it was allowed. */
int np_run_sandbox_test(const char *what, bool plugin, int resolver_fd);

/* -v: the socket, the privileges (once per run: `privs_line`) and the
 * identifier. */
void np_run_verbose_setup(const struct np_socket *s, const struct np_privs *p,
			  const struct np_options *o, bool privs_line);

/* fping habits that mean something else here: an error for -f FILE,
 * warnings for a port-like -p and a large many-target -i. */
int np_run_habits(const struct np_options *o, struct np_err *err);

/* Where the text report goes: stdout, or /dev/null (opened into *devnull,
 * the caller's to close) when --metrics - takes standard output.  NULL
 * with err saying why /dev/null could not be opened. */
FILE *np_run_text_out(const struct np_options *opt, FILE **devnull,
		      struct np_err *err);

/* Standard output flushed and without error: 0, or -1 after saying so. */
int np_run_flush(void);

/* The resolver's reason without the "cannot resolve 'NAME':" before it. */
const char *np_run_resolve_reason(const char *msg);

#endif
