#!/usr/bin/env python3
"""responder.py - a fault-injecting ICMP/ICMPv6, TCP and UDP responder on a
TUN device.

Integration tests use it to play "the other end" of a ping inside a network
namespace: it reads every IP packet the kernel routes into a TUN device and
answers ICMP Echo Requests (IPv4 type 8) and ICMPv6 Echo Requests (type 128),
TCP SYNs and UDP datagrams itself, building the replies byte by byte (IPv4
header checksum, RFC 1071 ICMP checksum, the ICMPv6, TCP and UDP checksums
over their pseudo-headers: RFC 8200 section 8.1, RFC 9293 section 3.1, RFC
768), so that a test can make the replies late, lost, duplicated,
reordered, corrupted, truncated, spoofed, replaced by ICMP errors (with
valid or malformed quotes), hostile in the ways of TCP (a wrong ack, a
blind reset, other ports, a forged quote), retransmitted, or drowned in
unrelated ICMP noise.  Everything else that reaches the device (IPv6
router/neighbour solicitations, MLD reports, TCP segments other than a SYN
such as the prober's RSTs, the kernel's own answers to the noise, ...) is
ignored, and logged as such.

TCP: a SYN (without ACK) to a port of --tcp-open (default 80 and 443) is
answered with a SYN/ACK (ack = ISN + 1, an MSS option, window 64240, the
responder's ISN a function of the prober's), to any other port with a
RST/ACK (seq 0, ack = ISN + 1), as a listening and a closed port of a TCP
stack answer (RFC 9293 section 3.10.7.2).  The prober's own kernel answers
a SYN/ACK with a RST (no socket owns the port): logged as "ignored: TCP R
PORT > PORT", so a test can count them.  UDP: a datagram to a port of
--udp-open is echoed back from that port (an application's reply); to any
other port it gets an ICMP port unreachable (IPv4 type 3 code 3, ICMPv6
type 1 code 4) from the address it went to, quoting it.  For TCP and UDP,
"seq" below (--answer, --delay-seq, the log) is the request's number in
its flow: 1 for the first SYN or datagram with these addresses and ports,
2 for the next, and so on (a prober that keeps one source port per run,
as netprobe does, numbers its probes 1, 2, ... this way).

Python 3 standard library only.  Needs root (or CAP_NET_ADMIN) for
/dev/net/tun.

Recommended sequence (inside a namespace the test created and deletes):

    ip netns exec NS ip tuntap add dev tun0 mode tun    # persistent device
    ip -n NS addr add 198.51.100.1/24 dev tun0          # our side, IPv4
    ip -n NS -6 addr add 2001:db8::1/64 dev tun0 nodad  # our side, IPv6
    ip -n NS link set dev tun0 up
    ip netns exec NS python3 responder.py --dev tun0 --ready-file F \\
        [scenario flags] --max-seconds 30 &
    # wait (bounded) until F exists: the responder is attached, the carrier
    # is up, and packets to 198.51.100.0/24 and 2001:db8::/64 (other than
    # the two local addresses) are answered by the responder.
    ip netns exec NS netprobe -c 3 198.51.100.7

The addresses and routes are the test's job; the prefix routes that come
with "ip addr add" are enough.  Without them, "ip route add 198.51.100.0/24
dev tun0" and "ip -6 route add 2001:db8::/64 dev tun0" do the same (the
kernel then needs some address on another interface as a source).

Attaching to a persistent device (created with "ip tuntap add") is the
recommended way: the device, its addresses and routes exist before the
responder starts and survive a responder restart, so a test can run several
scenarios on one device, one responder after the other.  If the device does
not exist, opening it creates a non-persistent one that disappears when the
responder exits; the test must then wait for --ready-file before
configuring it.  Either way, --ready-file is touched only once the responder
is attached: until then the device has no carrier and the kernel drops
everything routed to it.

Scenario flags (combinable; one responder answers both families, and a
flag that concerns one family only leaves the other's answers alone):

  what to answer with (the builders)
    --answer PATTERN   deterministic loss: answer a request with sequence
                       number seq iff PATTERN[(seq - 1) % len(PATTERN)] is
                       '1' ("10" answers every other probe, from the first)
    --unreachable CODE instead of an echo reply send a Destination
                       Unreachable (IPv4 type 3 / ICMPv6 type 1) with that
                       code, quoting the request, from --router/--router6
                       (default: the address the request was sent to)
    --time-exceeded CODE  the same with a Time Exceeded (IPv4 type 11 /
                       ICMPv6 type 3); code 0 is "TTL / hop limit"
    --quote MODE       what an --unreachable or --time-exceeded error
                       quotes of the request (default full):
                         full       the whole request (up to 576 bytes of
                                    IPv4 error, 1280 of ICMPv6 error)
                         short      the IP header and 8 bytes: the RFC 792
                                    minimum, the ICMP header without any
                                    payload
                         options    IPv4: the quoted header rewritten with
                                    40 bytes of options (a record route
                                    holding one address), IHL 15, its total
                                    length and checksum to match
                         options-bad  IPv4: as options, but the record
                                    route claims 44 bytes (past the header)
                         ihl-past   IPv4: quoted IHL 15, but the quote stops
                                    after 20 + 8 bytes (IHL past the quote)
                         ext        IPv6: a hop-by-hop header (PadN) between
                                    the quoted IPv6 header and ICMPv6, its
                                    payload length to match (well formed)
                         ext-bad    IPv6: a hop-by-hop header whose length
                                    (2048 bytes) runs past the quote
                         proto      the quoted protocol / next header is UDP
                         cut-ip     the quote ends inside the quoted IP
                                    header (12 bytes IPv4, 24 bytes IPv6)
                         cut-icmp   the quote ends inside the quoted ICMP
                                    header (IP header + 4 bytes)
                         other-dst  the quoted destination is another
                                    address (198.51.100.99, 2001:db8::99)
                         other-cookie  the first byte of the quoted echo
                                    data flipped (another run's probe, for a
                                    pinger that puts a cookie there)
                         version    the quoted IP version is the other one
                         totlen     the quoted total length (IPv4) or
                                    payload length (IPv6) claims less than
                                    the headers: IHL*4 resp. 4 bytes
                       An IPv4-only mode quotes IPv6 requests in full, and
                       the reverse (the log says so).
    --router ADDR4, --router6 ADDR6
                       source of the ICMP errors (one per scenario: the
                       kernel's ICMP rate limits are per source address)
                         other-isn  TCP: the quoted sequence number (the
                                    SYN's ISN) xor 0x80000001, the rest
                                    as sent: a forged error from someone
                                    who guessed the ports but not the ISN
                         short-other-isn  the same, quoting the IP header
                                    and 8 bytes (ports and ISN) only
                       A TCP-only mode quotes other requests in full.
    --foreign-id       echo replies carry another Echo identifier (the
                       request's xor 0x8000): another pinger's replies
    --spoof-source ADDR4, --spoof-source6 ADDR6
                       echo replies, right identifier and sequence (and
                       TCP answers and UDP replies), come from this address
                       instead of the one pinged
    --tcp-open PORTS   TCP ports (comma-separated, "" for none) that answer
                       a SYN with a SYN/ACK; every other port answers with
                       a RST/ACK (default 80,443)
    --tcp-reply MODE   what is wrong with the answer to a SYN:
                         normal     nothing (the default)
                         bad-ack    the SYN/ACK or RST/ACK acknowledges
                                    ISN + 2 instead of ISN + 1
                         rst-no-ack a RST without the ACK flag, seq ISN + 1,
                                    ack 0, whatever the port (a blind reset)
                         other-sport  the right answer, but from another
                                    port (the probed port + 1)
                         other-dport  the right answer, but to another
                                    port of the prober (its port + 1)
    --udp-open PORTS   UDP ports whose datagrams are echoed back (default
                       none); every other port answers with an ICMP port
                       unreachable (unless --unreachable or --time-exceeded
                       says what to answer every request with)

  what to change in the answer's bytes (the mutations)
    --alter-payload OFF  flip (xor 0xff) the echo data byte at offset OFF
                       (counted from the first byte after the 8-byte ICMP
                       header); the checksum is computed afterwards, so it
                       is valid and only the data is wrong
    --bad-checksum     corrupt the ICMP/ICMPv6 (TCP, UDP) checksum of what
                       is sent
    --truncate N       cut every answer datagram to N bytes; the IP length
                       field (IPv4 total length, IPv6 payload length) says
                       N and the ICMP checksum is computed over what is
                       left, so a short message is the only fault
    --truncate-stale-checksum  ... but keep the checksum of the whole
                       message (wrong for what is left)
    --truncate-keep-length     ... but keep the IP length field of the
                       whole datagram (longer than what is sent)
    --ip-options KIND  IPv4 answers carry 40 bytes of header options (IHL
                       15): rr (record route, full, 9 addresses filled),
                       nop (40 no-operations), ts (timestamp, full, 9
                       timestamps), bad (a record route whose length runs
                       past the header)
    --ihl N            IPv4 answers carry N (0..15) in the header length
                       field, whatever the header really holds
    --ext6 KIND        IPv6 answers carry an 8-byte extension header
                       between the IPv6 header and the ICMPv6 message, the
                       payload length to match: hbh (hop-by-hop options,
                       one PadN), dst (destination options, one PadN), bad
                       (hop-by-hop whose length, 2048 bytes, runs past the
                       packet)

  when and how often answers leave (the schedule)
    --delay-ms MS      send every answer MS milliseconds after the request
                       arrived (scheduled: requests keep being read
                       meanwhile, so replies of an interval shorter than the
                       delay are all in flight together)
    --delay-seq SEQ:MS delay only the answer to sequence SEQ (by MS ms)
    --dup N            send every answer N + 1 times (N duplicates),
                       back to back
    --retransmit MS    send every answer once more, MS ms after the first
                       (Linux retransmits an unanswered SYN/ACK after 1000
                       ms); the same bytes but the IP ID; not with
                       --reorder
    --reorder N        hold answers and release each group of N requests'
                       answers in reverse order of arrival (each no earlier
                       than its own delay); a group still incomplete
                       --reorder-wait-ms (default 500) after its first
                       answer was held is released then, reversed too
    --noise N          with every echo request (answered or not), first
                       send N unrelated packets to the pinger, taken in order
                       from the list below (from its start for each
                       request, cycling when N is longer than the list)

Noise, IPv4 (sources: the pinged address for 0, NOISE4 198.51.100.250 for
the others; unrelated traffic quoted goes to 198.51.100.251):
    0 echo reply, right sequence, identifier xor 0x8000
    1 echo request to the pinger (the kernel answers it)
    2 timestamp reply (type 14)
    3 port unreachable quoting a UDP datagram from the pinger
    4 time exceeded quoting an echo request with identifier xor 0x8000
    5 host unreachable as 4, with a wrong ICMP checksum (malformed)
    6 host unreachable quoting only 10 bytes of an IPv4 header (malformed)
    7 echo reply of 6 bytes, identifier xor 0x8000 (the kernel's ICMP_FILTER
      drops it: it looks for an 8-byte header)
    8 parameter problem quoting a UDP datagram from the pinger
Noise, IPv6 (the pinged address for 0, NOISE6 2001:db8::fa for the others,
unrelated traffic quoted goes to 2001:db8::fb):
    0 echo reply, right sequence, identifier xor 0x8000
    1 echo request to the pinger (the kernel answers it)
    2 router advertisement, hop limit 255, router lifetime 0 (the kernel
      ignores it: its source is not link-local)
    3 port unreachable quoting a UDP datagram from the pinger
    4 time exceeded quoting an echo request with identifier xor 0x8000
    5 address unreachable as 4, with a wrong checksum (the kernel drops it)
    6 address unreachable quoting only 20 bytes of an IPv6 header (malformed)
    7 echo reply of 4 bytes (ICMPv6 type, code, checksum) (malformed)
    8 neighbour advertisement for 2001:db8::fa, hop limit 255, override
      flag (the kernel ignores it: no neighbour entry asked for it)
"Malformed" marks what a pinger that checks lengths and checksums must
count as malformed; every other noise packet is none of its business.

Order of the pipeline for one request: parse -> decide (--answer) -> build
(echo reply, --foreign-id, --spoof-source, a TCP answer with its
--tcp-reply, a UDP reply or port unreachable, or an --unreachable /
--time-exceeded error with its --quote) -> mutate (--ip-options and --ihl,
which the IPv4 header gets when the answer is assembled, --alter-payload,
--truncate, then the checksums, then --bad-checksum) ->
schedule (--noise first, then --dup copies of the answer, at --delay-ms /
--delay-seq, held for --reorder, then the --retransmit copy).  New scenarios hook into one of these
steps:
  - a new kind of answer is a builder, chosen in Responder.build();
  - a change to the bytes of an answer is a mutation in Responder.mutate(),
    before or after the checksums as the scenario needs;
  - a change to when or how often answers leave belongs in
    Responder.schedule() and the Scheduler.

Bounds: --max-seconds (default 60, at most 3600) always applies;
--max-packets N stops after N requests have been handled (answers
already scheduled or held are still sent, within --max-seconds).  --dup,
--noise and --reorder take at most 64, so one request never makes more
than 64 + 65 datagrams.  SIGTERM and SIGINT end the responder at once,
exit code 0.

Exit codes: 0 done (bound reached or signal), 2 usage or setup error.

--log FILE writes one line per packet handled (what was decided, the
mutations, "+noise N", "held for reorder") and one per datagram written
("sent LABEL, N bytes"; a test can check that a datagram the kernel drops
was really sent), e.g.
    0.201 v4 198.51.100.1 > 198.51.100.7 id=4660 seq=2 drop (answer pattern)
    0.402 v6 2001:db8::1 > 2001:db8::7 id=4660 seq=3 reply x2 +0ms
    0.402 sent v6 reply seq=3, 104 bytes
    0.402 sent v6 reply seq=3, 104 bytes
    0.503 v4 198.51.100.1 > 198.51.100.7 id=4660 seq=4 reply x1 +0ms +noise 9
    0.503 sent v4 noise 5 unreachable-bad-checksum, 112 bytes
    0.611 v4 tcp 198.51.100.1.40001 > 198.51.100.7.443 syn isn=12345 seq=1 synack x1 +0ms
    0.611 sent v4 synack seq=1, 44 bytes
    0.611 ignored: TCP R 40001 > 443
"""

