/* options.c - the option table, range-checked parsing and validation */
#include "config.h"

#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "clock.h"
#include "tlist.h"

void np_options_defaults(struct np_options *o)
{
	memset(o, 0, sizeof(*o));
	o->action = NP_ACTION_RUN;
	o->family = AF_UNSPEC;
	o->interval_ns = NP_DEFAULT_INTERVAL_NS;
	o->timeout_ns = NP_DEFAULT_TIMEOUT_NS;
	o->size = NP_DEFAULT_SIZE;
	o->ttl = -1;
	o->ident = -1;
	o->tos = -1;
	o->pmtu = NP_PMTU_DEFAULT;
	o->retries = NP_DEFAULT_RETRIES;
	o->gap_ns = NP_DEFAULT_GAP_NS;
	o->burst = 1;
	o->decimals = 3;
}

int64_t np_options_multi_timeout(const struct np_options *o)
{
	int64_t t = o->interval_ns;

	if (o->timeout_set)
		return o->timeout_ns;
	if (o->count == 0 && o->vcount == 0)
		return NP_ALIVE_TIMEOUT_NS;
	if (t < NP_ALIVE_TIMEOUT_NS)
		t = NP_ALIVE_TIMEOUT_NS;
	if (t > 2 * NP_NSEC_PER_SEC)
		t = 2 * NP_NSEC_PER_SEC;
	return t;
}

int np_parse_ll(const char *s, int base, long long min, long long max,
		long long *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, base);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int np_parse_seconds(const char *s, double min, double max, int64_t *ns)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return -1;
	/* strtod accepts "nan", "inf" and hex floats: only plain decimals. */
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != '.' && *p != 'e' &&
		    *p != 'E' && *p != '-' && *p != '+')
			return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < min || v > max)
		return -1;
	*ns = (int64_t)llround(v * (double)NP_NSEC_PER_SEC);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int np_parse_pattern(const char *s, uint8_t *out, size_t *outlen)
{
	size_t n = strlen(s);

	/* Pairs of hex digits; an odd last digit is a byte of its own
	 * ("abc" is 0xab 0x0c), as iputils reads it. */
	if (n == 0 || (n + 1) / 2 > NP_PATTERN_MAX)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(s[i]), lo = i + 1 < n ? hexval(s[i + 1]) : -2;

		if (hi < 0 || lo == -1)
			return -1;
		out[i / 2] = (uint8_t)(lo == -2 ? hi : (hi << 4 | lo));
	}
	*outlen = (n + 1) / 2;
	return 0;
}

bool np_looks_like_port(const char *s)
{
	long long v;

	/* fping's and nmap's -p: a decimal port, 2 to 5 digits, no leading
	 * zero ("0a0a" and "00ff" stay plain patterns) */
	return s != NULL && strlen(s) >= 2 && strlen(s) <= 5 && s[0] != '0' &&
	       strspn(s, "0123456789") == strlen(s) &&
	       np_parse_ll(s, 10, 1, 65535, &v) == 0;
}

/* ---- the option table ------------------------------------------------------
 * One row per option of ping, many-target and inspect mode: the getopt
 * arrays, --help and the "applies only to" checks are all made from it. */

enum optkind {
	K_FLAG, /* a bool set to true */
	K_LL,	/* a whole number within [min, max] */
	K_NS,	/* seconds within [min, max], stored in ns */
	K_STR,	/* a non-empty string */
	K_MS,	/* check_icmp's time: ms, or with us, ms or s; stored in ns */
	K_FN,	/* its own function */
};

enum opttype { T_BOOL, T_INT, T_LONG, T_LL, T_I64, T_STR };

/* Help groups, in the order --help shows them. */
enum optgroup {
	G_PROBE,
	G_SINGLE,
	G_OUTPUT,
	G_MANY,
	G_CAPTURE,
	G_OTHER,
	G_PLUGIN, /* plugin mode's own table */
};

static const char *const group_title[] = {
	[G_PROBE] = NULL,
	[G_SINGLE] = "One target only (ping mode):",
	[G_OUTPUT] = "Output:",
	[G_MANY] = "Many targets (each of these selects many-target mode):",
	[G_CAPTURE] = "Capture (libpcap; -V says whether this build has it):",
	[G_OTHER] = "Other:",
	[G_PLUGIN] = NULL,
};

/* The modes an option applies to (M_ANY: also cuts the run short, or a
 * switch of the whole program, never refused). */
enum { M_PING = 1, M_MANY = 2, M_INSPECT = 4, M_ANY = 8, M_PLUGIN = 16 };
#define M_PROBE (M_PING | M_MANY)

struct optdef;
typedef int (*opt_fn)(const struct optdef *d, const char *arg, const char *name,
		      struct np_options *o, struct np_err *err);

struct optdef {
	const char *lng; /* or NULL for a letter only */
	int shrt;	 /* the letter, or 0 for a long option only */
	int arg;	 /* no_argument, required_argument, optional_argument */
	enum optkind kind;
	enum opttype type;
	size_t off; /* of the field it sets */
	double min, max;
	unsigned modes;
	enum optgroup group;
	const char *meta; /* the value's name in --help */
	const char *help; /* one line */
	const char *want; /* after "invalid value 'V' for OPT: " */
	opt_fn fn;
};

#define OFF(f) offsetof(struct np_options, f)
#define FLAG(l, s, f, m, g, h)                                                 \
	{                                                                      \
		l, s, no_argument, K_FLAG, T_BOOL, OFF(f), 0, 0, m, g, NULL,   \
			h, NULL, NULL                                          \
	}
#define NUM(l, s, f, t, lo, hi, m, g, meta, h, w)                              \
	{                                                                      \
		l, s, required_argument, K_LL, t, OFF(f), lo, hi, m, g, meta,  \
			h, w, NULL                                             \
	}
#define SECS(l, s, f, lo, hi, m, g, h, w)                                      \
	{                                                                      \
		l, s, required_argument, K_NS, T_I64, OFF(f), lo, hi, m, g,    \
			"SECS", h, w, NULL                                     \
	}
#define STR(l, s, f, m, g, meta, h, w)                                         \
	{                                                                      \
		l, s, required_argument, K_STR, T_STR, OFF(f), 0, 0, m, g,     \
			meta, h, w, NULL                                       \
	}
#define MS(l, s, f, m, g, meta, h, w)                                          \
	{                                                                      \
		l, s, required_argument, K_MS, T_I64, OFF(f), 0, 0, m, g,      \
			meta, h, w, NULL                                       \
	}
#define FN(l, s, a, m, g, meta, h, w, fn)                                      \
	{                                                                      \
		l, s, a, K_FN, T_BOOL, 0, 0, 0, m, g, meta, h, w, fn           \
	}

static int set_family(const struct optdef *d, const char *arg, const char *name,
		      struct np_options *o, struct np_err *err);
static int set_dec_hex(const struct optdef *d, const char *arg,
		       const char *name, struct np_options *o,
		       struct np_err *err);
static int set_pmtu(const struct optdef *d, const char *arg, const char *name,
		    struct np_options *o, struct np_err *err);
static int set_pattern(const struct optdef *d, const char *arg,
		       const char *name, struct np_options *o,
		       struct np_err *err);
static int set_source(const struct optdef *d, const char *arg, const char *name,
		      struct np_options *o, struct np_err *err);
static int set_word(const struct optdef *d, const char *arg, const char *name,
		    struct np_options *o, struct np_err *err);
