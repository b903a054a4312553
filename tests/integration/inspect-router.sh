#!/bin/bash
# --inspect and --read on a router's "any" capture: a forwarded packet is
# seen twice (in on one interface, out on the other) and must be counted
# once, with the interface and direction on each line.
#
#   C c0 198.51.100.1/25 ---- rc 198.51.100.2/25  R  rs 198.51.100.129/25 ---- s0 198.51.100.130/25 S
#
# C pings S 5 times through R; in R: netprobe --inspect (live, cooked v2:
# interface names), and tcpdump -i any written as cooked v1 (direction
# only) and as cooked v2 (interface index), read back with --read.
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_cmd tcpdump ping timeout

version=$("$NETPROBE" -V 2>&1)
printf '%s\n' "$version" | grep -q 'with libpcap' ||
	np_skip "built without libpcap"

np_netns C
np_netns R
np_netns S
np_link "$C" c0 "$R" rc
np_link "$R" rs "$S" s0
ip -n "$C" addr add 198.51.100.1/25 dev c0
ip -n "$R" addr add 198.51.100.2/25 dev rc
ip -n "$R" addr add 198.51.100.129/25 dev rs
ip -n "$S" addr add 198.51.100.130/25 dev s0
ip -n "$C" route add default via 198.51.100.2
ip -n "$S" route add default via 198.51.100.129
np_sysctl "$R" net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0
# The first packets wait for ARP; warm it up outside the captures.
ip netns exec "$C" ping -c 1 -W 2 198.51.100.130 >/dev/null ||
	np_skip "the router does not forward"

# tcpdump -i any in R, as cooked v1 and v2 (tcpdump 4.99 writes v2 by
# default), 20 s at most.
tcpdump_any() { # FILE [TCPDUMP ARGS]
	local f=$1
	shift
	ip netns exec "$R" timeout -s INT 20 tcpdump -i any -U --immediate-mode -n "$@" \
		-w "$f" icmp >/dev/null 2>"$f.err" &
	NP_PIDS="$NP_PIDS $!"
	eval "PID_$(basename "$f" .pcap)=$!"
}
tcpdump_any "$NP_TMP/v1.pcap" -y LINUX_SLL
tcpdump_any "$NP_TMP/v2.pcap" -y LINUX_SLL2
ip netns exec "$R" timeout -s KILL 20 "$NETPROBE" --inspect -J \
	>"$NP_TMP/live.json" 2>"$NP_TMP/live.err" &
LIVE=$!
NP_PIDS="$NP_PIDS $LIVE"
# Ready: three packet sockets (two tcpdumps, netprobe) and the handler.
for _ in $(seq 250); do
	[ "$(ip netns exec "$R" cat /proc/net/packet | wc -l)" -gt 3 ] &&
		grep -q 'listening' "$NP_TMP/v1.pcap.err" &&
		grep -q 'listening' "$NP_TMP/v2.pcap.err" && break
	sleep 0.02
done
np_wait_sigint "$LIVE"

np_exec "$C" 20 ping -c 5 -i 0.2 198.51.100.130
np_eq "ping through the router: exit 0" 0 "$NP_RC"
sleep 0.3
kill -INT "$LIVE" "$PID_v1" "$PID_v2"
wait "$LIVE"
np_eq "--inspect on any: exit 0" 0 "$?"
wait "$PID_v1" "$PID_v2"
np_eq "--inspect on any: nothing on stderr" "" "$(cat "$NP_TMP/live.err")"

# check NAME FILE POINT_RE POINTS: the counts of a router capture of 5
# pings, seen at POINTS capture points.
check() {
	local name=$1 out=$2 re=$3 points=$4 sum cap
	sum=$(grep '"event":"summary"' "$out")
	cap=$(grep '"event":"capture"' "$out")
	np_eq "$name: one flow" 1 "$(printf '%s\n' "$sum" | grep -c .)"
	np_match "$name: 5 requests, 5 replies, 0 duplicates, 0% loss" \
		'"transmitted":5,"received":5,"unanswered":0,"duplicates":0,"corrupted":0,"unpaired":0,"errors":0,"loss_pct":0\.000' "$sum"
	np_match "$name: totals 5 requests, 5 replies, 10 copies" \
		'"requests":5,"replies":5,"duplicates":0,"unpaired":0,.*"copies":10' "$cap"
	np_match "$name: 20 ICMP frames" '"icmp":20,' "$cap"
	np_eq "$name: 10 lines are copies" 10 "$(grep -c '"copy":true' "$out")"
	np_eq "$name: every packet line says where it was seen" 20 \
		"$(grep -E '"event":"(request|reply)"' "$out" | grep -cE "$re")"
	np_eq "$name: 5 replies timed (not copies)" 5 \
		"$(grep '"event":"reply"' "$out" | grep -v '"copy"' | grep -c '"rtt_ms":[0-9]')"
	np_eq "$name: the flow was seen at $points points" "$points" \
		"$(printf '%s\n' "$sum" | grep -o '"seen":\[[^]]*\]' | grep -o '"direction"' | wc -l)"
}
check "live --inspect (any, cooked v2)" "$NP_TMP/live.json" \
	'"interface":"r[cs]","ifindex":[0-9]+,"direction":"(in|out)"' 4
