/* fuzz_fixture.h - the run that fuzz_reply matches packets against, shared
 * with mkseeds.c so that the seed corpus holds replies and errors that
 * answer its probes (and so reach the matchers' deepest paths). */
#ifndef NP_FUZZ_FIXTURE_H
#define NP_FUZZ_FIXTURE_H

#include <stdint.h>

#define FX_US4 "198.51.100.1"
#define FX_TGT4 "198.51.100.7"
#define FX_RTR4 "198.51.100.254"
#define FX_GONE4 "198.51.100.9" /* many targets: already reported */
#define FX_US6 "2001:db8::1"
#define FX_TGT6 "2001:db8::7"
#define FX_RTR6 "2001:db8::fe"

#define FX_IDENT 0x1234
#define FX_COOKIE 0xc0ffee0012345678ULL
#define FX_SIZE 56
#define FX_STAMP0 1700000000000000000ULL
#define FX_MS 1000000LL

/* Probes FX_FIRST .. FX_FIRST + FX_NPROBES - 1 have been sent, so that
 * their wire sequence numbers wrap (65533, 65534, 65535, 0, 1, 2); each
 * carries the stamp FX_STAMP0 + its number.  Their states: */
#define FX_FIRST 65533u
#define FX_NPROBES 6u
/* FX_FIRST + 0: pending
 * FX_FIRST + 1: replied
 * FX_FIRST + 2: errored (sendto failed)
 * FX_FIRST + 3: timed out
 * FX_FIRST + 4, + 5: pending
 * Many targets: probe k goes to slot k % 3, slot 0 FX_TGT4, slot 1 FX_TGT6,
 * slot 2 FX_GONE4 (whose generation moved on after the sends). */
#define FX_RX_MONO (100 * FX_MS)

/* fuzz_reply's first 17 bytes, read only for the error-queue variant:
 * byte 0 bit 0 selects IPv6, bytes 1..16 are a struct sock_extended_err
 * (host byte order), the rest is the packet the kernel returned. */
#define FX_EQ_HDR 17

#endif