static int set_inspect(const struct optdef *d, const char *arg,
		       const char *name, struct np_options *o,
		       struct np_err *err);
static int set_action(const struct optdef *d, const char *arg, const char *name,
		      struct np_options *o, struct np_err *err);
static int set_proto(const struct optdef *d, const char *arg, const char *name,
		     struct np_options *o, struct np_err *err);
static int set_host(const struct optdef *d, const char *arg, const char *name,
		    struct np_options *o, struct np_err *err);
static int set_payload(const struct optdef *d, const char *arg,
		       const char *name, struct np_options *o,
		       struct np_err *err);
static int set_threshold(const struct optdef *d, const char *arg,
			 const char *name, struct np_options *o,
			 struct np_err *err);
static int set_refuse(const struct optdef *d, const char *arg, const char *name,
		      struct np_options *o, struct np_err *err);
static int parse_rta(const char *s, size_t len, int64_t *ns);
static int check_udp(struct np_options *o, struct np_err *err);

#define MAXSEC NP_MAX_SECONDS
static const struct optdef optdefs[] = {
	FN("ipv4", '4', no_argument, M_PROBE | M_INSPECT, G_PROBE, NULL,
	   "use IPv4 only", NULL, set_family),
	FN("ipv6", '6', no_argument, M_PROBE | M_INSPECT, G_PROBE, NULL,
	   "use IPv6 only", NULL, set_family),
	NUM("count", 'c', count, T_LL, 1, 9223372036854775807.0,
	    M_PROBE | M_INSPECT, G_PROBE, "N",
	    "stop after N probes (many targets: N to each)",
	    "the count must be a whole number from 1 to 9223372036854775807"),
	SECS("interval", 'i', interval_ns, 0.0, MAXSEC, M_PROBE, G_PROBE,
	     "seconds between probes (default 1)",
	     "the interval must be a number of seconds from 0 to 2147483, "
	     "e.g. 0.2"),
	SECS("timeout", 'W', timeout_ns, 0.001, MAXSEC, M_PROBE, G_PROBE,
	     "a reply later than SECS is lost (default 10)",
	     "the timeout must be a number of seconds from 0.001 to 2147483"),
	SECS("deadline", 'w', deadline_ns, 0.001, MAXSEC, M_PROBE | M_INSPECT,
	     G_PROBE, "stop after SECS, whatever was sent or received",
	     "the deadline must be a number of seconds from 0.001 to 2147483"),
	NUM("size", 's', size, T_LONG, 0, NP_MAX_SIZE_V6, M_PROBE, G_PROBE,
	    "BYTES", "payload bytes (default 56)",
	    "the payload size must be a whole number of bytes from 0 to "
	    "65507 (IPv4) or 65527 (IPv6)"),
	NUM("ttl", 't', ttl, T_INT, 1, 255, M_PROBE, G_PROBE, "N",
	    "IPv4 TTL / IPv6 hop limit (1-255)",
	    "the TTL must be a whole number from 1 to 255"),
	FN("tos", 'Q', required_argument, M_PROBE, G_PROBE, "N",
	   "IPv4 TOS / IPv6 traffic class (0-255)",
	   "the TOS must be a number from 0 to 255 (decimal, or hex as 0x..)",
	   set_dec_hex),
	FN("pmtudisc", 'M', required_argument, M_PROBE, G_PROBE, "HINT",
	   "path MTU discovery: do, dont, want or probe",
	   "expected do, dont, want or probe", set_pmtu),
	FN("interface", 'I', required_argument, M_PROBE, G_PROBE, "ADDR|IF",
	   "send from this source address or interface",
	   "expected a source address or an interface name", set_source),
	FN("icmp", 0, no_argument, M_PROBE, G_PROBE, NULL,
	   "probe with ICMP Echo (the default)", NULL, set_proto),
	FN("tcp", 0, optional_argument, M_PROBE, G_PROBE, "[=PORT]",
	   "probe with TCP SYNs to PORT (default 80)",
	   "the port must be a whole number from 1 to 65535", set_proto),
	FLAG("connect", 0, connect, M_PROBE, G_PROBE,
	     "TCP probes by connect(), no privilege (implies --tcp)"),
	FN("udp", 0, optional_argument, M_PROBE, G_PROBE, "[=PORT]",
	   "probe with UDP datagrams to PORT (default 33434)",
	   "the port must be a whole number from 1 to 65535", set_proto),
	FN("payload", 0, required_argument, M_PROBE, G_PROBE, "HEX|@FILE",
	   "--udp: send these bytes (hex, or a file's) as the payload",
	   "expected hex digits (an even number, up to 4096 bytes), or @FILE",
	   set_payload),
	FN("ident", 'e', required_argument, M_PROBE, G_PROBE, "ID",
	   "Echo identifier, --tcp/--udp: source port (0x.. hex; 0: "
	   "random)",
	   "the identifier must be a number from 0 to 65535 (decimal, or hex "
	   "as 0x..)",
	   set_dec_hex),
	FN("pattern", 'p', required_argument, M_PROBE, G_PROBE, "HEX",
	   "fill the payload with this pattern (up to 16 bytes)",
	   "the pattern must be 1 to 32 hex digits (up to 16 bytes), e.g. ff00",
	   set_pattern),
	FLAG("numeric", 'n', numeric, M_PROBE, G_PROBE,
	     "no reverse name lookups"),
	/* G_SINGLE in this order: "-O, -f, -A and -l apply to ..." */
	FLAG("outstanding", 'O', outstanding, M_PING, G_SINGLE,
	     "report a probe still unanswered when the next is sent"),
	FLAG("flood", 'f', flood, M_PING, G_SINGLE,
	     "a probe as soon as all are answered, at least 100/s"),
	FLAG("adaptive", 'A', adaptive, M_PING, G_SINGLE,
	     "the next probe when this one is answered"),
	NUM("preload", 'l', preload, T_LL, 1, NP_MAX_PRELOAD, M_PING, G_SINGLE,
	    "N", "send the first N probes at once (above 3: root)",
	    "the preload must be a whole number from 1 to 65536"),
	FLAG("quiet", 'q', quiet, M_PROBE | M_INSPECT, G_OUTPUT,
	     "only the first line and the summary"),
	FLAG("timestamps", 'D', timestamps, M_PROBE, G_OUTPUT,
	     "prefix lines with the Unix time"),
	FLAG("verbose", 'v', verbose, M_PROBE | M_INSPECT, G_OUTPUT,
	     "say which socket is used, report ignored packets"),
	FLAG("json", 'J', json, M_PROBE | M_INSPECT, G_OUTPUT,
	     "JSON Lines: an object per event, a summary per target"),
	FLAG("percentiles", 0, percentiles, M_PROBE, G_OUTPUT,
	     "summaries also give p50/p90/p99 of the RTT"),
	STR("metrics", 0, metrics, M_PROBE, G_OUTPUT, "FILE",
	    "write Prometheus metrics to FILE (- for stdout)",
	    "expected a file name, or - for standard output"),
	NUM("decimals", 0, decimals, T_INT, 3, 6, M_PROBE | M_INSPECT, G_OUTPUT,
	    "N", "RTTs in ms with N decimals, 3 to 6",
	    "expected 3 (microseconds) to 6 (nanoseconds)"),
	FLAG("user-timestamps", 0, user_timestamps, M_PROBE, G_OUTPUT,
	     "time probes in user space, not with kernel stamps"),
	FLAG("alive", 'a', alive_only, M_MANY, G_MANY,
	     "print only the targets that answered"),
	FLAG("unreachable", 'u', unreach_only, M_MANY, G_MANY,
	     "print only the targets that did not answer"),
	NUM("vcount", 'C', vcount, T_LL, 1, NP_MAX_VCOUNT, M_MANY, G_MANY, "N",
	    "as -c N, and list the RTT of every probe",
	    "the count must be a whole number from 1 to 65536"),
	NUM("retry", 'r', retries, T_LL, 0, 1000, M_MANY, G_MANY, "N",
	    "without -c/-C, probe a silent target N more times",
	    "the number of retries must be a whole number from 0 to 1000"),
	NUM("reachable", 'x', reachable, T_LL, 1, INT32_MAX, M_MANY, G_MANY,
	    "N", "exit 0 when at least N targets answered",
	    "expected a whole number of targets from 1 to 2147483647"),
	FLAG("generate", 'g', generate, M_MANY, G_MANY,
	     "TARGETs are FIRST LAST, or one block (as fping -g)"),
	STR("file", 0, file, M_MANY, G_MANY, "FILE",
	    "read targets from FILE, one per line (- is stdin)",
	    "expected a file name, or - for standard input"),
	SECS("gap", 0, gap_ns, 0.0, MAXSEC, M_MANY, G_MANY,
	     "at least SECS between any two probes (0.001)",
	     "the gap must be a number of seconds from 0 to 2147483, e.g. "
	     "0.001"),
	NUM("burst", 0, burst, T_LL, 1, NP_MAX_BURST, M_MANY, G_MANY, "N",
	    "send up to N due probes at once (1 to 64)",
	    "the burst must be a whole number of probes from 1 to 64"),
	FLAG("multi", 0, multi_forced, M_MANY, G_MANY,
	     "many-target mode, also for one target"),
	STR("save", 0, save_file, M_PING, G_CAPTURE, "FILE",
	    "ping mode: write the run's own packets to FILE",
	    "expected a file name"),
	STR("read", 0, read_file, M_INSPECT | M_ANY, G_CAPTURE, "FILE",
	    "inspect a pcap or pcapng file", "expected a file name"),
	FN("inspect", 0, optional_argument, M_INSPECT | M_ANY, G_CAPTURE,
	   "[=IFACE]", "the same, live, on IFACE (default any)",
	   "expected an interface name", set_inspect),
	FN("filter", 0, required_argument, M_INSPECT, G_CAPTURE, "EXPR",
	   "only packets matching the pcap filter EXPR", NULL, set_word),
	FLAG("plugin", 0, plugin, M_ANY, G_OTHER,
	     "monitoring-plugin mode, as check_icmp (--plugin -h)"),
	FLAG("no-sandbox", 0, no_sandbox, M_ANY, G_OTHER,
	     "no seccomp filter after setup (for debugging)"),
	FN("sandbox-test", 0, required_argument, M_ANY, G_OTHER, "WHAT",
	   "try socket, exec, open, rename, poll or recv after setup (a "
	   "test)",
	   "expected socket, exec, open, rename, poll or recv", set_word),
	FN("version", 'V', no_argument, M_ANY, G_OTHER, NULL,
	   "print the version and exit", NULL, set_action),
	FN("help", 'h', no_argument, M_ANY, G_OTHER, NULL,
	   "print this help and exit", NULL, set_action),
};
#define NOPTS (sizeof(optdefs) / sizeof(optdefs[0]))
/* `seen` is a bit per row */
_Static_assert(NOPTS <= 64, "more options than bits in a uint64_t");

