#!/bin/bash
# Replies that must not count: bad checksums, altered payloads, another
# run's cookie, replies after -W; and the wait after the last probe.  A TUN
# responder (responder.py) in the test's namespace answers 198.51.100.0/24
# and 2001:db8::/64 according to each scenario.
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_tun

# Bad ICMP checksum (IPv4: raw sockets see it; the kernel would drop it
# before a datagram socket or any ICMPv6 socket).
if np_tun_ns BADSUM --bad-checksum; then
	np_run "$BADSUM" 15 -c 3 -i 0.2 -W 1 198.51.100.7
	np_eq "bad checksum: exit 1" 1 "$NP_RC"
	np_eq "bad checksum: 0 received" 0 "$(np_summary received)"
	np_eq "bad checksum: +3 corrupted" 3 "$(np_summary corrupted)"
	np_eq "bad checksum: 3 flagged lines" 3 \
		"$(printf '%s\n' "$NP_OUT" | grep -cE '^64 bytes from 198\.51\.100\.7: icmp_seq=[1-3] ttl=64 time=[0-9.]+ ms \(BAD CHECKSUM!\)$')"
	np_nomatch "bad checksum: no rtt line" '^rtt ' "$NP_OUT"
else
	np_not_ok "responder for --bad-checksum did not start"
fi

# A fill byte altered: shown as ping shows wrong data, counted corrupted.
if np_tun_ns ALTER --alter-payload 30; then
	np_run "$ALTER" 15 -c 2 -i 0.2 -W 1 198.51.100.7
	np_eq "altered data: exit 1" 1 "$NP_RC"
	np_eq "altered data: +2 corrupted" 2 "$(np_summary corrupted)"
	np_match "altered data: flagged" '^64 bytes from 198\.51\.100\.7: icmp_seq=1 ttl=64 time=[0-9.]+ ms \(BAD DATA!\)$' "$NP_OUT"
	np_match "altered data: which byte" '^wrong data byte #30 should be 0x1e but was 0xe1$' "$NP_OUT"
	np_run "$ALTER" 15 -c 2 -i 0.2 -W 1 2001:db8::7
	np_eq "altered data v6: +2 corrupted" 2 "$(np_summary corrupted)"
	np_eq "altered data v6: 0 received" 0 "$(np_summary received)"
else
	np_not_ok "responder for --alter-payload did not start"
fi

# A cookie byte altered: not this run's reply; lost, and said with -v.
if np_tun_ns COOKIE --alter-payload 3; then
	np_run "$COOKIE" 15 -v -c 2 -i 0.2 -W 1 198.51.100.7
	np_eq "foreign cookie: exit 1" 1 "$NP_RC"
	np_eq "foreign cookie: 0 received" 0 "$(np_summary received)"
	np_eq "foreign cookie: not corrupted either" "" "$(np_summary corrupted)"
	np_match "foreign cookie: -v says why" "ignored a packet from 198\\.51\\.100\\.7: echo reply with another run's cookie" "$NP_ERR"
	np_match "foreign cookie: -v totals" 'not counted: 0 late, 2 foreign, 0 malformed' "$NP_ERR"
else
	np_not_ok "responder for the cookie did not start"
fi

# Replies 1.5 s late with -W 1: shown as LATE!, counted as lost.
if np_tun_ns SLOW --delay-ms 1500; then
	np_run "$SLOW" 15 -v -c 3 -i 1 -W 1 198.51.100.7
	np_eq "late: exit 1" 1 "$NP_RC"
	np_eq "late: 0 received" 0 "$(np_summary received)"
	np_match "late: LATE! line" '^64 bytes from 198\.51\.100\.7: icmp_seq=1 ttl=64 time=1[4-9][0-9][0-9] ms ts=kernel \(LATE! after -W, counted as lost\)$' "$NP_OUT"
	np_match "late: counted with -v" 'not counted: 2 late' "$NP_ERR"
	# With a longer -W the same replies count, RTT about 1.5 s.
	np_run "$SLOW" 15 -c 2 -i 0.2 -W 3 198.51.100.7
	np_eq "slow, -W 3: 2 received" 2 "$(np_summary received)"
	np_match "slow, -W 3: RTT 1.5 s" 'icmp_seq=1 ttl=64 time=1[4-9][0-9][0-9] ms$' "$NP_OUT"
else
	np_not_ok "responder for --delay-ms did not start"
fi

# After the last probe, wait twice the longest RTT, not -W, once replies
# came (iputils): the third probe is never answered.
if np_tun_ns LINGER --answer 110; then
	np_run "$LINGER" 15 -c 3 -i 0.2 -W 5 198.51.100.7
	np_eq "linger: exit 0" 0 "$NP_RC"
	np_eq "linger: 2 received" 2 "$(np_summary received)"
	np_eq "linger: 33.3333% loss" 33.3333 "$(np_summary loss)"
	np_took "linger: did not wait -W" 0 1499
	# deterministic loss, IPv6
	np_run "$LINGER" 15 -c 6 -i 0.1 -W 1 2001:db8::7
	np_eq "v6 loss pattern: 4 of 6" 4 "$(np_summary received)"
	np_eq "v6 loss pattern: answered 1 2 4 5" "1 2 4 5" \
		"$(printf '%s\n' "$NP_OUT" | sed -nE 's/^64 bytes from 2001:db8::7: icmp_seq=([0-9]+) .*/\1/p' | xargs)"
else
	np_not_ok "responder for --answer did not start"
fi

# The wait after the last probe is at least one interval (iputils): a last
# reply 150 ms late, when the others took microseconds, still counts.
if np_tun_ns SLOWLAST --delay-seq 3:150; then
	np_run "$SLOWLAST" 15 -c 3 -i 0.3 198.51.100.7
	np_eq "slow last reply: 3 received" 3 "$(np_summary received)"
	np_match "slow last reply: its time" 'icmp_seq=3 ttl=64 time=1[4-9][0-9]\.?[0-9]* ms$' "$NP_OUT"
else
	np_not_ok "responder for --delay-seq did not start"
fi

# ICMP errors from the TUN side, both families, attributed and counted.
if np_tun_ns UNREACH --unreachable 1 --router 198.51.100.254 --router6 2001:db8::fe; then
	np_run "$UNREACH" 15 -c 2 -i 0.2 -W 1 198.51.100.7
	np_eq "tun unreachable: +2 errors" 2 "$(np_summary errors)"
	np_match "tun unreachable: line" '^From 198\.51\.100\.254 icmp_seq=2 Destination Host Unreachable$' "$NP_OUT"
	np_run "$UNREACH" 15 -c 2 -i 0.2 -W 1 2001:db8::7
	np_eq "tun unreachable v6: +2 errors" 2 "$(np_summary errors)"
	np_match "tun unreachable v6: line" '^From 2001:db8::fe icmp_seq=1 Destination unreachable: Administratively prohibited$' "$NP_OUT"
else
	np_not_ok "responder for --unreachable did not start"
fi
np_finish
