#!/bin/bash
# Concurrent TCP probers against one open port: three netprobe --tcp runs,
# hping3 -S and nping --tcp, all at once, from one address to the same
# port.  Each netprobe run must count exactly its own replies: as many
# received as transmitted (nothing is dropped here), no duplicate, no
# error, never another prober's SYN/ACK.  Then three netprobe runs at once
# over IPv6 (hping3 has no IPv6).
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_cmd hping3 nping nft "$NP_PYTHON"

COUNT=100
np_tcp_pair
np_tcp_listen "$T" 443 lsn || np_skip "the TCP listener did not start"
# SYNs to the port, by source: netprobe's, hping3's and nping's all come
# from 198.51.100.1 and 2001:db8::1, so the total is what they sent.
ip netns exec "$T" nft -f - <<'NFT' || np_skip "nft cannot load the counter"
table inet npconc {
	chain in {
		type filter hook input priority 0; policy accept;
		tcp dport 443 tcp flags & (syn | ack) == syn counter comment "syns"
	}
}
NFT

# np_conc ADDR EXTRA...: COUNT probes from each of three netprobe runs and
# of the extra tools, all started together; each netprobe's output in
# $NP_TMP/np-K.out (exit status in .rc).
np_conc() {
	local addr=$1 k pids=""
	shift
	for k in 1 2 3; do
		(
			ip netns exec "$P" timeout -s KILL 60 "$NETPROBE" --tcp=443 \
				-c "$COUNT" -i 0.01 -W 2 "$addr" \
				>"$NP_TMP/np-$k.out" 2>"$NP_TMP/np-$k.err"
			echo $? >"$NP_TMP/np-$k.rc"
		) &
		pids="$pids $!"
	done
	for tool in "$@"; do
		case $tool in
		hping3)
			ip netns exec "$P" timeout -s KILL 60 hping3 -S -p 443 \
				-c "$COUNT" -i u10000 "$addr" >"$NP_TMP/hping3.out" 2>&1 &
			;;
		nping)
			ip netns exec "$P" timeout -s KILL 60 nping --tcp -p 443 \
				-c "$COUNT" --delay 10ms "$addr" >"$NP_TMP/nping.out" 2>&1 &
			;;
		esac
		pids="$pids $!"
	done
	for p in $pids; do
		np_wait_exit "$p" 70
	done
}

for addr in 198.51.100.2 2001:db8::2; do
	rm -f "$NP_TMP/hping3.out" "$NP_TMP/nping.out"
	if [ "$addr" = 198.51.100.2 ]; then
		extra="hping3 nping"
	else
		# nping -6 builds its IPv6 header itself only with both MAC
		# addresses given: three netprobe runs alone
		extra=""
	fi
	before=$(np_nft_packets "$T" inet npconc in syns)
	# shellcheck disable=SC2086 # $extra: a list of words
	np_conc "$addr" $extra
	after=$(np_nft_packets "$T" inet npconc in syns)
	# What the others sent, by their own count (hping3 -c stops once it
	# has as many replies, which it takes from everyone: it may send
	# fewer than COUNT).
	others=0
	if [ -n "$extra" ]; then
		h=$(sed -nE 's/^([0-9]+) packets transmitted.*/\1/p' "$NP_TMP/hping3.out")
		n=$(sed -nE 's/^Raw packets sent: ([0-9]+) .*/\1/p' "$NP_TMP/nping.out")
		np_match "$addr: hping3 sent SYNs meanwhile ('$h')" '^[1-9][0-9]*$' "$h"
		np_eq "$addr: nping sent its $COUNT SYNs meanwhile" "$COUNT" "$n"
		others=$((${h:-0} + ${n:-0}))
		# What the others made of it, for the log (their counts are theirs).
		grep -h 'packets transmitted\|Raw packets' "$NP_TMP/hping3.out" "$NP_TMP/nping.out" |
			sed 's/^/    others: /'
	fi
	# The others really probed the port meanwhile (a test of nothing
	# otherwise), and every SYN of every prober reached the target.
	np_eq "$addr: the target saw every SYN of every prober" \
		$((3 * COUNT + others)) $((after - before))
	for k in 1 2 3; do
		NP_OUT=$(cat "$NP_TMP/np-$k.out")
		np_sanitizer_check "netprobe run $k" "$NP_TMP/np-$k.err"
		np_eq "$addr run $k: exit 0" 0 "$(cat "$NP_TMP/np-$k.rc")"
		np_eq "$addr run $k: $COUNT transmitted" "$COUNT" "$(np_summary transmitted)"
		np_eq "$addr run $k: $COUNT received, its own" "$COUNT" "$(np_summary received)"
		np_eq "$addr run $k: no duplicates" "" "$(np_summary duplicates)"
		np_eq "$addr run $k: no errors" "" "$(np_summary errors)"
		np_eq "$addr run $k: one reply line per probe, 1..$COUNT" \
			"$(seq 1 "$COUNT" | xargs)" \
			"$(printf '%s\n' "$NP_OUT" | sed -nE 's/.* tcp_seq=([0-9]+) .*/\1/p' | xargs)"
		np_nomatch "$addr run $k: no DUP! line" 'DUP!' "$NP_OUT"
	done
