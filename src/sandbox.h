/* sandbox.h - after setup, confine the process with a seccomp filter that
 * allows only the system calls the probe loop and the reports make. */
#ifndef NP_SANDBOX_H
#define NP_SANDBOX_H

#include <stdbool.h>

#include "error.h"

/* Whether this build has the sandbox (libseccomp found at configure). */
bool np_sandbox_available(void);

/* Install the filter: from here on a system call outside the list kills
 * the process with a message naming it (SIGSYS): on standard error and
 * exit 2, or in monitoring-plugin mode (`plugin`) also as an UNKNOWN line
 * on standard output and exit 3.  Call once the sockets, files and signal
 * handlers are set up and the privileges are dropped.  0, or -1 with a
 * message. */
int np_sandbox_enter(struct np_err *err, bool plugin);

/* Under valgrind, which cannot follow a seccomp filter (the first call
 * it makes for the program outside the list is SIGSYS): true only when
 * built with valgrind's header. */
bool np_sandbox_under_valgrind(void);

#endif
