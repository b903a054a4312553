#!/bin/bash
# The fault-injection scenarios: a TUN responder (responder.py) in the
# test's namespace answers 198.51.100.0/24 and 2001:db8::/64 with a fixed
# delay, a loss pattern, duplicates, reordering, bad checksums, truncated
# replies, an IPv4 header length past the packet, IPv4 options, IPv6
# extension headers before the reply, another identifier, a spoofed
# source, an altered payload, Time Exceeded and Destination Unreachable
# errors with valid and malformed quotes, replies after -W, and a burst of
# unrelated ICMP noise with every request.  For each one, IPv4 and IPv6
# where the scenario exists for IPv6, the test
# asserts the exact transmitted / received / duplicates / corrupted / errors
# counts of the summary, the lines printed for the packets (and nothing
# else), what -v says about the packets it ignored and its "not counted"
# totals, the exit status of netprobe(8) (0: a good reply came, 1: none;
# no scenario here makes 2, which is for usage and system errors, see
# exit-codes.sh) and that the run ended when it should (NP_SECS).  A few
# runs use -J and check the summary object.  Last, two runs sharing one
# identifier (-e) each count only their own replies, by the cookie.
#
# Some faults never reach netprobe: Linux drops an IPv4 datagram whose
# header length runs past the packet, whose options are malformed or whose
# total length is longer than the packet, an ICMPv6 message with a wrong
# checksum (raw ICMPv6 sockets verify it) and an IPv6 packet cut short; the
# raw socket's ICMP_FILTER drops an IPv4 ICMP message shorter than 8 bytes.
# For those the test asserts what netprobe shows (the probes lost, nothing
# printed, nothing ignored, no crash) and that the responder's log has the
# datagrams written; netprobe's own checks of such packets are covered by
# the unit tests (tests/unit/check_reply.c) and the fuzzer (tests/fuzz/).
#
# Each scenario has its own namespace and responder, and each error
# scenario its own router address: the kernel does not rate-limit the
# errors the responder writes, but it does its own answers to some of the
# injected packets (net.ipv4.icmp_ratelimit, net.ipv4.icmp_msgs_per_sec,
# per destination and global), and distinct sources keep every line
# attributable to its scenario.
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_tun
PY=/usr/bin/python3 # for the JSON checks (python3 on PATH may be a shim)
np_require_cmd "$PY"

T4=198.51.100.7
T6=2001:db8::7
# -v adds where the two times of a reply came from (TIMESTAMPS in netprobe(8))
TS='( ts=[a-z-]+)?'
# re ADDR: the address as an extended regex
re() { printf '%s' "$1" | sed 's/\./\\./g'; }
E4=$(re "$T4")

# z PART: a counter of the summary line; a "+N part" left out is 0.
z() {
	local v
	v=$(np_summary "$1")
	echo "${v:-0}"
}

# counts DESC RC "TX RX DUP CORR ERR": the exit status, and the summary's
# transmitted, received, +duplicates, +corrupted and +errors.
counts() {
	np_eq "$1: exit $2" "$2" "$NP_RC"
	np_eq "$1: tx rx +dup +corr +err" "$3" \
		"$(z transmitted) $(z received) $(z duplicates) $(z corrupted) $(z errors)"
}

# lines DESC N REGEX: N lines of standard output match REGEX.
lines() {
	np_eq "$1: $2 lines /$3/" "$2" "$(printf '%s\n' "$NP_OUT" | grep -cE -- "$3")"
}

# perpacket DESC N: N lines on standard output besides the PING line, the
# statistics and empty lines (so nothing is printed but what was checked).
perpacket() {
	np_eq "$1: $2 per-packet lines in all" "$2" \
		"$(printf '%s\n' "$NP_OUT" | grep -cvE '^(PING |--- |[0-9]+ packets transmitted|rtt |$)')"
}

# seqs: the icmp_seq of each reply line, in the order printed.
seqs() {
	printf '%s\n' "$NP_OUT" | sed -nE 's/^[0-9]+ bytes from [^ ]+: icmp_seq=([0-9]+) .*/\1/p' | xargs
}

# ignored DESC N FROM REASON: N -v lines "ignored a packet from FROM: REASON".
ignored() {
	np_eq "$1: -v: $2 x '$4' from $3" "$2" \
		"$(printf '%s\n' "$NP_ERR" | grep -cxF -- "netprobe: ignored a packet from $3: $4")"
}

# notcounted DESC L F M: the -v totals line, and F + M ignored lines in all.
notcounted() {
	np_match "$1: -v: not counted $2/$3/$4" \
		"^netprobe: not counted: $2 late, $3 foreign, $4 malformed; 0 probes dropped from a full table\$" "$NP_ERR"
	np_eq "$1: -v: $(($3 + $4)) ignored lines in all" $(($3 + $4)) \
		"$(printf '%s\n' "$NP_ERR" | grep -c '^netprobe: ignored a packet from ')"
}

# wrote DESC VAR N REGEX: the responder of scenario VAR wrote N datagrams
# whose log line ("sent LABEL, BYTES bytes") matches REGEX.
wrote() {
	np_eq "$1: responder wrote $3 x /$4/" "$3" \
		"$(grep -cE -- "^[0-9.]+ sent $4" "$NP_TMP/$2.log")"
}

# JSON Lines on NP_OUT: jsummary (the counters of the one summary object),
# jevents (how many objects of each event), jfield EVENT FIELD.
jsummary() {
	printf '%s\n' "$NP_OUT" | "$PY" -c '
import json, sys
objs = [json.loads(line) for line in sys.stdin if line.strip()]
s = [o for o in objs if o["event"] == "summary"]
if len(s) == 1:
    print(" ".join("%s=%s" % (k, s[0][k]) for k in ("transmitted", "received",
          "duplicates", "corrupted", "errors", "late")))
else:
    print("%d summary objects" % len(s))'
}
jevents() {
	printf '%s\n' "$NP_OUT" | "$PY" -c '
import collections, json, sys
c = collections.Counter(json.loads(line)["event"] for line in sys.stdin if line.strip())
print(" ".join("%s=%d" % kv for kv in sorted(c.items())))'
}
jfield() {
	printf '%s\n' "$NP_OUT" | "$PY" -c '
import json, sys
ev, field = sys.argv[1], sys.argv[2]
objs = [json.loads(line) for line in sys.stdin if line.strip()]
print(" ".join(json.dumps(o.get(field)) for o in objs if o["event"] == ev))' "$1" "$2"
}