import argparse
import errno
import fcntl
import heapq
import ipaddress
import os
import select
import signal
import socket
import struct
import sys
import time

# <linux/if_tun.h>
TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
IFNAMSIZ = 16

IPPROTO_ICMP = 1
IPPROTO_TCP = 6
IPPROTO_UDP = 17
IPPROTO_ICMPV6 = 58

ICMP_ECHOREPLY = 0
ICMP_DEST_UNREACH = 3
ICMP_ECHO = 8
ICMP_TIME_EXCEEDED = 11
ICMP_PARAMPROB = 12
ICMP_TIMESTAMPREPLY = 14
ICMP6_DST_UNREACH = 1
ICMP6_TIME_EXCEEDED = 3
ICMP6_ECHO_REQUEST = 128
ICMP6_ECHO_REPLY = 129
ND_ROUTER_ADVERT = 134
ND_NEIGHBOR_ADVERT = 136

REPLY_TTL = 64
# How much of the offending datagram an ICMP error may carry: RFC 1812
# section 4.3.2.3 (an IPv4 error no longer than 576 bytes, as Linux does)
# and RFC 4443 section 2.4 (c) (an ICMPv6 error that fits the minimum
# IPv6 MTU).
ERROR_MAX_V4 = 576
ERROR_MAX_V6 = 1280
MAX_SECONDS_LIMIT = 3600.0
READ_SIZE = 65536
MAX_MULTIPLY = 64  # --dup, --noise, --reorder
MAX_REORDER_WAIT_MS = 10000

# --foreign-id and the noise: "another pinger's" identifier.
FOREIGN_ID_XOR = 0x8000
# Addresses of the noise and of the --quote other-dst destination.
NOISE4 = ipaddress.ip_address("198.51.100.250").packed
NOISE_PEER4 = ipaddress.ip_address("198.51.100.251").packed
NOISE6 = ipaddress.ip_address("2001:db8::fa").packed
NOISE_PEER6 = ipaddress.ip_address("2001:db8::fb").packed
OTHER_DST4 = ipaddress.ip_address("198.51.100.99").packed
OTHER_DST6 = ipaddress.ip_address("2001:db8::99").packed

QUOTE_MODES = ("full", "short", "options", "options-bad", "ihl-past", "ext",
               "ext-bad", "proto", "cut-ip", "cut-icmp", "other-dst",
               "other-cookie", "version", "totlen", "other-isn",
               "short-other-isn")
QUOTE_V4_ONLY = ("options", "options-bad", "ihl-past")
QUOTE_V6_ONLY = ("ext", "ext-bad")
QUOTE_TCP_ONLY = ("other-isn", "short-other-isn")
TCP_REPLY_MODES = ("normal", "bad-ack", "rst-no-ack", "other-sport",
                   "other-dport")
