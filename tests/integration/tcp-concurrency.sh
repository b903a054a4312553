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
np_eq "the listener accepted no connection" 0 "$(cat "$NP_TMP/lsn.accepts")"
np_finish