# Router addresses, one pair per error scenario.
ROUTER_N=200
next_router() {
	ROUTER_N=$((ROUTER_N + 1))
	R4=198.51.100.$ROUTER_N
	R6=2001:db8::$ROUTER_N
}

# --- delay, loss, duplicates, reordering ----------------------------------

# A fixed delay of 150 ms: every reply counts, with that RTT.
if np_tun_ns DELAY --delay-ms 150; then
	for T in $T4 $T6; do
		np_run "$DELAY" 15 -v -c 3 -i 0.2 -W 1 "$T"
		counts "delay $T" 0 "3 3 0 0 0"
		lines "delay $T" 3 "^64 bytes from $(re "$T"): icmp_seq=[1-3] ttl=64 time=(1[5-9][0-9]|[2-4][0-9][0-9]) ms$TS$"
		perpacket "delay $T" 3
		notcounted "delay $T" 0 0 0
		np_took "delay $T" 550 1700
	done
else
	np_not_ok "responder for --delay-ms did not start"
fi

# Many targets, count mode, replies 20 ms late: every one counts.  (-W is
# -i here: a probe ends when the next one to its target is due; a reply
# that came in between must be read before that, not taken for late.)
if np_tun_ns MDELAY --delay-ms 20; then
	for set in "$T4 198.51.100.8 198.51.100.9" "$T6 2001:db8::8 2001:db8::9"; do
		# shellcheck disable=SC2086 # $set: three targets
		np_run "$MDELAY" 15 -c 3 -i 0.5 $set
		np_eq "20 ms, many targets ${set%% *}: exit 0" 0 "$NP_RC"
		np_eq "20 ms, many targets ${set%% *}: all three 3/3/0%" 3 \
			"$(printf '%s\n' "$NP_OUT" | grep -c ' : xmt/rcv/%loss = 3/3/0%, min/avg/max = ')"
		np_nomatch "20 ms, many targets ${set%% *}: no late reply" 'late|counted as lost' "$NP_OUT$NP_ERR"
		np_took "20 ms, many targets ${set%% *}" 900 2500
	done
	# shellcheck disable=SC2086
	np_run "$MDELAY" 15 -q -C 3 -i 0.5 --gap 0.01 --burst 3 $T4 198.51.100.8 198.51.100.9
	np_eq "20 ms, -C 3 --burst 3: exit 0" 0 "$NP_RC"
	np_eq "20 ms, -C 3 --burst 3: 9 RTTs of 20 ms or more, no - (lost)" 9 \
		"$(printf '%s\n' "$NP_ERR$NP_OUT" | grep -oE '(^| )(2[0-9]|[3-9][0-9])\.[0-9]+' | wc -l)"
else
	np_not_ok "responder for --delay-ms 20 did not start"
fi

# Deterministic loss: 1101 answers 1 2 4 5 6 8 of 8.  The last probe is
# answered, so the run ends one interval after it.
if np_tun_ns LOSS --answer 1101; then
	for T in $T4 $T6; do
		np_run "$LOSS" 15 -v -c 8 -i 0.05 -W 1 "$T"
		counts "loss $T" 0 "8 6 0 0 0"
		np_eq "loss $T: 25% loss" 25 "$(np_summary loss)"
		np_eq "loss $T: answered 1 2 4 5 6 8" "1 2 4 5 6 8" "$(seqs)"
		perpacket "loss $T" 6
		notcounted "loss $T" 0 0 0
		np_took "loss $T" 350 1400
	done
else
	np_not_ok "responder for --answer did not start"
fi

# Duplicates: every answer three times.  A -c run ends as soon as its last
# probe is answered (as iputils), so the last probe goes unanswered
# (pattern 1110) to make the number of duplicates read exact.
if np_tun_ns DUP --dup 2 --answer 1110; then
	for T in $T4 $T6; do
		np_run "$DUP" 15 -v -c 4 -i 0.1 -W 0.5 "$T"
		counts "duplicates $T" 0 "4 3 6 0 0"
		lines "duplicates $T" 6 "^64 bytes from $(re "$T"): icmp_seq=[1-3] ttl=64 time=[0-9.]+ ms$TS \\(DUP!\\)$"
		np_eq "duplicates $T: order" "1 1 1 2 2 2 3 3 3" "$(seqs)"
		perpacket "duplicates $T" 9
		notcounted "duplicates $T" 0 0 0
		# probe 4: one interval after it (2 RTTs are less), not -W
		np_took "duplicates $T" 380 1400
	done
	np_run "$DUP" 15 -J -c 4 -i 0.1 -W 0.5 "$T4"
	np_eq "duplicates -J: exit 0" 0 "$NP_RC"
	np_eq "duplicates -J: summary" \
		"transmitted=4 received=3 duplicates=6 corrupted=0 errors=0 late=0" "$(jsummary)"
	np_eq "duplicates -J: events" "duplicate=6 reply=3 summary=1" "$(jevents)"
	np_eq "duplicates -J: duplicate seqs" "1 1 2 2 3 3" "$(jfield duplicate seq)"
	# -f: a good reply erases its dot, a duplicate prints nothing (iputils)
	np_run "$DUP" 15 -f -c 3 -W 0.5 "$T4"
	np_eq "duplicates -f: 3 received" 3 "$(z received)"
	np_nomatch "duplicates -f: no line for a duplicate" 'DUP!|bytes from' "$NP_OUT"
	np_eq "duplicates -f: 3 dots erased" 3 "$(printf '%s' "$NP_OUT" | grep -o $'\b \b' | wc -l)"
else
	np_not_ok "responder for --dup did not start"
fi