# --quote other-isn: the quoted sequence number changed in its top and
# bottom bits (whatever part of it a prober keys its probes on)
OTHER_ISN_XOR = 0x80000001
IP_OPTION_KINDS = ("rr", "nop", "ts", "bad")
EXT6_KINDS = ("hbh", "dst", "bad")
IPPROTO_HOPOPTS = 0
IPPROTO_DSTOPTS = 60


# ---------------------------------------------------------------------------
# Checksums (RFC 1071)


def inet_sum(data, acc=0):
    """One's complement sum of 16-bit big-endian words, not yet inverted.
    An odd trailing byte is padded with a zero byte."""
    if len(data) % 2:
        data = bytes(data) + b"\0"
    for (word,) in struct.iter_unpack("!H", data):
        acc += word
    while acc >> 16:
        acc = (acc & 0xFFFF) + (acc >> 16)
    return acc


def inet_checksum(data, acc=0):
    """The value for a checksum field (computed with the field zeroed);
    0 when verifying data that already holds a correct checksum."""
    return ~inet_sum(data, acc) & 0xFFFF


def pseudo_sum(family, src, dst, length, proto):
    """Sum of the pseudo-header of TCP and UDP (RFC 9293 section 3.1,
    RFC 768) over IPv4, and of every upper layer over IPv6 (RFC 8200
    section 8.1)."""
    if family == 4:
        return inet_sum(src + dst + struct.pack("!xBH", proto, length))
    return inet_sum(src + dst + struct.pack("!IxxxB", length, proto))


# Where each message's checksum field is: ICMP, ICMPv6, TCP, UDP.
CSUM_OFFSET = {IPPROTO_ICMP: 2, IPPROTO_ICMPV6: 2, IPPROTO_TCP: 16,
               IPPROTO_UDP: 6}


def msg_proto(family, proto):
    """The IP protocol of an answer: "ICMP" means ICMPv6 over IPv6."""
    if proto == IPPROTO_ICMP and family == 6:
        return IPPROTO_ICMPV6
    return proto


def icmp_checksum(family, src, dst, icmp, proto=IPPROTO_ICMP):
    """The checksum of an ICMP/ICMPv6 message, or of a TCP segment or UDP
    datagram (proto), as its checksum field should hold it."""
    proto = msg_proto(family, proto)
    if proto == IPPROTO_ICMP:
        return inet_checksum(icmp)
    return inet_checksum(icmp, pseudo_sum(family, src, dst, len(icmp), proto))


def set_icmp_checksum(family, src, dst, icmp, proto=IPPROTO_ICMP):
    """Fill the checksum field of an ICMP/ICMPv6 message (bytes 2..3), TCP
    segment (16..17) or UDP datagram (6..7), a bytearray, in place.  A
    message too short for the field is left alone.  UDP sends a computed
    0 as 0xffff (RFC 768: 0 means "no checksum")."""
    off = CSUM_OFFSET[msg_proto(family, proto)]
    if len(icmp) < off + 2:
        return
    icmp[off : off + 2] = b"\0\0"
    csum = icmp_checksum(family, src, dst, icmp, proto)
    if proto == IPPROTO_UDP and csum == 0:
        csum = 0xFFFF
    icmp[off : off + 2] = struct.pack("!H", csum)


def corrupt_icmp_checksum(family, src, dst, icmp, proto=IPPROTO_ICMP):
    """Make the checksum wrong, and provably so.  Adding a constant keeps
    it away from the one equivalent encoding of a correct sum (0x0000 and
    0xffff are both "zero" in one's complement)."""
    off = CSUM_OFFSET[msg_proto(family, proto)]
    if len(icmp) < off + 2:
        return
    (good,) = struct.unpack_from("!H", icmp, off)
    bad = (good + 0x1234) & 0xFFFF
    if proto in (IPPROTO_TCP, IPPROTO_UDP):
        # Nor the sum of the pseudo-header alone: what a segment from a
        # local peer holds (CHECKSUM_PARTIAL), which a receiver of raw
        # packets may have to accept.
        partial = pseudo_sum(family, src, dst, len(icmp), proto)
        if bad == partial:
            bad = (bad + 0x1234) & 0xFFFF
    icmp[off : off + 2] = struct.pack("!H", bad)
    assert icmp_checksum(family, src, dst, icmp, proto) != 0


def set_ipv4_header_checksum(hdr):
    """Fill bytes 10..11 of an IPv4 header (a bytearray, options included)
    in place."""
    hdr[10:12] = b"\0\0"
    hdr[10:12] = struct.pack("!H", inet_checksum(hdr))


# ---------------------------------------------------------------------------
# Parsing what arrives on the device (the kernel's packets: trusted to be
# well formed, but checked anyway so that a bug shows as "ignored").


class Request:
    """A request as read from the device: an Echo Request (proto
    IPPROTO_ICMP, for both families), a TCP SYN or a UDP datagram.  For
    TCP and UDP, ident is the source port and seq the request's number in
    its flow (Responder.handle sets it: 1 for the first SYN or datagram of
    these addresses and ports, 2 for the next, ...)."""

    def __init__(self, family, packet, ip_hlen, src, dst, icmp,
                 proto=IPPROTO_ICMP):
        self.family = family  # 4 or 6
        self.proto = proto
        self.packet = packet  # the whole datagram, header included
        self.ip_hlen = ip_hlen  # bytes of IP header (IPv4 options included)
        self.src = src  # packed addresses
        self.dst = dst
        self.icmp = icmp  # the ICMP message / TCP segment / UDP datagram
        if proto == IPPROTO_ICMP:
            self.ident, self.seq = struct.unpack_from("!HH", icmp, 4)
            self.data = icmp[8:]  # the echo data
            return
        self.sport, self.dport = struct.unpack_from("!HH", icmp, 0)
        self.ident, self.seq = self.sport, 0
        if proto == IPPROTO_TCP:
            (self.isn,) = struct.unpack_from("!I", icmp, 4)
            self.data = icmp[(icmp[12] >> 4) * 4 :]
        else:
            self.data = icmp[8:]

    def flow(self):
        return (self.family, self.proto, self.src, self.sport, self.dst,
                self.dport)

    def describe(self):
        fam = socket.AF_INET if self.family == 4 else socket.AF_INET6
        src = socket.inet_ntop(fam, self.src)
        dst = socket.inet_ntop(fam, self.dst)
        if self.proto == IPPROTO_ICMP:
            return "v%d %s > %s id=%d seq=%d" % (self.family, src, dst,
                                                 self.ident, self.seq)
        if self.proto == IPPROTO_TCP:
            return "v%d tcp %s.%d > %s.%d syn isn=%d seq=%d" % (
                self.family, src, self.sport, dst, self.dport, self.isn,
                self.seq)
        return "v%d udp %s.%d > %s.%d len=%d seq=%d" % (
            self.family, src, self.sport, dst, self.dport, len(self.data),
            self.seq)


TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def tcp_flags(flags):
    return "".join(c for bit, c in ((TCP_FIN, "F"), (TCP_SYN, "S"),
                                    (TCP_RST, "R"), (TCP_PSH, "P"),
                                    (TCP_ACK, "A")) if flags & bit) or "none"


def parse_transport(family, pkt, ip_hlen, src, dst, proto, msg):
    """A TCP SYN (without ACK) or a UDP datagram, checksum verified, as a
    Request; every other segment (the prober's RSTs answering our SYN/ACKs
    among them) is a reason to ignore it, saying which flags it had."""
    if proto == IPPROTO_TCP:
        if len(msg) < 20 or (msg[12] >> 4) * 4 < 20 or \
                (msg[12] >> 4) * 4 > len(msg):
            return None, "short TCP segment"
        if icmp_checksum(family, src, dst, msg, IPPROTO_TCP) != 0:
            return None, "TCP checksum wrong"
        if msg[13] & (TCP_SYN | TCP_ACK | TCP_RST) != TCP_SYN:
            sport, dport = struct.unpack_from("!HH", msg, 0)
            return None, "TCP %s %d > %d" % (tcp_flags(msg[13]), sport, dport)
    else:
        if len(msg) < 8:
            return None, "short UDP datagram"
        (ulen, csum) = struct.unpack_from("!HH", msg, 4)
        if ulen < 8 or ulen > len(msg):
            return None, "bad UDP length"
        msg = msg[:ulen]
        if (csum or family == 6) and \
                icmp_checksum(family, src, dst, msg, IPPROTO_UDP) != 0:
            return None, "UDP checksum wrong"
    return Request(family, pkt, ip_hlen, src, dst, msg, proto), None


