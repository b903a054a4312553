/* inspect.h - decode, pair, time and summarise captured ICMP (--read,
 * --inspect).  No libpcap here: frames come in with their link type and
 * capture time, from a file, a live capture or the fuzzer.
 */
#ifndef NP_INSPECT_H
#define NP_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* An interface's name by index, for the lines of a live capture (a
 * file's interface indexes are another machine's: shown as numbers). */
struct np_ifname {
	uint32_t index;
	char name[16]; /* IF_NAMESIZE */
};

struct np_inspect_opts {
	FILE *out;
	const struct np_ifname *ifnames; /* may be NULL */
	size_t nifnames;
	bool json;    /* JSON Lines, the ping JSON's vocabulary */
	bool quiet;   /* -q: the summaries only */
	bool verbose; /* -v: also packets that are not ICMP */
	int family;   /* AF_UNSPEC, or only AF_INET / AF_INET6 (-4, -6) */
};

/* Bounds: flows and requests beyond them are counted, not paired. */
#define NP_INSPECT_MAX_FLOWS 4096
#define NP_INSPECT_MAX_REQUESTS (1u << 20)
/* Capture points (interface and direction) told apart; more share the
 * last. */
#define NP_INSPECT_MAX_POINTS 32
#define NP_INSPECT_TUNNEL_KINDS 8 /* NP_TUN_KINDS */

struct np_inspect;

/* A capture stamp in ns: a file's seconds are whatever it says (pcapng
 * has 64 bits of them), so they are kept within years 1970 to 2255, where
 * nanoseconds fit in 64 bits. */
static inline int64_t np_inspect_ts(int64_t sec, int64_t nsec)
{
	if (sec < 0)
		sec = 0;
	if (sec > INT64_C(9000000000))
		sec = INT64_C(9000000000);
	if (nsec < 0 || nsec >= 1000000000)
		nsec = 0;
	return sec * 1000000000 + nsec;
}

struct np_inspect *np_inspect_new(const struct np_inspect_opts *o);
/* One captured frame: `caplen` bytes of `wirelen`, captured at `ts_ns`
 * (CLOCK_REALTIME ns).  Returns true when it was shown (counts for -c). */
bool np_inspect_frame(struct np_inspect *in, int linktype, int64_t ts_ns,
		      const uint8_t *pkt, size_t caplen, size_t wirelen);
/* The per-flow summaries and the totals. */
void np_inspect_finish(struct np_inspect *in);
void np_inspect_free(struct np_inspect *in);

/* Totals, for tests and the exit status. */
struct np_inspect_totals {
	uint64_t frames, icmp, icmp6, other, truncated, malformed, bad_checksum;
	uint64_t requests, replies, duplicates, unpaired, errors;
	/* The same packet at another capture point (in and out of a
	 * router): shown, counted once. */
	uint64_t copies;
	uint64_t
		tunnelled[NP_INSPECT_TUNNEL_KINDS]; /* by enum np_tunnel_kind */
	uint64_t bad_tunnel;	 /* a tunnel header cut short or invalid */
	uint64_t tunnel_skipped; /* a tunnel whose payload is not decoded */
};
void np_inspect_totals(const struct np_inspect *in,
		       struct np_inspect_totals *t);

#endif
