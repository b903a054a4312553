/* engine.h - the send schedule, the select() loop, matching replies to
 * probes, timeouts.  Reports through a struct np_sink; never prints. */
#ifndef NP_ENGINE_H
#define NP_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "event.h"
#include "icmp.h"
#include "options.h"
#include "reply.h"
#include "sockets.h"
#include "stats.h"
#include "target.h"

/* Signal flags set by main.c's handlers, and the mask pselect() waits
 * with (the signals are blocked everywhere else, so none is missed). */
struct np_engine_signals {
	volatile sig_atomic_t *stop;
	volatile sig_atomic_t *status;
	const sigset_t *waitmask;
};

/* Size of one Echo Request as an IP datagram (what ping prints in
 * "56(84) bytes"). */
size_t np_engine_packet_len(int family, long payload);

/* Run the probe loop to its end (count, deadline, stop flag). */
int np_engine_run(const struct np_run_info *info, const struct np_sink *sink,
		  const struct np_engine_signals *sig, struct np_stats *st,
		  struct np_err *err);

#endif
