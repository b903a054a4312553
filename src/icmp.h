/* icmp.h - building ICMP/ICMPv6 Echo Requests, the Internet checksum and the
 * payload layout. */
#ifndef NP_ICMP_H
#define NP_ICMP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NP_ICMP_HDR_LEN 8

/* ICMP and ICMPv6 message types used here. */
enum {
	NP_ICMP_ECHOREPLY = 0,
	NP_ICMP_DEST_UNREACH = 3,
	NP_ICMP_SOURCE_QUENCH = 4,
	NP_ICMP_REDIRECT = 5,
	NP_ICMP_ECHO = 8,
	NP_ICMP_TIME_EXCEEDED = 11,
	NP_ICMP_PARAMPROB = 12,

	NP_ICMP6_DST_UNREACH = 1,
	NP_ICMP6_PACKET_TOO_BIG = 2,
	NP_ICMP6_TIME_EXCEEDED = 3,
	NP_ICMP6_PARAM_PROB = 4,
	NP_ICMP6_ECHO_REQUEST = 128,
	NP_ICMP6_ECHO_REPLY = 129,
	NP_ICMP6_REDIRECT = 137,
};

/* Payload layout (all of it is checked in every reply):
 *   bytes 0..7   per-run random cookie (big endian)
 *   bytes 8..15  send stamp, ns (big endian): the monotonic send time plus
 *                CLOCK_REALTIME - CLOCK_MONOTONIC at the start of the run
 *   bytes 16..   the fill: the -p pattern repeated, or by default each byte
 *                equal to its offset in the payload modulo 256.
 * A payload shorter than 16 bytes carries as much of the cookie and stamp as
 * fits; RTTs never depend on the payload (the engine keeps the send time). */
#define NP_PAYLOAD_COOKIE_OFF 0
#define NP_PAYLOAD_STAMP_OFF 8
#define NP_PAYLOAD_FILL_OFF 16
#define NP_PATTERN_MAX 16

struct np_payload_spec {
	uint64_t cookie;
	uint8_t pattern[NP_PATTERN_MAX];
	size_t pattern_len; /* 0: default fill */
	size_t size;	    /* payload bytes after the 8-byte ICMP header */
	/* The fill as sent (np_icmp_prepare_echo's buffer, from payload byte
	 * NP_PAYLOAD_FILL_OFF), for replies to be compared with; NULL: made
	 * again from the pattern for each comparison. */
	const uint8_t *fill;
};

enum np_payload_result {
	NP_PAYLOAD_OK = 0,
	NP_PAYLOAD_COOKIE, /* cookie differs: another sender's packet */
	NP_PAYLOAD_LENGTH, /* reply payload is not the size we sent */
	NP_PAYLOAD_STAMP,  /* cookie right, send stamp altered */
	NP_PAYLOAD_DATA,   /* fill bytes altered */
};

struct np_payload_mismatch {
	size_t index; /* first differing byte (offset in the payload) */
	uint8_t expected;
	uint8_t got;
	size_t got_len; /* for NP_PAYLOAD_LENGTH */
};

/* RFC 1071 one's complement sum, folded.  `sum` carries a partial sum from
 * earlier pieces (e.g. a pseudo-header); pieces must be even-length except
 * the last. */
uint32_t np_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t np_csum_fold(uint32_t sum);
/* The Internet checksum of data[0..len): the value to put in the checksum
 * field, and 0 when verifying data that already contains a checksum. */
uint16_t np_inet_checksum(const void *data, size_t len);
/* ICMPv6 checksum with the RFC 8200 section 8.1 pseudo-header. */
uint16_t np_icmp6_checksum(const struct in6_addr *src,
			   const struct in6_addr *dst, const void *icmp,
			   size_t len);

/* Expected byte at offset `i` of the payload, given the send stamp. */
uint8_t np_payload_byte(const struct np_payload_spec *spec, uint64_t stamp,
			size_t i);

/* Build an Echo Request into buf.  For AF_INET the checksum is computed
 * here; for AF_INET6 it is left 0 (the kernel fills it in on every ICMPv6
 * socket, RFC 3542 section 3.1) unless src/dst are given.  Returns the
 * packet length, or 0 if buf is too small. */
size_t np_icmp_build_echo(uint8_t *buf, size_t buflen, int family, uint16_t id,
			  uint16_t seq, const struct np_payload_spec *spec,
			  uint64_t stamp);

/* The same in two steps, for a buffer that sends many probes: the fill
 * (payload bytes from NP_PAYLOAD_FILL_OFF on), the same in every probe of
 * a run, written once by np_icmp_prepare_echo, which returns its partial
 * checksum (0 when there is no fill or buf is too small); then for each
 * probe np_icmp_finish_echo writes the header, cookie and stamp and the
 * checksum, as np_icmp_build_echo does. */
uint32_t np_icmp_prepare_echo(uint8_t *buf, size_t buflen,
			      const struct np_payload_spec *spec);
/* np_icmp_prepare_echo for the buffer a run sends every probe from, and
 * spec->fill pointed at its fill so that replies are compared with it. */
uint32_t np_icmp_keep_echo(uint8_t *buf, size_t buflen,
			   struct np_payload_spec *spec);
/* The payload stamp of a probe sent at `sent_mono`: that time plus `off`
 * (realtime - monotonic at the start of the run), made greater than the
 * previous one, *last. */
uint64_t np_payload_next_stamp(int64_t sent_mono, int64_t off, uint64_t *last);
size_t np_icmp_finish_echo(uint8_t *buf, size_t buflen, int family, uint16_t id,
			   uint16_t seq, const struct np_payload_spec *spec,
			   uint64_t stamp, uint32_t fill_sum);

/* Read the send stamp out of a reply payload (bytes 8..15); false if the
 * payload is too short to hold all of it. */
bool np_payload_stamp(const uint8_t *payload, size_t len, uint64_t *stamp);

/* Compare a received payload with what we sent: cookie first (a mismatch
 * means the packet is someone else's), then length, stamp and fill. */
enum np_payload_result np_payload_check(const struct np_payload_spec *spec,
					uint64_t stamp, const uint8_t *payload,
					size_t len,
					struct np_payload_mismatch *mm);

/* The whole cookie we sent (all 8 bytes, or the whole payload when it is
 * shorter) is present and matches: what a reply or an ICMP error must
 * show before it can be about one of our probes. */
bool np_payload_has_cookie(const struct np_payload_spec *spec,
			   const uint8_t *payload, size_t len);

/* Only the cookie bytes that are present (for quoted packets inside ICMP
 * errors, which may hold only part of the payload).  True when every cookie
 * byte present matches. */
bool np_payload_cookie_matches(const struct np_payload_spec *spec,
			       const uint8_t *payload, size_t len);

#endif
