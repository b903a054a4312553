/* options.c - the option table, range-checked parsing and validation */
#include "config.h"

#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "clock.h"

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

enum {
	OPT_FILE = 256,
	OPT_GAP,
	OPT_BURST,
	OPT_MULTI,
	OPT_PERCENTILES,
	OPT_METRICS,
	OPT_PLUGIN,
	OPT_NO_SANDBOX,
	OPT_SANDBOX_TEST,
	OPT_USER_TIMESTAMPS,
	OPT_DECIMALS,
	OPT_READ,
	OPT_INSPECT,
	OPT_FILTER,
	OPT_SAVE,
};

static const struct option long_opts[] = {
	{"ipv4", no_argument, NULL, '4'},
	{"ipv6", no_argument, NULL, '6'},
	{"count", required_argument, NULL, 'c'},
	{"interval", required_argument, NULL, 'i'},
	{"timeout", required_argument, NULL, 'W'},
	{"deadline", required_argument, NULL, 'w'},
	{"size", required_argument, NULL, 's'},
	{"ttl", required_argument, NULL, 't'},
	{"tos", required_argument, NULL, 'Q'},
	{"pmtudisc", required_argument, NULL, 'M'},
	{"interface", required_argument, NULL, 'I'},
	{"pattern", required_argument, NULL, 'p'},
	{"numeric", no_argument, NULL, 'n'},
	{"quiet", no_argument, NULL, 'q'},
	{"timestamps", no_argument, NULL, 'D'},
	{"outstanding", no_argument, NULL, 'O'},
	{"verbose", no_argument, NULL, 'v'},
	{"ident", required_argument, NULL, 'e'},
	{"flood", no_argument, NULL, 'f'},
	{"adaptive", no_argument, NULL, 'A'},
	{"preload", required_argument, NULL, 'l'},
	{"version", no_argument, NULL, 'V'},
	{"help", no_argument, NULL, 'h'},
	{"alive", no_argument, NULL, 'a'},
	{"unreachable", no_argument, NULL, 'u'},
	{"vcount", required_argument, NULL, 'C'},
	{"retry", required_argument, NULL, 'r'},
	{"reachable", required_argument, NULL, 'x'},
	{"generate", no_argument, NULL, 'g'},
	{"file", required_argument, NULL, OPT_FILE},
	{"gap", required_argument, NULL, OPT_GAP},
	{"burst", required_argument, NULL, OPT_BURST},
	{"multi", no_argument, NULL, OPT_MULTI},
	{"json", no_argument, NULL, 'J'},
	{"percentiles", no_argument, NULL, OPT_PERCENTILES},
	{"metrics", required_argument, NULL, OPT_METRICS},
	{"plugin", no_argument, NULL, OPT_PLUGIN},
	{"no-sandbox", no_argument, NULL, OPT_NO_SANDBOX},
	{"sandbox-test", required_argument, NULL, OPT_SANDBOX_TEST},
	{"user-timestamps", no_argument, NULL, OPT_USER_TIMESTAMPS},
	{"decimals", required_argument, NULL, OPT_DECIMALS},
	{"read", required_argument, NULL, OPT_READ},
	{"inspect", optional_argument, NULL, OPT_INSPECT},
	{"filter", required_argument, NULL, OPT_FILTER},
	{"save", required_argument, NULL, OPT_SAVE},
	{NULL, 0, NULL, 0},
};

static const char short_opts[] =
	":46c:i:W:w:s:t:Q:M:I:p:e:l:fAnqDOvVhauC:r:x:gJ";

/* The option as the user wrote it, for messages: "-c" or "--count". */
static const char *opt_name(int c, int longidx, char *buf, size_t len)
{
	if (longidx >= 0)
		snprintf(buf, len, "--%s", long_opts[longidx].name);
	else if (c < 256)
		snprintf(buf, len, "-%c", c);
	else
		snprintf(buf, len, "--?");
	return buf;
}