/* Plugin mode: check_icmp's options (monitoring-plugins), into a
 * many-target run: -n packets to each host, -i apart, the whole check
 * within -t.  Its letters mean other things than in ping mode. */
#define MP (M_PLUGIN | M_ANY)
static const struct optdef plugindefs[] = {
	FN(NULL, 'H', required_argument, MP, G_PLUGIN, "HOST",
	   "a host to check (repeatable)", NULL, set_host),
	FN(NULL, 'w', required_argument, MP, G_PLUGIN, "RTA,PL%",
	   "warning at this average RTA or loss (default 200,40%)",
	   "expected RTA,PL% such as 200,40% (RTA in ms, or with us, ms or s)",
	   set_threshold),
	FN(NULL, 'c', required_argument, MP, G_PLUGIN, "RTA,PL%",
	   "critical, the same (default 500,80%)",
	   "expected RTA,PL% such as 200,40% (RTA in ms, or with us, ms or s)",
	   set_threshold),
	NUM(NULL, 'n', count, T_LL, 1, 65536, MP, G_PLUGIN, "N",
	    "packets to each host (default 5)",
	    "the number of packets must be a whole number from 1 to 65536"),
	NUM(NULL, 'p', count, T_LL, 1, 65536, MP, G_PLUGIN, "N",
	    "the same as -n",
	    "the number of packets must be a whole number from 1 to 65536"),
	MS(NULL, 'i', interval_ns, MP, G_PLUGIN, "TIME",
	   "between packets to a host (default 80ms, a user 2ms+)",
	   "expected a time in ms, or with us, ms or s"),
	MS(NULL, 'I', gap_ns, MP, G_PLUGIN, "TIME",
	   "between any two packets (default 1ms; a user: 1ms+)",
	   "expected a time in ms, or with us, ms or s"),
	NUM(NULL, 'm', min_alive, T_LL, 0, INT32_MAX, MP, G_PLUGIN, "N",
	    "OK when at least N hosts are OK (default: all count)",
	    "expected a number of hosts"),
	NUM(NULL, 'l', ttl, T_INT, 1, 255, MP, G_PLUGIN, "TTL",
	    "TTL / hop limit", "the TTL must be a whole number from 1 to 255"),
	SECS(NULL, 't', deadline_ns, 0.001, MAXSEC, MP, G_PLUGIN,
	     "the whole check ends after SECS (default 10)",
	     "the deadline must be a number of seconds from 0.001 to 2147483"),
	NUM(NULL, 'b', size, T_LONG, 0, NP_MAX_SIZE_V6, MP, G_PLUGIN, "BYTES",
	    "payload bytes (default 68)",
	    "the payload size must be a whole number of bytes from 0 to "
	    "65507 (IPv4) or 65527 (IPv6)"),
	FN(NULL, 's', required_argument, MP, G_PLUGIN, "ADDR|IF",
	   "source address or interface",
	   "expected a source address or an interface name", set_source),
	FN(NULL, '4', no_argument, MP, G_PLUGIN, NULL, "IPv4 only", NULL,
	   set_family),
	FN(NULL, '6', no_argument, MP, G_PLUGIN, NULL, "IPv6 only", NULL,
	   set_family),
	FN("tcp", 0, optional_argument, MP, G_PLUGIN, "[=PORT]",
	   "probe with TCP SYNs to PORT (default 80): the thresholds apply "
	   "to their RTT",
	   "the port must be a whole number from 1 to 65535", set_proto),
	FLAG(NULL, 'v', verbose, MP, G_PLUGIN, "say which socket is used"),
	FN("udp", 0, optional_argument, MP, G_PLUGIN, "[=PORT]",
	   "probe with UDP datagrams to PORT (default 33434)",
	   "the port must be a whole number from 1 to 65535", set_proto),
	FLAG("connect", 0, connect, MP, G_PLUGIN,
	     "TCP probes by connect(), no privilege (port 80)"),
	FN("refuse", 'r', required_argument, MP, G_PLUGIN, "ok|warn|crit",
	   "state of a host whose port refused (--tcp, --connect, --udp: a "
	   "RST or port unreachable; default ok, check_tcp's crit)",
	   "expected ok, warn or crit", set_refuse),
	STR("metrics", 0, metrics, MP, G_PLUGIN, "FILE",
	    "also write Prometheus metrics (see netprobe(8))",
	    "expected a file name, or - for standard output"),
	FLAG("no-sandbox", 0, no_sandbox, MP, G_PLUGIN,
	     "no seccomp filter after setup (for debugging)"),
	FN("sandbox-test", 0, required_argument, MP, G_PLUGIN, "WHAT",
	   "try socket, exec, open, rename, poll or recv after setup (a "
	   "test)",
	   "expected socket, exec, open, rename, poll or recv", set_word),
	FLAG("plugin", 0, plugin, MP, G_PLUGIN, "plugin mode (this one)"),
	FN("help", 'h', no_argument, MP, G_PLUGIN, NULL, "this help", NULL,
	   set_action),
	FN("version", 'V', no_argument, MP, G_PLUGIN, NULL, "the version", NULL,
	   set_action),
};