# Reordering: answers released in reversed groups of 3; all count.
if np_tun_ns REORDER --reorder 3; then
	for T in $T4 $T6; do
		np_run "$REORDER" 15 -v -c 6 -i 0.1 -W 1 "$T"
		counts "reorder $T" 0 "6 6 0 0 0"
		np_eq "reorder $T: order" "3 2 1 6 5 4" "$(seqs)"
		lines "reorder $T: seq 1 waited for seq 3" 1 "^64 bytes from $(re "$T"): icmp_seq=1 ttl=64 time=(19[0-9]|[2-4][0-9][0-9]) ms$TS$"
		perpacket "reorder $T" 6
		notcounted "reorder $T" 0 0 0
		np_took "reorder $T" 480 1500
	done
else
	np_not_ok "responder for --reorder did not start"
fi
# Groups of 4: 4 3 2 1 (the fourth request comes 300 ms after the first,
# within the 500 ms wait), then the incomplete group (5, 6) 500 ms after 5.
if np_tun_ns REORDER4 --reorder 4 --reorder-wait-ms 500; then
	for T in $T4 $T6; do
		np_run "$REORDER4" 15 -v -c 6 -i 0.1 -W 1 "$T"
		counts "reorder, flush $T" 0 "6 6 0 0 0"
		np_eq "reorder, flush $T: order" "4 3 2 1 6 5" "$(seqs)"
		lines "reorder, flush $T: seq 5 held 500 ms" 1 "^64 bytes from $(re "$T"): icmp_seq=5 ttl=64 time=(49[0-9]|[5-7][0-9][0-9]) ms$TS$"
		perpacket "reorder, flush $T" 6
		notcounted "reorder, flush $T" 0 0 0
		np_took "reorder, flush $T" 880 1900
	done
else
	np_not_ok "responder for --reorder 4 did not start"
fi

# --- corrupted replies -----------------------------------------------------

# Bad ICMP checksum.  IPv4: the raw socket gets it: corrupted, not received.
# IPv6: the kernel verifies ICMPv6 checksums and drops it: lost, and said
# nowhere (the responder did send it).
if np_tun_ns BADSUM --bad-checksum; then
	np_run "$BADSUM" 15 -v -c 3 -i 0.1 -W 0.5 "$T4"
	counts "bad checksum $T4" 1 "3 0 0 3 0"
	lines "bad checksum $T4" 3 "^64 bytes from $E4: icmp_seq=[1-3] ttl=64 time=[0-9.]+ ms$TS \\(BAD CHECKSUM!\\)$"
	perpacket "bad checksum $T4" 3
	notcounted "bad checksum $T4" 0 0 0
	np_took "bad checksum $T4" 650 1700
	np_run "$BADSUM" 15 -v -c 3 -i 0.1 -W 0.5 "$T6"
	counts "bad checksum $T6 (kernel drops)" 1 "3 0 0 0 0"
	perpacket "bad checksum $T6 (kernel drops)" 0
	notcounted "bad checksum $T6 (kernel drops)" 0 0 0
	np_took "bad checksum $T6 (kernel drops)" 650 1700
	wrote "bad checksum $T6 (kernel drops)" BADSUM 3 'v6 reply seq=[1-3], 104 bytes$'
else
	np_not_ok "responder for --bad-checksum did not start"
fi

# A fill byte altered, checksum right: BAD DATA, and which byte.
if np_tun_ns ALTER --alter-payload 20; then
	for T in $T4 $T6; do
		np_run "$ALTER" 15 -v -c 3 -i 0.1 -W 0.5 "$T"
		counts "altered data $T" 1 "3 0 0 3 0"
		lines "altered data $T" 3 "^64 bytes from $(re "$T"): icmp_seq=[1-3] ttl=64 time=[0-9.]+ ms$TS \\(BAD DATA!\\)$"
		lines "altered data $T: the byte" 3 '^wrong data byte #20 should be 0x14 but was 0xeb$'
		perpacket "altered data $T" 6
		notcounted "altered data $T" 0 0 0
		np_took "altered data $T" 650 1700
	done
else
	np_not_ok "responder for --alter-payload did not start"
fi

# Truncated replies.  --truncate N cuts the datagram to N bytes, the IP
# length and the ICMP checksum made to match: the same N leaves 20 bytes
# more ICMP message for IPv4 than for IPv6.
#   60: IPv4 40 ICMP bytes (32 of payload), IPv6 20 (12): wrong length
if np_tun_ns TRUNC60 --truncate 60; then
	np_run "$TRUNC60" 15 -v -c 2 -i 0.1 -W 0.5 "$T4"
	counts "truncated to 60 $T4" 1 "2 0 0 2 0"
	lines "truncated to 60 $T4" 2 "^40 bytes from $E4: icmp_seq=[12] ttl=64 time=[0-9.]+ ms$TS \\(BAD DATA!\\)$"
	lines "truncated to 60 $T4: why" 2 '^wrong data length: 32 payload bytes, sent 56$'
	perpacket "truncated to 60 $T4" 4
	notcounted "truncated to 60 $T4" 0 0 0
	np_took "truncated to 60 $T4" 550 1600
	np_run "$TRUNC60" 15 -v -c 2 -i 0.1 -W 0.5 "$T6"
	counts "truncated to 60 $T6" 1 "2 0 0 2 0"
	lines "truncated to 60 $T6" 2 "^20 bytes from $T6: icmp_seq=[12] ttl=64 time=[0-9.]+ ms$TS \\(BAD DATA!\\)$"
	lines "truncated to 60 $T6: why" 2 '^wrong data length: 12 payload bytes, sent 56$'
	perpacket "truncated to 60 $T6" 4
	notcounted "truncated to 60 $T6" 0 0 0
	np_took "truncated to 60 $T6" 550 1600
else
	np_not_ok "responder for --truncate 60 did not start"