def parse_packet(pkt):
    """Return (Request, None) for an Echo Request, a TCP SYN or a UDP
    datagram, else (None, reason)."""
    if not pkt:
        return None, "empty read"
    version = pkt[0] >> 4
    if version == 4:
        return parse_ipv4(pkt)
    if version == 6:
        return parse_ipv6(pkt)
    return None, "IP version %d" % version


def parse_ipv4(pkt):
    if len(pkt) < 20:
        return None, "short IPv4 header"
    ihl = (pkt[0] & 0x0F) * 4
    (total,) = struct.unpack_from("!H", pkt, 2)
    if ihl < 20 or total < ihl or total > len(pkt):
        return None, "bad IPv4 lengths"
    (frag,) = struct.unpack_from("!H", pkt, 6)
    if frag & 0x3FFF:
        return None, "IPv4 fragment"
    if pkt[9] in (IPPROTO_TCP, IPPROTO_UDP):
        return parse_transport(4, pkt[:total], ihl, pkt[12:16], pkt[16:20],
                               pkt[9], pkt[ihl:total])
    if pkt[9] != IPPROTO_ICMP:
        return None, "IPv4 protocol %d" % pkt[9]
    icmp = pkt[ihl:total]
    if len(icmp) < 8:
        return None, "short ICMP message"
    if icmp[0] != ICMP_ECHO or icmp[1] != 0:
        return None, "ICMP type %d code %d" % (icmp[0], icmp[1])
    if inet_checksum(icmp) != 0:
        return None, "ICMP checksum wrong"
    return Request(4, pkt[:total], ihl, pkt[12:16], pkt[16:20], icmp), None


def parse_ipv6(pkt):
    if len(pkt) < 40:
        return None, "short IPv6 header"
    (plen,) = struct.unpack_from("!H", pkt, 4)
    if 40 + plen > len(pkt):
        return None, "bad IPv6 payload length"
    # Extension headers (the hop-by-hop header of MLD reports, ...) mean
    # "not a request we answer".
    src, dst = pkt[8:24], pkt[24:40]
    if pkt[6] in (IPPROTO_TCP, IPPROTO_UDP):
        return parse_transport(6, pkt[: 40 + plen], 40, src, dst, pkt[6],
                               pkt[40 : 40 + plen])
    if pkt[6] != IPPROTO_ICMPV6:
        return None, "IPv6 next header %d" % pkt[6]
    icmp = pkt[40 : 40 + plen]
    if len(icmp) < 8:
        return None, "short ICMPv6 message"
    if icmp[0] != ICMP6_ECHO_REQUEST or icmp[1] != 0:
        return None, "ICMPv6 type %d code %d" % (icmp[0], icmp[1])
    if icmp_checksum(6, src, dst, icmp) != 0:
        return None, "ICMPv6 checksum wrong"
    return Request(6, pkt[: 40 + plen], 40, src, dst, icmp), None


# ---------------------------------------------------------------------------
# Building datagrams


class Answer:
    """One datagram to send: the IP header fields we choose and the ICMP
    message (a bytearray, mutable until it is assembled).  The mutations
    may also set the IPv4 header options, an IHL to write instead of the
    real one, and an ICMP length for the IP length field other than the
    length of `icmp` (a truncated datagram that keeps its old length)."""

    def __init__(self, family, src, dst, icmp, kind, echo=False,
                 proto=IPPROTO_ICMP):
        self.family = family
        self.src = src
        self.dst = dst
        self.icmp = icmp  # or the TCP segment, the UDP datagram
        self.proto = proto  # IPPROTO_ICMP (ICMPv6 over IPv6), _TCP, _UDP
        self.kind = kind  # for the log: "reply", "unreachable/3", ...
        self.echo = echo  # an echo reply (its payload may be altered)
        self.ip_options = b""  # IPv4 only, a multiple of 4 bytes
        self.ihl = None  # IPv4 header length field to write, in words
        self.claimed_icmp_len = None  # for the IP length field
        self.ext6 = b""  # IPv6 only: extension headers before the ICMPv6
        self.ext6_first = IPPROTO_ICMPV6  # the IPv6 header's next header
        self.cut = None  # cut the assembled datagram to this many bytes

    def header_len(self):
        return 20 + len(self.ip_options) if self.family == 4 else \
            40 + len(self.ext6)

    def assemble(self, ip_id):
        icmp = bytes(self.icmp)
        claimed = self.claimed_icmp_len
        if self.family == 4:
            dgram = ipv4_datagram(self.src, self.dst, icmp, ip_id,
                                  proto=self.proto,
                                  options=self.ip_options, ihl=self.ihl,
                                  payload_len=claimed)
        else:
            dgram = ipv6_datagram(
                self.src, self.dst, self.ext6 + icmp,
                nxt=self.ext6_first if self.ext6
                else msg_proto(6, self.proto),
                payload_len=None if claimed is None
                else claimed + len(self.ext6))
        return dgram if self.cut is None else dgram[: self.cut]


def ipv4_datagram(src, dst, payload, ip_id, proto=IPPROTO_ICMP, ttl=REPLY_TTL,
                  options=b"", ihl=None, payload_len=None):
    """An IPv4 datagram.  `ihl` (words) and `payload_len` (bytes after the
    header, for the total length field) override the true values; the
    header checksum covers the header as built."""
    hlen = 20 + len(options)
    assert hlen % 4 == 0 and hlen <= 60
    if ihl is None:
        ihl = hlen // 4
    if payload_len is None:
        payload_len = len(payload)
    hdr = bytearray(
        struct.pack(
            "!BBHHHBBH4s4s",
            0x40 | (ihl & 0x0F),  # version 4, header length in words
            0,  # TOS
            (hlen + payload_len) & 0xFFFF,
            ip_id,
            0,  # flags and fragment offset
            ttl,
            proto,
            0,  # header checksum, filled below
            src,
            dst,
        )
        + options
    )
    set_ipv4_header_checksum(hdr)
    return bytes(hdr) + payload


def ipv6_datagram(src, dst, payload, nxt=IPPROTO_ICMPV6, hlim=REPLY_TTL,
                  payload_len=None):
    if payload_len is None:
        payload_len = len(payload)
    return (
        struct.pack("!IHBB16s16s", 6 << 28, payload_len & 0xFFFF, nxt, hlim,
                    src, dst)
        + payload
    )


def build_echo_reply(req, src=None, ident=None):
    """The echo reply, from `src` instead of the address pinged and with
    `ident` instead of the request's identifier when given."""
    icmp = bytearray(req.icmp)
    icmp[0] = ICMP_ECHOREPLY if req.family == 4 else ICMP6_ECHO_REPLY
    icmp[1] = 0
    kind = "reply"
    if ident is not None:
        icmp[4:6] = struct.pack("!H", ident)
        kind += "/foreign-id"
    if src is not None:
        kind += "/spoofed"
    return Answer(req.family, src if src is not None else req.dst, req.src,
                  icmp, kind, echo=True)


def other_port(port):
    """Another port than `port`, never 0."""
    return port % 65535 + 1


def tcp_segment(sport, dport, seq, ack, flags, window, options=b""):
    """A TCP header (no payload), checksum zero until mutate() fills it."""
    assert len(options) % 4 == 0
    doff = (20 + len(options)) // 4
    return bytearray(struct.pack("!HHIIBBHHH", sport, dport,
                                 seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                                 doff << 4, flags, window, 0, 0) + options)


def build_tcp_answer(req, open_ports, mode, src=None):
    """What a TCP stack answers to a SYN (RFC 9293 section 3.10.7.2-3): a
    SYN/ACK (ack = ISN + 1, an MSS option, as Linux sends) from a port in
    `open_ports`, else a RST/ACK (seq 0, ack = ISN + 1); from `src`
    instead of the address probed when given.  --tcp-reply MODE makes it
    hostile (see the docstring)."""
    sport, dport, ack = req.dport, req.sport, req.isn + 1
    is_open = req.dport in open_ports
    kind = "synack" if is_open else "rst"
    if mode == "bad-ack":
        ack += 1
    elif mode == "other-sport":
        sport = other_port(sport)
    elif mode == "other-dport":
        dport = other_port(dport)
    if mode == "rst-no-ack":
        # a blind reset: no ACK flag, so nothing it proves (RFC 9293
        # 3.10.7.3: SYN-SENT drops a RST without an acceptable ACK)
        seg = tcp_segment(sport, dport, req.isn + 1, 0, TCP_RST, 0)
        kind = "rst"
    elif is_open:
        # our own ISN: a function of the prober's, so a retransmission
        # or a duplicate carries the same bytes
        isn = (req.isn * 2654435761 + 0x5EED) & 0xFFFFFFFF
        seg = tcp_segment(sport, dport, isn, ack, TCP_SYN | TCP_ACK, 64240,
                          options=struct.pack("!BBH", 2, 4, 1460))
    else:
        seg = tcp_segment(sport, dport, 0, ack, TCP_RST | TCP_ACK, 0)
    if mode != "normal":
        kind += "/" + mode
    if src is not None:
        kind += "/spoofed"
    return Answer(req.family, src if src is not None else req.dst, req.src,
                  seg, kind, proto=IPPROTO_TCP)