/* A table and how its parser words an unknown option. */
struct optset {
	const struct optdef *defs;
	size_t n;
	const char *unknown_letter; /* "...'-%c'..." */
	const char *unknown_word;   /* "...'%s'..." */
};

static const struct optset main_set = {
	optdefs,
	NOPTS,
	"unknown option '-%c' (try --help)",
	"unknown or ambiguous option, or one that takes no value: '%s' (try "
	"--help)",
};

static const struct optset plugin_set = {
	plugindefs,
	sizeof(plugindefs) / sizeof(plugindefs[0]),
	"unknown option '-%c' in plugin mode (try --plugin --help)",
	"unknown option '%s' in plugin mode (try --plugin --help)",
};

/* What getopt_long returns for a row: its letter, or 256 + its index. */
static int opt_val(const struct optset *s, size_t i)
{
	return s->defs[i].shrt != 0 ? s->defs[i].shrt : 256 + (int)i;
}

static const struct optdef *opt_by_val(const struct optset *s, int c)
{
	if (c >= 256)
		return (size_t)(c - 256) < s->n ? &s->defs[c - 256] : NULL;
	for (size_t i = 0; i < s->n; i++)
		if (s->defs[i].shrt == c)
			return &s->defs[i];
	return NULL;
}

/* The getopt_long arrays, made from a table. */
#define MAX_OPTS 64
struct getopt_tables {
	struct option lng[MAX_OPTS + 1];
	char shrt[2 + 3 * MAX_OPTS + 1];
};

static void make_getopt(const struct optset *s, struct getopt_tables *t)
{
	size_t n = 0, nl = 0;

	memset(t, 0, sizeof(*t));
	t->shrt[n++] = ':'; /* a missing value is ':', not '?' */
	for (size_t i = 0; i < s->n && i < MAX_OPTS; i++) {
		const struct optdef *d = &s->defs[i];

		if (d->lng != NULL)
			t->lng[nl++] = (struct option){d->lng, d->arg, NULL,
						       opt_val(s, i)};
		if (d->shrt == 0)
			continue;
		t->shrt[n++] = (char)d->shrt;
		if (d->arg != no_argument)
			t->shrt[n++] = ':';
		if (d->arg == optional_argument)
			t->shrt[n++] = ':';
	}
}

/* The option as the user wrote it, for messages: "-c" or "--count". */
static const char *opt_name(const struct optdef *d, int longidx, char *buf,
			    size_t len)
{
	if ((longidx >= 0 || d->shrt == 0) && d->lng != NULL)
		snprintf(buf, len, "--%s", d->lng);
	else
		snprintf(buf, len, "-%c", d->shrt);
	return buf;
}

/* The option's name for lists in messages: its letter if it has one. */
static const char *short_name(const struct optdef *d, char *buf, size_t len)
{
	return opt_name(d, -1, buf, len);
}

static int bad(struct np_err *err, const char *name, const char *val,
	       const char *want)
{
	return np_err_set(err, "invalid value '%s' for %s: %s", val, name,
			  want);
}

static void *field(struct np_options *o, const struct optdef *d)
{
	return (char *)o + d->off;
}

/* Store a row's value: the table says which field and of which type. */
static int apply(const struct optdef *d, const char *arg, const char *name,
		 struct np_options *o, struct np_err *err)
{
	long long v;
	int64_t ns;

	switch (d->kind) {
	case K_FLAG:
		*(bool *)field(o, d) = true;
		return 0;
	case K_LL:
		if (np_parse_ll(arg, 10, (long long)d->min,
				d->max >= 9e18 ? LLONG_MAX : (long long)d->max,
				&v) < 0)
			return bad(err, name, arg, d->want);
		if (d->type == T_INT)
			*(int *)field(o, d) = (int)v;
		else if (d->type == T_LONG)
			*(long *)field(o, d) = (long)v;
		else
			*(long long *)field(o, d) = v;
		return 0;
	case K_NS:
		if (np_parse_seconds(arg, d->min, d->max, &ns) < 0)
			return bad(err, name, arg, d->want);
		*(int64_t *)field(o, d) = ns;
		return 0;
	case K_STR:
		if (*arg == '\0')
			return bad(err, name, arg, d->want);
		*(const char **)field(o, d) = arg;
		return 0;
	case K_MS:
		if (parse_rta(arg, strlen(arg), &ns) != 0)
			return bad(err, name, arg, d->want);
		*(int64_t *)field(o, d) = ns;
		return 0;
	case K_FN:
		return d->fn(d, arg, name, o, err);
	}
	return np_err_set(err, "internal error: option kind %d", d->kind);
}

static int set_family(const struct optdef *d, const char *arg, const char *name,
		      struct np_options *o, struct np_err *err)
{
	int want = d->shrt == '4' ? AF_INET : AF_INET6;

	(void)arg;
	(void)name;
	if (o->family != AF_UNSPEC && o->family != want)
		return np_err_set(err, "-4 and -6 cannot be used together");
	o->family = want;
	return 0;
}

/* Decimal, or hex with 0x, as iputils (no octal): -Q and -e. */
static int set_dec_hex(const struct optdef *d, const char *arg,
		       const char *name, struct np_options *o,
		       struct np_err *err)
{
	long long max = d->shrt == 'Q' ? 255 : 65535, v;

	if (np_parse_ll(arg, strncasecmp(arg, "0x", 2) == 0 ? 16 : 10, 0, max,
			&v) < 0)
		return bad(err, name, arg, d->want);
	if (d->shrt == 'Q')
		o->tos = (int)v;
	else /* -e 0 asks for a random one (iputils) */
		o->ident = v == 0 ? -1 : (int)v;
	return 0;
}

static int set_pmtu(const struct optdef *d, const char *arg, const char *name,
		    struct np_options *o, struct np_err *err)
{
	static const char *const hints[] = {"do", "dont", "want", "probe"};
	static const enum np_pmtu vals[] = {NP_PMTU_DO, NP_PMTU_DONT,
					    NP_PMTU_WANT, NP_PMTU_PROBE};

	for (size_t i = 0; i < 4; i++)
		if (strcmp(arg, hints[i]) == 0) {
			o->pmtu = vals[i];
			return 0;
		}
	return bad(err, name, arg, d->want);
}

static int set_pattern(const struct optdef *d, const char *arg,
		       const char *name, struct np_options *o,
		       struct np_err *err)
{
	if (np_parse_pattern(arg, o->pattern, &o->pattern_len) < 0)
		return bad(err, name, arg, d->want);
	o->pattern_arg = arg;
	return 0;
}

