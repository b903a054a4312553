/* options.h - the option table, range-checked parsing and validation */
#ifndef NP_OPTIONS_H
#define NP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "payload.h"

enum np_pmtu {
	NP_PMTU_DEFAULT = 0, /* leave the kernel's default alone */
	NP_PMTU_DO,	     /* set DF, never fragment locally */
	NP_PMTU_DONT,	     /* clear DF, fragment locally */
	NP_PMTU_WANT,	     /* path MTU discovery, fragment when needed */
	NP_PMTU_PROBE,	     /* set DF, ignore the path MTU */
};

enum np_action {
	NP_ACTION_RUN = 0,
	NP_ACTION_HELP,
	NP_ACTION_VERSION,
};

/* What the run does, decided by the parse: main() looks it up in its mode
 * table. */
enum np_mode {
	NP_MODE_PING = 0, /* one target, iputils ping's job */
	NP_MODE_MANY,	  /* many targets, fping's job */
	NP_MODE_PLUGIN,	  /* --plugin or check_netprobe: check_icmp's job */
	NP_MODE_INSPECT,  /* --read or --inspect */
	NP_MODE_HELP,
	NP_MODE_VERSION,
};

/* Defaults and limits (documented in netprobe.8). */
#define NP_DEFAULT_SIZE 56
#define NP_MAX_SIZE_V4 65507 /* 65535 - 20 (IPv4) - 8 (ICMP) */
#define NP_MAX_SIZE_V6 65527 /* 65535 - 8 (ICMPv6); no jumbograms */
#define NP_DEFAULT_INTERVAL_NS 1000000000LL
#define NP_MIN_USER_INTERVAL_NS 2000000LL   /* 2 ms, as iputils ping */
#define NP_FLOOD_INTERVAL_NS 10000000LL	    /* -f: at least 100 per second */
#define NP_ADAPTIVE_MIN_NS 0LL		    /* -A: least interval, root */
#define NP_ADAPTIVE_MIN_USER_NS 200000000LL /* -A: least interval, others */
#define NP_MAX_USER_PRELOAD 3		    /* -l above: root only (iputils) */
#define NP_MAX_PRELOAD 65536
#define NP_DEFAULT_TIMEOUT_NS 10000000000LL
#define NP_MAX_SECONDS 2147483.0 /* keeps every ns value far from overflow */

#define NP_PLUGIN_MAX_HOSTS 1024
#define NP_USER_PAYLOAD_MAX 4096 /* --payload: a DNS query and then some */
#define NP_UDP_MIN_SIZE 4	 /* --udp's -s: checksum and sequence bytes */

/* The configuration of a run, filled by np_options_parse and
 * np_options_settle and read-only after them (const everywhere else). */
struct np_options {
	enum np_action action;
	enum np_mode mode;
	int family;	 /* AF_UNSPEC, AF_INET or AF_INET6 */
	long long count; /* 0: until interrupted or the deadline */
	int64_t interval_ns;
	int64_t timeout_ns;  /* -W: a reply later than this is lost */
	int64_t deadline_ns; /* -w: 0 for none */
	long size;	     /* -s: payload bytes */
	int ttl;	     /* -t: -1 for the kernel default */
	int tos;	     /* -Q: -1 for the kernel default */
	enum np_pmtu pmtu;   /* -M */
	const char *source;  /* -I: address or interface name, or NULL */
	uint8_t pattern[NP_PATTERN_MAX];
	size_t pattern_len;	 /* -p: 0 for the default fill */
	const char *pattern_arg; /* -p as written, for a hint */
	bool numeric;		 /* -n */
	bool quiet;		 /* -q */
	bool timestamps;	 /* -D */
	bool outstanding;	 /* -O */
	bool verbose;		 /* -v */
	bool flood;		 /* -f */
	bool adaptive;		 /* -A */
	int64_t adaptive_min_ns; /* -A: least interval (np_options_settle) */
	long long preload;	 /* -l: probes sent at once at the start */
	bool user_timestamps;	 /* --user-timestamps, or an alive sweep without
				    RTTs */
	int decimals;		 /* --decimals: of RTTs in ms, 3 to 6 */
	int ident;		 /* -e: Echo identifier, -1 (or -e 0) random */
	/* --icmp, --tcp[=PORT], --udp[=PORT]: the probe protocol's name
	 * (np_proto_find) and port, 0 for the protocol's default */
	const char *proto;
	unsigned port;
	/* --payload=HEX|@FILE (UDP): the datagram's payload as given; its
	 * length is the size */
	bool has_payload;
	size_t payload_len;
	uint8_t payload[NP_USER_PAYLOAD_MAX];
	/* --connect: TCP probes by connect(), no privilege (proto then
	 * "tcp-connect") */
	bool connect;
	const char *target; /* the first target */
	char **targets;	    /* all of them, as given */
	int ntargets;

