/* xconfig.h - the exporter's configuration file (--exporter
 * --config.file FILE): smokeping_prober's YAML format, read with libyaml.
 * Pure: no sockets, no names resolved, no output; errors name the file and
 * the line. */
#ifndef NP_XCONFIG_H
#define NP_XCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct np_xlabel {
	char *name, *value;
};

/* One entry of `targets:` in smokeping_prober's file, every field with
 * its default filled in. */
struct np_xgroup {
	char **hosts; /* as written: names or addresses */
	size_t nhosts;
	int64_t interval_ns; /* interval: a Go duration ("1s", "500ms"), 1 s */
	int family;	     /* network: ip (AF_UNSPEC), ip4, ip6 */
	const char
		*protocol; /* "icmp" (default), "udp", "tcp": np_proto_find */
	unsigned port;	   /* port: netprobe's addition; 0 the default */
	long size;	   /* size: payload bytes, 56 */
	char *source;	   /* source: an address, NULL none */
	int tos;	   /* tos: 0..255, -1 unset */
	struct np_xlabel *labels; /* labels: name -> value, sorted by name */
	size_t nlabels;
	unsigned line; /* where the entry starts, for messages */
};

struct np_xconfig {
	struct np_xgroup *groups;
	size_t ngroups;
};

/* Parse `len` bytes of YAML named `name` (for messages) into *cfg.  -1
 * with err set ("FILE:LINE: what is wrong"); *cfg is then empty.  An
 * unknown key, a value of the wrong type or out of range, a host list
 * that is empty, is an error. */
int np_xconfig_parse(const char *buf, size_t len, const char *name,
		     struct np_xconfig *cfg, struct np_err *err);
/* The same from a file (at most NP_XCONFIG_MAX bytes). */
#define NP_XCONFIG_MAX (4u << 20)
int np_xconfig_load(const char *path, struct np_xconfig *cfg,
		    struct np_err *err);
void np_xconfig_free(struct np_xconfig *cfg);

/* A Go duration ("1s", "1m30s", "250ms", "1.5s"), > 0. */
int np_parse_go_duration(const char *s, int64_t *ns);

#endif