static int set_source(const struct optdef *d, const char *arg, const char *name,
		      struct np_options *o, struct np_err *err)
{
	if (*arg == '\0' || strlen(arg) >= 64)
		return bad(err, name, arg, d->want);
	o->source = arg;
	return 0;
}

/* --filter (any expression) and --sandbox-test (one of six words). */
static int set_word(const struct optdef *d, const char *arg, const char *name,
		    struct np_options *o, struct np_err *err)
{
	(void)name;
	if (d->shrt == 0 && strcmp(d->lng, "filter") == 0) {
		o->capture_filter = arg;
		return 0;
	}
	if (strcmp(arg, "socket") != 0 && strcmp(arg, "exec") != 0 &&
	    strcmp(arg, "open") != 0 && strcmp(arg, "rename") != 0 &&
	    strcmp(arg, "poll") != 0 && strcmp(arg, "recv") != 0)
		return bad(err, "--sandbox-test", arg, d->want);
	o->sandbox_test = arg;
	return 0;
}

/* -r, check_tcp's --refuse: what a refused port makes a host. */
static int set_refuse(const struct optdef *d, const char *arg, const char *name,
		      struct np_options *o, struct np_err *err)
{
	if (strcmp(arg, "ok") == 0)
		o->refuse_state = 0;
	else if (strcmp(arg, "warn") == 0)
		o->refuse_state = 1;
	else if (strcmp(arg, "crit") == 0)
		o->refuse_state = 2;
	else
		return bad(err, name, arg, d->want);
	return 0;
}

static int set_inspect(const struct optdef *d, const char *arg,
		       const char *name, struct np_options *o,
		       struct np_err *err)
{
	if (arg != NULL && *arg == '\0')
		return bad(err, name, arg, d->want);
	o->inspect_iface = arg != NULL ? arg : "any";
	return 0;
}

/* --icmp, --tcp[=PORT], --udp[=PORT]: one probe protocol per run. */
static int set_proto(const struct optdef *d, const char *arg, const char *name,
		     struct np_options *o, struct np_err *err)
{
	char *end;
	unsigned long v = 0;

	if (o->proto != NULL && strcmp(o->proto, d->lng) != 0)
		return np_err_set(err,
				  "--%s and --%s cannot be used together: one "
				  "probe protocol per run",
				  o->proto, d->lng);
	if (arg != NULL) {
		errno = 0;
		v = strtoul(arg, &end, 10);
		if (!isdigit((unsigned char)*arg) || *end != '\0' ||
		    errno != 0 || v < 1 || v > 65535)
			return bad(err, name, arg, d->want);
	}
	o->proto = d->lng;
	o->port = (unsigned)v;
	return 0;
}

/* --payload=HEX (spaces and colons between bytes allowed, as tools print
 * them) or @FILE (its bytes, read now: before the sandbox). */
static int set_payload(const struct optdef *d, const char *arg,
		       const char *name, struct np_options *o,
		       struct np_err *err)
{
	size_t n = 0;

	if (arg[0] == '@') {
		FILE *f = fopen(arg + 1, "rbe");
		size_t got;

		if (arg[1] == '\0' || f == NULL)
			return np_err_errno(err, f == NULL ? errno : ENOENT,
					    "%s: cannot open '%s'", name,
					    arg + 1);
		got = fread(o->payload, 1, sizeof(o->payload), f);
		if (ferror(f) ||
		    (got == sizeof(o->payload) && fgetc(f) != EOF)) {
			fclose(f);
			return np_err_set(err,
					  "%s: '%s' is unreadable or larger "
					  "than %d bytes",
					  name, arg + 1, NP_USER_PAYLOAD_MAX);
		}
		fclose(f);
		o->payload_len = got;
		o->has_payload = true;
		return 0;
	}
	for (const char *p = arg; *p != '\0';) {
		int hi, lo;

		if (*p == ' ' || *p == ':') {
			p++;
			continue;
		}
		hi = hexval(p[0]);
		lo = hi < 0 ? -1 : hexval(p[1]);
		if (lo < 0 || n == sizeof(o->payload))
			return bad(err, name, arg, d->want);
		o->payload[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	if (n == 0)
		return bad(err, name, arg, d->want);
	o->payload_len = n;
	o->has_payload = true;
	return 0;
}

static int set_action(const struct optdef *d, const char *arg, const char *name,
		      struct np_options *o, struct np_err *err)
{
	(void)arg;
	(void)name;
	(void)err;
	o->action = d->shrt == 'h' ? NP_ACTION_HELP : NP_ACTION_VERSION;
	return 0;
}

/* -H HOST, as many as NP_PLUGIN_MAX_HOSTS; o->ntargets counts them until
 * the operands are added. */
static int set_host(const struct optdef *d, const char *arg, const char *name,
		    struct np_options *o, struct np_err *err)
{
	(void)d;
	(void)name;
	if (o->ntargets >= NP_PLUGIN_MAX_HOSTS)
		return np_err_set(err, "more than %d hosts",
				  NP_PLUGIN_MAX_HOSTS);
	if (*arg == '\0')
		return np_err_set(err, "-H needs a host");
	o->hosts[o->ntargets++] = arg;
	return 0;
}

static int set_threshold(const struct optdef *d, const char *arg,
			 const char *name, struct np_options *o,
			 struct np_err *err)
{
	bool warn = d->shrt == 'w';

	if (np_parse_threshold(arg, warn ? &o->warn_rta_ns : &o->crit_rta_ns,
			       warn ? &o->warn_pl : &o->crit_pl) != 0)
		return bad(err, name, arg, d->want);
	return 0;
}

/* After getopt reported optopt: is it a letter of the short-option cluster
 * getopt is still in (argv[optind])? */
static bool in_cluster(int argc, char **argv)
{
	return optopt > 0 && optind < argc && argv[optind][0] == '-' &&
	       argv[optind][1] != '-' && strchr(argv[optind] + 1, optopt);
}

/* ---- monitoring-plugin mode ---------------------------------------------- */

/* "200", "200ms", "1.5s", "500us": milliseconds unless a unit is given. */
static int parse_rta(const char *s, size_t len, int64_t *ns)
{
	char num[64];
	double scale = 1e6, v;
	char *end;

	if (len == 0 || len >= sizeof(num))
		return -1;
	memcpy(num, s, len);
	num[len] = '\0';
	if (len > 2 && strcmp(num + len - 2, "us") == 0) {
		scale = 1e3;
		num[len - 2] = '\0';
	} else if (len > 2 && strcmp(num + len - 2, "ms") == 0) {
		num[len - 2] = '\0';
	} else if (len > 1 && num[len - 1] == 's') {
		scale = 1e9;
		num[len - 1] = '\0';
	}
	if (num[0] == '\0' ||
	    (!isdigit((unsigned char)num[0]) && num[0] != '.'))
		return -1;
	errno = 0;
	v = strtod(num, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < 0 ||
	    v * scale > 1e15)
		return -1;
	*ns = (int64_t)llround(v * scale);
	return 0;
}

int np_parse_threshold(const char *s, int64_t *rta_ns, double *pl)
{
	const char *comma = strchr(s, ',');
	char *end;
	double v;

	if (comma == NULL) /* "200": the RTA only, as check_icmp allows */
		return parse_rta(s, strlen(s), rta_ns);
	if (parse_rta(s, (size_t)(comma - s), rta_ns) != 0)
		return -1;
	if (!isdigit((unsigned char)comma[1]) && comma[1] != '.')
		return -1;
	errno = 0;
	v = strtod(comma + 1, &end);
	if (*end == '%')
		end++;
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < 0 || v > 100)
		return -1;
	*pl = v;
	return 0;
}

static const struct optdef *opt_by_long(const char *lng)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (optdefs[i].lng != NULL && strcmp(optdefs[i].lng, lng) == 0)
			return &optdefs[i];
	return NULL;
}