fi
#   ... with the checksum of the whole message: IPv4 BAD CHECKSUM; IPv6
#   dropped by the kernel (checksum)
if np_tun_ns TRUNCSUM --truncate 60 --truncate-stale-checksum; then
	np_run "$TRUNCSUM" 15 -v -c 2 -i 0.1 -W 0.5 "$T4"
	counts "truncated, stale checksum $T4" 1 "2 0 0 2 0"
	lines "truncated, stale checksum $T4" 2 "^40 bytes from $E4: icmp_seq=[12] ttl=64 time=[0-9.]+ ms$TS \\(BAD CHECKSUM!\\)$"
	perpacket "truncated, stale checksum $T4" 2
	notcounted "truncated, stale checksum $T4" 0 0 0
	np_took "truncated, stale checksum $T4" 550 1600
	np_run "$TRUNCSUM" 15 -v -c 2 -i 0.1 -W 0.5 "$T6"
	counts "truncated, stale checksum $T6 (kernel drops)" 1 "2 0 0 0 0"
	perpacket "truncated, stale checksum $T6 (kernel drops)" 0
	notcounted "truncated, stale checksum $T6 (kernel drops)" 0 0 0
	np_took "truncated, stale checksum $T6 (kernel drops)" 550 1600
	wrote "truncated, stale checksum $T6 (kernel drops)" TRUNCSUM 2 'v6 reply seq=[12], 60 bytes$'
else
	np_not_ok "responder for --truncate-stale-checksum did not start"
fi
#   ... with the IP length of the whole datagram: longer than the packet,
#   both families dropped by the kernel
if np_tun_ns TRUNCLEN --truncate 60 --truncate-keep-length; then
	for T in $T4 $T6; do
		np_run "$TRUNCLEN" 15 -v -c 2 -i 0.1 -W 0.5 "$T"
		counts "truncated, length kept $T (kernel drops)" 1 "2 0 0 0 0"
		perpacket "truncated, length kept $T (kernel drops)" 0
		notcounted "truncated, length kept $T (kernel drops)" 0 0 0
		np_took "truncated, length kept $T (kernel drops)" 550 1600
	done
	wrote "truncated, length kept (kernel drops)" TRUNCLEN 4 'v[46] reply seq=[12], 60 bytes$'
else
	np_not_ok "responder for --truncate-keep-length did not start"
fi
#   44: IPv4 24 ICMP bytes (cookie and stamp, no fill); IPv6 4 bytes, the
#   ICMPv6 header cut: malformed
if np_tun_ns TRUNC44 --truncate 44; then
	np_run "$TRUNC44" 15 -v -c 2 -i 0.1 -W 0.5 "$T4"
	counts "truncated to 44 $T4" 1 "2 0 0 2 0"
	lines "truncated to 44 $T4" 2 "^24 bytes from $E4: icmp_seq=[12] ttl=64 time=[0-9.]+ ms$TS \\(BAD DATA!\\)$"
	lines "truncated to 44 $T4: why" 2 '^wrong data length: 16 payload bytes, sent 56$'
	perpacket "truncated to 44 $T4" 4
	notcounted "truncated to 44 $T4" 0 0 0
	np_took "truncated to 44 $T4" 550 1600
	np_run "$TRUNC44" 15 -v -c 2 -i 0.1 -W 0.5 "$T6"
	counts "truncated to 44 $T6" 1 "2 0 0 0 0"
	perpacket "truncated to 44 $T6" 0
	ignored "truncated to 44 $T6" 2 $T6 "ICMP message truncated"
	notcounted "truncated to 44 $T6" 0 0 2
	np_took "truncated to 44 $T6" 550 1600
else
	np_not_ok "responder for --truncate 44 did not start"
fi
#   32: IPv4 12 ICMP bytes, half a cookie: another sender's reply, foreign;
#   IPv6 cut inside its header: dropped by the kernel
if np_tun_ns TRUNC32 --truncate 32; then
	np_run "$TRUNC32" 15 -v -c 2 -i 0.1 -W 0.5 "$T4"
	counts "truncated to 32 $T4" 1 "2 0 0 0 0"
	perpacket "truncated to 32 $T4" 0
	ignored "truncated to 32 $T4" 2 $T4 "echo reply with another run's cookie"
	notcounted "truncated to 32 $T4" 0 2 0
	np_took "truncated to 32 $T4" 550 1600
	np_run "$TRUNC32" 15 -v -c 2 -i 0.1 -W 0.5 "$T6"
	counts "truncated to 32 $T6 (kernel drops)" 1 "2 0 0 0 0"
	perpacket "truncated to 32 $T6 (kernel drops)" 0
	notcounted "truncated to 32 $T6 (kernel drops)" 0 0 0
	np_took "truncated to 32 $T6 (kernel drops)" 550 1600
	wrote "truncated to 32 $T6 (kernel drops)" TRUNC32 2 'v6 reply seq=[12], 32 bytes$'
else
	np_not_ok "responder for --truncate 32 did not start"
fi
#   24: IPv4 4 ICMP bytes: the raw socket's ICMP_FILTER drops a message
#   shorter than an 8-byte header (IPv6 at 24 bytes is the case above)
if np_tun_ns TRUNC24 --truncate 24; then
	np_run "$TRUNC24" 15 -v -c 2 -i 0.1 -W 0.5 "$T4"
	counts "truncated to 24 $T4 (kernel drops)" 1 "2 0 0 0 0"
	perpacket "truncated to 24 $T4 (kernel drops)" 0
	notcounted "truncated to 24 $T4 (kernel drops)" 0 0 0
	np_took "truncated to 24 $T4 (kernel drops)" 550 1600
	wrote "truncated to 24 $T4 (kernel drops)" TRUNC24 2 'v4 reply seq=[12], 24 bytes$'
else
	np_not_ok "responder for --truncate 24 did not start"
fi

# --- IPv4 header: length and options (IPv4 only: IPv6 has neither) --------

# A header length (60 bytes) past the packet (-s 16: 44 bytes): the kernel
# drops it.
if np_tun_ns IHL --ihl 15; then
	np_run "$IHL" 15 -v -s 16 -c 2 -i 0.1 -W 0.5 "$T4"
	counts "IHL past the packet (kernel drops)" 1 "2 0 0 0 0"
	perpacket "IHL past the packet (kernel drops)" 0
	notcounted "IHL past the packet (kernel drops)" 0 0 0
	np_took "IHL past the packet (kernel drops)" 550 1600
	wrote "IHL past the packet (kernel drops)" IHL 2 'v4 reply seq=[12], 44 bytes$'
else
	np_not_ok "responder for --ihl did not start"
fi

