/* fuzz_options.c - libFuzzer harness for the option parser.
 *
 * Input: byte 0 picks the program name (odd: "check_netprobe", the plugin
 * mode; even: "netprobe"); the rest is split at NUL bytes into the
 * arguments.  np_options_parse runs on that argv; each argument also goes
 * to the number, seconds, pattern and threshold parsers.  What a
 * successful parse leaves is checked against the documented limits. */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "error.h"
#include "options.h"
#include "fuzz_check.h"

#define MAX_ARGS 2048 /* past the plugin mode's 1024 hosts */

/* Whether s points into one of the arguments (optarg may point past an
 * option's letter: "-Hhost"). */
static bool in_argv(const char *s, char **argv, int argc)
{
	for (int i = 0; i < argc; i++)
		if (s >= argv[i] && s <= argv[i] + strlen(argv[i]))
			return true;
	return false;
}

/* The pieces on their own: every parser must accept or refuse anything. */
static void pieces(char **argv, int argc)
{
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		int64_t rta = -7, ns = -7;
		double pl = -7;
		uint8_t pat[NP_PATTERN_MAX];
		size_t plen = 0;
		long long v;

		if (np_parse_threshold(s, &rta, &pl) == 0) {
			CHECK(rta >= 0 && rta <= INT64_C(1000000000000000));
			CHECK(pl == -7 || (pl >= 0 && pl <= 100));
		}
		if (np_parse_seconds(s, 0.0, NP_MAX_SECONDS, &ns) == 0)
			CHECK(ns >= 0 && ns <= INT64_C(2147483000000000));
		if (np_parse_seconds(s, 0.001, 1.0, &ns) == 0)
			CHECK(ns >= 1000000 && ns <= 1000000000);
		if (np_parse_pattern(s, pat, &plen) == 0)
			CHECK(plen >= 1 && plen <= NP_PATTERN_MAX);
		if (np_parse_ll(s, 0, -5, 5, &v) == 0)
			CHECK(v >= -5 && v <= 5);
		if (np_parse_ll(s, 10, 0, LLONG_MAX, &v) == 0)
			CHECK(v >= 0);
	}
}

static void check_parsed(const struct np_options *o, char **argv, int argc)
{
	struct np_err err;

	CHECK(o->family == AF_UNSPEC || o->family == AF_INET ||
	      o->family == AF_INET6);
	CHECK(o->count >= 0);
	CHECK(o->interval_ns >= 0 &&
	      o->interval_ns <= (int64_t)(NP_MAX_SECONDS * 1e9) + 1);
	CHECK(o->timeout_ns >= 0 &&
	      o->timeout_ns <= (int64_t)(NP_MAX_SECONDS * 1e9) + 1);
	CHECK(o->deadline_ns >= 0 &&
	      o->deadline_ns <= (int64_t)(NP_MAX_SECONDS * 1e9) + 1);
	CHECK(o->gap_ns >= 0);
	CHECK(o->size >= 0 && o->size <= NP_MAX_SIZE_V6);
	CHECK(o->ttl == -1 || (o->ttl >= 1 && o->ttl <= 255));
	CHECK(o->tos == -1 || (o->tos >= 0 && o->tos <= 255));
	CHECK(o->pattern_len <= NP_PATTERN_MAX);
	CHECK(o->vcount >= 0 && o->vcount <= NP_MAX_VCOUNT);
	CHECK(o->retries >= 0);
	CHECK(o->reachable >= 0);
	CHECK(o->ntargets >= 0 && o->ntargets < argc);
	for (int i = 0; i < o->ntargets; i++)
		CHECK(o->targets[i] != NULL && o->targets[i][0] != '\0');
	if (o->ntargets > 0)
		CHECK(o->target == o->targets[0]);
	if (o->plugin) {
		CHECK(o->ntargets >= 1 && o->ntargets <= NP_PLUGIN_MAX_HOSTS);
		for (int i = 0; i < o->ntargets; i++)
			CHECK(in_argv(o->targets[i], argv, argc));
		CHECK(o->warn_rta_ns <= o->crit_rta_ns);
		CHECK(o->warn_pl <= o->crit_pl);
		CHECK(o->warn_pl >= 0 && o->crit_pl <= 100);
		CHECK(o->timeout_ns > 0 && o->timeout_ns <= o->deadline_ns);
	} else {
		CHECK(!(o->alive_only && o->unreach_only));
		CHECK(!(o->count > 0 && o->vcount > 0));
		CHECK(!(o->multi_opts && o->outstanding));
	}
	if (o->source != NULL)
		CHECK(o->source[0] != '\0' && strlen(o->source) < 64);
	/* what main.c calls next, on copies: settling writes the options */
	for (int root = 0; root <= 1; root++) {
		struct np_options s = *o;

		if (np_options_settle(&s, root, &err) == 0 && s.adaptive)
			CHECK(s.adaptive_min_ns >= 0);
	}
	(void)np_options_check_size(o, AF_INET, &err);
	(void)np_options_check_size(o, AF_INET6, &err);
	CHECK(np_options_multi_timeout(o) >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *argv[MAX_ARGS + 2];
	char name[32];
	int argc = 0, rc;
	struct np_options o;
	struct np_err err;

	if (size == 0)
		return 0;
	snprintf(name, sizeof(name), "%s",
		 (data[0] & 1) ? "check_netprobe" : "netprobe");
	argv[argc++] = name;
	/* The arguments, each in an allocation of its own, so that ASan sees
	 * a read past the end of one.  A NUL ends an argument: "a\0b" is two,
	 * "a\0" one, "a\0\0" two (the second empty). */
	buf = malloc(size);
	if (buf == NULL)
		abort();
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	for (size_t i = 0; i < size - 1 && argc < MAX_ARGS;) {
		size_t n = strlen(buf + i);

		argv[argc] = malloc(n + 1);
		if (argv[argc] == NULL)
			abort();
		memcpy(argv[argc], buf + i, n + 1);
		argc++;
		i += n + 1;
	}
	argv[argc] = NULL;
	free(buf);

	memset(&err, 0, sizeof(err));
	memset(&o, 0x5a, sizeof(o)); /* the parser must set every field */
	rc = np_options_parse(argc, argv, &o, &err);
	if (rc == 0) {
		if (o.action == NP_ACTION_RUN)
			check_parsed(&o, argv, argc);
	} else {
		CHECK(rc == -1);
		CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
		CHECK(err.msg[0] != '\0');
	}
	/* a second parse of the same argv (getopt's state is global) */
	rc = np_options_parse(argc, argv, &o, &err);
	if (rc == 0 && o.action == NP_ACTION_RUN)
		check_parsed(&o, argv, argc);

	pieces(argv, argc);
	for (int i = 1; i < argc; i++)
		free(argv[i]);
	return 0;
}
