#!/bin/bash
# The documented exit codes: 0 replies came, 1 none (or, with -w and -c,
# fewer than asked), 2 usage, resolution or system error - each with a
# message that says what was wrong.
. "$(dirname "$0")/lib.sh"
np_require_root

# A host (198.51.100.1 / 2001:db8::1) next to a peer that never answers.
np_netns HOST
np_netns PEER
np_link "$HOST" h0 "$PEER" p0
ip -n "$HOST" addr add 198.51.100.1/24 dev h0
ip -n "$PEER" addr add 198.51.100.2/24 dev p0
ip -n "$HOST" addr add 2001:db8::1/64 dev h0 nodad
ip -n "$PEER" addr add 2001:db8::2/64 dev p0 nodad
np_sysctl "$PEER" net.ipv4.icmp_echo_ignore_all=1 net.ipv6.icmp.echo_ignore_all=1

# 0: replies.
np_run "$HOST" 20 -c 2 -i 0.1 127.0.0.1
np_eq "replies: exit 0" 0 "$NP_RC"

# 1: a target that never answers, IPv4 and IPv6: 100% loss, and over
# within the deadline (last probe at 0.4 s + -W 1).
for tgt in 198.51.100.2 2001:db8::2; do
	np_run "$HOST" 20 -c 3 -i 0.2 -W 1 "$tgt"
	np_eq "silent $tgt: exit 1" 1 "$NP_RC"
	np_eq "silent $tgt: 3 transmitted" 3 "$(np_summary transmitted)"
	np_eq "silent $tgt: 0 received" 0 "$(np_summary received)"
	np_eq "silent $tgt: 100% loss" 100 "$(np_summary loss)"
	np_nomatch "silent $tgt: no rtt line" '^rtt ' "$NP_OUT"
	np_took "silent $tgt: after the timeout (1.4 s)" 1300 2499
done
np_run "$HOST" 20 -w 1 -i 0.2 198.51.100.2
np_eq "silent, -w 1: exit 1" 1 "$NP_RC"
np_took "silent, -w 1: deadline kept" 0 1599
np_run "$HOST" 20 -O -c 2 -i 0.3 -W 0.5 198.51.100.2
np_match "-O: outstanding probe reported" '^no answer yet for icmp_seq=1$' "$NP_OUT"

# 1: with -w and -c, fewer replies than asked before the deadline.
np_run "$HOST" 20 -c 5 -w 1 -i 0.4 127.0.0.1
np_eq "-c 5 -w 1, 3 replies: exit 1" 1 "$NP_RC"
np_eq "-c 5 -w 1: 3 received" 3 "$(np_summary received)"
# ... and 0 when all came.
np_run "$HOST" 20 -c 2 -w 3 -i 0.1 127.0.0.1
np_eq "-c 2 -w 3: exit 0" 0 "$NP_RC"

# 2: usage errors name the option and the value.
np_run "$HOST" 5 -c 0 127.0.0.1
np_eq "-c 0: exit 2" 2 "$NP_RC"
np_match "-c 0: message" "invalid value '0' for -c" "$NP_ERR"
np_eq "-c 0: nothing on stdout" "" "$NP_OUT"
np_run "$HOST" 5 -i abc 127.0.0.1
np_eq "-i abc: exit 2" 2 "$NP_RC"
np_match "-i abc: message" "invalid value 'abc' for -i" "$NP_ERR"
np_run "$HOST" 5 -M sometimes 127.0.0.1
np_match "-M: message" "invalid value 'sometimes' for -M" "$NP_ERR"
np_run "$HOST" 5 --frobnicate 127.0.0.1
np_eq "unknown option: exit 2" 2 "$NP_RC"
np_match "unknown option: message" "unknown .*option.*'--frobnicate'" "$NP_ERR"
np_run "$HOST" 5
np_eq "no target: exit 2" 2 "$NP_RC"
np_run "$HOST" 5 -4 -s 65508 127.0.0.1
np_eq "-s too large for IPv4: exit 2" 2 "$NP_RC"
np_match "-s too large: message" "'65508' for -s" "$NP_ERR"
np_run "$HOST" 5 -6 127.0.0.1
np_eq "-6 with an IPv4 literal: exit 2" 2 "$NP_RC"

# 2: resolution and routing failures.
np_run "$HOST" 20 -c 1 no-such-host.invalid
np_eq "unresolvable: exit 2" 2 "$NP_RC"
np_match "unresolvable: names the host" "cannot resolve 'no-such-host.invalid'" "$NP_ERR"
np_run "$HOST" 5 -c 1 198.18.7.7
np_eq "no route: exit 2" 2 "$NP_RC"
np_match "no route: message" 'Network is unreachable' "$NP_ERR"

# 2: an interval below 2 ms for a user other than root.
cp "$NETPROBE" "$NP_TMP/netprobe-cap"
chmod 755 "$NP_TMP/netprobe-cap"
if command -v setcap >/dev/null && setcap cap_net_raw+p "$NP_TMP/netprobe-cap"; then
	ip netns exec "$HOST" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$NP_TMP/netprobe-cap" -c 1 -i 0.001 127.0.0.1 >/dev/null 2>"$NP_TMP/err"
	np_eq "-i 0.001 as a user: exit 2" 2 "$?"
	np_match "-i 0.001 as a user: message" 'minimal interval' "$(cat "$NP_TMP/err")"
else
	np_skip "setcap (libcap2-bin) is needed"
fi

# Not an error any more: a socket descriptor above select()'s FD_SETSIZE
# (a parent that leaks descriptors).  The loop waits with ppoll(), which
# has no such limit (netprobe.8; tests/integration/fds.sh covers every
# mode): exit 0, no message.
ip netns exec "$HOST" bash -c 'ulimit -n 4096 || exit 99
	for i in $(seq 3 1100); do eval "exec $i</dev/null"; done
	exec "$0" -c 1 127.0.0.1' "$NETPROBE" >"$NP_TMP/out" 2>"$NP_TMP/err"
rc=$?
np_eq "1100 inherited descriptors: exit 0" 0 "$rc"
np_eq "1100 inherited descriptors: no message" "" "$(cat "$NP_TMP/err")"

# 0 for --help and --version.
np_run "$HOST" 5 --help
np_eq "--help: exit 0" 0 "$NP_RC"
np_match "--help: usage" '^Usage: netprobe' "$NP_OUT"
np_run "$HOST" 5 -V
np_eq "-V: exit 0" 0 "$NP_RC"
np_match "-V: version" '^netprobe [0-9]+\.[0-9]+' "$NP_OUT"
np_finish
