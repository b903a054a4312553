/* tlist.h - target lists for many-target runs: names, addresses, CIDR
 * blocks and ranges, from the command line, a file or standard input.
 * Blocks and ranges are kept as intervals and expanded lazily, so memory
 * grows with the number of targets written, never with the addresses they
 * cover. */
#ifndef NP_TLIST_H
#define NP_TLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "error.h"

/* Addresses as integers (host order): IPv4 in the low 32 bits. */
typedef unsigned __int128 np_u128;

/* One block or range expands to at most this many addresses (a /8, an IPv6
 * /104): a larger one is an error, so /0 is refused. */
#define NP_TLIST_MAX_SPAN (UINT64_C(1) << 24)

/* The longest target written on a line or the command line. */
#define NP_TLIST_MAX_TEXT 255

enum np_tspec_kind {
	NP_TSPEC_NAME = 0, /* a host name or a single address */
	NP_TSPEC_RANGE,	   /* a CIDR block or FIRST-LAST */
};

struct np_tspec {
	enum np_tspec_kind kind;
	int family; /* RANGE only */
	np_u128 first, last;
};

/* Parse one target as written.  `family` (AF_UNSPEC, AF_INET, AF_INET6)
 * refuses blocks and ranges of the other family.  IPv4 blocks of /30 or
 * shorter leave out the network and broadcast addresses, as fping -g; /31
 * and /32 keep both; IPv6 blocks keep every address.  0, or -1 with a
 * message. */
int np_tspec_parse(const char *text, int family, struct np_tspec *out,
		   struct np_err *err);
/* fping's "-g START END". */
int np_tspec_pair(const char *first, const char *last, int family,
		  struct np_tspec *out, struct np_err *err);

np_u128 np_u128_from_addr(const struct sockaddr *sa);
/* Fills a sockaddr_in/sockaddr_in6 (port 0); returns its length. */
socklen_t np_u128_to_addr(int family, np_u128 v, struct sockaddr_storage *ss);

/* One unit of the plan: a named host (first == last) or a piece of a
 * block/range that no earlier target covers. */
struct np_tent {
	char *name; /* the target as written for hosts; NULL for pieces */
	int family;
	np_u128 first, last;
	size_t spec;	/* position of the target in the list */
	uint32_t scope; /* IPv6 scope of a host (fe80::1%eth0), or 0 */
};

struct np_tset_slot;

/* The targets of a run, in the order given, duplicates removed: an address
 * is probed once, under its first appearance. */
struct np_tplan {
	struct np_tent *ent;
	size_t n, cap;
	size_t specs; /* targets written so far */
	/* Blocks and ranges seen so far, per family, sorted and merged. */
	struct np_ivl *cov[2];
	size_t ncov[2], capcov[2];
	/* Hosts seen so far: address -> spec, open addressing. */
	struct np_tset_slot *set;
	size_t set_cap, set_used;
	uint64_t duplicates; /* hosts dropped, and addresses skipped */
	uint64_t unresolved; /* names that did not resolve */
	/* iteration */
	size_t cur;
	np_u128 at;
	bool started;
};

struct np_tnext {
	const char *name; /* as written, or NULL: show the address */
	int family;
	np_u128 addr;
	uint32_t scope;
};

void np_tplan_init(struct np_tplan *p);
void np_tplan_free(struct np_tplan *p);

/* Called for each name that does not resolve (`err` says why); the plan
 * goes on without it.  `duplicate` for a target already in the list
 * (`addresses` 0), or a block or range with that many addresses already in
 * it (-v). */
struct np_tplan_notify {
	void *ctx;
	void (*unresolved)(void *ctx, const char *name,
			   const struct np_err *err);
	void (*duplicate)(void *ctx, const char *name, uint64_t addresses);
};

/* Add one target as written (resolving names now, with `family`).
 * 0 on success (also when the name did not resolve: see `notify`); -1 on
 * a target that cannot be a target (syntax, too large, out of memory). */
int np_tplan_add(struct np_tplan *p, const char *text, int family,
		 const struct np_tplan_notify *notify, struct np_err *err);
/* Add an already parsed block or range (`text` as written, for notify). */
int np_tplan_add_range(struct np_tplan *p, const char *text,
		       const struct np_tspec *s,
		       const struct np_tplan_notify *notify,
		       struct np_err *err);
/* Add a host whose address is known; returns 1 if added, 0 if it was a
 * duplicate, -1 when out of memory. */
int np_tplan_add_host(struct np_tplan *p, const char *name,
		      const struct sockaddr *addr, struct np_err *err);

/* Read targets from a file, one per line; '#' starts a comment; blank
 * lines are skipped.  A line that is not a target is an error naming
 * `origin` and the line number. */
int np_tplan_read(struct np_tplan *p, FILE *f, const char *origin, int family,
		  const struct np_tplan_notify *notify, struct np_err *err);

/* Addresses in the plan (after dropping duplicate hosts and the overlap
 * between blocks; a block address also written as a host counts twice). */
uint64_t np_tplan_size(const struct np_tplan *p);
/* Families present: bit 0 IPv4, bit 1 IPv6. */
unsigned np_tplan_families(const struct np_tplan *p);

/* The next target, or false at the end. */
bool np_tplan_next(struct np_tplan *p, struct np_tnext *out);

#endif