/* Plugin mode: called as check_netprobe, or --plugin given as an option
 * (not as the value of another, not after "--"), as getopt over the main
 * table finds it.  getopt permutes what it scans: a copy of argv. */
static int wants_plugin(int argc, char **argv, const struct getopt_tables *t,
			bool *yes, struct np_err *err)
{
	const struct optdef *plugin = opt_by_long("plugin");
	const char *base;
	char **copy;
	int c;

	*yes = false;
	if (argc < 1 || argv[0] == NULL)
		return 0;
	base = strrchr(argv[0], '/');
	base = base != NULL ? base + 1 : argv[0];
	if (strcmp(base, "check_netprobe") == 0) {
		*yes = true;
		return 0;
	}
	copy = calloc((size_t)argc + 1, sizeof(*copy));
	if (copy == NULL)
		return np_err_set(err, "out of memory");
	memcpy(copy, argv, (size_t)argc * sizeof(*copy));
	optind = 0;
	opterr = 0;
	while (!*yes &&
	       (c = getopt_long(argc, copy, t->shrt, t->lng, NULL)) != -1)
		*yes = opt_by_val(&main_set, c) == plugin;
	free(copy);
	return 0;
}

/* check_icmp's defaults. */
static void plugin_defaults(struct np_options *o)
{
	o->plugin = o->multi_opts = true;
	o->count = 5;
	o->interval_ns = 80 * NP_NSEC_PER_MSEC;
	o->interval_set = true;
	/* check_icmp's -I is 0, but below 1 ms only root may go, and the
	 * checks of a monitoring system do not run as root */
	o->gap_ns = NP_MIN_USER_GAP_NS;
	o->deadline_ns = 10 * NP_NSEC_PER_SEC;
	o->size = 68;
	o->quiet = true;
	o->warn_rta_ns = 200 * NP_NSEC_PER_MSEC;
	o->warn_pl = 40;
	o->crit_rta_ns = 500 * NP_NSEC_PER_MSEC;
	o->crit_pl = 80;
}

/* After the options: the operands are hosts too, and check_icmp's rules
 * for the thresholds and the timeout. */
/* The plugin table's row of short option `c` was given. */
static bool plugin_seen(uint64_t seen, int c)
{
	for (size_t i = 0; i < sizeof(plugindefs) / sizeof(plugindefs[0]); i++)
		if (plugindefs[i].shrt == c)
			return (seen >> i & 1) != 0;
	return false;
}

static int plugin_finish(int argc, char **argv, struct np_options *o,
			 uint64_t seen, struct np_err *err)
{
	for (int i = optind; i < argc; i++) {
		if (o->ntargets >= NP_PLUGIN_MAX_HOSTS)
			return np_err_set(err, "more than %d hosts",
					  NP_PLUGIN_MAX_HOSTS);
		if (*argv[i] == '\0')
			return np_err_set(err, "a host is an empty string");
		o->hosts[o->ntargets++] = argv[i];
	}
	if (o->ntargets == 0)
		return np_err_set(err, "no host given (-H HOST)");
	if (check_udp(o, err) != 0)
		return -1;
	if (plugin_seen(seen, 'r') && o->proto == NULL && !o->connect)
		return np_err_set(err, "-r sets the state of a refused port: "
				       "it needs --tcp, --connect or --udp");
	if (o->proto != NULL && strcmp(o->proto, "tcp") == 0) {
		/* a SYN carries no data: -b has no meaning */
		if (plugin_seen(seen, 'b'))
			return np_err_set(err, "-b sets a payload, and a TCP "
					       "SYN probe carries none: leave "
					       "it out with --tcp");
		o->size = 0;
	}
	/* --connect: check_tcp's connect time, without privilege */
	if (o->connect) {
		if (o->proto != NULL && strcmp(o->proto, "tcp") != 0)
			return np_err_set(err,
					  "--connect probes TCP: it cannot be "
					  "used with --%s",
					  o->proto);
		o->proto = "tcp-connect";
		o->size = 0;
	}
	/* o->targets points at the hosts: argv-like, not owned */
	o->targets = (char **)o->hosts;
	o->target = o->hosts[0];
	/* As check_icmp: a warning threshold above the critical one is
	 * lowered to it. */
	if (o->warn_rta_ns > o->crit_rta_ns)
		o->warn_rta_ns = o->crit_rta_ns;
	if (o->warn_pl > o->crit_pl)
		o->warn_pl = o->crit_pl;
	/* A reply later than twice the critical RTA (at least 1 s) is
	 * lost; the whole check ends at -t. */
	o->timeout_ns = 2 * o->crit_rta_ns;
	if (o->timeout_ns < NP_NSEC_PER_SEC)
		o->timeout_ns = NP_NSEC_PER_SEC;
	if (o->timeout_ns > o->deadline_ns)
		o->timeout_ns = o->deadline_ns;
	o->timeout_set = true;
	return 0;
}

/* ---- checks after parsing --------------------------------------------------
 */

static bool was_seen(uint64_t seen, const char *lng)
{
	const struct optdef *d = opt_by_long(lng);

	return d != NULL && (seen >> (d - optdefs) & 1) != 0;
}

/* "-O, -f, -A and -l": the short names of the rows of `group` (-1: any)
 * that apply to one of `modes` (0: any) without being M_ANY. */
static void name_list(char *buf, size_t len, unsigned modes, int group)
{
	size_t n = 0, total = 0, at = 0;
	char one[32];

	buf[0] = '\0';
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < NOPTS; i++) {
			const struct optdef *d = &optdefs[i];

			if ((group >= 0 && (int)d->group != group) ||
			    (modes != 0 &&
			     ((d->modes & modes) == 0 || (d->modes & M_ANY))))
				continue;
			if (pass == 0) {
				total++;
				continue;
			}
			short_name(d, one, sizeof(one));
			if (at >= len)
				break; /* cut: the buffer holds what fits */
			at += (size_t)snprintf(buf + at, len - at, "%s%s",
					       n == 0		? ""
					       : n + 1 == total ? " and "
								: ", ",
					       one);
			n++;
		}
}

/* The "applies only to" rule: an option given in a mode its row does not
 * list is refused, with a message made from the table. */
static int check_modes(const struct np_options *o, uint64_t seen,
		       struct np_err *err)
{
	unsigned mode = o->mode == NP_MODE_INSPECT ? M_INSPECT
			: o->mode == NP_MODE_MANY  ? M_MANY
						   : M_PING;
	char list[256], one[32];

	for (size_t i = 0; i < NOPTS; i++) {
		const struct optdef *d = &optdefs[i];

		if (!(seen >> i & 1) || (d->modes & (mode | M_ANY)))
			continue;
		if (mode == M_INSPECT) {
			name_list(list, sizeof(list), M_INSPECT, -1);
			return np_err_set(
				err, "--read and --inspect take only %s", list);
		}
		if (d->group == G_SINGLE) {
			name_list(list, sizeof(list), 0, G_SINGLE);
			return np_err_set(err, "%s apply to a single target",
					  list);
		}
		return np_err_set(err, "%s applies to %s",
				  short_name(d, one, sizeof(one)),
				  d->modes == M_PING ? "a single target"
						     : "--read and --inspect");
	}
	return 0;
}

