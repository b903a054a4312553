#!/bin/bash
# Hostile answers to TCP SYN probes, from the TUN responder (responder.py):
# a SYN/ACK or RST/ACK with the wrong ack, a RST without ACK (a blind
# reset), a reply from another port, a reply to another of the prober's
# ports, ICMP errors quoting only 8 bytes of the SYN (which hold both ports
# and the ISN: as good as a whole quote) or 4 (the ports alone), forged
# quotes with the right ports and a wrong ISN, duplicates, and a SYN/ACK
# retransmitted 1 s later, when later probes are out.  Each is counted as
# netprobe(8) says (MATCHING), never as a good reply.  IPv4 and IPv6.
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_tun

T4=198.51.100.7 T6=2001:db8::7

# re TEXT: TEXT as an extended regular expression matching itself.
re() { printf '%s' "$1" | sed 's/[.[\*^$()+?{|]/\\&/g'; }

# sent NAME COUNT REGEX: the responder wrote COUNT datagrams whose log
# label matches REGEX (the hostile answer really went out: the test would
# prove nothing otherwise).
sent() {
	np_eq "$1: the responder sent $2" "$2" \
		"$(grep -cE "sent $3" "$NP_TMP/$1.log")"
}

# reply_lines PORT: the reply lines of the last run (open or closed).
reply_lines() {
	printf '%s\n' "$NP_OUT" | grep -cE "^[0-9]+ bytes from .*: tcp_seq=[0-9]+ .*port=$1 (open|closed)"
}

# none NAME T: nothing of the last run counted as a reply: exit 1, 3 sent,
# 0 received, no reply line.
none() {
	np_eq "$1 $2: exit 1" 1 "$NP_RC"
	np_eq "$1 $2: 3 transmitted" 3 "$(np_summary transmitted)"
	np_eq "$1 $2: 0 received" 0 "$(np_summary received)"
	np_eq "$1 $2: no reply line" 0 "$(printf '%s\n' "$NP_OUT" | grep -c 'tcp_seq=.* port=')"
	np_eq "$1 $2: no duplicates" "" "$(np_summary duplicates)"
}

# The right answers first, so that the hostile ones below are known to
# differ from a working scenario only in what they change.
if np_tun_ns GOOD; then
	for T in $T4 $T6; do
		np_run "$GOOD" 15 --tcp=443 -c 3 -i 0.2 -W 1 "$T"
		np_eq "open $T: exit 0" 0 "$NP_RC"
		np_eq "open $T: 3 received" 3 "$(np_summary received)"
		np_eq "open $T: 3 lines, open" 3 "$(reply_lines 443)"
		np_match "open $T: the line" "^[0-9]+ bytes from $(re "$T"): tcp_seq=1 ttl=64 time=[0-9.]+ ms port=443 open$" "$NP_OUT"
		np_run "$GOOD" 15 --tcp=22 -c 3 -i 0.2 -W 1 "$T"
		np_eq "closed $T: exit 0" 0 "$NP_RC"
		np_eq "closed $T: 3 received" 3 "$(np_summary received)"
		np_match "closed $T: the line" "^[0-9]+ bytes from $(re "$T"): tcp_seq=1 ttl=64 time=[0-9.]+ ms port=22 closed \(RST\)$" "$NP_OUT"
	done
	sent GOOD 6 "v[46] synack seq=[1-3],"
	sent GOOD 6 "v[46] rst seq=[1-3],"
	# The prober's kernel reset each half-open connection (no socket owns
	# netprobe's port): the target keeps nothing.
	np_eq "open: the prober's kernel sent a RST for each SYN/ACK" 6 \
		"$(grep -cE 'ignored: TCP R [0-9]+ > 443$' "$NP_TMP/GOOD.log")"
else
	np_not_ok "responder for the right answers did not start"
fi

# A SYN/ACK (open port) and a RST/ACK (closed port) acknowledging ISN + 2:
# not an answer to any probe of this run.
if np_tun_ns BADACK --tcp-reply bad-ack; then
	for T in $T4 $T6; do
		np_run "$BADACK" 15 -v --tcp=443 -c 3 -i 0.2 -W 1 "$T"
		none "SYN/ACK with the wrong ack" "$T"
		np_match "SYN/ACK with the wrong ack $T: -v counts them foreign" \
			'not counted: 0 late, 3 foreign, 0 malformed' "$NP_ERR"
		np_run "$BADACK" 15 -v --tcp=22 -c 3 -i 0.2 -W 1 "$T"
		none "RST/ACK with the wrong ack" "$T"
		np_match "RST/ACK with the wrong ack $T: -v counts them foreign" \
			'not counted: 0 late, 3 foreign, 0 malformed' "$NP_ERR"
	done
	sent BADACK 6 "v[46] synack/bad-ack seq=[1-3],"
	sent BADACK 6 "v[46] rst/bad-ack seq=[1-3],"
else
	np_not_ok "responder for --tcp-reply bad-ack did not start"