# 40 bytes of options (IHL 15): a full record route, no-operations, a full
# timestamp: the replies count as any other.  A record route whose length
# runs past the header: the kernel drops it (and answers the responder
# with a Parameter Problem).
for kind in rr nop ts; do
	if np_tun_ns OPT_$kind --ip-options $kind; then
		eval "ns=\$OPT_$kind"
		np_run "$ns" 15 -v -c 2 -i 0.1 -W 0.5 "$T4"
		counts "IPv4 options $kind" 0 "2 2 0 0 0"
		lines "IPv4 options $kind" 2 "^64 bytes from $E4: icmp_seq=[12] ttl=64 time=[0-9.]+ ms$TS$"
		perpacket "IPv4 options $kind" 2
		notcounted "IPv4 options $kind" 0 0 0
		np_took "IPv4 options $kind" 90 1100
		wrote "IPv4 options $kind" OPT_$kind 2 'v4 reply seq=[12], 124 bytes$'
	else
		np_not_ok "responder for --ip-options $kind did not start"
	fi
done
if np_tun_ns OPTBAD --ip-options bad; then
	np_run "$OPTBAD" 15 -v -c 2 -i 0.1 -W 0.5 "$T4"
	counts "IPv4 options malformed (kernel drops)" 1 "2 0 0 0 0"
	perpacket "IPv4 options malformed (kernel drops)" 0
	notcounted "IPv4 options malformed (kernel drops)" 0 0 0
	np_took "IPv4 options malformed (kernel drops)" 550 1600
	wrote "IPv4 options malformed (kernel drops)" OPTBAD 2 'v4 reply seq=[12], 124 bytes$'
else
	np_not_ok "responder for --ip-options bad did not start"
fi

# --- IPv6 extension headers before the reply (what IPv6 has for options) --

# A hop-by-hop or destination options header (one PadN) between the IPv6
# header and the ICMPv6 reply: the kernel walks it, and the reply counts as
# any other.  A hop-by-hop header whose length (2048 bytes) runs past the
# packet: the kernel drops it.
for kind in hbh dst; do
	if np_tun_ns EXT_$kind --ext6 $kind; then
		eval "ns=\$EXT_$kind"
		np_run "$ns" 15 -v -c 2 -i 0.1 -W 0.5 "$T6"
		counts "IPv6 $kind header" 0 "2 2 0 0 0"
		lines "IPv6 $kind header" 2 "^64 bytes from $T6: icmp_seq=[12] ttl=64 time=[0-9.]+ ms$TS$"
		perpacket "IPv6 $kind header" 2
		notcounted "IPv6 $kind header" 0 0 0
		np_took "IPv6 $kind header" 90 1100
		wrote "IPv6 $kind header" EXT_$kind 2 'v6 reply seq=[12], 112 bytes$'
	else
		np_not_ok "responder for --ext6 $kind did not start"
	fi
done
if np_tun_ns EXTBAD --ext6 bad; then
	np_run "$EXTBAD" 15 -v -c 2 -i 0.1 -W 0.5 "$T6"
	counts "IPv6 hop-by-hop past the packet (kernel drops)" 1 "2 0 0 0 0"
	perpacket "IPv6 hop-by-hop past the packet (kernel drops)" 0
	notcounted "IPv6 hop-by-hop past the packet (kernel drops)" 0 0 0
	np_took "IPv6 hop-by-hop past the packet (kernel drops)" 550 1600
	wrote "IPv6 hop-by-hop past the packet (kernel drops)" EXTBAD 2 'v6 reply seq=[12], 112 bytes$'
else
	np_not_ok "responder for --ext6 bad did not start"
fi

# --- replies that are not this run's --------------------------------------

# Another identifier: another pinger's replies, dropped without a word.
if np_tun_ns FOREIGNID --foreign-id; then
	for T in $T4 $T6; do
		np_run "$FOREIGNID" 15 -v -c 2 -i 0.1 -W 0.5 "$T"
		counts "foreign id $T" 1 "2 0 0 0 0"
		perpacket "foreign id $T" 0
		notcounted "foreign id $T" 0 0 0
		np_took "foreign id $T" 550 1600
	done
	wrote "foreign id" FOREIGNID 4 'v[46] reply/foreign-id seq=[12], '
else
	np_not_ok "responder for --foreign-id did not start"
fi

# The right identifier and sequence from another address: foreign.
if np_tun_ns SPOOF --spoof-source 198.51.100.211 --spoof-source6 2001:db8::d3; then
	for T in $T4 $T6; do
		case $T in *:*) S=2001:db8::d3 ;; *) S=198.51.100.211 ;; esac
		np_run "$SPOOF" 15 -v -c 3 -i 0.1 -W 0.5 "$T"
		counts "spoofed source $T" 1 "3 0 0 0 0"
		perpacket "spoofed source $T" 0
		ignored "spoofed source $T" 3 $S "echo reply from an address that is not the target"
		notcounted "spoofed source $T" 0 3 0
		np_took "spoofed source $T" 650 1700
	done
else
	np_not_ok "responder for --spoof-source did not start"
fi

# --- ICMP errors, valid and malformed quotes --------------------------------

# A valid quote: printed, counted in errors, and it ends its probe, so the
# run ends with the last error, long before -W 2.
next_router
if np_tun_ns TE --time-exceeded 0 --router $R4 --router6 $R6; then
	np_run "$TE" 15 -v -c 3 -i 0.1 -W 2 "$T4"
	counts "time exceeded $T4" 1 "3 0 0 0 3"
	lines "time exceeded $T4" 3 "^From $(re "$R4") icmp_seq=[1-3] Time to live exceeded$"
	perpacket "time exceeded $T4" 3
	notcounted "time exceeded $T4" 0 0 0
	np_took "time exceeded $T4" 180 1300
	np_run "$TE" 15 -v -c 3 -i 0.1 -W 2 "$T6"
	counts "time exceeded $T6" 1 "3 0 0 0 3"
	lines "time exceeded $T6" 3 "^From $R6 icmp_seq=[1-3] Time exceeded: Hop limit$"
	perpacket "time exceeded $T6" 3
	notcounted "time exceeded $T6" 0 0 0
	np_took "time exceeded $T6" 180 1300
	np_run "$TE" 15 -J -c 3 -i 0.1 -W 2 "$T6"
	np_eq "time exceeded $T6 -J: exit 1" 1 "$NP_RC"
	np_eq "time exceeded $T6 -J: summary" \
		"transmitted=3 received=0 duplicates=0 corrupted=0 errors=3 late=0" "$(jsummary)"
	np_eq "time exceeded $T6 -J: events" "icmp_error=3 summary=1" "$(jevents)"
	np_eq "time exceeded $T6 -J: verified" "true true true" "$(jfield icmp_error verified)"