/* Decimal, or hex with 0x, as iputils (no octal): -Q and -e. */
static int parse_dec_hex(const char *s, long long max, long long *v)
{
	return np_parse_ll(s, strncasecmp(s, "0x", 2) == 0 ? 16 : 10, 0, max,
			   v);
}

static int bad(struct np_err *err, const char *name, const char *val,
	       const char *want)
{
	return np_err_set(err, "invalid value '%s' for %s: %s", val, name,
			  want);
}

/* Options whose values mean the same in ping, many-target and plugin mode
 * (where some have other letters): 1 handled, 0 not one of them, -1 bad. */
static int common_opt(int c, const char *arg, const char *name,
		      struct np_options *o, struct np_err *err)
{
	long long v;

	switch (c) {
	case '4':
		if (o->family == AF_INET6)
			return np_err_set(err,
					  "-4 and -6 cannot be used together");
		o->family = AF_INET;
		return 1;
	case '6':
		if (o->family == AF_INET)
			return np_err_set(err,
					  "-4 and -6 cannot be used together");
		o->family = AF_INET6;
		return 1;
	case 'w':
		if (np_parse_seconds(arg, 0.001, NP_MAX_SECONDS,
				     &o->deadline_ns) < 0)
			return bad(err, name, arg,
				   "the deadline must be a number of "
				   "seconds from 0.001 to 2147483");
		return 1;
	case 's':
		if (np_parse_ll(arg, 10, 0, NP_MAX_SIZE_V6, &v) < 0)
			return bad(err, name, arg,
				   "the payload size must be a whole "
				   "number of bytes from 0 to 65507 "
				   "(IPv4) or 65527 (IPv6)");
		o->size = (long)v;
		return 1;
	case 't':
		if (np_parse_ll(arg, 10, 1, 255, &v) < 0)
			return bad(err, name, arg,
				   "the TTL must be a whole number "
				   "from 1 to 255");
		o->ttl = (int)v;
		return 1;
	case 'I':
		if (*arg == '\0' || strlen(arg) >= 64)
			return bad(err, name, arg,
				   "expected a source address or an "
				   "interface name");
		o->source = arg;
		return 1;
	case 'v':
		o->verbose = true;
		return 1;
	case OPT_NO_SANDBOX:
		o->no_sandbox = true;
		return 1;
	case OPT_SANDBOX_TEST:
		if (strcmp(arg, "socket") != 0 && strcmp(arg, "exec") != 0 &&
		    strcmp(arg, "open") != 0 && strcmp(arg, "rename") != 0 &&
		    strcmp(arg, "poll") != 0 && strcmp(arg, "recv") != 0)
			return bad(err, "--sandbox-test", arg,
				   "expected socket, exec, open, rename, "
				   "poll or recv");
		o->sandbox_test = arg;
		return 1;
	}
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

static bool wants_plugin(int argc, char **argv)
{
	const char *base;

	if (argc < 1 || argv[0] == NULL)
		return false;
	base = strrchr(argv[0], '/');
	base = base != NULL ? base + 1 : argv[0];
	if (strcmp(base, "check_netprobe") == 0)
		return true;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--plugin") == 0)
			return true;
	return false;
}

/* check_icmp's options (monitoring-plugins), into a many-target run:
 * -n packets to each host, -i apart, the whole check within -t. */
static int parse_plugin(int argc, char **argv, struct np_options *o,
			struct np_err *err)
{
	static const struct option plugin_long[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"plugin", no_argument, NULL, OPT_PLUGIN},
		{"metrics", required_argument, NULL, OPT_METRICS},
		{"no-sandbox", no_argument, NULL, OPT_NO_SANDBOX},
		{"sandbox-test", required_argument, NULL, OPT_SANDBOX_TEST},
		{NULL, 0, NULL, 0},
	};
	int c, nhosts = 0;
	char name[4];
	long long v;
	int64_t ns;

