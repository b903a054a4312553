/* payload.h - the authentication bytes a probe carries, whatever its
 * protocol: a keyed MAC over the probe's identity, the send stamp and a
 * fill that shows corruption.  The protocol module (proto_*.c) places
 * them after its own header. */
#ifndef NP_PAYLOAD_H
#define NP_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "siphash.h"

/* Payload layout (all of it is checked in every reply):
 *   bytes 0..7   MAC: SipHash-2-4 under the run's random key (getrandom)
 *                of the probe's identity, as OpenBSD ping authenticates
 *                its replies: flow id (16 bits, big endian), wire sequence
 *                (16 bits), send stamp (64 bits)
 *   bytes 8..15  send stamp, ns (big endian): the monotonic send time plus
 *                CLOCK_REALTIME - CLOCK_MONOTONIC at the start of the run
 *   bytes 16..   the fill: the -p pattern repeated, or by default each byte
 *                equal to its offset in the payload modulo 256.
 * A payload shorter than 16 bytes carries as much of the MAC and stamp as
 * fits (the MAC truncated); RTTs never depend on the payload (the engine
 * keeps the send time). */
#define NP_PAYLOAD_MAC_OFF 0
#define NP_PAYLOAD_STAMP_OFF 8
#define NP_PAYLOAD_FILL_OFF 16
#define NP_PATTERN_MAX 16

struct np_payload_spec {
	struct np_siphash_key key; /* the run's MAC key */
	uint8_t pattern[NP_PATTERN_MAX];
	size_t pattern_len; /* 0: default fill */
	size_t size;	    /* payload bytes after the protocol header */
	/* The fill as sent (the protocol's prepare buffer, from payload byte
	 * NP_PAYLOAD_FILL_OFF), for replies to be compared with; NULL: made
	 * again from the pattern for each comparison. */
	const uint8_t *fill;
	/* A payload the user gave (UDP's --payload), sent as it is: no MAC,
	 * stamp or fill; NULL: none */
	const uint8_t *user;
	size_t user_len;
};

/* What a probe is, for its MAC: the flow id and wire sequence its
 * protocol header carries, and its send stamp. */
struct np_probe_ident {
	uint16_t flow;
	uint16_t seq;
	uint64_t stamp;
};

enum np_payload_result {
	NP_PAYLOAD_OK = 0,
	NP_PAYLOAD_COOKIE, /* MAC wrong: another sender's packet */
	NP_PAYLOAD_LENGTH, /* reply payload is not the size we sent */
	NP_PAYLOAD_STAMP,  /* MAC of the probe's stamp, stamp altered */
	NP_PAYLOAD_DATA,   /* fill bytes altered */
};

struct np_payload_mismatch {
	size_t index; /* first differing byte (offset in the payload) */
	uint8_t expected;
	uint8_t got;
	size_t got_len; /* for NP_PAYLOAD_LENGTH */
};

/* A new random MAC key for the run (getrandom); -1 with errno set. */
int np_payload_new_key(struct np_payload_spec *spec);
/* The MAC of a probe (all 64 bits; a payload carries its first bytes). */
uint64_t np_payload_mac(const struct np_payload_spec *spec,
			const struct np_probe_ident *id);

/* The MAC's first 16 bits: what a protocol that carries the MAC in its
 * own header rather than in a payload (TCP's ISN) sends, and checks. */
static inline uint16_t np_payload_tag(const struct np_payload_spec *spec,
				      const struct np_probe_ident *id)
{
	return (uint16_t)(np_payload_mac(spec, id) >> 48);
}

/* Expected byte at offset `i` of the payload of a probe whose MAC is
 * `mac` and send stamp `stamp`. */
uint8_t np_payload_byte(const struct np_payload_spec *spec, uint64_t mac,
			uint64_t stamp, size_t i);

/* The fill (payload bytes from NP_PAYLOAD_FILL_OFF on), the same in every
 * probe of a run, into payload[] (payload bytes 0..spec->size); returns
 * its partial Internet checksum (0 when there is no fill). */
uint32_t np_payload_prepare(uint8_t *payload,
			    const struct np_payload_spec *spec);
/* The MAC and stamp (payload bytes up to NP_PAYLOAD_FILL_OFF) of probe
 * `id` into payload[]; returns how many bytes were written. */
size_t np_payload_finish(uint8_t *payload, const struct np_payload_spec *spec,
			 const struct np_probe_ident *id);
/* The payload stamp of a probe sent at `sent_mono`: that time plus `off`
 * (realtime - monotonic at the start of the run), made greater than the
 * previous one, *last. */
uint64_t np_payload_next_stamp(int64_t sent_mono, int64_t off, uint64_t *last);

/* Read the send stamp out of a reply payload (bytes 8..15); false if the
 * payload is too short to hold all of it. */
bool np_payload_stamp(const uint8_t *payload, size_t len, uint64_t *stamp);

/* Compare a received payload with what probe `id` (flow, sequence, the
 * probe's send stamp) sent: MAC first (wrong under both the probe's stamp
 * and the stamp the payload holds: someone else's packet), then length,
 * stamp and fill. */
enum np_payload_result np_payload_check(const struct np_payload_spec *spec,
					const struct np_probe_ident *id,
					const uint8_t *payload, size_t len,
					struct np_payload_mismatch *mm);

/* The whole MAC we sent (all 8 bytes, or the whole payload when it is
 * shorter) is present and right for flow and sequence, over the stamp the
 * payload holds (`stamp` NULL) or the probe's (*stamp): what a reply or an
 * ICMP error must show before it can be about one of our probes. */
bool np_payload_has_mac(const struct np_payload_spec *spec, uint16_t flow,
			uint16_t seq, const uint64_t *stamp,
			const uint8_t *payload, size_t len);

/* Only the MAC bytes that are present (for quoted packets inside ICMP
 * errors, which may hold only part of the payload), for probe `id`.  True
 * when every MAC byte present matches. */
bool np_payload_mac_matches(const struct np_payload_spec *spec,
			    const struct np_probe_ident *id,
			    const uint8_t *payload, size_t len);

#endif