else
	np_not_ok "responder for --time-exceeded did not start"
fi
next_router
if np_tun_ns UNREACH --unreachable 0 --router $R4 --router6 $R6; then
	np_run "$UNREACH" 15 -v -c 3 -i 0.1 -W 2 "$T4"
	counts "net unreachable $T4" 1 "3 0 0 0 3"
	lines "net unreachable $T4" 3 "^From $(re "$R4") icmp_seq=[1-3] Destination Net Unreachable$"
	perpacket "net unreachable $T4" 3
	notcounted "net unreachable $T4" 0 0 0
	np_took "net unreachable $T4" 180 1300
	np_run "$UNREACH" 15 -v -c 3 -i 0.1 -W 2 "$T6"
	counts "no route $T6" 1 "3 0 0 0 3"
	lines "no route $T6" 3 "^From $R6 icmp_seq=[1-3] Destination unreachable: No route$"
	perpacket "no route $T6" 3
	notcounted "no route $T6" 0 0 0
	np_took "no route $T6" 180 1300
else
	np_not_ok "responder for --unreachable did not start"
fi

# Valid quotes with more in them: IPv4 options in the quoted header (IHL
# 15), an IPv6 hop-by-hop header before the quoted ICMPv6: the same.
next_router
if np_tun_ns TEOPT --time-exceeded 0 --quote options --router $R4 --router6 $R6; then
	np_run "$TEOPT" 15 -v -c 2 -i 0.1 -W 2 "$T4"
	counts "quote with IPv4 options" 1 "2 0 0 0 2"
	lines "quote with IPv4 options" 2 "^From $(re "$R4") icmp_seq=[12] Time to live exceeded$"
	perpacket "quote with IPv4 options" 2
	notcounted "quote with IPv4 options" 0 0 0
	np_took "quote with IPv4 options" 80 1200
	wrote "quote with IPv4 options" TEOPT 2 'v4 time-exceeded/0 seq=[12], 152 bytes$'
else
	np_not_ok "responder for --quote options did not start"
fi
next_router
if np_tun_ns TEEXT --time-exceeded 0 --quote ext --router $R4 --router6 $R6; then
	np_run "$TEEXT" 15 -v -c 2 -i 0.1 -W 2 "$T6"
	counts "quote with a hop-by-hop header" 1 "2 0 0 0 2"
	lines "quote with a hop-by-hop header" 2 "^From $R6 icmp_seq=[12] Time exceeded: Hop limit$"
	perpacket "quote with a hop-by-hop header" 2
	notcounted "quote with a hop-by-hop header" 0 0 0
	np_took "quote with a hop-by-hop header" 80 1200
	wrote "quote with a hop-by-hop header" TEEXT 2 'v6 time-exceeded/0 seq=[12], 160 bytes$'
else
	np_not_ok "responder for --quote ext did not start"
fi

# The RFC 792 minimum, the IP header and 8 bytes: no cookie to check, so
# printed and counted, but the probe is still waited for (-W 0.5).
next_router
if np_tun_ns TESHORT --time-exceeded 0 --quote short --router $R4 --router6 $R6; then
	np_run "$TESHORT" 15 -v -c 3 -i 0.1 -W 0.5 "$T4"
	counts "short quote $T4" 1 "3 0 0 0 3"
	lines "short quote $T4" 3 "^From $(re "$R4") icmp_seq=[1-3] Time to live exceeded$"
	perpacket "short quote $T4" 3
	notcounted "short quote $T4" 0 0 0
	np_took "short quote $T4" 650 1700
	np_run "$TESHORT" 15 -v -c 3 -i 0.1 -W 0.5 "$T6"
	counts "short quote $T6" 1 "3 0 0 0 3"
	lines "short quote $T6" 3 "^From $R6 icmp_seq=[1-3] Time exceeded: Hop limit$"
	perpacket "short quote $T6" 3
	notcounted "short quote $T6" 0 0 0
	np_took "short quote $T6" 650 1700
	np_run "$TESHORT" 15 -J -c 3 -i 0.1 -W 0.5 "$T4"
	np_eq "short quote -J: exit 1" 1 "$NP_RC"
	np_eq "short quote -J: summary" \
		"transmitted=3 received=0 duplicates=0 corrupted=0 errors=3 late=0" "$(jsummary)"
	np_eq "short quote -J: events" "icmp_error=3 summary=1 timeout=3" "$(jevents)"
	np_eq "short quote -J: unverified" "false false false" "$(jfield icmp_error verified)"
else
	np_not_ok "responder for --quote short did not start"
fi
next_router
if np_tun_ns UNSHORT --unreachable 1 --quote short --router $R4 --router6 $R6; then
	for T in $T4 $T6; do
		case $T in *:*) R=$R6 W='Destination unreachable: Administratively prohibited' ;; *) R=$R4 W='Destination Host Unreachable' ;; esac
		np_run "$UNSHORT" 15 -v -c 2 -i 0.1 -W 0.5 "$T"
		counts "unreachable, short quote $T" 1 "2 0 0 0 2"
		lines "unreachable, short quote $T" 2 "^From $(re "$R") icmp_seq=[12] $W$"
		perpacket "unreachable, short quote $T" 2
		notcounted "unreachable, short quote $T" 0 0 0
		np_took "unreachable, short quote $T" 550 1600
	done
else
	np_not_ok "responder for --unreachable --quote short did not start"
fi

