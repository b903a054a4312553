/* sink.h - the one reporter interface of every mode.  A report consumes
 * events (event.h) and results (result.h), never matcher internals. */
#ifndef NP_SINK_H
#define NP_SINK_H

#include <stdint.h>

#include "event.h"
#include "result.h"
#include "stats.h"

/* Every callback may be NULL.  `info`: the run (many targets: opt only). */
struct np_sink {
	void *ctx;
	/* before the first probe */
	void (*start)(void *ctx, const struct np_run_info *info);
	void (*event)(void *ctx, const struct np_run_info *info,
		      const struct np_event *ev);
	/* A target is finished: its result (many targets: in list order;
	 * ping mode: once, just before finish).  r->rtts is valid only
	 * during the call. */
	void (*done)(void *ctx, const struct np_run_info *info,
		     const struct np_result *r);
	/* before the mode sleeps: write out what is buffered */
	void (*flush)(void *ctx);
	/* SIGQUIT: progress so far (targets reported and being probed) */
	void (*progress)(void *ctx, const struct np_run_info *info,
			 const struct np_stats *total, uint64_t reported,
			 uint64_t active);
	/* the run is over; `total`: its counts */
	void (*finish)(void *ctx, const struct np_run_info *info,
		       const struct np_stats *total);
};

struct np_metrics;

/* --metrics as a sink: passes everything to `inner` and adds each
 * finished target's result to `m`, whatever the inner report is. */
struct np_metrics_tee {
	struct np_sink inner;
	struct np_metrics *m;
};

void np_metrics_tee(struct np_metrics_tee *tee, const struct np_sink *inner,
		    struct np_metrics *m, struct np_sink *out);

#endif
