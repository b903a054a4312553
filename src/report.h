/* report.h - the formatters behind struct np_sink */
#ifndef NP_REPORT_H
#define NP_REPORT_H

#include <stdio.h>

#include "engine.h"
#include "sweep.h"

#include <netdb.h>
#include <stdbool.h>

#define NP_NAME_CACHE 8

struct np_name_cache {
	bool used;
	struct sockaddr_storage addr;
	char name[NI_MAXHOST];
};

/* iputils-ping compatible text: lines to `out`, diagnostics to `diag`.
 * Zero it before use. */
struct np_report_text {
	FILE *out;
	FILE *diag;
	struct np_name_cache names[NP_NAME_CACHE];
	size_t names_next;
};

void np_report_text_sink(struct np_report_text *ctx, struct np_sink *sink);

/* Many targets: fping's line formats, on `out`; diagnostics on `diag`. */
struct np_report_multi {
	FILE *out;
	FILE *diag;
	const struct np_options *opt;
	bool alive_mode;
};

void np_report_multi_sink(struct np_report_multi *ctx, struct np_msink *sink);

/* iputils' RTT formatting: 3 significant decimals below 1 ms, fewer above
 * ("0.031", "1.24", "12.5", "123"). */
void np_report_format_rtt(int64_t rtt_ns, char *buf, size_t len);

#endif