# Quotes that fail a check: nothing on standard output, not an error, the
# probe lost after -W; -v says which check failed, and counts the packet as
# malformed, or as foreign when it is well formed but not about this run.
# quote_bad MODE FAMILIES CLASS REASON [ERROR-FLAGS...]
#   CLASS: malformed, foreign, or none (dropped without a line)
quote_bad() {
	local mode=$1 fams=$2 class=$3 why=$4 var T R d kind=(--time-exceeded 0)
	shift 4
	[ $# -eq 0 ] || kind=("$@")
	next_router
	var=Q_$(printf '%s' "$mode" | tr -c 'a-zA-Z0-9\n' _)_$ROUTER_N
	if ! np_tun_ns "$var" "${kind[@]}" --quote "$mode" --router "$R4" --router6 "$R6"; then
		np_not_ok "responder for ${kind[*]} --quote $mode did not start"
		return
	fi
	for T in $fams; do
		case $T in *:*) R=$R6 ;; *) R=$R4 ;; esac
		d="${kind[*]} --quote $mode $T"
		np_run "${!var}" 15 -v -c 2 -i 0.1 -W 0.5 "$T"
		counts "$d" 1 "2 0 0 0 0"
		perpacket "$d" 0
		case $class in
		malformed)
			# the error's own type and code, then the quote's fault
			ignored "$d" 2 "$R" "$(err_desc "$T" "${kind[*]}"), malformed: $why"
			notcounted "$d" 0 0 2 ;;
		foreign)
			ignored "$d" 2 "$R" "$why"
			notcounted "$d" 0 2 0 ;;
		*)
			notcounted "$d" 0 0 0 ;;
		esac
		np_took "$d" 550 1600
	done
}
# err_desc TARGET KIND: how -v names the error the responder sends.
err_desc() {
	case $1:$2 in
	*:*:"--time-exceeded 0") echo "Time exceeded: Hop limit (type 3, code 0)" ;;
	*:"--time-exceeded 0") echo "Time to live exceeded (type 11, code 0)" ;;
	*:*:"--unreachable 1") echo "Destination unreachable: Administratively prohibited (type 1, code 1)" ;;
	*:"--unreachable 1") echo "Destination Host Unreachable (type 3, code 1)" ;;
	*:*:"--unreachable 3") echo "Destination unreachable: Address unreachable (type 1, code 3)" ;;
	*:"--unreachable 3") echo "Destination Port Unreachable (type 3, code 3)" ;;
	esac
}
# IPv4 only: options and IHL of the quoted header
quote_bad options-bad "$T4" malformed "quoted IPv4 options malformed"
quote_bad ihl-past "$T4" malformed "quoted IPv4 header length invalid"
# IPv6 only: extension headers of the quoted packet
quote_bad ext-bad "$T6" malformed "quoted IPv6 extension header malformed"
quote_bad cut-ip "$T4 $T6" malformed "quoted IP header truncated"
quote_bad cut-ip "$T4 $T6" malformed "quoted IP header truncated" --unreachable 1
quote_bad cut-icmp "$T4 $T6" malformed "quote ends before the ICMP header"
quote_bad version "$T4 $T6" malformed "quoted IP version wrong"
quote_bad totlen "$T4 $T6" malformed "quoted length shorter than its headers"
quote_bad totlen "$T4 $T6" malformed "quoted length shorter than its headers" --unreachable 3
# Well formed, but not about this run's probes: to another address, or
# with another run's cookie (the same identifier and sequence).
quote_bad other-dst "$T4 $T6" foreign "ICMP error quoting a probe to another address"
quote_bad other-cookie "$T4 $T6" foreign "ICMP error quoting a probe that is not ours"
# The quoted datagram is UDP: not about an echo at all, so none of
# netprobe's business: dropped without a line, like another pinger's.
quote_bad proto "$T4 $T6" none ""

# With -w, the first error that ends a probe ends the run (iputils); one
# that quotes too little to end its probe does not: the run goes on to the
# deadline (probes at 0, 0.3, 0.6 and 0.9 s).
next_router
if np_tun_ns TEW --time-exceeded 0 --router "$R4" --router6 "$R6"; then
	for T in $T4 $T6; do
		case $T in *:*) R=$R6 W='Time exceeded: Hop limit' ;; *) R=$R4 W='Time to live exceeded' ;; esac
		np_run "$TEW" 15 -v -w 2 -i 0.3 "$T"
		counts "-w 2, time exceeded $T" 1 "1 0 0 0 1"
		lines "-w 2, time exceeded $T" 1 "^From $(re "$R") icmp_seq=1 $W$"
		perpacket "-w 2, time exceeded $T" 1
		notcounted "-w 2, time exceeded $T" 0 0 0
		np_took "-w 2, time exceeded $T: ends at the first error" 0 1500
	done
else
	np_not_ok "responder for --time-exceeded (-w) did not start"
fi
next_router
if np_tun_ns TEWSHORT --time-exceeded 0 --quote short --router "$R4" --router6 "$R6"; then
	for T in $T4 $T6; do
		case $T in *:*) R=$R6 W='Time exceeded: Hop limit' ;; *) R=$R4 W='Time to live exceeded' ;; esac
		np_run "$TEWSHORT" 15 -v -w 1 -i 0.3 "$T"
		counts "-w 1, short quote $T" 1 "4 0 0 0 4"
		lines "-w 1, short quote $T" 4 "^From $(re "$R") icmp_seq=[1-4] $W$"
		perpacket "-w 1, short quote $T" 4
		notcounted "-w 1, short quote $T" 0 0 0
		np_took "-w 1, short quote $T: runs to the deadline" 980 2000
	done
else
	np_not_ok "responder for --quote short (-w) did not start"
fi

# --- late replies ------------------------------------------------------------

# Replies 1.25 s after probes 0.5 s apart, -W 1: 1 2 3 come after their
# -W but before the run ends (1.5 s + 1 s), LATE!, counted as lost; 4 comes
# after the end.
if np_tun_ns LATE --delay-ms 1250; then
	for T in $T4 $T6; do
		np_run "$LATE" 15 -v -c 4 -i 0.5 -W 1 "$T"
		counts "late $T" 1 "4 0 0 0 0"
		lines "late $T" 3 "^64 bytes from $(re "$T"): icmp_seq=[1-3] ttl=64 time=1(2[4-9]|3[0-9])[0-9] ms$TS \\(LATE! after -W, counted as lost\\)$"
		perpacket "late $T" 3
		notcounted "late $T" 3 0 0
		np_took "late $T" 2450 3500
	done
else
	np_not_ok "responder for --delay-ms 1250 did not start"
fi