np_match "live: a request in on rc, then out on rs" \
	'"interface":"rc".*"direction":"in".*"echo-request".*"seq":1,' \
	"$(grep '"event":"request"' "$NP_TMP/live.json" | head -1)"
np_match "live: then out on rs, a copy" \
	'"interface":"rs".*"direction":"out".*"seq":1,.*"copy":true' \
	"$(grep '"event":"request"' "$NP_TMP/live.json" | sed -n 2p)"

for v in v1 v2; do
	np_run "$R" 10 --read "$NP_TMP/$v.pcap" -J
	np_eq "--read tcpdump -i any ($v): exit 0" 0 "$NP_RC"
	cp "$NP_TMP/out" "$NP_TMP/$v.json"
	re='"direction":"(in|out)"' points=2 # v1: no interface
	[ $v = v2 ] && re='"ifindex":[0-9]+,"direction":"(in|out)"' points=4
	check "--read $v" "$NP_TMP/$v.json" "$re" $points
	np_run "$R" 10 --read "$NP_TMP/$v.pcap"
	np_match "--read $v text: the summary" \
		'^5 requests, 5 replies, 0 unanswered, 0% loss$' "$NP_OUT"
	np_match "--read $v text: the copies said" \
		'^10 copies: packets seen again at another capture point, counted once$' "$NP_OUT"
	np_eq "--read $v text: 10 lines end in (copy)" 10 \
		"$(printf '%s\n' "$NP_OUT" | grep -c ' (copy)$')"
done
np_match "--read v1: lines give the direction" \
	'^[0-9:.]+ in 198\.51\.100\.1 > 198\.51\.100\.130: echo request, id [0-9]+, seq 1,' \
	"$(ip netns exec "$R" "$NETPROBE" --read "$NP_TMP/v1.pcap")"
np_match "--read v2: lines give the interface index and direction" \
	'^[0-9:.]+ ifindex [0-9]+ out 198\.51\.100\.1 > 198\.51\.100\.130: echo request, id [0-9]+, seq 1, .* \(copy\)$' \
	"$(ip netns exec "$R" "$NETPROBE" --read "$NP_TMP/v2.pcap")"

# The new members against contrib/netprobe.schema.json's inspect_* parts
# (the live capture, the v2 file, and the tunnel fixture's expected output).
PY=/usr/bin/python3
SCHEMA=$NP_TESTS/../contrib/netprobe.schema.json
"$PY" -c 'import jsonschema' 2>/dev/null || np_skip "needs python3-jsonschema"
bad=$("$PY" - "$SCHEMA" "$NP_TMP/live.json" "$NP_TMP/v2.json" \
	"$NP_TESTS/fixtures/expected/tunnels.json" <<'PYEOF'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
def v(name):
    return jsonschema.Draft202012Validator(
        {"$defs": schema["$defs"], "$ref": "#/$defs/" + name})
link, seen, cap, badt = (v("inspect_link"), v("inspect_flow_seen"),
                         v("inspect_capture_link"), v("inspect_bad_tunnel"))
bad = checked = 0
for path in sys.argv[2:]:
    for line in open(path):
        o = json.loads(line)
        errs = []
        if o["event"] == "summary":
            if "seen" in o:
                errs = list(seen.iter_errors(o["seen"]))
        elif o["event"] == "capture":
            errs = list(cap.iter_errors(o))
        elif o["event"] == "bad_tunnel":
            errs = list(badt.iter_errors(o))
        else:
            errs = list(link.iter_errors(o))
        checked += 1
        for e in errs[:2]:
            print("# %s: %s" % (path, e.message))
        bad += bool(errs)
print(checked, bad)
PYEOF
)
np_match "schema: objects checked" '^[1-9][0-9]+ ' "$(printf '%s\n' "$bad" | tail -1)"
np_eq "schema: the capture point and tunnel members of every object valid" 0 \
	"$(printf '%s\n' "$bad" | tail -1 | cut -d' ' -f2)"
printf '%s\n' "$bad" | grep '^# ' | head -5
np_finish
