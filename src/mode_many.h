/* mode_many.h - many-target mode (fping's job), a scheduler over the
 * probe core: one socket per family, probes interleaved across targets
 * with a gap between any two sends and a period per target.  Never
 * prints: everything goes to a struct np_sink (sink.h). */
#ifndef NP_MODE_MANY_H
#define NP_MODE_MANY_H

#include <stdint.h>

#include "core.h"
#include "match.h"
#include "sink.h"
#include "tlist.h"

/* Targets measured at the same time, at most.  Each costs
 * sizeof(struct np_tstate) plus 8 bytes per -C probe, plus a few bytes of
 * bookkeeping; the probe table adds 40 bytes per probe in flight. */
#define NP_SWEEP_MAX_ACTIVE 65536

struct np_sweep_cfg {
	const struct np_options *opt;
	struct np_tplan *plan;
	struct np_socket *sock[2]; /* IPv4, IPv6; NULL if unused */
	int64_t timeout_ns;	   /* -W as it applies to this run */
	uint32_t probes;	   /* per target: -c/-C N, or 1 + retries */
	bool alive_mode;	   /* stop at a target's first reply */
	bool percentiles;	   /* keep a histogram per target */
};

struct np_sweep_result {
	struct np_stats total;
	uint64_t targets;  /* reported */
	uint64_t answered; /* with at least one good reply */
	bool complete;	   /* every target in the list was reported */
	uint64_t peak_active;
	size_t table_slots; /* probe table size */
};

/* `io`: the clock and I/O, NULL for the system's. */
int np_many_run(const struct np_sweep_cfg *cfg, const struct np_sink *sink,
		const struct np_core_signals *sig, const struct np_io *io,
		struct np_sweep_result *res, struct np_err *err);

#endif