# --- noise -------------------------------------------------------------------

# With every request, the nine noise packets of responder.py (other
# identifiers, echo requests, a timestamp reply, errors about UDP, router
# and neighbour advertisements, and malformed ones) come before the reply.
# Counted as malformed: IPv4 an error with a bad checksum and an error
# quoting 10 bytes of IP header; IPv6 an error quoting 20 bytes of IPv6
# header and a 4-byte echo reply (its error with a bad checksum, and the
# IPv4 6-byte echo reply, the kernel drops).  Everything else is dropped
# without a word.
if np_tun_ns NOISE --noise 9; then
	np_run "$NOISE" 15 -v -c 5 -i 0.1 -W 1 "$T4"
	counts "noise $T4" 0 "5 5 0 0 0"
	lines "noise $T4" 5 "^64 bytes from $E4: icmp_seq=[1-5] ttl=64 time=[0-9.]+ ms$TS$"
	perpacket "noise $T4" 5
	ignored "noise $T4" 5 198.51.100.250 "ICMP error with a bad checksum"
	ignored "noise $T4" 5 198.51.100.250 "Destination Host Unreachable (type 3, code 1), malformed: quoted IP header truncated"
	notcounted "noise $T4" 0 0 10
	np_took "noise $T4" 380 1500
	wrote "noise $T4" NOISE 45 'v4 noise [0-8] '
	np_run "$NOISE" 15 -v -c 5 -i 0.1 -W 1 "$T6"
	counts "noise $T6" 0 "5 5 0 0 0"
	lines "noise $T6" 5 "^64 bytes from $T6: icmp_seq=[1-5] ttl=64 time=[0-9.]+ ms$TS$"
	perpacket "noise $T6" 5
	ignored "noise $T6" 5 2001:db8::fa "Destination unreachable: Address unreachable (type 1, code 3), malformed: quoted IP header truncated"
	ignored "noise $T6" 5 $T6 "ICMP message truncated"
	notcounted "noise $T6" 0 0 10
	np_took "noise $T6" 380 1500
	wrote "noise $T6" NOISE 45 'v6 noise [0-8] '
	np_run "$NOISE" 15 -J -v -c 3 -i 0.1 -W 1 "$T6"
	np_eq "noise $T6 -J: exit 0" 0 "$NP_RC"
	np_eq "noise $T6 -J: summary" \
		"transmitted=3 received=3 duplicates=0 corrupted=0 errors=0 late=0" "$(jsummary)"
	np_eq "noise $T6 -J: events" "ignored=6 reply=3 summary=1" "$(jevents)"
else
	np_not_ok "responder for --noise did not start"
fi
# Noise while every probe draws a valid error: the errors still count.
next_router
if np_tun_ns NOISETE --noise 9 --time-exceeded 0 --router $R4 --router6 $R6; then
	for T in $T4 $T6; do
		case $T in *:*) R=$R6 W='Time exceeded: Hop limit' ;; *) R=$R4 W='Time to live exceeded' ;; esac
		np_run "$NOISETE" 15 -v -c 3 -i 0.1 -W 2 "$T"
		counts "noise and errors $T" 1 "3 0 0 0 3"
		lines "noise and errors $T" 3 "^From $(re "$R") icmp_seq=[1-3] $W$"
		perpacket "noise and errors $T" 3
		notcounted "noise and errors $T" 0 0 6
		np_took "noise and errors $T" 180 1300
	done
else
	np_not_ok "responder for --noise --time-exceeded did not start"
fi

# --- two runs on one identifier --------------------------------------------

# Both runs use identifier 0x4e50 (-e) at once: each sees the other's
# replies (same identifier, same sequence numbers) and must tell them
# apart by the cookie: exactly its own 20, no duplicate, and the other's
# ignored as foreign.  How many of them a run sees depends on which run
# ends first, so only "more than 0 in all".
if np_tun_ns SAMEID; then
	t0=$(date +%s%N)
	sameid() { # RUN: in the background, output to $NP_TMP/sameid-RUN.*
		ip netns exec "$SAMEID" timeout -s KILL 15 "$NETPROBE" -v -e 0x4e50 \
			-c 20 -i 0.05 -W 1 "$T4" >"$NP_TMP/sameid-$1.out" 2>"$NP_TMP/sameid-$1.err" &
		NP_PIDS="$NP_PIDS $!"
	}
	sameid a
	pid_a=$!
	sameid b
	pid_b=$!
	wait "$pid_a"
	rc_a=$?
	wait "$pid_b"
	rc_b=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	foreign_total=0
	for r in a b; do
		NP_OUT=$(cat "$NP_TMP/sameid-$r.out")
		NP_ERR=$(cat "$NP_TMP/sameid-$r.err")
		if [ $r = a ]; then NP_RC=$rc_a; else NP_RC=$rc_b; fi
		counts "same identifier, run $r" 0 "20 20 0 0 0"
		np_match "same identifier, run $r: -e used" 'identifier 0x4e50' "$NP_ERR"
		np_nomatch "same identifier, run $r: nothing flagged" 'DUP!|BAD|LATE' "$NP_OUT"
		f=$(printf '%s\n' "$NP_ERR" | sed -nE 's/^netprobe: not counted: 0 late, ([0-9]+) foreign, 0 malformed;.*/\1/p')
		# (a reply to a sequence number this run has not sent yet, when
		# the other run is ahead, or else the other run's cookie)
		np_eq "same identifier, run $r: every foreign packet is a reply of the other run" "${f:-missing}" \
			"$(printf '%s\n' "$NP_ERR" | grep -cxE "netprobe: ignored a packet from $E4: echo reply (with another run's cookie|for a sequence number not sent, or too old)")"
		foreign_total=$((foreign_total + ${f:-0}))
	done
	if [ "$foreign_total" -gt 0 ]; then
		np_ok "same identifier: the other run's replies were seen and ignored ($foreign_total)"
	else
		np_not_ok "same identifier: no foreign reply seen by either run"
	fi
	if [ "$ms" -le 2500 ]; then np_ok "same identifier: both done in ${ms} ms"; else np_not_ok "same identifier: ${ms} ms"; fi
else
	np_not_ok "plain responder did not start"
fi
np_finish