	np_options_defaults(o);
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
	optind = 0;
	opterr = 0;
	for (;;) {
		c = getopt_long(argc, argv, ":H:w:c:n:p:i:I:m:l:t:b:s:46vhV",
				plugin_long, NULL);
		if (c == -1)
			break;
		snprintf(name, sizeof(name), "-%c", c < 128 ? c : '?');
		switch (c) {
		case 'H':
			if (nhosts >= NP_PLUGIN_MAX_HOSTS)
				return np_err_set(err, "more than %d hosts",
						  NP_PLUGIN_MAX_HOSTS);
			if (*optarg == '\0')
				return np_err_set(err, "-H needs a host");
			o->hosts[nhosts++] = optarg;
			break;
		case 'w':
		case 'c':
			if (np_parse_threshold(optarg,
					       c == 'w' ? &o->warn_rta_ns
							: &o->crit_rta_ns,
					       c == 'w' ? &o->warn_pl
							: &o->crit_pl) != 0)
				return bad(err, name, optarg,
					   "expected RTA,PL% such as 200,40% "
					   "(RTA in ms, or with us, ms or s)");
			break;
		case 'n':
		case 'p':
			if (np_parse_ll(optarg, 10, 1, 65536, &v) < 0)
				return bad(err, name, optarg,
					   "the number of packets must be a "
					   "whole number from 1 to 65536");
			o->count = v;
			break;
		case 'i':
		case 'I':
			if (parse_rta(optarg, strlen(optarg), &ns) != 0)
				return bad(err, name, optarg,
					   "expected a time in ms, or with us, "
					   "ms or s");
			if (c == 'i')
				o->interval_ns = ns;
			else
				o->gap_ns = ns;
			break;
		case 'm':
			if (np_parse_ll(optarg, 10, 0, INT32_MAX, &v) < 0)
				return bad(err, name, optarg,
					   "expected a number of hosts");
			o->min_alive = v;
			break;
		case 'l': /* check_icmp's letters for ping's -t -s -I -w */
		case 'b':
		case 's':
		case 't':
		case '4':
		case '6':
		case 'v':
			if (common_opt(c == 'l'	  ? 't'
				       : c == 'b' ? 's'
				       : c == 's' ? 'I'
				       : c == 't' ? 'w'
						  : c,
				       optarg, name, o, err) < 0)
				return -1;
			break;
		case 'h':
			o->action = NP_ACTION_HELP;
			return 0;
		case 'V':
			o->action = NP_ACTION_VERSION;
			return 0;
		case OPT_PLUGIN:
			break;
		case OPT_METRICS:
			if (*optarg == '\0')
				return np_err_set(err,
						  "--metrics needs a file");
			o->metrics = optarg;
			break;
		case OPT_NO_SANDBOX:
		case OPT_SANDBOX_TEST:
			if (common_opt(c, optarg, name, o, err) < 0)
				return -1;
			break;
		case ':':
			return np_err_set(err, "option %s needs a value",
					  argv[optind - 1]);
		default:
			if (in_cluster(argc, argv) ||
			    strncmp(argv[optind - 1], "--", 2) != 0)
				return np_err_set(err,
						  "unknown option '-%c' in "
						  "plugin mode (try --plugin "
						  "--help)",
						  optopt);
			return np_err_set(err,
					  "unknown option '%s' in plugin mode "
					  "(try --plugin --help)",
					  argv[optind - 1]);
		}
	}
	for (int i = optind; i < argc; i++) {
		if (nhosts >= NP_PLUGIN_MAX_HOSTS)
			return np_err_set(err, "more than %d hosts",
					  NP_PLUGIN_MAX_HOSTS);
		if (*argv[i] == '\0')
			return np_err_set(err, "a host is an empty string");
		o->hosts[nhosts++] = argv[i];
	}
	if (nhosts == 0)
		return np_err_set(err, "no host given (-H HOST)");
	/* o->targets points at the hosts: argv-like, not owned */
	o->targets = (char **)o->hosts;
	o->ntargets = nhosts;
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

/* The capture options: only with libpcap; inspect mode (--read or
 * --inspect) takes no target and none of the probing options. */
static int check_capture(const struct np_options *o, struct np_err *err)
{
	bool inspect = o->read_file != NULL || o->inspect_iface != NULL;

#ifndef HAVE_PCAP
	if (inspect || o->capture_filter != NULL || o->save_file != NULL)
		return np_err_set(err, "this netprobe was built without "
				       "libpcap: no capture support (--read, "
				       "--inspect, --filter, --save)");
#endif
	if (o->read_file != NULL && o->inspect_iface != NULL)
		return np_err_set(err, "--read and --inspect cannot be used "
				       "together");
	if (o->capture_filter != NULL && !inspect)
		return np_err_set(err, "--filter applies to --read and "
				       "--inspect");
	if (inspect && o->save_file != NULL)
		return np_err_set(err, "--save applies to ping mode, not to "
				       "--read or --inspect");
	if (inspect && o->ntargets > 0)
		return np_err_set(err, "--read and --inspect take no target "
				       "(give a capture filter with --filter)");
	if (inspect &&
	    (o->multi_opts || o->multi_forced || o->flood || o->adaptive ||
	     o->preload || o->outstanding || o->plugin || o->metrics != NULL ||
	     o->interval_set || o->timeout_set || o->ttl >= 0 || o->tos >= 0 ||
	     o->pattern_len > 0 || o->source != NULL ||
	     o->size != NP_DEFAULT_SIZE || o->timestamps))
		return np_err_set(err, "--read and --inspect take only -c, -w, "
				       "-q, -v, -J, -4, -6, --filter and "
				       "--decimals");
	return 0;
}

int np_options_parse(int argc, char **argv, struct np_options *o,
		     struct np_err *err)
{
	int c, longidx;
	char name[32];
	long long v;

