/* proto_icmp.h - ICMP and ICMPv6 Echo, the first probe protocol: the
 * Echo Request built, the Echo Reply parsed, and the key an ICMP error's
 * quote of an Echo Request proves.  Used through np_proto_icmp (proto.h);
 * the functions are exported for the inspect decoder and the tests. */
#ifndef NP_PROTO_ICMP_H
#define NP_PROTO_ICMP_H

#include "payload.h"
#include "proto.h"

extern const struct np_proto np_proto_icmp;

/* Build an Echo Request into buf.  For AF_INET the checksum is computed
 * here; for AF_INET6 it is left 0 (the kernel fills it in on every ICMPv6
 * socket, RFC 3542 section 3.1).  Returns the packet length, or 0 if buf
 * is too small. */
size_t np_icmp_build_echo(uint8_t *buf, size_t buflen, int family, uint16_t id,
			  uint16_t seq, const struct np_payload_spec *spec,
			  uint64_t stamp);

/* The same in two steps, for a buffer that sends many probes: the fill,
 * the same in every probe of a run, written once by np_icmp_prepare_echo,
 * which returns its partial checksum (0 when there is no fill or buf is
 * too small); then for each probe np_icmp_finish_echo writes the header,
 * MAC and stamp and the checksum, as np_icmp_build_echo does. */
uint32_t np_icmp_prepare_echo(uint8_t *buf, size_t buflen,
			      const struct np_payload_spec *spec);
/* np_icmp_prepare_echo for the buffer a run sends every probe from, and
 * spec->fill pointed at its fill so that replies are compared with it. */
uint32_t np_icmp_keep_echo(uint8_t *buf, size_t buflen,
			   struct np_payload_spec *spec);
size_t np_icmp_finish_echo(uint8_t *buf, size_t buflen, int family, uint16_t id,
			   uint16_t seq, const struct np_payload_spec *spec,
			   uint64_t stamp, uint32_t fill_sum);

#endif