def build_udp_reply(req, src=None):
    """An application's answer: the datagram's payload sent back from the
    port it went to."""
    udp = bytearray(struct.pack("!HHHH", req.dport, req.sport,
                                8 + len(req.data), 0) + req.data)
    kind = "udp-reply" + ("/spoofed" if src is not None else "")
    return Answer(req.family, src if src is not None else req.dst, req.src,
                  udp, kind, proto=IPPROTO_UDP)


def record_route(ptr, addrs, length=39):
    """An IPv4 record route option (type 7) with `addrs` filled in, padded
    to `length` bytes, plus an end-of-options byte: 40 bytes for the
    default length."""
    body = b"".join(addrs)
    opt = bytes([7, length, ptr]) + body
    opt = opt.ljust(length, b"\0")
    return (opt + b"\0").ljust(40, b"\0")


def ip_options(kind):
    """40 bytes of IPv4 header options (--ip-options KIND)."""
    if kind == "nop":
        return b"\x01" * 40
    if kind == "rr":
        # full: the pointer (40) is past the option's 39 bytes
        addrs = [bytes([198, 51, 100, 100 + i]) for i in range(1, 10)]
        return record_route(40, addrs)
    if kind == "ts":
        # timestamp (type 68), timestamps only (flag 0), full: pointer 41,
        # nine 32-bit milliseconds since midnight UT
        stamps = b"".join(struct.pack("!I", 1000 * i) for i in range(1, 10))
        return bytes([68, 40, 41, 0]) + stamps
    if kind == "bad":
        # a record route claiming 44 bytes in a 40-byte option area
        opt = bytearray(record_route(4, []))
        opt[1] = 44
        return bytes(opt)
    raise ValueError(kind)


def other_proto(req):
    """--quote proto: UDP, or TCP for a UDP request."""
    return IPPROTO_TCP if req.proto == IPPROTO_UDP else IPPROTO_UDP


def make_quote(req, mode):
    """(quote bytes, note): what an ICMP error quotes of `req` in --quote
    MODE.  The bytes are limited by the caller."""
    pkt = bytearray(req.packet)
    hl = req.ip_hlen
    if mode in (QUOTE_V4_ONLY if req.family == 6 else QUOTE_V6_ONLY):
        return bytes(pkt), " (quote %s: IPv%d only, full quote)" % (
            mode, 4 if req.family == 6 else 6)
    if mode in QUOTE_TCP_ONLY and req.proto != IPPROTO_TCP:
        return bytes(pkt), " (quote %s: TCP only, full quote)" % mode
    if mode == "full":
        return bytes(pkt), ""
    if mode in QUOTE_TCP_ONLY:
        (isn,) = struct.unpack_from("!I", pkt, hl + 4)
        pkt[hl + 4 : hl + 8] = struct.pack("!I", isn ^ OTHER_ISN_XOR)
        if mode == "short-other-isn":
            return bytes(pkt[: hl + 8]), " quote short, other isn"
        return bytes(pkt), " quote other-isn"
    if mode == "short":
        return bytes(pkt[: hl + 8]), " quote short"
    if mode == "cut-icmp":
        return bytes(pkt[: hl + 4]), " quote cut-icmp"
    if mode == "cut-ip":
        return bytes(pkt[: 12 if req.family == 4 else 24]), " quote cut-ip"
    if mode == "other-cookie":
        if len(pkt) > hl + 8:
            pkt[hl + 8] ^= 0xFF
        return bytes(pkt), " quote other-cookie"
    note = " quote " + mode
    if req.family == 4:
        hdr, rest = pkt[:hl], pkt[hl:]
        if mode in ("options", "options-bad"):
            # the probe as if sent with a record route, one hop recorded
            opts = bytearray(record_route(8, [bytes([198, 51, 100, 254])]))
            if mode == "options-bad":
                opts[1] = 44  # past the 40 bytes of options
            hdr = bytearray(hdr[:20]) + opts
            hdr[0] = 0x4F
            hdr[2:4] = struct.pack("!H", len(hdr) + len(rest))
        elif mode == "ihl-past":
            hdr[0] = 0x4F  # 60 bytes of header claimed ...
            rest = rest[:8]  # ... in a quote of 20 + 8
        elif mode == "proto":
            hdr[9] = other_proto(req)
        elif mode == "other-dst":
            hdr[16:20] = OTHER_DST4
        elif mode == "version":
            hdr[0] = 0x60 | (hdr[0] & 0x0F)
        elif mode == "totlen":
            hdr[2:4] = struct.pack("!H", hl)  # no room for the ICMP header
        else:
            raise ValueError(mode)
        set_ipv4_header_checksum(hdr)
        return bytes(hdr + rest), note
    hdr, rest = pkt[:40], pkt[40:]
    (plen,) = struct.unpack_from("!H", hdr, 4)
    if mode in ("ext", "ext-bad"):
        # hop-by-hop: next header ICMPv6, then PadN over the 6 bytes left;
        # "bad" claims (255 + 1) * 8 bytes
        hbh = bytes([msg_proto(6, req.proto), 0 if mode == "ext" else 255,
                     1, 4, 0, 0, 0, 0])
        hdr[6] = 0
        hdr[4:6] = struct.pack("!H", plen + len(hbh))
        rest = bytearray(hbh) + rest
    elif mode == "proto":
        hdr[6] = other_proto(req)
    elif mode == "other-dst":
        hdr[24:40] = OTHER_DST6
    elif mode == "version":
        hdr[0] = 0x40 | (hdr[0] & 0x0F)
    elif mode == "totlen":
        hdr[4:6] = struct.pack("!H", 4)  # no room for the ICMPv6 header
    else:
        raise ValueError(mode)
    return bytes(hdr + rest), note


def build_error(req, kind, code, router, quote_mode="full"):
    """An ICMP error about the request: kind "unreachable" or
    "time-exceeded", quoting it as --quote says.  The unused field is zero
    (so "fragmentation needed" carries no MTU)."""
    src = router if router is not None else req.dst
    unreach = kind == "unreachable"
    if req.family == 4:
        limit = ERROR_MAX_V4 - 20 - 8
        typ = ICMP_DEST_UNREACH if unreach else ICMP_TIME_EXCEEDED
    else:
        limit = ERROR_MAX_V6 - 40 - 8
        typ = ICMP6_DST_UNREACH if unreach else ICMP6_TIME_EXCEEDED
    quote, note = make_quote(req, quote_mode)
    # At least the IP header and 8 bytes of the request always fit.
    head = bytes([typ, code]) + b"\0" * 6
    a = Answer(req.family, src, req.src, bytearray(head + quote[:limit]),
               "%s/%d" % (kind, code))
    return a, note


# ---------------------------------------------------------------------------
# Noise: unrelated ICMP traffic to the pinger (--noise).  Each builder
# returns a whole datagram, checksums right unless the kind says otherwise.


def udp_probe4(src, dst):
    """A UDP datagram the pinger might have sent (for quotes)."""
    udp = struct.pack("!HHHH", 40000, 53, 12, 0) + b"noid"
    return ipv4_datagram(src, dst, udp, 0x4E4F, proto=IPPROTO_UDP)


def udp_probe6(src, dst):
    udp = struct.pack("!HHHH", 40000, 53, 12, 0) + b"noid"
    return ipv6_datagram(src, dst, udp, nxt=IPPROTO_UDP)


def other_echo_request(req):
    """The request as another pinger (identifier xor 0x8000) sent it."""
    icmp = bytearray(req.icmp)
    icmp[4:6] = struct.pack("!H", req.ident ^ FOREIGN_ID_XOR)
    set_icmp_checksum(req.family, req.src, req.dst, icmp)
    if req.family == 4:
        return ipv4_datagram(req.src, req.dst, bytes(icmp), 0x4E4F)
    return ipv6_datagram(req.src, req.dst, bytes(icmp))


