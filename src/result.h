/* result.h - the numbers of one target at the end of its run, the same
 * for every mode: what every summary, the metrics and the
 * monitoring-plugin line are made of. */
#ifndef NP_RESULT_H
#define NP_RESULT_H

#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "stats.h"

/* A value: it owns every string it holds but `privilege` and `cause`
 * (static tables), so a copy outlives the original. */
struct np_result {
	char name[NI_MAXHOST];		     /* as given, else the address */
	char address[INET6_ADDRSTRLEN + 16]; /* numeric */
	uint64_t transmitted, received, duplicates, corrupted, errors, late;
	uint64_t closed; /* of received: replies saying the port is closed */
	double loss_pct;
	bool have_rtt;
	int64_t min_ns, max_ns;
	double avg_ns, mdev_ns, sum_ns;
	int64_t p50_ns, p90_ns, p99_ns; /* -1 without a histogram */
	const char *privilege;		/* np_priv_path_name() */
	/* a port probe's protocol and port (UDP), for JSON; port 0: none */
	const char *proto;
	unsigned port;
	int64_t start_wall_ns, end_wall_ns;
	/* Many targets: the last ICMP error about the target ("" none):
	 * its code's name (or type's) and the address that sent it */
	const char *cause;
	char cause_from[INET6_ADDRSTRLEN];
	/* -C: the RTT of each probe (-1 lost), `nrtts` of them; not owned:
	 * valid while the sink's done() runs, NULL in a copy kept longer */
	const int64_t *rtts;
	size_t nrtts;
};

struct np_tstate;

/* Ping mode: the one target's statistics. */
void np_result_from_stats(struct np_result *r, const char *name,
			  const char *address, const struct np_stats *st);
/* A finished target of the matcher (many targets). */
void np_result_from_tstate(struct np_result *r, const struct np_tstate *t);

#endif
