/* sandbox.h - after setup, confine the process with a seccomp filter that
 * allows only the system calls the probe loop and the reports make. */
#ifndef NP_SANDBOX_H
#define NP_SANDBOX_H

#include <stdbool.h>

#include "error.h"

/* Whether this build has the sandbox (libseccomp found at configure). */
bool np_sandbox_available(void);

/* What the run needs beyond the probe loop's calls, as pledge(2)'s
 * promises follow the options: a call for a need the run does not have
 * is refused like any other. */
struct np_sandbox_needs {
	bool plugin;	   /* a refusal ends as UNKNOWN (stdout, exit 3) */
	bool metrics_file; /* --metrics FILE: fsync, rename, unlink */
	bool capture;	   /* --save, --inspect, --read: libpcap's poll */
	bool route;	   /* a route socket to reconnect (connect) */
	/* --connect: a TCP socket per probe (socket of that kind only,
	 * setsockopt, bind, connect; close and getsockopt as every run) */
	bool connect_probes;
	int resolver_fd; /* the name helper's socket (recvfrom), or -1 */
};

/* Install the filter: from here on a system call outside the list kills
 * the process with a message naming it (SIGSYS): on standard error and
 * exit 2, or in monitoring-plugin mode (`plugin`) also as an UNKNOWN line
 * on standard output and exit 3.  Call once the sockets, files and signal
 * handlers are set up and the privileges are dropped.  0, or -1 with a
 * message. */
int np_sandbox_enter(struct np_err *err, const struct np_sandbox_needs *need);

/* The name helper's filter (resolver.c): it needs files and sockets for
 * DNS, so this one refuses only what a lookup never does: programs, new
 * processes, tracing, signals to others, privileges, mounts.  A refused
 * call ends the helper (the parent prints addresses). */
int np_sandbox_enter_resolver(struct np_err *err);

/* Under valgrind, which cannot follow a seccomp filter (the first call
 * it makes for the program outside the list is SIGSYS): true only when
 * built with valgrind's header. */
bool np_sandbox_under_valgrind(void);

#endif