	/* Many targets (fping's job).  `multi_opts` is set when an option
	 * that only makes sense there was given. */
	bool multi_opts;
	bool multi_forced; /* --multi */
	bool generate;	   /* -g: START END is a range */
	const char *file;  /* --file: a target list, "-" for stdin */
	bool alive_only;   /* -a */
	bool unreach_only; /* -u */
	long long vcount;  /* -C N: count, every RTT listed; 0 none */
	long long retries; /* -r: alive mode (no -c/-C) */
	bool retries_set;
	long long reachable; /* -x N: succeed when N answered; 0 none */
	int64_t gap_ns;	     /* --gap: between any two sends */
	long long burst;     /* --burst: probes per wake-up, 1 by default */
	bool timeout_set;    /* -W given */
	bool interval_set;   /* -i given */

	/* Capture (libpcap): inspect mode reads a file or an interface
	 * instead of probing; --save keeps a ping run's own packets. */
	const char *read_file;	    /* --read FILE */
	const char *inspect_iface;  /* --inspect[=IFACE]: "any" by default */
	const char *capture_filter; /* --filter EXPR: a pcap filter */
	const char *save_file;	    /* --save FILE: ping mode */

	/* Machine-readable output. */
	bool json;		  /* -J: JSON Lines instead of text */
	bool no_sandbox;	  /* --no-sandbox: no seccomp filter */
	const char *sandbox_test; /* --sandbox-test=socket|exec|open */
	bool percentiles;	  /* --percentiles in text summaries */
	const char *metrics;	  /* --metrics FILE ("-": stdout) */

	/* Monitoring-plugin mode (--plugin, or run as check_netprobe):
	 * check_icmp's options and thresholds. */
	bool plugin;
	int64_t warn_rta_ns, crit_rta_ns;
	double warn_pl, crit_pl; /* percent */
	long long min_alive;	 /* -m: 0 = every host counts */
	int refuse_state; /* -r: a refused port's state (NP_PLUGIN_*), OK */
	const char *hosts[NP_PLUGIN_MAX_HOSTS];
};

#define NP_DEFAULT_GAP_NS 1000000LL	/* 1 ms between any two sends */
#define NP_MAX_BURST 64			/* --burst: at most a read batch */
#define NP_MIN_USER_GAP_NS 1000000LL	/* below: root only, as fping */
#define NP_DEFAULT_RETRIES 3		/* as fping */
#define NP_ALIVE_TIMEOUT_NS 500000000LL /* alive mode's -W, as fping */
#define NP_MAX_VCOUNT 65536

/* The -W of a many-target run when none was given: 0.5 s in alive mode;
 * in count mode the interval, kept within 0.5 to 2 s. */
int64_t np_options_multi_timeout(const struct np_options *o);

void np_options_defaults(struct np_options *o);

/* Parse argv and decide the mode (o->mode).  Returns 0, or -1 with a
 * message that names the option and the bad value.  Does not print, does
 * not exit.  Plugin mode is chosen by the name check_netprobe or by
 * --plugin found as an option (not as another option's value, not after
 * "--"). */
int np_options_parse(int argc, char **argv, struct np_options *o,
		     struct np_err *err);

/* The last step of parsing, once it is known who runs us: -A's least
 * interval and np_options_check_interval.  After it nothing writes *o. */
int np_options_settle(struct np_options *o, bool is_root, struct np_err *err);

/* Checks that depend on who runs us (iputils' rule: intervals under 2 ms
 * only for root) and on the address family chosen (maximum size).  In
 * plugin mode the intervals are raised to the user minimums instead. */
int np_options_check_interval(struct np_options *o, bool is_root,
			      struct np_err *err);
int np_options_check_size(const struct np_options *o, int family,
			  struct np_err *err);

/* Strict number parsing: the whole string, decimal (or 0x hex / 0 octal
 * where `base` is 0), within [min, max].  0 on success. */
int np_parse_ll(const char *s, int base, long long min, long long max,
		long long *out);
/* Seconds as a decimal fraction ("0.2", "1", "1e-3"), within [min, max],
 * converted to nanoseconds. */
int np_parse_seconds(const char *s, double min, double max, int64_t *ns);
/* Does a -p value look like a TCP/UDP port (443), as fping users write
 * it, rather than a hex pattern? */
bool np_looks_like_port(const char *s);

/* Hex pattern of 1 to NP_PATTERN_MAX bytes, an even number of digits. */
int np_parse_pattern(const char *s, uint8_t *out, size_t *outlen);

/* The --help text: a synopsis made from the option table, one line per
 * option; netprobe.8 is the reference. */
void np_options_usage(FILE *f);
/* The --help text of the monitoring-plugin mode, from its table. */
void np_options_plugin_usage(FILE *f);

/* check_icmp's threshold: "200,40%", "200ms,40%", "1.5s,80", "500us,10%"
 * (RTA in ms unless a unit is given, packet loss in percent), or the RTA
 * alone ("200": *pl is left as it was). */
int np_parse_threshold(const char *s, int64_t *rta_ns, double *pl);

#endif
