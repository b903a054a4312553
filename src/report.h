/* report.h - the formatters behind struct np_sink (sink.h); none knows
 * the modes or the matcher */
#ifndef NP_REPORT_H
#define NP_REPORT_H

#include <stdio.h>

#include "error.h"
#include "options.h"
#include "sink.h"

#include <netdb.h>
#include <stdbool.h>

#define NP_NAME_CACHE 8

struct np_name_cache {
	bool used;
	struct sockaddr_storage addr;
	char name[NI_MAXHOST];
};

struct np_resolver;
struct np_held_line;

/* Lines held for a router's name, at most (then the oldest goes out with
 * the address). */
#define NP_HELD_MAX 1024

/* iputils-ping compatible text: lines to `out`, diagnostics to `diag`.
 * Zero it before use. */
struct np_report_text {
	FILE *out;
	FILE *diag;
	bool no_lookups; /* routers by address (the sandbox) */
	struct np_name_cache names[NP_NAME_CACHE];
	size_t names_next;
	/* Routers' names from the helper (resolver.h), or NULL.  A line
	 * that waits for one is held, and the lines after it, in order. */
	struct np_resolver *resolver;
	struct np_held_line *held;
	size_t nheld, held_cap;
	bool synack_again_said; /* --tcp: the warning, once */
};

void np_report_text_sink(struct np_report_text *ctx, struct np_sink *sink);
/* --tcp: a duplicate reply that is a SYN/ACK the target sent again (our
 * host's RST did not reach it), and the warning about it. */
bool np_report_synack_again(const struct np_event *ev);
void np_report_synack_warning(FILE *f, const struct np_event *ev);
/* struct np_run_info's extra_poll and extra_pump for the helper's
 * socket: `ctx` is the struct np_report_text. */
int np_report_text_poll(void *ctx, int64_t *wake);
void np_report_text_pump(void *ctx);

struct np_result;

/* Prometheus text format, for node_exporter's textfile collector. */
struct np_metrics {
	FILE *tmp; /* one record per target, until the end */
	const char *path;
	FILE *out;	    /* PATH.tmp.PID, renamed to PATH at the end */
	char outname[4096]; /* "" with "-" (stdout) */
	size_t n;
	size_t unresolved; /* of the n: names that did not resolve */
	bool failed;
	/* --tcp, --udp: proto and port labels on every series; NULL: ICMP
	 * Echo, no such labels */
	const char *proto;
	unsigned port;
};

int np_metrics_open(struct np_metrics *m, const char *path, struct np_err *err);
/* The run's probe protocol and port (o->proto, o->port), for the
 * labels: after np_metrics_open. */
void np_metrics_probe(struct np_metrics *m, const struct np_options *o);
void np_metrics_add(struct np_metrics *m, const struct np_result *r);
/* A target whose name did not resolve: netprobe_up 0 all the same (an
 * alert on up == 0 fires), and netprobe_resolve_failed 1 with `why`. */
void np_metrics_add_unresolved(struct np_metrics *m, const char *name,
			       const char *why);
/* Write every family to `path` (a temporary file renamed over it; "-":
 * stdout) and close. */
int np_metrics_write(struct np_metrics *m, struct np_err *err);
/* The run failed: close and remove the temporary files. */
void np_metrics_discard(struct np_metrics *m);

/* JSON Lines (-J). */
struct np_report_json {
	FILE *out;
};

/* Ping mode's events and summary (np_report_json_sink), or many
 * targets' (np_report_json_msink): the same summary object. */
void np_report_json_sink(struct np_report_json *ctx, struct np_sink *sink);
void np_report_json_msink(struct np_report_json *ctx, struct np_sink *sink);
void np_json_string(FILE *f, const char *s);
void np_json_time(FILE *f, int64_t wall_ns);
void np_json_summary(FILE *f, const struct np_result *r);
/* ICMP and ICMPv6 types and codes by name: "echo-request",
 * "destination-unreachable"/"port-unreachable"; "other" when unknown. */
const char *np_icmp_type_name(int family, int type);
const char *np_icmp_code_name(int family, int type, int code);

/* Monitoring-plugin mode: collects the hosts' results; print at the end. */
enum {
	NP_PLUGIN_OK = 0,
	NP_PLUGIN_WARNING = 1,
	NP_PLUGIN_CRITICAL = 2,
	NP_PLUGIN_UNKNOWN = 3,
};

struct np_report_plugin {
	const struct np_options *opt;
	struct np_result *res;
	size_t n, cap;
};

void np_report_plugin_sink(struct np_report_plugin *ctx, struct np_sink *sink);
int np_plugin_state(const struct np_options *o, const struct np_result *r);
/* The status line; returns the state (the exit code). */
int np_report_plugin_print(struct np_report_plugin *ctx, FILE *f);

/* Many targets: fping's line formats, on `out`; diagnostics on `diag`. */
struct np_report_multi {
	FILE *out;
	FILE *diag;
	const struct np_options *opt;
	bool alive_mode;
	bool synack_again_said; /* --tcp: the warning, once */
};

void np_report_multi_sink(struct np_report_multi *ctx, struct np_sink *sink);

/* iputils' RTT formatting: 3 significant decimals below 1 ms, fewer above
 * ("0.031", "1.24", "12.5", "123"). */
void np_report_format_rtt(int64_t rtt_ns, char *buf, size_t len);
/* --decimals: 3 (iputils' microseconds, the default) to 6 (ns) decimals
 * for every RTT in ms that the reports print; np_report_decimals reads
 * it back. */
void np_report_set_decimals(int decimals);
/* -v's name for where an RTT's times came from (NP_TS_* bits): "kernel"
 * (both kernel stamps), "kernel-rx", "kernel-tx" or "user". */
const char *np_report_ts_name(unsigned ts);
int np_report_decimals(void);
/* The probes' protocol of a run (*name: "icmp", "udp"...) and their
 * destination port (0: none, ICMP). */
unsigned np_report_port(const struct np_options *o, const char **name);
/* An RTT in ms with exactly np_report_decimals() decimals, truncated as
 * iputils computes them. */
void np_format_ms(int64_t ns, char *buf, size_t len);

#endif