def noise_icmp(family, src, dst, icmp, ip_id=0x4E4F, hlim=REPLY_TTL,
               bad_checksum=False):
    icmp = bytearray(icmp)
    set_icmp_checksum(family, src, dst, icmp)
    if bad_checksum:
        corrupt_icmp_checksum(family, src, dst, icmp)
    if family == 4:
        return ipv4_datagram(src, dst, bytes(icmp), ip_id)
    return ipv6_datagram(src, dst, bytes(icmp), hlim=hlim)


def noise_v4(req, k):
    me = req.src  # the pinger
    other_id = req.ident ^ FOREIGN_ID_XOR
    if k == 0:
        icmp = struct.pack("!BBHHH", ICMP_ECHOREPLY, 0, 0, other_id,
                           req.seq) + req.data
        return "echo-reply-other-id", noise_icmp(4, req.dst, me, icmp)
    if k == 1:
        icmp = struct.pack("!BBHHH", ICMP_ECHO, 0, 0, 0x4E4F, req.seq)
        return "echo-request", noise_icmp(4, NOISE4, me, icmp + b"noise" * 3)
    if k == 2:
        icmp = struct.pack("!BBHHHIII", ICMP_TIMESTAMPREPLY, 0, 0, 0x4E4F,
                           req.seq, 1000, 2000, 3000)
        return "timestamp-reply", noise_icmp(4, NOISE4, me, icmp)
    if k == 3:
        icmp = bytes([ICMP_DEST_UNREACH, 3]) + b"\0" * 6
        icmp += udp_probe4(me, NOISE_PEER4)
        return "unreachable-udp", noise_icmp(4, NOISE4, me, icmp)
    if k in (4, 5):
        typ, code = ((ICMP_TIME_EXCEEDED, 0) if k == 4
                     else (ICMP_DEST_UNREACH, 1))
        icmp = bytes([typ, code]) + b"\0" * 6 + other_echo_request(req)
        if k == 4:
            return "time-exceeded-other-id", noise_icmp(4, NOISE4, me, icmp)
        return "unreachable-bad-checksum", noise_icmp(4, NOISE4, me, icmp,
                                                      bad_checksum=True)
    if k == 6:
        icmp = bytes([ICMP_DEST_UNREACH, 1]) + b"\0" * 6 + req.packet[:10]
        return "unreachable-cut-quote", noise_icmp(4, NOISE4, me, icmp)
    if k == 7:
        icmp = struct.pack("!BBHH", ICMP_ECHOREPLY, 0, 0, other_id)
        return "echo-reply-truncated", noise_icmp(4, req.dst, me, icmp)
    icmp = bytes([ICMP_PARAMPROB, 0, 20, 0, 0, 0, 0, 0])  # pointer 20
    icmp += udp_probe4(me, NOISE_PEER4)
    return "parameter-problem-udp", noise_icmp(4, NOISE4, me, icmp)


def noise_v6(req, k):
    me = req.src
    other_id = req.ident ^ FOREIGN_ID_XOR
    if k == 0:
        icmp = struct.pack("!BBHHH", ICMP6_ECHO_REPLY, 0, 0, other_id,
                           req.seq) + req.data
        return "echo-reply-other-id", noise_icmp(6, req.dst, me, icmp)
    if k == 1:
        icmp = struct.pack("!BBHHH", ICMP6_ECHO_REQUEST, 0, 0, 0x4E4F, req.seq)
        return "echo-request", noise_icmp(6, NOISE6, me, icmp + b"noise" * 3)
    if k == 2:
        # cur hop limit 64, no flags, router lifetime 0, reachable and
        # retrans timers unspecified
        icmp = struct.pack("!BBHBBHII", ND_ROUTER_ADVERT, 0, 0, 64, 0, 0, 0, 0)
        return "router-advertisement", noise_icmp(6, NOISE6, me, icmp,
                                                  hlim=255)
    if k == 3:
        icmp = bytes([ICMP6_DST_UNREACH, 4]) + b"\0" * 6
        icmp += udp_probe6(me, NOISE_PEER6)
        return "unreachable-udp", noise_icmp(6, NOISE6, me, icmp)
    if k in (4, 5):
        typ, code = ((ICMP6_TIME_EXCEEDED, 0) if k == 4
                     else (ICMP6_DST_UNREACH, 3))
        icmp = bytes([typ, code]) + b"\0" * 6 + other_echo_request(req)
        if k == 4:
            return "time-exceeded-other-id", noise_icmp(6, NOISE6, me, icmp)
        return "unreachable-bad-checksum", noise_icmp(6, NOISE6, me, icmp,
                                                      bad_checksum=True)
    if k == 6:
        icmp = bytes([ICMP6_DST_UNREACH, 3]) + b"\0" * 6 + req.packet[:20]
        return "unreachable-cut-quote", noise_icmp(6, NOISE6, me, icmp)
    if k == 7:
        icmp = bytes([ICMP6_ECHO_REPLY, 0, 0, 0])
        return "echo-reply-truncated", noise_icmp(6, req.dst, me, icmp)
    # override flag set, solicited not; the target: the noise source
    icmp = struct.pack("!BBHI16s", ND_NEIGHBOR_ADVERT, 0, 0, 0x20000000,
                       NOISE6)
    return "neighbour-advertisement", noise_icmp(6, NOISE6, me, icmp,
                                                 hlim=255)


NOISE_KINDS = 9  # both lists


def noise_for(req, n):
    """[(label, datagram)] for one request, --noise n."""
    make = noise_v4 if req.family == 4 else noise_v6
    out = []
    for i in range(n):
        k = i % NOISE_KINDS
        label, dgram = make(req, k)
        out.append(("noise %d %s" % (k, label), dgram))
    return out


# ---------------------------------------------------------------------------
# Scheduling


class Scheduler:
    """Datagrams due at a CLOCK_MONOTONIC time; the main loop's select()
    sleeps until the earliest one.  Each carries a label for the log."""

    def __init__(self):
        self._heap = []
        self._n = 0  # tie-breaker: equal due times leave in order queued

    def add(self, due, datagram, label=""):
        heapq.heappush(self._heap, (due, self._n, datagram, label))
        self._n += 1

    def next_due(self):
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now):
        while self._heap and self._heap[0][0] <= now:
            entry = heapq.heappop(self._heap)
            yield entry[2], entry[3]

    def __len__(self):
        return len(self._heap)


class Reorderer:
    """--reorder N: groups of answers (all the datagrams of one request)
    held until N requests' worth are there, or until `wait` seconds after
    the first of them was held; then queued in reverse order of arrival."""

    def __init__(self, n, wait):
        self.n = n
        self.wait = wait
        self.held = []  # [(due, [(datagram, label)])]
        self.deadline = None

    def hold(self, due, items, now, sched):
        if not self.held:
            self.deadline = now + self.wait
        self.held.append((due, items))
        if len(self.held) >= self.n:
            self.release(now, sched)

    def release(self, now, sched):
        for due, items in reversed(self.held):
            for dgram, label in items:
                sched.add(max(due, now), dgram, label)
        self.held = []
        self.deadline = None

    def tick(self, now, sched):
        """Release an incomplete group whose time is up."""
        if self.held and now >= self.deadline:
            self.release(now, sched)

    def next_due(self):
        return self.deadline if self.held else None

    def __len__(self):
        return sum(len(items) for _, items in self.held)


# ---------------------------------------------------------------------------
# The responder


