/* report.h - the formatters behind struct np_sink */
#ifndef NP_REPORT_H
#define NP_REPORT_H

#include <stdio.h>

#include "engine.h"

/* iputils-ping compatible text: lines to `out`, diagnostics to `diag`. */
struct np_report_text {
	FILE *out;
	FILE *diag;
};

void np_report_text_sink(struct np_report_text *ctx, struct np_sink *sink);

/* iputils' RTT formatting: 3 significant decimals below 1 ms, fewer above
 * ("0.031", "1.24", "12.5", "123"). */
void np_report_format_rtt(int64_t rtt_ns, char *buf, size_t len);

#endif
