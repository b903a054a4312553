/* proto_tcp.h - TCP SYN probes over a raw socket (--tcp): the SYN built
 * with its pseudo-header checksum, the SYN/ACK (open) and RST/ACK (closed)
 * parsed, and what an ICMP error's quote of a SYN proves.  Used through
 * np_proto_tcp (proto.h); the functions are exported for the tests. */
#ifndef NP_PROTO_TCP_H
#define NP_PROTO_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "payload.h"
#include "proto.h"

extern const struct np_proto np_proto_tcp;

#define NP_TCP_HDR_LEN 20
#define NP_TCP_SYN_LEN 24 /* the header and the MSS option */

#define NP_TCP_FIN 0x01
#define NP_TCP_SYN 0x02
#define NP_TCP_RST 0x04
#define NP_TCP_PSH 0x08
#define NP_TCP_ACK 0x10

/* The TCP checksum of seg[0..len) over the pseudo-header of `src` and
 * `dst` (AF_INET: RFC 9293 3.1; AF_INET6: RFC 8200 8.1): the value to
 * put in the checksum field (zero there), and 0 when verifying a segment
 * that holds its checksum. */
uint16_t np_tcp_checksum(int family, const struct sockaddr *src,
			 const struct sockaddr *dst, const uint8_t *seg,
			 size_t len);

/* A probe's initial sequence number: its 16-bit wire sequence in the high
 * half, the first 16 bits of its MAC (np_payload_tag) in the low half. */
uint32_t np_tcp_isn(const struct np_payload_spec *spec,
		    const struct np_probe_ident *id);

/* The SYN of probe `id` on flow `fl` into buf: header, MSS option, and the
 * checksum when fl->src is known (else 0).  Returns NP_TCP_SYN_LEN, or 0
 * when buf is too small. */
size_t np_tcp_build_syn(uint8_t *buf, size_t buflen, const struct np_flow *fl,
			const struct np_probe_ident *id,
			const struct np_payload_spec *spec);

/* A source port for the run outside [lo, hi] (the kernel's ephemeral
 * range), from 1024 to 65535, drawn from `rnd`. */
uint16_t np_tcp_pick_port(uint32_t rnd, unsigned lo, unsigned hi);
/* The kernel's ephemeral range (ip_local_port_range, for IPv6 too; the
 * default 32768-60999 when it cannot be read). */
void np_tcp_ephemeral_range(unsigned *lo, unsigned *hi);

#endif