/* Pairs that contradict each other. */
static int check_pairs(uint64_t seen, struct np_err *err)
{
	static const char *const pairs[][2] = {
		{"read", "inspect"},	{"alive", "unreachable"},
		{"count", "vcount"},	{"generate", "file"},
		{"flood", "adaptive"},	{"payload", "size"},
		{"payload", "pattern"},
	};
	char a[32], b[32];

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (was_seen(seen, pairs[i][0]) && was_seen(seen, pairs[i][1]))
			return np_err_set(err,
					  "%s and %s cannot be used together",
					  short_name(opt_by_long(pairs[i][0]),
						     a, sizeof(a)),
					  short_name(opt_by_long(pairs[i][1]),
						     b, sizeof(b)));
	return 0;
}

/* --udp's rules: --payload only with it, and then the payload's length is
 * the size; otherwise room for the checksum and sequence bytes. */
static int check_udp(struct np_options *o, struct np_err *err)
{
	bool udp = o->proto != NULL && strcmp(o->proto, "udp") == 0;

	if (o->has_payload && !udp)
		return np_err_set(err, "--payload applies to --udp probes");
	if (o->has_payload)
		o->size = (long)o->payload_len;
	else if (udp && o->size < NP_UDP_MIN_SIZE)
		return np_err_set(err,
				  "--udp needs -s %d or more: the payload "
				  "carries the checksum and sequence bytes "
				  "(or give --payload)",
				  NP_UDP_MIN_SIZE);
	return 0;
}

/* --connect: TCP (--tcp[=PORT], or alone for port 80), each probe a
 * connect() whose SYN the kernel builds: no payload, no identifier. */
static int check_connect(struct np_options *o, uint64_t seen,
			 struct np_err *err)
{
	static const char *const refused[][2] = {
		{"size", "a connect probe's SYN carries no payload"},
		{"pattern", "a connect probe's SYN carries no payload"},
		{"ident", "the kernel chooses each connect probe's source "
			  "port"},
		/* the run's segments cannot be told from others' on the wire:
		 * each probe's source port is the kernel's */
		{"save", "each probe's source port is the kernel's, so the "
			 "run's own segments cannot be told apart"},
	};
	char one[32];

	if (o->proto != NULL && strcmp(o->proto, "tcp") != 0)
		return np_err_set(err,
				  "--connect probes TCP: it cannot be used "
				  "with --%s",
				  o->proto);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (was_seen(seen, refused[i][0]))
			return np_err_set(
				err, "%s cannot be used with --connect: %s",
				short_name(opt_by_long(refused[i][0]), one,
					   sizeof(one)),
				refused[i][1]);
	o->proto = "tcp-connect";
	o->size = 0; /* no payload: the header line says so */
	return 0;
}

/* Many-target mode: an option that selects it, more or fewer than one
 * target, or one that is a block or a range (also a malformed one, so
 * that its error is about the block, not a failed name lookup). */
static bool wants_multi(const struct np_options *o)
{
	struct np_tspec spec;
	struct np_err err;

	if (o->multi_opts || o->ntargets != 1)
		return true;
	return strchr(o->target, '/') != NULL ||
	       (np_tspec_parse(o->target, o->family, &spec, &err) == 0 &&
		spec.kind == NP_TSPEC_RANGE);
}

/* What the table says about the options given: the *_set flags, and
 * whether one of them selects many-target mode. */
static void note_seen(struct np_options *o, uint64_t seen)
{
	o->interval_set = was_seen(seen, "interval");
	o->timeout_set = was_seen(seen, "timeout");
	o->retries_set = was_seen(seen, "retry");
	for (size_t i = 0; i < NOPTS; i++)
		if ((seen >> i & 1) && optdefs[i].modes == M_MANY)
			o->multi_opts = true;
}

/* The mode, then every rule that depends on it. */
static int check_run(struct np_options *o, uint64_t seen, struct np_err *err)
{
	bool inspect = o->read_file != NULL || o->inspect_iface != NULL;

#ifndef HAVE_PCAP
	if (inspect || o->capture_filter != NULL || o->save_file != NULL)
		return np_err_set(err, "this netprobe was built without "
				       "libpcap: no capture support (--read, "
				       "--inspect, --filter, --save)");
#endif
	if (check_pairs(seen, err) != 0 || check_udp(o, err) != 0)
		return -1;
	if (o->connect && check_connect(o, seen, err) != 0)
		return -1;
	if (o->proto != NULL && strcmp(o->proto, "tcp") == 0) {
		/* a SYN carries no data (netprobe.8, TCP AND UDP PROBES) */
		if (was_seen(seen, "size") || was_seen(seen, "pattern"))
			return np_err_set(
				err,
				"%s sets a payload, and a TCP SYN probe "
				"carries none: leave it out with --tcp",
				was_seen(seen, "size") ? "-s" : "-p");
		o->size = 0;
	}
	if (inspect && o->ntargets > 0)
		return np_err_set(err, "--read and --inspect take no target "
				       "(give a capture filter with --filter)");
	for (int i = 0; i < o->ntargets; i++)
		if (*o->targets[i] == '\0')
			return np_err_set(err, "a target is an empty string");
	if (o->retries_set && (o->count > 0 || o->vcount > 0))
		return np_err_set(err, "-r (retries) applies only without -c "
				       "or -C, when each target is probed "
				       "until it answers");
	if (o->generate && (o->ntargets < 1 || o->ntargets > 2))
		return np_err_set(err, "-g takes a CIDR block, or a first "
				       "and a last address");
	o->mode = inspect	   ? NP_MODE_INSPECT
		  : wants_multi(o) ? NP_MODE_MANY
				   : NP_MODE_PING;
	return check_modes(o, seen, err);
}

static enum np_mode action_mode(const struct np_options *o, enum np_mode run)
{
	return o->action == NP_ACTION_HELP	? NP_MODE_HELP
	       : o->action == NP_ACTION_VERSION ? NP_MODE_VERSION
						: run;
}

/* An option getopt does not know, as the user wrote it. */
static int unknown_option(const struct optset *s, int argc, char **argv,
			  struct np_err *err)
{
	/* An unknown letter inside a cluster ("-Zq"): getopt has not moved
	 * past the cluster yet, so argv[optind - 1] is the argument before
	 * it. */
	if (!in_cluster(argc, argv) && strncmp(argv[optind - 1], "--", 2) == 0)
		return np_err_set(err, s->unknown_word, argv[optind - 1]);
	return np_err_set(err, s->unknown_letter, optopt);
}

/* getopt_long over argv with a table's options, each applied to *o, until
 * the operands or --help/--version.  `seen`: a bit per row given. */
static int parse_argv(const struct optset *s, int argc, char **argv,
		      struct np_options *o, uint64_t *seen, struct np_err *err)
{
	struct getopt_tables t;
	const struct optdef *d;
	char name[32];
	int c, longidx;

	make_getopt(s, &t);
	optind = 0; /* glibc: full re-initialisation, so tests can call us
		     * more than once */
	opterr = 0;
	for (;;) {
		longidx = -1;
		c = getopt_long(argc, argv, t.shrt, t.lng, &longidx);
		if (c == -1)
			return 0;
		if (c == ':')
			return np_err_set(err, "option %s needs a value",
					  argv[optind - 1]);
		d = c == '?' ? NULL : opt_by_val(s, c);
		if (d == NULL)
			return unknown_option(s, argc, argv, err);
		if (apply(d, optarg, opt_name(d, longidx, name, sizeof(name)),
			  o, err) != 0)
			return -1;
		*seen |= 1ULL << (d - s->defs);
		if (o->action != NP_ACTION_RUN)
			return 0;
	}
}

