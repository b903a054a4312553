#!/bin/bash
# --udp against the TUN responder (responder.py's UDP answers), IPv4 and
# IPv6: a closed port's ICMP port unreachable quoting the whole probe
# (reached, closed), an application's reply (open), the RFC 792 minimal
# quote (the IP header and the UDP header: it names no probe for the
# datagram socket, netprobe(8) MATCHING: ignored, never a reply), and
# duplicated unreachables (DUP!).
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_tun

T4=198.51.100.7 T6=2001:db8::7

# udp_lines STATE: the reply lines of the last run saying STATE.
udp_lines() {
	printf '%s\n' "$NP_OUT" | grep -cE "^[0-9]+ bytes from .*: udp_seq=[1-3] .*port=33434 $1"
}

if np_tun_ns UCLOSED; then
	for T in $T4 $T6; do
		np_run "$UCLOSED" 15 --udp -c 3 -i 0.2 -W 1 "$T"
		np_eq "closed $T: exit 0" 0 "$NP_RC"
		np_eq "closed $T: 3 received" 3 "$(np_summary received)"
		np_eq "closed $T: 3 lines, closed (port unreachable)" 3 "$(udp_lines 'closed \(port unreachable\)')"
	done
	np_eq "closed: the responder sent 6 port unreachables" 6 \
		"$(grep -cE 'sent v[46] unreachable/[34] seq=[1-3],' "$NP_TMP/UCLOSED.log")"
else
	np_not_ok "responder for UDP did not start"
fi

if np_tun_ns UOPEN --udp-open 33434; then
	for T in $T4 $T6; do
		np_run "$UOPEN" 15 --udp -c 3 -i 0.2 -W 1 "$T"
		np_eq "open $T: exit 0" 0 "$NP_RC"
		np_eq "open $T: 3 received" 3 "$(np_summary received)"
		np_eq "open $T: 3 lines, open (reply)" 3 "$(udp_lines 'open \(reply\)')"
	done
	np_eq "open: the responder echoed 6 datagrams" 6 \
		"$(grep -cE 'sent v[46] udp-reply seq=[1-3],' "$NP_TMP/UOPEN.log")"
else
	np_not_ok "responder for --udp-open did not start"
fi

if np_tun_ns USHORT --unreachable 3 --quote short; then
	np_run "$USHORT" 15 -v --udp -c 3 -i 0.2 -W 1 "$T4"
	np_eq "8-byte quote $T4: exit 1" 1 "$NP_RC"
	np_eq "8-byte quote $T4: 0 received" 0 "$(np_summary received)"
	np_eq "8-byte quote $T4: no error counted" "" "$(np_summary errors)"
	np_match "8-byte quote $T4: -v says why" \
		"ignored a packet from $T4: ICMP error whose quote proves nothing about our probes" "$NP_ERR"
	np_eq "8-byte quote: the responder sent 3" 3 \
		"$(grep -cE 'sent v4 unreachable/3 seq=[1-3],' "$NP_TMP/USHORT.log")"
else
	np_not_ok "responder for --quote short did not start"
fi

if np_tun_ns UDUP --dup 1; then
	for T in $T4 $T6; do
		np_run "$UDUP" 15 --udp -c 3 -i 0.2 -W 1 "$T"
		np_eq "duplicates $T: 3 received" 3 "$(np_summary received)"
		# the last probe's copy may come after the run's end
		np_eq "duplicates $T: a DUP! line for udp_seq 1 and for 2" 2 \
			"$(printf '%s\n' "$NP_OUT" | grep -cE 'udp_seq=[12] .*\(DUP!\)$')"
	done
else
	np_not_ok "responder for --dup did not start"
fi
np_finish