class Responder:
    def __init__(self, opts, log):
        self.o = opts
        self.log = log
        self.sched = Scheduler()
        self.reorder = (Reorderer(opts.reorder, opts.reorder_wait_ms / 1000.0)
                        if opts.reorder else None)
        self.ip_id = 0
        self.handled = 0  # requests seen (echo requests, SYNs, UDP)
        self.flows = {}  # TCP and UDP: requests seen per flow
        self.t0 = time.monotonic()

    def note(self, text):
        if self.log:
            self.log.write("%.3f %s\n" % (time.monotonic() - self.t0, text))
            self.log.flush()

    # What the main loop waits for: scheduled datagrams and held groups.
    def next_due(self):
        held = self.reorder.next_due() if self.reorder is not None else None
        dues = [d for d in (self.sched.next_due(), held) if d is not None]
        return min(dues) if dues else None

    def tick(self, now):
        if self.reorder is not None:
            self.reorder.tick(now, self.sched)

    def unsent(self):
        held = len(self.reorder) if self.reorder is not None else 0
        return len(self.sched) + held

    # Step 1: parse, and count what is ours.
    def handle(self, pkt, now):
        req, why = parse_packet(pkt)
        if req is None:
            self.note("ignored: %s" % why)
            return
        self.handled += 1
        if req.proto != IPPROTO_ICMP:
            req.seq = self.flows.get(req.flow(), 0) + 1
            self.flows[req.flow()] = req.seq
        answers, verdict = self.decide(req)
        sent, noise, held = self.schedule(req, answers, now)
        extra = (" +noise %d" % noise if noise else "") + (
            " held for reorder" if held else "")
        if not answers:
            self.note("%s %s%s" % (req.describe(), verdict, extra))
            return
        self.note(
            "%s %s x%d +%dms%s%s"
            % (req.describe(), answers[0].kind, sent, self.delay(req),
               verdict, extra)
        )

    # Step 2: whether to answer, and what with.
    def decide(self, req):
        pat = self.o.answer
        if pat is not None and pat[(req.seq - 1) % len(pat)] != "1":
            return [], "drop (answer pattern)"
        answer, notes = self.build(req)
        notes += self.mutate(req, answer)
        return [answer], notes

    # Step 3: the answer's kind.  Returns (Answer, notes for the log).
    def build(self, req):
        o = self.o
        router = o.router if req.family == 4 else o.router6
        if o.unreachable is not None:
            return build_error(req, "unreachable", o.unreachable, router,
                               o.quote)
        if o.time_exceeded is not None:
            return build_error(req, "time-exceeded", o.time_exceeded, router,
                               o.quote)
        spoof = o.spoof_source if req.family == 4 else o.spoof_source6
        if req.proto == IPPROTO_TCP:
            return build_tcp_answer(req, o.tcp_open, o.tcp_reply, spoof), ""
        if req.proto == IPPROTO_UDP:
            if req.dport in o.udp_open:
                return build_udp_reply(req, spoof), ""
            # the port unreachable of a host with nothing on that port
            return build_error(req, "unreachable", 3 if req.family == 4
                               else 4, None, o.quote)
        ident = req.ident ^ FOREIGN_ID_XOR if o.foreign_id else None
        return build_echo_reply(req, spoof, ident), ""

    # Step 4: the answer's bytes.  Payload changes and truncation come
    # before the checksum, so that only the one fault asked for is present
    # (unless --truncate-stale-checksum asks for the old checksum).  The
    # IPv4 header (options, IHL) is written at assembly, after all this.
    def mutate(self, req, a):
        o = self.o
        notes = ""
        off = o.alter_payload
        if off is not None and a.echo:
            if 8 + off < len(a.icmp):
                a.icmp[8 + off] ^= 0xFF
                notes += " altered data byte %d" % off
            else:
                notes += " (no data byte %d to alter)" % off
        if a.family == 4 and o.ip_options:
            a.ip_options = ip_options(o.ip_options)
            notes += " ip options %s" % o.ip_options
        if a.family == 6 and o.ext6:
            # next header ICMPv6; length 0 (8 bytes) or 255 (2048 bytes,
            # past the packet); a PadN over the 6 bytes left
            a.ext6 = bytes([msg_proto(6, a.proto), 255 if o.ext6 == "bad" else 0,
                            1, 4, 0, 0, 0, 0])
            a.ext6_first = IPPROTO_DSTOPTS if o.ext6 == "dst" \
                else IPPROTO_HOPOPTS
            notes += " ext6 %s" % o.ext6
        if a.family == 4 and o.ihl is not None:
            a.ihl = o.ihl
            notes += " ihl %d" % o.ihl
        cut_icmp = None
        whole = a.header_len() + len(a.icmp)
        if o.truncate is not None and o.truncate < whole:
            full_len = len(a.icmp)
            cut_icmp = max(0, o.truncate - a.header_len())
            if o.truncate < a.header_len():
                a.cut = o.truncate  # inside the IP header
            if o.truncate_keep_length:
                a.claimed_icmp_len = full_len
            notes += " truncated to %d bytes%s%s" % (
                o.truncate,
                " (stale checksum)" if o.truncate_stale_checksum else "",
                " (length kept)" if o.truncate_keep_length else "")
            if not o.truncate_stale_checksum:
                del a.icmp[cut_icmp:]
        set_icmp_checksum(a.family, a.src, a.dst, a.icmp, a.proto)
        if o.bad_checksum:
            corrupt_icmp_checksum(a.family, a.src, a.dst, a.icmp, a.proto)
            notes += " bad checksum"
        if cut_icmp is not None and o.truncate_stale_checksum:
            del a.icmp[cut_icmp:]
        return notes

    def delay(self, req):
        if self.o.delay_seq is not None and req.seq == self.o.delay_seq[0]:
            return self.o.delay_seq[1]
        return self.o.delay_ms

    # Step 5: noise, how many copies, and when.  Returns (answer datagrams
    # queued or held, noise datagrams queued, whether held).
    def schedule(self, req, answers, now):
        noise = noise_for(req, self.o.noise) \
            if self.o.noise and req.proto == IPPROTO_ICMP else []
        for label, dgram in noise:
            self.sched.add(now, dgram, "v%d %s" % (req.family, label))
        due = now + self.delay(req) / 1000.0
        items = []
        for a in answers:
            for _ in range(self.o.dup + 1):
                self.ip_id = (self.ip_id + 1) & 0xFFFF
                items.append((a.assemble(self.ip_id),
                              "v%d %s seq=%d" % (req.family, a.kind, req.seq)))
        if items and self.reorder is not None:
            self.reorder.hold(due, items, now, self.sched)
            return len(items), len(noise), True
        for dgram, label in items:
            self.sched.add(due, dgram, label)
        if self.o.retransmit is not None and items:
            # what a TCP stack does when its SYN/ACK is not answered: the
            # same segment again, once (a new IP ID)
            self.ip_id = (self.ip_id + 1) & 0xFFFF
            self.sched.add(due + self.o.retransmit / 1000.0,
                           answers[0].assemble(self.ip_id),
                           items[0][1] + " retransmitted")
        return len(items), len(noise), False


# ---------------------------------------------------------------------------
# Device and main loop


def open_tun(name):
    """Attach to (or create) the TUN device `name`: raw IP packets, no
    packet-information header."""
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        ifr = struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI)
        ifr = fcntl.ioctl(fd, TUNSETIFF, ifr.ljust(40, b"\0"))
    except OSError:
        os.close(fd)
        raise
    got = ifr[:IFNAMSIZ].split(b"\0", 1)[0].decode()
    if got != name:
        os.close(fd)
        raise OSError(errno.EINVAL, "kernel named the device %s" % got)
    return fd


def touch(path):
    # Write to a temporary name and rename: whoever polls for the file
    # never sees it before the device is attached.
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(tmp, path)


def run(opts):
    log = open(opts.log, "a") if opts.log else None
    try:
        fd = open_tun(opts.dev)
    except OSError as e:
        print("responder: cannot attach to TUN device %s: %s" % (opts.dev, e),
              file=sys.stderr)
        return 2

    # SIGTERM/SIGINT: the handler only sets a flag; the wake-up pipe makes
    # the select() below return at once (PEP 475 would otherwise restart
    # it with the rest of its timeout).
    stop = []
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, lambda signo, frame: stop.append(signo))

    resp = Responder(opts, log)
    deadline = resp.t0 + opts.max_seconds
    if opts.ready_file:
        touch(opts.ready_file)
    resp.note("attached to %s, pid %d" % (opts.dev, os.getpid()))

    reading = True
    why = "max-seconds"
    while not stop:
        now = time.monotonic()
        resp.tick(now)
        for dgram, label in resp.sched.pop_due(now):
            try:
                os.write(fd, dgram)
                resp.note("sent %s, %d bytes" % (label, len(dgram)))
            except OSError as e:  # e.g. EIO: device went down
                resp.note("write failed (%s, %d bytes): %s"
                          % (label, len(dgram), e))
        if reading and opts.max_packets and resp.handled >= opts.max_packets:
            reading = False
        if not reading and not resp.unsent():
            why = "max-packets"
            break
        if now >= deadline:
            break
        wake = deadline
        due = resp.next_due()
        if due is not None:
            wake = min(wake, due)
        rlist = [wake_r] + ([fd] if reading else [])
        ready, _, _ = select.select(rlist, [], [], max(0.0, wake - now))
        if wake_r in ready:
            try:
                os.read(wake_r, 512)
            except BlockingIOError:
                pass
        if fd in ready:
            # Drain what is queued, but give the scheduler a turn at
            # least every 64 packets.
            for _ in range(64):
                try:
                    pkt = os.read(fd, READ_SIZE)
                except BlockingIOError:
                    break
                resp.handle(pkt, time.monotonic())
                if opts.max_packets and resp.handled >= opts.max_packets:
                    break
    if stop:
        why = "signal %d" % stop[0]
    resp.note("exit (%s): %d echo requests, %d answers unsent"
              % (why, resp.handled, resp.unsent()))
    os.close(fd)
    if log:
        log.close()
    return 0


