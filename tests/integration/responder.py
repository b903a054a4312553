#!/usr/bin/env python3
"""responder.py - a fault-injecting ICMP/ICMPv6 echo responder on a TUN device.

Integration tests use it to play "the other end" of a ping inside a network
namespace: it reads every IP packet the kernel routes into a TUN device and
answers ICMP Echo Requests (IPv4 type 8) and ICMPv6 Echo Requests (type 128)
itself, building the replies byte by byte (IPv4 header checksum, RFC 1071
ICMP checksum, ICMPv6 checksum over the RFC 8200 section 8.1 pseudo-header),
so that a test can make the replies late, lost, duplicated, corrupted or
replaced by ICMP errors.  Everything else that reaches the device (IPv6
router/neighbour solicitations, MLD reports, UDP, ...) is ignored.

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

Scenario flags (combinable):

    --answer PATTERN   deterministic loss: answer a request with sequence
                       number seq iff PATTERN[(seq - 1) % len(PATTERN)] is
                       '1' ("10" answers every other probe, from the first)
    --unreachable CODE instead of an echo reply send a Destination
                       Unreachable (IPv4 type 3 / ICMPv6 type 1) with that
                       code, quoting the request, from --router/--router6
                       (default: the address the request was sent to)
    --alter-payload OFF  flip (xor 0xff) the echo data byte at offset OFF
                       (counted from the first byte after the 8-byte ICMP
                       header); the checksum is computed afterwards, so it
                       is valid and only the data is wrong
    --bad-checksum     corrupt the ICMP/ICMPv6 checksum of what is sent
    --delay-ms MS      send every answer MS milliseconds after the request
    --delay-seq SEQ:MS delay only the answer to sequence SEQ (by MS ms)
                       arrived (scheduled: requests keep being read
                       meanwhile, so replies of an interval shorter than the
                       delay are all in flight together)
    --dup N            send every answer N + 1 times (N duplicates),
                       back to back

Order of the pipeline for one request: parse -> decide (--answer) -> build
(echo reply or --unreachable error) -> mutate (--alter-payload, then the
checksums, then --bad-checksum) -> multiply (--dup) -> schedule
(--delay-ms).  New scenarios hook into one of these steps:
  - a new kind of answer (time exceeded, foreign id, spoofed source, ICMP
    error with a malformed quote) is a builder, chosen in Responder.build();
  - a change to the bytes of an answer (truncation, IPv4 options, other
    corruption) is a mutation in Responder.mutate(), before or after the
    checksums as the scenario needs;
  - a change to when or how often answers leave (reordering, noise bursts)
    belongs in Responder.schedule() and the Scheduler.

Bounds: --max-seconds (default 60, at most 3600) always applies;
--max-packets N stops after N echo requests have been handled (answers
already scheduled are still sent, within --max-seconds).  SIGTERM and
SIGINT end the responder at once, exit code 0.

Exit codes: 0 done (bound reached or signal), 2 usage or setup error.

--log FILE writes one line per packet handled, e.g.
    0.201 v4 198.51.100.1 > 198.51.100.7 id=4660 seq=2 drop (answer pattern)
    0.402 v6 2001:db8::1 > 2001:db8::7 id=4660 seq=3 reply x2 +0ms
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
IPPROTO_ICMPV6 = 58

ICMP_ECHOREPLY = 0
ICMP_DEST_UNREACH = 3
ICMP_ECHO = 8
ICMP6_DST_UNREACH = 1
ICMP6_ECHO_REQUEST = 128
ICMP6_ECHO_REPLY = 129

REPLY_TTL = 64
# How much of the offending datagram an ICMP error may carry: RFC 1812
# section 4.3.2.3 (an IPv4 error no longer than 576 bytes, as Linux does)
# and RFC 4443 section 2.4 (c) (an ICMPv6 error that fits the minimum
# IPv6 MTU).
ERROR_MAX_V4 = 576
ERROR_MAX_V6 = 1280
MAX_SECONDS_LIMIT = 3600.0
READ_SIZE = 65536


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


def icmp6_pseudo_sum(src, dst, length):
    """Sum of the RFC 8200 section 8.1 pseudo-header for ICMPv6."""
    return inet_sum(src + dst + struct.pack("!IxxxB", length, IPPROTO_ICMPV6))


def icmp_checksum(family, src, dst, icmp):
    if family == 4:
        return inet_checksum(icmp)
    return inet_checksum(icmp, icmp6_pseudo_sum(src, dst, len(icmp)))


def set_icmp_checksum(family, src, dst, icmp):
    """Fill bytes 2..3 of an ICMP/ICMPv6 message (a bytearray) in place."""
    icmp[2:4] = b"\0\0"
    icmp[2:4] = struct.pack("!H", icmp_checksum(family, src, dst, icmp))


def corrupt_icmp_checksum(family, src, dst, icmp):
    """Make the checksum wrong, and provably so.  Adding a constant keeps
    it away from the one equivalent encoding of a correct sum (0x0000 and
    0xffff are both "zero" in one's complement)."""
    (good,) = struct.unpack_from("!H", icmp, 2)
    icmp[2:4] = struct.pack("!H", (good + 0x1234) & 0xFFFF)
    assert icmp_checksum(family, src, dst, icmp) != 0


# ---------------------------------------------------------------------------
# Parsing what arrives on the device (the kernel's packets: trusted to be
# well formed, but checked anyway so that a bug shows as "ignored").


class Request:
    """An Echo Request as read from the device."""

    def __init__(self, family, packet, ip_hlen, src, dst, icmp):
        self.family = family  # 4 or 6
        self.packet = packet  # the whole datagram, header included
        self.ip_hlen = ip_hlen  # bytes of IP header (IPv4 options included)
        self.src = src  # packed addresses
        self.dst = dst
        self.icmp = icmp  # the ICMP message, header included
        self.ident, self.seq = struct.unpack_from("!HH", icmp, 4)
        self.data = icmp[8:]  # the echo data

    def describe(self):
        fam = socket.AF_INET if self.family == 4 else socket.AF_INET6
        return "v%d %s > %s id=%d seq=%d" % (
            self.family,
            socket.inet_ntop(fam, self.src),
            socket.inet_ntop(fam, self.dst),
            self.ident,
            self.seq,
        )


def parse_packet(pkt):
    """Return (Request, None) for an Echo Request, else (None, reason)."""
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
    # "not an echo request we answer".
    if pkt[6] != IPPROTO_ICMPV6:
        return None, "IPv6 next header %d" % pkt[6]
    src, dst = pkt[8:24], pkt[24:40]
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
    message (a bytearray, mutable until it is assembled)."""

    def __init__(self, family, src, dst, icmp, kind):
        self.family = family
        self.src = src
        self.dst = dst
        self.icmp = icmp
        self.kind = kind  # for the log: "reply", "unreachable/3", ...

    def assemble(self, ip_id):
        if self.family == 4:
            return ipv4_datagram(self.src, self.dst, bytes(self.icmp), ip_id)
        return ipv6_datagram(self.src, self.dst, bytes(self.icmp))


def ipv4_datagram(src, dst, payload, ip_id, proto=IPPROTO_ICMP, ttl=REPLY_TTL):
    hdr = bytearray(
        struct.pack(
            "!BBHHHBBH4s4s",
            0x45,  # version 4, IHL 5: no options
            0,  # TOS
            20 + len(payload),
            ip_id,
            0,  # flags and fragment offset
            ttl,
            proto,
            0,  # header checksum, filled below
            src,
            dst,
        )
    )
    hdr[10:12] = struct.pack("!H", inet_checksum(hdr))
    return bytes(hdr) + payload


def ipv6_datagram(src, dst, payload, nxt=IPPROTO_ICMPV6, hlim=REPLY_TTL):
    return (
        struct.pack("!IHBB16s16s", 6 << 28, len(payload), nxt, hlim, src, dst)
        + payload
    )


def build_echo_reply(req):
    icmp = bytearray(req.icmp)
    icmp[0] = ICMP_ECHOREPLY if req.family == 4 else ICMP6_ECHO_REPLY
    icmp[1] = 0
    return Answer(req.family, req.dst, req.src, icmp, "reply")


def build_unreachable(req, code, router):
    """Destination Unreachable quoting the request.  The unused field is
    zero (so "fragmentation needed" carries no MTU)."""
    src = router if router is not None else req.dst
    if req.family == 4:
        limit = ERROR_MAX_V4 - 20 - 8
        head = bytes([ICMP_DEST_UNREACH, code]) + b"\0" * 6
    else:
        limit = ERROR_MAX_V6 - 40 - 8
        head = bytes([ICMP6_DST_UNREACH, code]) + b"\0" * 6
    # At least the IP header and 8 bytes of the request always fit.
    quote = req.packet[:limit]
    return Answer(
        req.family, src, req.src, bytearray(head + quote),
        "unreachable/%d" % code
    )


# ---------------------------------------------------------------------------
# Scheduling


class Scheduler:
    """Datagrams due at a CLOCK_MONOTONIC time; the main loop's select()
    sleeps until the earliest one."""

    def __init__(self):
        self._heap = []
        self._n = 0  # tie-breaker: equal due times leave in order queued

    def add(self, due, datagram):
        heapq.heappush(self._heap, (due, self._n, datagram))
        self._n += 1

    def next_due(self):
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now):
        while self._heap and self._heap[0][0] <= now:
            yield heapq.heappop(self._heap)[2]

    def __len__(self):
        return len(self._heap)


# ---------------------------------------------------------------------------
# The responder


class Responder:
    def __init__(self, opts, log):
        self.o = opts
        self.log = log
        self.sched = Scheduler()
        self.ip_id = 0
        self.handled = 0  # echo requests seen
        self.t0 = time.monotonic()

    def note(self, text):
        if self.log:
            self.log.write("%.3f %s\n" % (time.monotonic() - self.t0, text))
            self.log.flush()

    # Step 1: parse, and count what is ours.
    def handle(self, pkt, now):
        req, why = parse_packet(pkt)
        if req is None:
            self.note("ignored: %s" % why)
            return
        self.handled += 1
        answers, verdict = self.decide(req)
        if not answers:
            self.note("%s %s" % (req.describe(), verdict))
            return
        sent = self.schedule(req, answers, now)
        self.note(
            "%s %s x%d +%dms%s"
            % (req.describe(), answers[0].kind, sent, self.o.delay_ms, verdict)
        )

    # Step 2: whether to answer, and what with.
    def decide(self, req):
        pat = self.o.answer
        if pat is not None and pat[(req.seq - 1) % len(pat)] != "1":
            return [], "drop (answer pattern)"
        answer = self.build(req)
        notes = self.mutate(req, answer)
        return [answer], notes

    # Step 3: the answer's kind.
    def build(self, req):
        if self.o.unreachable is not None:
            router = self.o.router if req.family == 4 else self.o.router6
            return build_unreachable(req, self.o.unreachable, router)
        return build_echo_reply(req)

    # Step 4: the answer's bytes.  Payload changes come before the
    # checksum, so that only the one fault asked for is present.
    def mutate(self, req, a):
        notes = ""
        off = self.o.alter_payload
        if off is not None and a.kind == "reply":
            if 8 + off < len(a.icmp):
                a.icmp[8 + off] ^= 0xFF
                notes += " altered data byte %d" % off
            else:
                notes += " (no data byte %d to alter)" % off
        set_icmp_checksum(a.family, a.src, a.dst, a.icmp)
        if self.o.bad_checksum:
            corrupt_icmp_checksum(a.family, a.src, a.dst, a.icmp)
            notes += " bad checksum"
        return notes

    # Step 5: how many copies, and when.  Returns the datagrams queued.
    def schedule(self, req, answers, now):
        delay = self.o.delay_ms
        if self.o.delay_seq is not None and req.seq == self.o.delay_seq[0]:
            delay = self.o.delay_seq[1]
        due = now + delay / 1000.0
        n = 0
        for a in answers:
            for _ in range(self.o.dup + 1):
                self.ip_id = (self.ip_id + 1) & 0xFFFF
                self.sched.add(due, a.assemble(self.ip_id))
                n += 1
        return n


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
        for dgram in resp.sched.pop_due(now):
            try:
                os.write(fd, dgram)
            except OSError as e:  # e.g. EIO: device went down
                resp.note("write failed: %s" % e)
        if reading and opts.max_packets and resp.handled >= opts.max_packets:
            reading = False
        if not reading and not resp.sched:
            why = "max-packets"
            break
        if now >= deadline:
            break
        wake = deadline
        if resp.sched:
            wake = min(wake, resp.sched.next_due())
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
              % (why, resp.handled, len(resp.sched)))
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
        "set-up sequence.",
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

    p.add_argument("--dev", required=True, help="TUN device name")
    p.add_argument("--ready-file", metavar="PATH",
                   help="create PATH once attached to the device")
    p.add_argument("--dup", type=nonneg_int, default=0, metavar="N",
                   help="send every answer N+1 times")
    p.add_argument("--answer", type=pattern, metavar="PATTERN",
                   help="answer seq iff PATTERN[(seq-1) %% len] == '1'")
    p.add_argument("--delay-ms", type=nonneg_int, default=0, metavar="MS",
                   help="delay every answer by MS milliseconds")
    def seq_ms(text):
        try:
            seq, ms = (int(x) for x in text.split(":"))
        except ValueError:
            raise argparse.ArgumentTypeError("expected SEQ:MS, got %r" % text)
        if seq < 0 or seq > 0xFFFF or ms < 0:
            raise argparse.ArgumentTypeError("out of range: %r" % text)
        return seq, ms

    p.add_argument("--delay-seq", type=seq_ms, metavar="SEQ:MS",
                   help="delay the answer to sequence SEQ by MS milliseconds "
                   "instead (e.g. a slow last reply)")
    p.add_argument("--bad-checksum", action="store_true",
                   help="corrupt the ICMP checksum of answers")
    p.add_argument("--alter-payload", type=nonneg_int, metavar="OFFSET",
                   help="flip the echo data byte at OFFSET (after the "
                   "8-byte ICMP header)")
    p.add_argument("--unreachable", type=code, metavar="CODE",
                   help="answer with Destination Unreachable, this code")
    p.add_argument("--router", type=addr(4), metavar="ADDR4",
                   help="source of IPv4 errors (default: the request's "
                   "destination)")
    p.add_argument("--router6", type=addr(6), metavar="ADDR6",
                   help="source of ICMPv6 errors (default: the request's "
                   "destination)")
    p.add_argument("--max-packets", type=pos_int, metavar="N",
                   help="stop after N echo requests")
    p.add_argument("--max-seconds", type=seconds, default=60.0, metavar="S",
                   help="stop after S seconds (default 60)")
    p.add_argument("--log", metavar="FILE",
                   help="append one line per packet handled to FILE")
    opts = p.parse_args(argv)
    if len(opts.dev.encode()) >= IFNAMSIZ or "/" in opts.dev:
        p.error("--dev: not a valid interface name: %r" % opts.dev)
    return opts


def main(argv=None):
    return run(parse_args(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