	if (wants_plugin(argc, argv))
		return parse_plugin(argc, argv, o, err);
	np_options_defaults(o);
	optind = 0; /* glibc: full re-initialisation, so tests can call us
		     * more than once */
	opterr = 0;
	for (;;) {
		longidx = -1;
		c = getopt_long(argc, argv, short_opts, long_opts, &longidx);
		if (c == -1)
			break;
		opt_name(c, longidx, name, sizeof(name));
		switch (c) {
		case 'c':
			if (np_parse_ll(optarg, 10, 1, LLONG_MAX, &v) < 0)
				return bad(err, name, optarg,
					   "the count must be a whole number "
					   "from 1 to 9223372036854775807");
			o->count = v;
			break;
		case 'i':
			o->interval_set = true;
			if (np_parse_seconds(optarg, 0.0, NP_MAX_SECONDS,
					     &o->interval_ns) < 0)
				return bad(
					err, name, optarg,
					"the interval must be a number of "
					"seconds from 0 to 2147483, e.g. 0.2");
			break;
		case 'W':
			o->timeout_set = true;
			if (np_parse_seconds(optarg, 0.001, NP_MAX_SECONDS,
					     &o->timeout_ns) < 0)
				return bad(err, name, optarg,
					   "the timeout must be a number of "
					   "seconds from 0.001 to 2147483");
			break;
		case 'Q':
			if (parse_dec_hex(optarg, 255, &v) < 0)
				return bad(err, name, optarg,
					   "the TOS must be a number from 0 to "
					   "255 (decimal, or hex as 0x..)");
			o->tos = (int)v;
			break;
		case 'M':
			if (strcmp(optarg, "do") == 0)
				o->pmtu = NP_PMTU_DO;
			else if (strcmp(optarg, "dont") == 0)
				o->pmtu = NP_PMTU_DONT;
			else if (strcmp(optarg, "want") == 0)
				o->pmtu = NP_PMTU_WANT;
			else if (strcmp(optarg, "probe") == 0)
				o->pmtu = NP_PMTU_PROBE;
			else
				return bad(err, name, optarg,
					   "expected do, dont, want or probe");
			break;
		case 'p':
			if (np_parse_pattern(optarg, o->pattern,
					     &o->pattern_len) < 0)
				return bad(
					err, name, optarg,
					"the pattern must be 1 to 32 hex "
					"digits (up to 16 bytes), e.g. ff00");
			o->pattern_arg = optarg;
			break;
		case 'e':
			/* 0 asks for a random one (iputils) */
			if (parse_dec_hex(optarg, 65535, &v) < 0)
				return bad(err, name, optarg,
					   "the identifier must be a number "
					   "from 0 to 65535 (decimal, or hex "
					   "as 0x..)");
			o->ident = v == 0 ? -1 : (int)v;
			break;
		case 'f':
			o->flood = true;
			break;
		case 'A':
			o->adaptive = true;
			break;
		case 'l':
			if (np_parse_ll(optarg, 10, 1, NP_MAX_PRELOAD, &v) < 0)
				return bad(err, name, optarg,
					   "the preload must be a whole number "
					   "from 1 to 65536");
			o->preload = v;
			break;
		case 'n':
			o->numeric = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'D':
			o->timestamps = true;
			break;
		case 'O':
			o->outstanding = true;
			break;
		case 'a':
			o->alive_only = o->multi_opts = true;
			break;
		case 'u':
			o->unreach_only = o->multi_opts = true;
			break;
		case 'C':
			if (np_parse_ll(optarg, 10, 1, NP_MAX_VCOUNT, &v) < 0)
				return bad(err, name, optarg,
					   "the count must be a whole number "
					   "from 1 to 65536");
			o->vcount = v;
			o->multi_opts = true;
			break;
		case 'r':
			if (np_parse_ll(optarg, 10, 0, 1000, &v) < 0)
				return bad(err, name, optarg,
					   "the number of retries must be a "
					   "whole number from 0 to 1000");
			o->retries = v;
			o->retries_set = o->multi_opts = true;
			break;
		case 'x':
			if (np_parse_ll(optarg, 10, 1, INT32_MAX, &v) < 0)
				return bad(err, name, optarg,
					   "expected a whole number of targets "
					   "from 1 to 2147483647");
			o->reachable = v;
			o->multi_opts = true;
			break;
		case 'g':
			o->generate = o->multi_opts = true;
			break;
		case OPT_FILE:
			if (*optarg == '\0')
				return bad(err, name, optarg,
					   "expected a file name, or - for "
					   "standard input");
			o->file = optarg;
			o->multi_opts = true;
			break;
		case OPT_GAP:
			if (np_parse_seconds(optarg, 0.0, NP_MAX_SECONDS,
					     &o->gap_ns) < 0)
				return bad(err, name, optarg,
					   "the gap must be a number of "
					   "seconds from 0 to 2147483, e.g. "
					   "0.001");
			o->multi_opts = true;
			break;
		case OPT_BURST:
			if (np_parse_ll(optarg, 10, 1, NP_MAX_BURST,
					&o->burst) < 0)
				return bad(err, name, optarg,
					   "the burst must be a whole number "
					   "of probes from 1 to 64");
			o->multi_opts = true;
			break;
		case OPT_MULTI:
			o->multi_forced = o->multi_opts = true;
			break;
		case 'J':
			o->json = true;
			break;
		case OPT_PERCENTILES:
			o->percentiles = true;
			break;
		case OPT_METRICS:
			if (*optarg == '\0')
				return bad(err, name, optarg,
					   "expected a file name, or - for "
					   "standard output");
			o->metrics = optarg;
			break;
		case OPT_PLUGIN: /* wants_plugin() saw it first */
			break;
		case OPT_USER_TIMESTAMPS:
			o->user_timestamps = true;
			break;
		case OPT_DECIMALS:
			if (np_parse_ll(optarg, 10, 3, 6, &v) < 0)
				return bad(err, name, optarg,
					   "expected 3 (microseconds) to 6 "
					   "(nanoseconds)");
			o->decimals = (int)v;
			break;
		case OPT_READ:
		case OPT_SAVE:
			if (*optarg == '\0')
				return bad(err, name, optarg,
					   "expected a file name");
			if (c == OPT_READ)
				o->read_file = optarg;
			else
				o->save_file = optarg;
			break;
		case OPT_INSPECT:
			if (optarg != NULL && *optarg == '\0')
				return bad(err, name, optarg,
					   "expected an interface name");
			o->inspect_iface = optarg != NULL ? optarg : "any";
			break;
		case OPT_FILTER:
			o->capture_filter = optarg;
			break;
		case 'V':
			o->action = NP_ACTION_VERSION;
			return 0;
		case 'h':
			o->action = NP_ACTION_HELP;
			return 0;
		case ':':
			return np_err_set(err, "option %s needs a value",
					  argv[optind - 1]);
		case '?':
		default:
			if (c != '?') {
				int r = common_opt(c, optarg, name, o, err);

				if (r < 0)
					return -1;
				if (r > 0)
					break;
			}
			/* An unknown letter inside a cluster ("-Zq"): getopt
			 * has not moved past the cluster yet, so argv[optind
			 * - 1] is the argument before it. */
			if (!in_cluster(argc, argv) &&
			    strncmp(argv[optind - 1], "--", 2) == 0)
				return np_err_set(err,
						  "unknown or ambiguous "
						  "option, or one that takes "
						  "no value: '%s' (try --help)",
						  argv[optind - 1]);
			return np_err_set(err,
					  "unknown option '-%c' (try --help)",
					  optopt);
		}
	}
	o->targets = argv + optind;
	o->ntargets = argc - optind;
	o->target = o->ntargets > 0 ? argv[optind] : NULL;
	if (check_capture(o, err) != 0)
		return -1;
	for (int i = 0; i < o->ntargets; i++)
		if (*o->targets[i] == '\0')
			return np_err_set(err, "a target is an empty string");
	if (o->alive_only && o->unreach_only)
		return np_err_set(err, "-a and -u cannot be used together");
	if (o->count > 0 && o->vcount > 0)
		return np_err_set(err, "-c and -C cannot be used together");
	if (o->retries_set && (o->count > 0 || o->vcount > 0))
		return np_err_set(err, "-r (retries) applies only without -c "
				       "or -C, when each target is probed "
				       "until it answers");
	if (o->generate && o->file != NULL)
		return np_err_set(err, "-g and --file cannot be used together");
	if (o->generate && (o->ntargets < 1 || o->ntargets > 2))
		return np_err_set(err, "-g takes a CIDR block, or a first "
				       "and a last address");
	if (o->multi_opts &&
	    (o->outstanding || o->flood || o->preload || o->adaptive))
		return np_err_set(err, "-O, -f, -A and -l apply to a single "
				       "target");
	if (o->flood && o->adaptive)
		return np_err_set(err, "-f and -A cannot be used together");
	return 0;
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

const char *np_options_usage(void)
{
	return "Usage: netprobe [options] TARGET...\n"
	       "Send ICMP Echo Requests.  One TARGET, a host name or an "
	       "address: ping mode,\n"
	       "with the output of iputils ping.  More than one TARGET, a CIDR "
	       "block\n"
	       "(198.51.100.0/24), a range (198.51.100.1-198.51.100.9), or an "
	       "option from\n"
	       "\"Many targets\" below: many-target mode, one fping-style "
	       "result per target,\n"
	       "in the order given.  No TARGET: targets are read from standard "
	       "input.\n"
	       "\n"
	       "  -4, --ipv4              use IPv4 only\n"
	       "  -6, --ipv6              use IPv6 only\n"
	       "  -c, --count N           stop after N probes (with -w: after "
	       "N replies);\n"
	       "                          many targets: send N probes to each "
	       "target\n"
	       "  -i, --interval SECS     seconds between probes (default 1; "
	       "below 0.002\n"
	       "                          root only); many targets: to the "
	       "same target\n"
	       "  -W, --timeout SECS      a reply later than SECS counts as "
	       "lost (default\n"
	       "                          10; many targets: 0.5, with -c/-C -i "
	       "kept within\n"
	       "                          0.5 to 2)\n"
	       "  -w, --deadline SECS     stop after SECS whatever was sent or "
	       "received\n"
	       "  -s, --size BYTES        payload bytes (default 56)\n"
	       "  -t, --ttl N             IPv4 TTL / IPv6 hop limit (1-255)\n"
	       "  -Q, --tos N             IPv4 TOS / IPv6 traffic class "
	       "(0-255)\n"
	       "  -M, --pmtudisc HINT     path MTU discovery: do, dont, want "
	       "or probe\n"
	       "  -I, --interface ADDR|IF send from this source address or "
	       "interface\n"
	       "  -f, --flood             a probe as soon as all are answered, "
	       "at least 100/s\n"
	       "                          (root, or -i 0.002 or more); dots "
	       "for output\n"
	       "  -A, --adaptive          the next probe when this one is "
	       "answered, at least\n"
	       "                          -i apart (root: none by default; "
	       "a user: 0.2 s)\n"
	       "  -l, --preload N         send the first N probes at once "
	       "(above "
	       "3: root)\n"
	       "  -e, --ident ID          Echo identifier (0-65535, 0x.. hex; "
	       "0: random); raw\n"
	       "                          sockets only\n"
	       "  -p, --pattern HEX       fill the payload with this pattern "
	       "(up to 16 bytes;\n"
	       "                          not a port: -p 443 warns)\n"
	       "  -n, --numeric           no reverse name lookups\n"
	       "  -q, --quiet             print only the first line and the "
	       "summary; many\n"
	       "                          targets: no per-reply lines, and "
	       "without -c/-C\n"
	       "                          nothing but the -a/-u list\n"
	       "  -D, --timestamps        prefix lines with the Unix time\n"
	       "  -O, --outstanding       report a probe still unanswered when "
	       "the next is\n"
	       "                          sent (one target only)\n"
	       "  -v, --verbose           say which socket and privilege path "
	       "are used, and\n"
	       "                          report packets that were ignored "
	       "(many targets:\n"
	       "                          also duplicates dropped, and totals "
	       "at the end)\n"
	       "  -J, --json              JSON Lines: an object per event, a "
	       "summary per\n"
	       "                          target\n"
	       "      --percentiles       summaries also give p50/p90/p99 of "
	       "the RTT\n"
	       "      --metrics FILE      at the end, write Prometheus metrics "
	       "to FILE (renamed\n"
	       "                          into place; - for standard output)\n"
	       "      --decimals N        RTTs in ms with N decimals, 3 (us, "
	       "default) to 6 (ns)\n"
	       "      --user-timestamps   time probes in user space, not with "
	       "the kernel's\n"
	       "                          timestamps\n"
	       "      --plugin            monitoring-plugin mode, as "
	       "check_icmp "
	       "(--plugin -h)\n"
	       "      --no-sandbox        no seccomp filter after setup (for "
	       "debugging)\n"
	       "  -V, --version           print the version and exit\n"
	       "  -h, --help              print this help and exit\n"
	       "\n"
	       "Many targets (each of these options selects many-target "
	       "mode):\n"
	       "  -a, --alive             print only the targets that "
	       "answered\n"
	       "  -u, --unreachable       print only the targets that did not "
	       "answer\n"
	       "  -C, --vcount N          as -c N, and list the RTT of every "
	       "probe\n"
	       "  -r, --retry N           without -c/-C, probe a silent target "
	       "up to N more\n"
	       "                          times, -W apart (default 3)\n"
	       "  -x, --reachable N       exit 0 when at least N targets "
	       "answered\n"
	       "  -g, --generate          as fping -g: TARGETs are FIRST LAST, "
	       "or one block\n"
	       "      --file FILE         read targets from FILE, one per line "
	       "(- is stdin;\n"
	       "                          -f FILE is flood, refused for a "
	       "file)\n"
	       "      --gap SECS          at least SECS between any two probes "
	       "sent\n"
	       "                          (default 0.001; below 0.001 root "
	       "only)\n"
	       "      --burst N           send up to N due probes at once, "
	       "then "
	       "wait N gaps\n"
	       "                          (default 1; up to 64)\n"
	       "      --multi             many-target mode, also for one "
	       "target\n"
	       "\n"
	       "Capture (libpcap; -V says whether this build has it):\n"
	       "      --save FILE         ping mode: write the run's own "
	       "requests, replies\n"
	       "                          and errors to FILE (pcap)\n"
	       "      --read FILE         inspect a pcap or pcapng file: "
	       "ICMP decoded,\n"
	       "                          requests paired with replies, a "
	       "summary per flow\n"
	       "      --inspect[=IFACE]   the same, live, on IFACE (default "
	       "any), until -c\n"
	       "                          packets, -w seconds or Ctrl-C\n"
	       "      --filter EXPR       only packets matching the pcap "
	       "filter EXPR\n"
	       "\n"
	       "Exit status: 0 replies came, 1 no reply (or, with -w and -c, "
	       "fewer than\n"
	       "N), 2 usage, name resolution or system error.  Many targets: 0 "
	       "every\n"
	       "target answered (with -x N: at least N did), 1 some did not, 2 "
	       "a name did\n"
	       "not resolve, or usage or system error.  --read, --inspect: 0 "
	       "ICMP was\n"
	       "seen, 1 none, 2 an unreadable file or system error.  See "
	       "netprobe(8).\n";
}

const char *np_options_plugin_usage(void)
{
	return "Usage: netprobe --plugin [-H] HOST... [-w RTA,PL%] [-c "
	       "RTA,PL%] "
	       "[options]\n"
	       "       check_netprobe [-H] HOST... [-w RTA,PL%] [-c RTA,PL%] "
	       "[options]\n"
	       "Monitoring-plugin mode, a drop-in for check_icmp: one status "
	       "line with\n"
	       "performance data; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 "
	       "UNKNOWN.\n"
	       "\n"
	       "  -H HOST        a host to check (repeatable)\n"
	       "  -w RTA,PL%     warning: average RTA (ms, or with us, ms, s) "
	       "or packet loss\n"
	       "                 at or above it (default 200,40%)\n"
	       "  -c RTA,PL%     critical, the same (default 500,80%)\n"
	       "  -n N, -p N     packets to each host (default 5)\n"
	       "  -i TIME        interval between packets to a host (default "
	       "80ms; a user:\n"
	       "                 at least 2ms)\n"
	       "  -I TIME        interval between any two packets (default "
	       "1ms; a user:\n"
	       "                 at least 1ms, -I 0 included)\n"
	       "  -m N           OK when at least N hosts are OK (default: "
	       "every host counts)\n"
	       "  -l TTL         TTL / hop limit\n"
	       "  -t SECS        the whole check ends after SECS (default 10)\n"
	       "  -b BYTES       payload bytes (default 68)\n"
	       "  -s ADDR|IF     source address or interface\n"
	       "  -4, -6         IPv4 or IPv6 only\n"
	       "  -v             say which socket is used\n"
	       "  --metrics FILE also write Prometheus metrics (see "
	       "netprobe(8))\n"
	       "  --no-sandbox   no seccomp filter after setup (for "
	       "debugging)\n"
	       "  -h, -V         this help, the version\n";
}
