#!/bin/bash
# Exact loss with TCP probes: an nft rule on the target drops SYNs to the
# open port (every tenth with numgen inc, or one in ten at random with
# numgen random), counting them.  netprobe --tcp -c 200 must count as lost
# exactly the SYNs the rule dropped, those probes and no others (tcp_seq
# 1, 11, 21, ... for numgen inc), and never turn a lost SYN into a late
# reply (one SYN per probe, never a retransmission: no RTT near the 1 s of
# a kernel's SYN retransmission).  IPv4 and IPv6.
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_cmd nft "$NP_PYTHON"

np_tcp_pair
np_tcp_listen "$T" 443 lsn || np_skip "the TCP listener did not start"

# np_loss_rules KIND: the table, fresh (numgen inc starts again at 0): a
# counter of the SYNs that reach the target, then the rule that drops.
np_loss_rules() {
	ip netns exec "$T" nft delete table inet nploss 2>/dev/null
	ip netns exec "$T" nft -f - <<NFT || np_skip "nft cannot load the rules (numgen $1)"
table inet nploss {
	chain in {
		type filter hook input priority 0; policy accept;
		tcp dport 443 tcp flags & (syn | ack) == syn counter comment "syns"
		tcp dport 443 tcp flags & (syn | ack) == syn numgen $1 mod 10 == 0 counter drop comment "dropped"
	}
}
NFT
}

# The tcp_seq of every reply line, in order, on one line.
np_tcp_seqs() {
	printf '%s\n' "$NP_OUT" | sed -nE 's/.* tcp_seq=([0-9]+) .*/\1/p' | xargs
}

for addr in 198.51.100.2 2001:db8::2; do
	# Every tenth SYN, from the first: probes 1, 11, ..., 191 lost.
	np_loss_rules inc
	np_run "$P" 60 --tcp=443 -c 200 -i 0.01 -W 1 "$addr"
	dropped=$(np_nft_packets "$T" inet nploss in dropped)
	syns=$(np_nft_packets "$T" inet nploss in syns)
	np_eq "$addr inc: exit 0 (replies came)" 0 "$NP_RC"
	np_eq "$addr inc: the rule dropped 20 SYNs" 20 "$dropped"
	np_eq "$addr inc: 200 SYNs reached the target (one per probe)" 200 "$syns"
	np_eq "$addr inc: 200 transmitted" 200 "$(np_summary transmitted)"
	np_eq "$addr inc: received = transmitted - dropped" 180 "$(np_summary received)"
	np_eq "$addr inc: 10% loss" 10 "$(np_summary loss)"
	np_eq "$addr inc: no duplicates" "" "$(np_summary duplicates)"
	want=$(seq 1 200 | awk '($1 - 1) % 10 != 0' | xargs)
	np_eq "$addr inc: the answered probes are those the rule let through" \
		"$want" "$(np_tcp_seqs)"
	np_match "$addr inc: replies say open" "tcp_seq=2 .*open" "$NP_OUT"
	# No reply is a retransmission's: every RTT far below 1 s.
	max=$(printf '%s\n' "$NP_OUT" | sed -nE 's/^rtt .* = [0-9.]+\/[0-9.]+\/([0-9.]+)\/.*/\1/p')
	np_match "$addr inc: the largest RTT is below 200 ms (got '$max')" \
		'^([0-9]|[1-9][0-9]|1[0-9][0-9])\.[0-9]+$' "$max"

	# One in ten at random: whatever the rule drops, exactly that is lost.
	np_loss_rules random
	np_run "$P" 60 --tcp=443 -c 200 -i 0.01 -W 1 "$addr"
	dropped=$(np_nft_packets "$T" inet nploss in dropped)
	np_eq "$addr random: 200 SYNs reached the target" 200 \
		"$(np_nft_packets "$T" inet nploss in syns)"
	np_eq "$addr random: received = 200 - dropped ($dropped)" \
		$((200 - ${dropped:-0})) "$(np_summary received)"
	np_eq "$addr random: no duplicates" "" "$(np_summary duplicates)"
done
np_eq "the listener accepted no connection" 0 "$(cat "$NP_TMP/lsn.accepts")"
np_finish
