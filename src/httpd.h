/* httpd.h - the exporter's HTTP server: libmicrohttpd driven from the
 * core's wait (no thread of its own): one descriptor (its epoll set) and
 * a time, asked before each wait (np_core_add_poll), and the server run
 * when either is due.  Bounded: a cap on connections, a timeout per
 * connection, requests read to a fixed size. */
#ifndef NP_HTTPD_H
#define NP_HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct np_httpd;

/* A growable text buffer the page callbacks write into. */
struct np_buf {
	char *p;
	size_t len, cap;
	bool oom; /* an allocation failed: the page is answered 500 */
};
void np_buf_printf(struct np_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void np_buf_free(struct np_buf *b);

/* What the server asks of the exporter. */
struct np_httpd_app {
	void *ctx;
	/* GET /metrics: the exposition, text format 0.0.4 */
	void (*metrics)(void *ctx, struct np_buf *out);
	/* GET /-/healthy: true when probing runs */
	bool (*healthy)(void *ctx);
	/* POST /-/reload: reload the configuration; false with err set
	 * (answered 500 with the message; the old configuration runs on) */
	bool (*reload)(void *ctx, struct np_err *err);
};

struct np_httpd_limits {
	unsigned max_conns;    /* at most this many connections at once */
	unsigned conn_timeout; /* seconds a connection may be idle */
};
#define NP_HTTPD_DEFAULT_PORT 9374 /* smokeping_prober's */
#define NP_HTTPD_MAX_CONNS 64
#define NP_HTTPD_CONN_TIMEOUT 10

/* Listen on `addr` ("[ADDR]:PORT", "ADDR:PORT", ":PORT"; NULL the
 * default ":9374", every address): called before privileges are dropped
 * and the sandbox is entered.  NULL with err set. */
struct np_httpd *np_httpd_open(const char *addr,
			       const struct np_httpd_limits *lim,
			       const struct np_httpd_app *app,
			       struct np_err *err);
/* For np_core_add_poll: the descriptor to wait on and *wake, the time
 * (CLOCK_MONOTONIC ns) at which the server must run even if it is not
 * readable (INT64_MAX none). */
int np_httpd_poll(void *h, int64_t *wake);
/* ... and the server's work when readable or due (never blocks). */
void np_httpd_ready(void *h);
void np_httpd_close(struct np_httpd *h);
/* Whether this build has the server (libmicrohttpd): -V says so. */
bool np_httpd_built(void);

#endif
