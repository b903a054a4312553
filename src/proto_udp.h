/* proto_udp.h - UDP probes (--udp[=PORT]): the datagram built with its
 * checksum made equal to the probe's sequence (Paris traceroute), the
 * application's reply and the ICMP errors that quote a probe parsed.
 * Used through np_proto_udp (proto.h); the functions are exported for the
 * tests.
 *
 * A probe's UDP payload (-s bytes, at least NP_UDP_HEAD_LEN):
 *   bytes 0..1  chosen so that the UDP checksum equals the wire sequence
 *   bytes 2..3  the wire sequence (big endian)
 *   bytes 4..   the authentication bytes of payload.h: MAC, stamp, fill
 * A payload the user gives (--payload) is sent as it is instead. */
#ifndef NP_PROTO_UDP_H
#define NP_PROTO_UDP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "payload.h"
#include "proto.h"

#define NP_UDP_HDR_LEN 8
#define NP_UDP_HEAD_LEN 4 /* checksum bytes and sequence */
#define NP_UDP_DEFAULT_PORT 33434

extern const struct np_proto np_proto_udp;

/* The UDP checksum of the datagram udp[0..len) (header included, its
 * checksum field as it is) from `src` to `dst` (AF_INET or AF_INET6, the
 * same family): the value for the checksum field when that field is 0,
 * 0 when checking a datagram that carries its checksum.  A computed 0 is
 * returned as is (the caller sends 0xffff, RFC 768). */
uint16_t np_udp_checksum(const struct sockaddr *src, const struct sockaddr *dst,
			 const uint8_t *udp, size_t len);

/* The two bytes at payload offset 0 (udp + 8) that make the checksum of
 * the datagram (header's checksum field 0, those two bytes 0 when called)
 * equal to `want` (never 0: 0 is sent as 0xffff), from `sum`, the
 * unfolded sum of everything else (pseudo-header included). */
uint16_t np_udp_paris_word(uint32_t sum, uint16_t want);

/* The checksum a probe of wire sequence `seq` carries: the sequence, but
 * 0xffff for 0 (RFC 768: a computed 0 is sent as all ones). */
uint16_t np_udp_seq_checksum(uint16_t seq);

#endif