# ---------------------------------------------------------------------------
# Options


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Fault-injecting ICMP/ICMPv6 echo responder on a TUN "
        "device (for netprobe's integration tests).",
        epilog="See the comment at the top of this file for the device "
        "set-up sequence, the scenarios and the noise.",
    )

    def nonneg_int(s):
        v = int(s, 10)
        if v < 0:
            raise argparse.ArgumentTypeError("must be >= 0: %r" % s)
        return v

    def pos_int(s):
        v = int(s, 10)
        if v <= 0:
            raise argparse.ArgumentTypeError("must be > 0: %r" % s)
        return v

    def int_range(lo, hi):
        def conv(s):
            v = int(s, 10)
            if not lo <= v <= hi:
                raise argparse.ArgumentTypeError(
                    "must be in %d..%d: %r" % (lo, hi, s))
            return v
        return conv

    def code(s):
        v = int(s, 10)
        if not 0 <= v <= 255:
            raise argparse.ArgumentTypeError("an ICMP code is 0..255: %r" % s)
        return v

    def seconds(s):
        v = float(s)
        if not 0 < v <= MAX_SECONDS_LIMIT:
            raise argparse.ArgumentTypeError(
                "must be in (0, %g]: %r" % (MAX_SECONDS_LIMIT, s))
        return v

    def pattern(s):
        if not s or set(s) - {"0", "1"}:
            raise argparse.ArgumentTypeError(
                "a non-empty string of 0 and 1: %r" % s)
        return s

    def addr(version):
        def conv(s):
            try:
                a = ipaddress.ip_address(s)
            except ValueError:
                a = None
            if a is None or a.version != version:
                raise argparse.ArgumentTypeError(
                    "not an IPv%d address: %r" % (version, s))
            return a.packed
        return conv

    def seq_ms(text):
        try:
            seq, ms = (int(x) for x in text.split(":"))
        except ValueError:
            raise argparse.ArgumentTypeError("expected SEQ:MS, got %r" % text)
        if seq < 0 or seq > 0xFFFF or ms < 0:
            raise argparse.ArgumentTypeError("out of range: %r" % text)
        return seq, ms

    def ports(text):
        try:
            out = {int(x, 10) for x in text.split(",") if x != ""}
        except ValueError:
            out = None
        if out is None or any(not 1 <= v <= 65535 for v in out):
            raise argparse.ArgumentTypeError(
                "a comma-separated list of ports 1..65535: %r" % text)
        return out

    p.add_argument("--dev", required=True, help="TUN device name")
    p.add_argument("--ready-file", metavar="PATH",
                   help="create PATH once attached to the device")
    # what to answer with
    p.add_argument("--answer", type=pattern, metavar="PATTERN",
                   help="answer seq iff PATTERN[(seq-1) %% len] == '1'")
    errors = p.add_mutually_exclusive_group()
    errors.add_argument("--unreachable", type=code, metavar="CODE",
                        help="answer with Destination Unreachable, this code")
    errors.add_argument("--time-exceeded", type=code, metavar="CODE",
                        help="answer with Time Exceeded, this code")
    p.add_argument("--quote", choices=QUOTE_MODES, default="full",
                   help="what an error quotes of the request (default full)")
    p.add_argument("--router", type=addr(4), metavar="ADDR4",
                   help="source of IPv4 errors (default: the request's "
                   "destination)")
    p.add_argument("--router6", type=addr(6), metavar="ADDR6",
                   help="source of ICMPv6 errors (default: the request's "
                   "destination)")
    p.add_argument("--foreign-id", action="store_true",
                   help="echo replies with another identifier")
    p.add_argument("--spoof-source", type=addr(4), metavar="ADDR4",
                   help="IPv4 echo replies come from ADDR4")
    p.add_argument("--spoof-source6", type=addr(6), metavar="ADDR6",
                   help="IPv6 echo replies come from ADDR6")
    p.add_argument("--tcp-open", type=ports, default={80, 443},
                   metavar="PORTS",
                   help="TCP ports answered with a SYN/ACK (default 80,443; "
                   "an empty string for none); the others with a RST/ACK")
    p.add_argument("--tcp-reply", choices=TCP_REPLY_MODES, default="normal",
                   help="what is wrong with the answer to a SYN (default "
                   "normal: nothing)")
    p.add_argument("--udp-open", type=ports, default=set(), metavar="PORTS",
                   help="UDP ports whose datagrams are echoed back "
                   "(default none); the others get a port unreachable")
    # the answer's bytes
    p.add_argument("--alter-payload", type=nonneg_int, metavar="OFFSET",
                   help="flip the echo data byte at OFFSET (after the "
                   "8-byte ICMP header)")
    p.add_argument("--bad-checksum", action="store_true",
                   help="corrupt the ICMP checksum of answers")
    p.add_argument("--truncate", type=int_range(1, 65535), metavar="N",
                   help="cut answers to N bytes (length field and checksum "
                   "to match)")
    p.add_argument("--truncate-stale-checksum", action="store_true",
                   help="with --truncate: keep the whole message's checksum")
    p.add_argument("--truncate-keep-length", action="store_true",
                   help="with --truncate: keep the whole datagram's IP "
                   "length field")
    p.add_argument("--ip-options", choices=IP_OPTION_KINDS, metavar="KIND",
                   help="40 bytes of IPv4 header options: rr, nop, ts, bad")
    p.add_argument("--ihl", type=int_range(0, 15), metavar="N",
                   help="IPv4 header length field (words) to write")
    p.add_argument("--ext6", choices=EXT6_KINDS, metavar="KIND",
                   help="an IPv6 extension header before the ICMPv6 "
                   "message: hbh, dst, bad")
    # the schedule
    p.add_argument("--delay-ms", type=nonneg_int, default=0, metavar="MS",
                   help="delay every answer by MS milliseconds")
    p.add_argument("--delay-seq", type=seq_ms, metavar="SEQ:MS",
                   help="delay the answer to sequence SEQ by MS milliseconds "
                   "instead (e.g. a slow last reply)")
    p.add_argument("--dup", type=int_range(0, MAX_MULTIPLY), default=0,
                   metavar="N", help="send every answer N+1 times")
    p.add_argument("--retransmit", type=int_range(1, MAX_REORDER_WAIT_MS),
                   metavar="MS",
                   help="send every answer once more, MS milliseconds after "
                   "the first (a TCP stack's SYN/ACK retransmission: 1000)")
    p.add_argument("--reorder", type=int_range(2, MAX_MULTIPLY), metavar="N",
                   help="release answers in reversed groups of N requests")
    p.add_argument("--reorder-wait-ms", type=int_range(1, MAX_REORDER_WAIT_MS),
                   default=500, metavar="MS",
                   help="release an incomplete --reorder group after MS ms "
                   "(default 500)")
    p.add_argument("--noise", type=int_range(0, MAX_MULTIPLY), default=0,
                   metavar="N",
                   help="send N unrelated ICMP packets with every request")
    # bounds and bookkeeping
    p.add_argument("--max-packets", type=pos_int, metavar="N",
                   help="stop after N echo requests")
    p.add_argument("--max-seconds", type=seconds, default=60.0, metavar="S",
                   help="stop after S seconds (default 60)")
    p.add_argument("--log", metavar="FILE",
                   help="append one line per packet handled and per "
                   "datagram written to FILE")
    opts = p.parse_args(argv)
    if len(opts.dev.encode()) >= IFNAMSIZ or "/" in opts.dev:
        p.error("--dev: not a valid interface name: %r" % opts.dev)
    if (opts.truncate_stale_checksum or opts.truncate_keep_length) and \
            opts.truncate is None:
        p.error("--truncate-stale-checksum and --truncate-keep-length need "
                "--truncate")
    if opts.quote != "full" and opts.unreachable is None and \
            opts.time_exceeded is None:
        p.error("--quote needs --unreachable or --time-exceeded")
    if opts.retransmit is not None and opts.reorder is not None:
        p.error("--retransmit and --reorder do not go together")
    return opts


def main(argv=None):
    return run(parse_args(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