done
# Three runs forced onto one source port (-e): each sees the others'
# SYN/ACKs, which only the MAC in the ISN tells apart (netprobe(8),
# MATCHING: 16 bits).  Each must count the others' as foreign, not as its
# own: taking them would make about 200 duplicates a run.  The target, for
# its part, cannot tell the runs apart: a SYN that comes while it holds
# the half-open connection of another run's SYN with the same addresses
# and ports (until the prober's RST arrives, some 50 us) gets that one's
# SYN/ACK again, a duplicate for the other run and a loss for this one
# (netprobe(8), TCP).  At 300 SYNs a second that is about one probe in a
# hundred: up to 10 lost and 10 duplicates a run are allowed.
np_shared() {
	local addr=$1 k pids=""
	for k in 1 2 3; do
		(
			date +%s%N >"$NP_TMP/sh-$k.t0"
			ip netns exec "$P" timeout -s KILL 60 "$NETPROBE" -v --tcp=443 \
				-e 40000 -c "$COUNT" -i 0.01 -W 2 "$addr" \
				>"$NP_TMP/sh-$k.out" 2>"$NP_TMP/sh-$k.err"
			echo $? >"$NP_TMP/sh-$k.rc"
			date +%s%N >"$NP_TMP/sh-$k.t1"
		) &
		pids="$pids $!"
	done
	for p in $pids; do
		np_wait_exit "$p" 70
	done
}
for addr in 198.51.100.2 2001:db8::2; do
	np_shared "$addr"
	foreign=0
	for k in 1 2 3; do
		NP_OUT=$(cat "$NP_TMP/sh-$k.out")
		np_sanitizer_check "netprobe -e run $k" "$NP_TMP/sh-$k.err"
		np_eq "$addr -e 40000 run $k: exit 0" 0 "$(cat "$NP_TMP/sh-$k.rc")"
		r=$(np_summary received) d=$(np_summary duplicates)
		np_eq "$addr -e 40000 run $k: $((COUNT - 10)) to $COUNT received ($r)" yes \
			"$([ "${r:-0}" -ge $((COUNT - 10)) ] && [ "${r:-0}" -le "$COUNT" ] && echo yes)"
		np_eq "$addr -e 40000 run $k: at most 10 duplicates (${d:-0})" yes \
			"$([ "${d:-0}" -le 10 ] && echo yes)"
		f=$(sed -nE 's/.*not counted: [0-9]+ late, ([0-9]+) foreign.*/\1/p' "$NP_TMP/sh-$k.err")
		foreign=$((foreign + ${f:-0}))
	done
	# How long the three runs were all under way: the others' replies
	# come every 5 ms then.
	first_end=$(cat "$NP_TMP"/sh-*.t1 | sort -n | head -n1)
	last_start=$(cat "$NP_TMP"/sh-*.t0 | sort -n | tail -n1)
	if [ $(((first_end - last_start) / 1000000)) -ge 500 ]; then
		np_match "$addr -e 40000: the runs saw each other's replies, foreign ($foreign)" \
			'^[1-9][0-9]*$' "$foreign"
	else
		np_ok "$addr -e 40000: the runs hardly overlapped (a loaded machine); foreign $foreign"
	fi
done
np_eq "the listener accepted no connection" 0 "$(cat "$NP_TMP/lsn.accepts")"
np_finish