int np_options_parse(int argc, char **argv, struct np_options *o,
		     struct np_err *err)
{
	struct getopt_tables t;
	uint64_t seen = 0;
	bool plugin;

	np_options_defaults(o);
	make_getopt(&main_set, &t);
	if (wants_plugin(argc, argv, &t, &plugin, err) != 0)
		return -1;
	if (plugin) {
		plugin_defaults(o);
		if (parse_argv(&plugin_set, argc, argv, o, &seen, err) != 0)
			return -1;
		o->mode = action_mode(o, NP_MODE_PLUGIN);
		return o->action != NP_ACTION_RUN
			       ? 0
			       : plugin_finish(argc, argv, o, seen, err);
	}
	if (parse_argv(&main_set, argc, argv, o, &seen, err) != 0)
		return -1;
	o->mode = action_mode(o, NP_MODE_PING);
	if (o->action != NP_ACTION_RUN)
		return 0;
	o->targets = argv + optind;
	o->ntargets = argc - optind;
	o->target = o->ntargets > 0 ? argv[optind] : NULL;
	note_seen(o, seen);
	return check_run(o, seen, err);
}

int np_options_settle(struct np_options *o, bool is_root, struct np_err *err)
{
	if (o->mode != NP_MODE_PING && o->mode != NP_MODE_MANY &&
	    o->mode != NP_MODE_PLUGIN)
		return 0;
	/* An alive sweep whose output shows no round-trip time (text, not
	 * -v, -J, --metrics or --percentiles) has no use for the kernel's
	 * stamps, which cost about a fifth of its CPU: user-space times. */
	if (o->mode == NP_MODE_MANY && o->count == 0 && o->vcount == 0 &&
	    !o->json && !o->verbose && o->metrics == NULL && !o->percentiles)
		o->user_timestamps = true;
	if (o->adaptive) {
		/* -A: at least -i between probes (none by default), and for
		 * a user other than root at least 200 ms, as iputils */
		o->adaptive_min_ns =
			o->interval_set ? o->interval_ns : NP_ADAPTIVE_MIN_NS;
		if (!is_root && o->adaptive_min_ns < NP_ADAPTIVE_MIN_USER_NS)
			o->adaptive_min_ns = NP_ADAPTIVE_MIN_USER_NS;
	}
	return np_options_check_interval(o, is_root, err);
}

int np_options_check_interval(struct np_options *o, bool is_root,
			      struct np_err *err)
{
	/* Plugin mode: check_icmp takes any -i and -I, so a check written
	 * for it must run unchanged; a user other than root gets the user
	 * minimums (-i 2ms, -I 1ms) instead of an error. */
	if (o->plugin) {
		if (!is_root && o->interval_ns < NP_MIN_USER_INTERVAL_NS)
			o->interval_ns = NP_MIN_USER_INTERVAL_NS;
		if (!is_root && o->gap_ns < NP_MIN_USER_GAP_NS)
			o->gap_ns = NP_MIN_USER_GAP_NS;
		return 0;
	}
	if (!is_root && o->flood && !o->interval_set)
		return np_err_set(err, "cannot flood: the minimal interval "
				       "allowed for a user other than root is "
				       "2 ms (give -i 0.002 or more)");
	if (!is_root && o->preload > NP_MAX_USER_PRELOAD)
		return np_err_set(err, "cannot set -l above 3: a larger "
				       "preload is for root only");
	if (!is_root && o->interval_ns < NP_MIN_USER_INTERVAL_NS)
		return np_err_set(
			err, "cannot use -i below 0.002: the minimal interval "
			     "allowed for a user other than root is 2 ms");
	if (!is_root && o->gap_ns < NP_MIN_USER_GAP_NS)
		return np_err_set(
			err, "cannot use --gap below 0.001: the minimal gap "
			     "allowed for a user other than root is 1 ms");
	return 0;
}

int np_options_check_size(const struct np_options *o, int family,
			  struct np_err *err)
{
	long max = family == AF_INET6 ? NP_MAX_SIZE_V6 : NP_MAX_SIZE_V4;

	if (o->size > max)
		return np_err_set(err,
				  "invalid value '%ld' for %s: at most %ld "
				  "payload bytes fit in an %s packet",
				  o->size, o->plugin ? "-b" : "-s", max,
				  family == AF_INET6 ? "IPv6" : "IPv4");
	return 0;
}

/* The option column of --help: "  -c, --count N" or "      --gap SECS". */
/* The option column of --help, then the help at column `width`:
 * "  -c, --count N", "      --gap SECS", "  -H HOST". */
static void usage_line(FILE *f, const struct optdef *d, int width)
{
	const char *sep = d->meta == NULL		? ""
			  : d->arg == optional_argument ? ""
							: " ";
	char col[64];
	int n;

	if (d->lng == NULL)
		n = snprintf(col, sizeof(col), "  -%c%s%s", d->shrt, sep,
			     d->meta != NULL ? d->meta : "");
	else
		n = snprintf(col, sizeof(col), "  %c%c%c --%s%s%s",
			     d->shrt ? '-' : ' ', d->shrt ? d->shrt : ' ',
			     d->shrt ? ',' : ' ', d->lng, sep,
			     d->meta != NULL ? d->meta : "");
	fprintf(f, "%s%*s%s\n", col, n < width ? width - n : 1, "", d->help);
}

void np_options_usage(FILE *f)
{
	fputs("Usage: netprobe [options] TARGET...\n"
	      "       netprobe [options] --read FILE | --inspect[=IFACE]\n"
	      "       netprobe --plugin [check_icmp options] HOST...\n"
	      "One TARGET: ping mode (iputils ping's output).  More than one, "
	      "a block, a\n"
	      "range, or a many-target option: many-target mode (fping's "
	      "job).\n",
	      f);
	for (int g = G_PROBE; g <= G_OTHER; g++) {
		fputs("\n", f);
		if (group_title[g] != NULL)
			fprintf(f, "%s\n", group_title[g]);
		for (size_t i = 0; i < NOPTS; i++)
			if ((int)optdefs[i].group == g)
				usage_line(f, &optdefs[i], 26);
	}
	fputs("\nExit status: 0 replies came, 1 none (or some targets did "
	      "not answer), 2 usage\nor system error.  Every option, output "
	      "and exit status in detail: netprobe(8).\n",
	      f);
}

void np_options_plugin_usage(FILE *f)
{
	fputs("Usage: netprobe --plugin [-H] HOST... [-w RTA,PL%] [-c RTA,PL%] "
	      "[options]\n"
	      "       check_netprobe [-H] HOST... [-w RTA,PL%] [-c RTA,PL%] "
	      "[options]\n"
	      "Monitoring-plugin mode, a drop-in for check_icmp: one status "
	      "line with\n"
	      "performance data; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 "
	      "UNKNOWN.\n\n",
	      f);
	for (size_t i = 0; i < plugin_set.n; i++)
		usage_line(f, &plugindefs[i], 26);
	fputs("\nRTA in ms unless a unit is given (us, ms, s).  Every option "
	      "in detail:\nnetprobe(8), MONITORING PLUGIN MODE.\n",
	      f);
}