fi

# A RST without ACK, seq ISN + 1: RFC 9293 3.10.7.3 (SYN-SENT) drops it.
if np_tun_ns BLIND --tcp-reply rst-no-ack; then
	for T in $T4 $T6; do
		np_run "$BLIND" 15 --tcp=443 -c 3 -i 0.2 -W 1 "$T"
		none "RST without ACK" "$T"
	done
	sent BLIND 6 "v[46] rst/rst-no-ack seq=[1-3],"
else
	np_not_ok "responder for --tcp-reply rst-no-ack did not start"
fi

# The right SYN/ACK from port 444, or to the prober's port + 1.
# (Each scenario has a namespace of its own, named after it: its log and
# ready file are $NP_TMP/NAME.*.)
for mode in other-sport other-dport; do
	name=PORTS_${mode#other-}
	if np_tun_ns "$name" --tcp-reply $mode; then
		for T in $T4 $T6; do
			np_run "${!name}" 15 --tcp=443 -c 3 -i 0.2 -W 1 "$T"
			none "SYN/ACK $mode" "$T"
		done
		sent "$name" 6 "v[46] synack/$mode seq=[1-3],"
	else
		np_not_ok "responder for --tcp-reply $mode did not start"
	fi
done

# A port unreachable quoting the IP header and 8 bytes of the SYN: ports
# and ISN, all a probe's identity: an error about the probe, counted.
if np_tun_ns SHORTQ --unreachable 3 --quote short; then
	np_run "$SHORTQ" 15 --tcp=443 -c 3 -i 0.2 -W 1 "$T4"
	np_eq "8-byte quote $T4: exit 1" 1 "$NP_RC"
	np_eq "8-byte quote $T4: 0 received" 0 "$(np_summary received)"
	np_eq "8-byte quote $T4: +3 errors" 3 "$(np_summary errors)"
	np_eq "8-byte quote $T4: 3 error lines" 3 \
		"$(printf '%s\n' "$NP_OUT" | grep -cE "^From $(re "$T4") tcp_seq=[1-3] Destination Port Unreachable$")"
	sent SHORTQ 3 "v4 unreachable/3 seq=[1-3],"
else
	np_not_ok "responder for --quote short did not start"
fi
if np_tun_ns SHORTQ6 --unreachable 4 --quote short; then
	np_run "$SHORTQ6" 15 --tcp=443 -c 3 -i 0.2 -W 1 "$T6"
	np_eq "8-byte quote $T6: exit 1" 1 "$NP_RC"
	np_eq "8-byte quote $T6: 0 received" 0 "$(np_summary received)"
	np_eq "8-byte quote $T6: +3 errors" 3 "$(np_summary errors)"
	np_eq "8-byte quote $T6: 3 error lines" 3 \
		"$(printf '%s\n' "$NP_OUT" | grep -cE "^From $(re "$T6") tcp_seq=[1-3] Destination unreachable: Port unreachable$")"
	sent SHORTQ6 3 "v6 unreachable/4 seq=[1-3],"
else
	np_not_ok "responder for --quote short (IPv6) did not start"
fi

# Forged errors: the right ports, a wrong ISN, in an 8-byte quote and in a
# whole one.  Nothing about this run's probes: neither an error nor a reply.
for mode in short-other-isn other-isn; do
	name=FORGED_${mode%%-*}
	if np_tun_ns "$name" --unreachable 1 --quote $mode; then
		for T in $T4 $T6; do
			np_run "${!name}" 15 -v --tcp=443 -c 3 -i 0.2 -W 1 "$T"
			none "forged quote ($mode)" "$T"
			np_match "forged quote ($mode) $T: -v counts them foreign" \
				'not counted: 0 late, 3 foreign, 0 malformed' "$NP_ERR"
			np_eq "forged quote ($mode) $T: no error counted" "" "$(np_summary errors)"
			np_nomatch "forged quote ($mode) $T: no error line" '^From ' "$NP_OUT"
		done
		sent "$name" 6 "v[46] unreachable/1 seq=[1-3],"
	else
		np_not_ok "responder for --quote $mode did not start"
	fi
done

# An error quoting 4 bytes of the SYN (the ports, no ISN): it proves
# nothing about a probe, so it ends none and is never a reply.  (The kernel
# drops it before any socket sees it: icmp_socket_deliver and
# icmpv6_notify want 8 bytes of the quoted transport header.)
if np_tun_ns CUTQ --unreachable 1 --quote cut-icmp; then
	for T in $T4 $T6; do
		np_run "$CUTQ" 15 --tcp=443 -c 3 -i 0.2 -W 1 "$T"
		none "4-byte quote" "$T"
	done
	sent CUTQ 6 "v[46] unreachable/1 seq=[1-3],"
else
	np_not_ok "responder for --quote cut-icmp did not start"
fi

# A SYN/ACK whose TCP checksum is wrong: the prober's TCP drops it (no RST
# comes back), and so must netprobe: never a good reply.  (A segment from
# a local peer may come with the checksum of the pseudo-header alone,
# CHECKSUM_PARTIAL; the responder never writes that value here.)
if np_tun_ns BADSUM --bad-checksum; then
	for T in $T4 $T6; do
		np_run "$BADSUM" 15 --tcp=443 -c 3 -i 0.2 -W 1 "$T"
		np_eq "bad TCP checksum $T: exit 1" 1 "$NP_RC"
		np_eq "bad TCP checksum $T: 0 received" 0 "$(np_summary received)"
		np_nomatch "bad TCP checksum $T: no good reply line" \
			'tcp_seq=[0-9]+ ttl=[0-9]+ time=[0-9.]+ ms port=443 open$' "$NP_OUT"
	done
	sent BADSUM 6 "v[46] synack seq=[1-3],"
	np_eq "bad TCP checksum: the prober's kernel dropped them (no RST)" 0 \
		"$(grep -c 'ignored: TCP R ' "$NP_TMP/BADSUM.log")"
else
	np_not_ok "responder for --bad-checksum did not start"
fi

# Two copies more of every SYN/ACK: duplicates, each probe received once.
if np_tun_ns DUPS --dup 2; then
	for T in $T4 $T6; do
		np_run "$DUPS" 15 --tcp=443 -c 3 -i 0.2 -W 1 "$T"
		np_eq "duplicates $T: exit 0" 0 "$NP_RC"
		np_eq "duplicates $T: 3 received" 3 "$(np_summary received)"
		# The run ends with the last probe's first SYN/ACK, so its
		# copies, right behind it, may or may not be read: 2 for each
		# of the others, 4 to 6 in all.
		np_eq "duplicates $T: 2 DUP! lines for tcp_seq 1 and for 2" 4 \
			"$(printf '%s\n' "$NP_OUT" | grep -cE 'tcp_seq=[12] .*port=443 open.*\(DUP!\)$')"
		np_match "duplicates $T: +4 to +6 duplicates" '^[456]$' "$(np_summary duplicates)"
		np_eq "duplicates $T: as many DUP! lines" "$(np_summary duplicates)" \
			"$(printf '%s\n' "$NP_OUT" | grep -cE 'tcp_seq=[1-3] .*port=443 open.*\(DUP!\)$')"
	done
	sent DUPS 18 "v[46] synack seq=[1-3],"
else
	np_not_ok "responder for --dup did not start"
fi

# Every SYN/ACK again 1 s later, as a target whose handshake never
# completes retransmits it: probes go out every 0.5 s, so each
# retransmission arrives while a later probe is out.  It must not answer
# that probe (nping's mistake): each probe is received once, with the RTT
# of its own SYN/ACK, never about 1 s.
if np_tun_ns RETRANS --retransmit 1000; then
	for T in $T4 $T6; do
		np_run "$RETRANS" 15 --tcp=443 -c 4 -i 0.5 -W 1 "$T"
		np_eq "retransmitted SYN/ACK $T: exit 0" 0 "$NP_RC"
		np_eq "retransmitted SYN/ACK $T: 4 received" 4 "$(np_summary received)"
		np_eq "retransmitted SYN/ACK $T: one first reply per probe" "1 2 3 4" \
			"$(printf '%s\n' "$NP_OUT" | grep -v 'DUP!' |
				sed -nE 's/.* tcp_seq=([0-9]+) .*port=443 open.*/\1/p' | xargs)"
		np_nomatch "retransmitted SYN/ACK $T: no first reply near 1 s" \
			'tcp_seq=[0-9]+ .*time=(9[0-9][0-9]|1[0-9]{3})(\.[0-9]+)? ms' \
			"$(printf '%s\n' "$NP_OUT" | grep -v 'DUP!')"
		# What it is (netprobe(8), TCP): a duplicate of the probe it
		# answers, about 1 s late (the first at least, which comes
		# while probe 3 is out; the run may end before the others),
		# and a warning that this host's RST did not reach the target.
		np_match "retransmitted SYN/ACK $T: a duplicate of tcp_seq=1, 1 s late" \
			'tcp_seq=1 ttl=64 time=1[0-9]{3} ms port=443 open \(DUP!\)$' "$NP_OUT"
		np_match "retransmitted SYN/ACK $T: +1 to +3 duplicates" '^[1-3]$' "$(np_summary duplicates)"
		np_match "retransmitted SYN/ACK $T: the warning" \
			"^netprobe: warning: $(re "$T") sent its SYN/ACK again \(tcp_seq=1\): the RST this host's kernel sends" \
			"$NP_ERR"
	done
	np_eq "retransmitted SYN/ACK: the responder retransmitted (at least the first two of each run)" \
		yes "$([ "$(grep -cE 'sent v[46] synack seq=[1-4] retransmitted,' "$NP_TMP/RETRANS.log")" -ge 4 ] && echo yes)"
else
	np_not_ok "responder for --retransmit did not start"
fi
np_finish
