/* mode_ping.h - ping mode: one target, a scheduler over the probe core
 * (when to send, when the run ends).  Reports through a struct np_sink;
 * never prints. */
#ifndef NP_MODE_PING_H
#define NP_MODE_PING_H

#include <stddef.h>

#include "core.h"
#include "error.h"
#include "event.h"
#include "sink.h"
#include "stats.h"

/* Size of one Echo Request as an IP datagram (what ping prints in
 * "56(84) bytes"). */
size_t np_ping_packet_len(int family, long payload);

/* Run the probe loop to its end (count, deadline, stop flag).  `io`: the
 * clock and I/O, NULL for the system's. */
int np_ping_run(const struct np_run_info *info, const struct np_sink *sink,
		const struct np_core_signals *sig, const struct np_io *io,
		struct np_stats *st, struct np_err *err);

#endif
