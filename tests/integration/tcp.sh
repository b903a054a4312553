#!/bin/bash
# --tcp: half-open SYN probes over a raw socket, in namespaces this test
# makes.  An open port (a listener that counts its accepts), a closed one
# (RST), and nft rules that drop, reject with a TCP reset, with ICMP port
# unreachable and with admin-prohibited: each reported as netprobe.8
# says, IPv4 and IPv6.  The target is left clean (no SYN-RECV, no
# accept, the prober's RSTs on the wire); with the prober's RSTs dropped,
# netprobe warns.  A sweep, -J against the schema, --save's SYNs, and the
# message without CAP_NET_RAW.
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_cmd nft "$NP_PYTHON" tcpdump jc

#  PROBER p0 198.51.100.1/24 2001:db8::1/64 ---- t0 TARGET 198.51.100.2/24,
#  2001:db8::2/64 and .3, .4, .5 (the sweep); 443 listens on every address.
#  TARGET also routes to FAR f0 198.18.5.1/24, 2001:db8:5::1/64 (behind
#  t1 198.18.5.254, 2001:db8:5::fe), for time exceeded.
np_netns PROBER
np_netns TARGET
np_netns FAR
np_link "$PROBER" p0 "$TARGET" t0
np_link "$TARGET" t1 "$FAR" f0
ip -n "$PROBER" addr add 198.51.100.1/24 dev p0
ip -n "$PROBER" addr add 2001:db8::1/64 dev p0 nodad
for i in 2 3 4 5; do
	ip -n "$TARGET" addr add 198.51.100.$i/24 dev t0
done
ip -n "$TARGET" addr add 2001:db8::2/64 dev t0 nodad
ip -n "$TARGET" addr add 198.18.5.254/24 dev t1
ip -n "$TARGET" addr add 2001:db8:5::fe/64 dev t1 nodad
ip -n "$FAR" addr add 198.18.5.1/24 dev f0
ip -n "$FAR" addr add 2001:db8:5::1/64 dev f0 nodad
ip -n "$PROBER" route add 198.18.5.0/24 via 198.51.100.2
ip -n "$PROBER" -6 route add 2001:db8:5::/64 via 2001:db8::2
ip -n "$FAR" route add default via 198.18.5.254
ip -n "$FAR" -6 route add default via 2001:db8:5::fe
np_sysctl "$TARGET" net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 \
	net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

# Port 443 open: a listener that never accepts on its own but counts what
# accept() would give it, written to a file after every change.
cat >"$NP_TMP/listen.py" <<'EOF'
import select, socket, sys, time
count_file, ready = sys.argv[1], sys.argv[2]
socks = []
for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, 443))
    s.listen(4096)
    s.setblocking(False)
    socks.append(s)
accepted = 0
open(count_file, "w").write("0\n")
open(ready, "w").close()
end = time.time() + 120
while time.time() < end:
    r, _, _ = select.select(socks, [], [], 0.5)
    for s in r:
        try:
            c, _ = s.accept()
            c.close()
            accepted += 1
            open(count_file, "w").write("%d\n" % accepted)
        except BlockingIOError:
            pass
EOF
np_bg ip netns exec "$TARGET" "$NP_PYTHON" "$NP_TMP/listen.py" \
	"$NP_TMP/accepts" "$NP_TMP/listening"
for _ in $(seq 100); do
	[ -e "$NP_TMP/listening" ] && break
	sleep 0.05
done
[ -e "$NP_TMP/listening" ] || np_skip "the listener did not start"

# 445 admin-prohibited, 446 port unreachable, 447 TCP reset, 448 dropped
ip netns exec "$TARGET" nft -f - <<'EOF' || np_skip "nft rules do not load"
table inet tcptest {
	chain input {
		type filter hook input priority 0;
		tcp dport 445 reject with icmpx admin-prohibited
		meta nfproto ipv4 tcp dport 446 reject with icmp port-unreachable
		meta nfproto ipv6 tcp dport 446 reject with icmpv6 port-unreachable
		tcp dport 447 reject with tcp reset
		tcp dport 448 counter drop
	}
}
EOF

for t in 198.51.100.2 2001:db8::2; do
	v=IPv4
	case $t in *:*) v=IPv6 ;; esac

	np_run "$PROBER" 20 --tcp=443 -c 3 -i 0.1 "$t"
	np_eq "$v open: exit 0" 0 "$NP_RC"
	# (iputils' header of each family: "PING H (A) N(M) bytes of
	# data." for IPv4, "PING H(A) N data bytes" for IPv6)
	hdr="^PING $t \\($t\\) 0\\([0-9]+\\) bytes of data, tcp port 443\\.$"
	[ $v = IPv6 ] && hdr="^PING $t\\($t\\) 0 data bytes, tcp port 443\\.$"
	np_match "$v open: the header names the port" "$hdr" "$NP_OUT"
	np_eq "$v open: three lines say open" 3 \
		"$(printf '%s\n' "$NP_OUT" | grep -cE "^24 bytes from $t: tcp_seq=[123] ttl=64 time=[0-9.]+ ms port=443 open$")"
	np_eq "$v open: 3 received" 3 "$(np_summary received)"
	np_eq "$v open: jc --ping reads ttl and time" "64 64 64 ok" \
		"$(printf '%s\n' "$NP_OUT" | jc --ping | "$NP_PYTHON" -c '
import json, sys
r = json.load(sys.stdin)["responses"]
print(" ".join(str(x["ttl"]) for x in r),
      "ok" if all(isinstance(x["time_ms"], float) for x in r) else "bad")')"
	np_run "$PROBER" 20 --tcp=443 -c 1 -v "$t"
	np_match "$v open, -v: the times' source named" \
		"tcp_seq=1 ttl=64 time=[0-9.]+ ms ts=(kernel|kernel-rx|kernel-tx|user) port=443 open$" "$NP_OUT"

	np_run "$PROBER" 20 --tcp=444 -c 3 -i 0.1 "$t"
	np_eq "$v closed: exit 0 (reached)" 0 "$NP_RC"
	np_eq "$v closed: three lines say closed (RST)" 3 \
		"$(printf '%s\n' "$NP_OUT" | grep -cE "^20 bytes from $t: tcp_seq=[123] ttl=64 time=[0-9.]+ ms port=444 closed \\(RST\\)$")"
	np_eq "$v closed: counted as received" 3 "$(np_summary received)"

	np_run "$PROBER" 20 --tcp=447 -c 2 -i 0.1 "$t"
	np_eq "$v reject with tcp reset: exit 0" 0 "$NP_RC"
	np_match "$v reject with tcp reset: closed (RST)" \
		"tcp_seq=1 ttl=64 time=[0-9.]+ ms port=447 closed \\(RST\\)" "$NP_OUT"

	np_run "$PROBER" 20 --tcp=448 -c 3 -i 0.1 -W 0.3 "$t"
	np_eq "$v dropped: exit 1" 1 "$NP_RC"
	np_eq "$v dropped: 0 received" 0 "$(np_summary received)"
	np_eq "$v dropped: 100% loss" 100 "$(np_summary loss)"
	np_nomatch "$v dropped: no reply line" "bytes from" "$NP_OUT"

	np_run "$PROBER" 20 --tcp=446 -c 2 -i 0.1 -W 1 "$t"
	np_eq "$v port unreachable: exit 1" 1 "$NP_RC"
	if [ $v = IPv4 ]; then
		want="Destination Port Unreachable"
	else
		want="Destination unreachable: Port unreachable"
	fi
	np_eq "$v port unreachable: two error lines" 2 \
		"$(printf '%s\n' "$NP_OUT" | grep -cE "^From $t tcp_seq=[12] $want$")"
	np_eq "$v port unreachable: +2 errors" 2 "$(np_summary errors)"
	np_took "$v port unreachable: the errors end the probes" 0 900

	np_run "$PROBER" 20 --tcp=445 -c 2 -i 0.1 -W 1 "$t"
	np_eq "$v admin-prohibited: exit 1" 1 "$NP_RC"
	if [ $v = IPv4 ]; then
		want="Packet filtered"
	else
		want="Destination unreachable: Administratively prohibited"
	fi
	np_eq "$v admin-prohibited: two error lines" 2 \
		"$(printf '%s\n' "$NP_OUT" | grep -cE "^From $t tcp_seq=[12] $want$")"
done

# -J: every line valid against the schema, with proto, port and state.
PY=${NP_SYSTEM_PYTHON:-/usr/bin/python3}
SCHEMA=$NP_TESTS/../contrib/netprobe.schema.json
"$PY" -c 'import jsonschema' 2>/dev/null || np_skip "needs python3-jsonschema"
: >"$NP_TMP/all.json"
for a in "--tcp=443 -c 2 -i 0.1 198.51.100.2" "--tcp=444 -c 1 2001:db8::2" \
	"--tcp=446 -c 1 -W 1 198.51.100.2" "--tcp=445 -c 1 -W 1 2001:db8::2" \
	"--tcp=443 -c 1 198.51.100.2 198.51.100.3 2001:db8::2"; do
	# shellcheck disable=SC2086
	np_run "$PROBER" 20 -J $a
	printf '%s\n' "$NP_OUT" >>"$NP_TMP/all.json"
done
cat >"$NP_TMP/check.py" <<'EOF'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
v = jsonschema.Draft202012Validator(schema)
bad = 0
states = []
for line in open(sys.argv[2]):
    o = json.loads(line)
    for e in v.iter_errors(o):
        print("invalid:", e.message, line.strip())
        bad += 1
    if o["event"] in ("reply", "icmp_error"):
        states.append("%s %s %s %s" % (o["event"], o.get("proto"),
                                       o.get("port"), o.get("state", "-")))
    if o["event"] == "summary":
        states.append("summary %s %s closed %s of %s" % (
            o.get("proto"), o.get("port"), o.get("closed"), o["received"]))
print("bad", bad)
print("\n".join(states))
EOF
JOUT=$("$PY" "$NP_TMP/check.py" "$SCHEMA" "$NP_TMP/all.json" 2>&1)
np_match "-J: every line valid against the schema" "^bad 0$" "$JOUT"
np_eq "-J: open replies carry proto, port and state" 5 \
	"$(printf '%s\n' "$JOUT" | grep -c '^reply tcp 443 open$')"
np_eq "-J: a closed reply" 1 \
	"$(printf '%s\n' "$JOUT" | grep -c '^reply tcp 444 closed$')"
np_eq "-J: summaries count the closed replies" 1 \
	"$(printf '%s\n' "$JOUT" | grep -c '^summary tcp 444 closed 1 of 1$')"
np_eq "-J: and none for an open port" 1 \
	"$(printf '%s\n' "$JOUT" | grep -c '^summary tcp 443 closed 0 of 2$')"
np_eq "-J: ICMP errors carry proto and port" 2 \
	"$(printf '%s\n' "$JOUT" | grep -cE '^icmp_error tcp 44[56] -$')"

# A sweep: .2 open, .3 dropped, .4 reset, .5 prohibited.  The checksum of
# each SYN needs the source the route gives for each target.
ip netns exec "$TARGET" nft -f - <<'EOF'
table ip sweep {
	chain input {
		type filter hook input priority -10;
		ip daddr 198.51.100.3 tcp dport 443 drop
		ip daddr 198.51.100.4 tcp dport 443 reject with tcp reset
		ip daddr 198.51.100.5 tcp dport 443 reject with icmp admin-prohibited
	}
}
EOF
SWEEP="198.51.100.2 198.51.100.3 198.51.100.4 198.51.100.5"
# shellcheck disable=SC2086
np_run "$PROBER" 20 -a --tcp=443 -W 1 $SWEEP
np_eq "sweep -a: exit 1 (some unreachable)" 1 "$NP_RC"
# shellcheck disable=SC2086
np_eq "sweep -a: the reachable ones, open or closed" \
	"198.51.100.2 198.51.100.4" "$(echo $NP_OUT)"
# shellcheck disable=SC2086
np_run "$PROBER" 20 -u --tcp=443 -W 1 $SWEEP
# shellcheck disable=SC2086
np_eq "sweep -u: the others" "198.51.100.3 198.51.100.5" "$(echo $NP_OUT)"
# shellcheck disable=SC2086
np_run "$PROBER" 20 -c 2 --tcp=443 -i 0.1 -W 1 $SWEEP
np_eq "sweep -c 2: .2 open twice" 2 \
	"$(printf '%s\n' "$NP_OUT" | grep -cE '^198\.51\.100\.2 +: \[[01]\], 24 bytes, [0-9.]+ ms \([0-9.]+ avg, 0% loss\), port 443 open$')"
np_eq "sweep -c 2: .4 closed twice" 2 \
	"$(printf '%s\n' "$NP_OUT" | grep -cE '^198\.51\.100\.4 +: \[[01]\], 20 bytes, .*, port 443 closed$')"
np_match "sweep -c 2: .3 lost" '^198\.51\.100\.3 +: xmt/rcv/%loss = 2/0/100%$' "$NP_OUT"
np_match "sweep -c 2: .5 errors" '^198\.51\.100\.5 +: xmt/rcv/%loss = 2/0/100%, \+2 errors$' "$NP_OUT"
np_run "$PROBER" 20 -c 1 --tcp=443 198.51.100.2 2001:db8::2
np_eq "both families in one run: 2 open" 2 \
	"$(printf '%s\n' "$NP_OUT" | grep -c 'port 443 open$')"
ip netns exec "$TARGET" nft delete table ip sweep

# --save: the run's SYNs and answers in the file, and wire= on each reply.
if "$NETPROBE" --help | grep -q -- '--save'; then
	np_run "$PROBER" 20 --tcp=443 -c 3 -i 0.1 --save "$NP_TMP/t.pcap" \
		198.51.100.2
	np_eq "--save: exit 0" 0 "$NP_RC"
	np_eq "--save: wire= on every reply" 3 \
		"$(printf '%s\n' "$NP_OUT" | grep -cE 'ttl=64 time=[0-9.]+ ms wire=[0-9.]+ ms port=443 open$')"
	np_eq "--save: the 3 SYNs in the file" 3 \
		"$(tcpdump -nr "$NP_TMP/t.pcap" 'tcp[tcpflags] == tcp-syn and dst port 443' 2>/dev/null | wc -l)"
	np_eq "--save: the 3 SYN/ACKs in the file" 3 \
		"$(tcpdump -nr "$NP_TMP/t.pcap" 'tcp[tcpflags] == tcp-syn|tcp-ack and src port 443' 2>/dev/null | wc -l)"
	# -t and -Q reach the SYNs
	np_run "$PROBER" 20 --tcp=443 -c 1 -t 7 -Q 0x20 --save "$NP_TMP/tq.pcap" \
		198.51.100.2
	np_eq "-t 7 -Q 0x20: the SYN's TTL and TOS" 1 \
		"$(tcpdump -vnr "$NP_TMP/tq.pcap" 'tcp[tcpflags] == tcp-syn' 2>/dev/null | grep -c 'tos 0x20, ttl 7,')"
	np_run "$PROBER" 20 --tcp=443 -c 1 -t 7 -Q 0x20 --save "$NP_TMP/tq6.pcap" \
		2001:db8::2
	np_eq "-t 7 -Q 0x20, IPv6: the SYN's hop limit and class" 1 \
		"$(tcpdump -vnr "$NP_TMP/tq6.pcap" 'dst port 443' 2>/dev/null | grep -c 'class 0x20,.*hlim 7,.*Flags \[S\]')"
fi

# Hygiene: 1000 SYNs to the open port.  This host's kernel answers each
# SYN/ACK with a RST (seen leaving), the target keeps no half-open
# connection, and the listener never has one to accept.
ip netns exec "$PROBER" timeout -s KILL 60 tcpdump -i p0 -U --immediate-mode \
	-n -w "$NP_TMP/rst.pcap" 'tcp port 443' >/dev/null 2>"$NP_TMP/rst.err" &
TD=$!
NP_PIDS="$NP_PIDS $TD"
for _ in $(seq 100); do
	grep -q 'listening on' "$NP_TMP/rst.err" && break
	sleep 0.05
done
np_run "$PROBER" 60 --tcp=443 -c 1000 -i 0.002 -W 1 -q 198.51.100.2
np_eq "1000 SYNs: exit 0" 0 "$NP_RC"
np_eq "1000 SYNs: 1000 open" 1000 "$(np_summary received)"
left=1
for _ in $(seq 50); do
	left=$(ip netns exec "$TARGET" ss -Htan state syn-recv | wc -l)
	[ "$left" -eq 0 ] && break
	sleep 0.02
done
np_eq "1000 SYNs: no SYN-RECV left on the target" 0 "$left"
np_eq "1000 SYNs: the listener accepted nothing" 0 "$(cat "$NP_TMP/accepts")"
np_eq "1000 SYNs: no connection left on the prober" 0 \
	"$(ip netns exec "$PROBER" ss -Htan | wc -l)"
sleep 0.2
kill -INT "$TD"
wait "$TD"
tcpdump -tt -nr "$NP_TMP/rst.pcap" 2>/dev/null >"$NP_TMP/rst.txt"
np_eq "1000 SYNs: 1000 RSTs left the prober" 1000 \
	"$(grep -cE '^[0-9.]+ IP 198\.51\.100\.1\.[0-9]+ > 198\.51\.100\.2\.443: Flags \[R\]' "$NP_TMP/rst.txt")"
# each RST within 5 ms of its SYN/ACK
np_eq "1000 SYNs: each RST at most 5 ms after its SYN/ACK" "ok" "$(awk '
	/> 198\.51\.100\.1\.[0-9]+: Flags \[S\.\]/ { sa = $1; next }
	/198\.51\.100\.2\.443: Flags \[R\]/ { if (sa == "" || $1 - sa > 0.005) bad++; sa = "" }
	END { print bad ? bad " late" : "ok" }' "$NP_TMP/rst.txt")"

# This host's RSTs dropped by its own firewall: the target sends its
# SYN/ACK again after a second; netprobe warns, and counts it a duplicate.
ip netns exec "$PROBER" nft -f - <<'EOF'
table inet norst {
	chain output {
		type filter hook output priority 0;
		tcp flags & rst == rst counter drop
	}
}
EOF
np_run "$PROBER" 20 --tcp=443 -c 2 -i 1.6 198.51.100.2
np_eq "RSTs dropped: exit 0" 0 "$NP_RC"
np_match "RSTs dropped: the SYN/ACK again is a duplicate" \
	'^24 bytes from 198\.51\.100\.2: tcp_seq=1 ttl=64 time=[0-9.]+ ms port=443 open \(DUP!\)$' "$NP_OUT"
np_match "RSTs dropped: one warning" \
	'^netprobe: warning: 198\.51\.100\.2 sent its SYN/ACK again \(tcp_seq=1\): the RST this host.s kernel sends in answer did not reach it' "$NP_ERR"
np_eq "RSTs dropped: said once" 1 \
	"$(printf '%s\n' "$NP_ERR" | grep -c 'sent its SYN/ACK again')"
# The same in an alive sweep, where a target is reported at its first
# SYN/ACK: the one sent again still brings the warning, while the run
# waits for a silent target (.5, its SYNs dropped on the target).
ip netns exec "$TARGET" nft -f - <<'EOF'
table inet silent5 {
	chain input {
		type filter hook input priority 0;
		ip daddr 198.51.100.5 tcp dport 443 drop
	}
}
EOF
np_run "$PROBER" 20 -a --tcp=443 -r 2 198.51.100.2 198.51.100.5
np_eq "RSTs dropped, alive sweep: exit 1 (.5 silent)" 1 "$NP_RC"
np_eq "RSTs dropped, alive sweep: .2 alive" "198.51.100.2" "$NP_OUT"
np_match "RSTs dropped, alive sweep: the warning" \
	'^netprobe: warning: 198\.51\.100\.2 sent its SYN/ACK again \(tcp_seq=[0-9]+\)' "$NP_ERR"
np_eq "RSTs dropped, alive sweep: said once" 1 \
	"$(printf '%s\n' "$NP_ERR" | grep -c 'sent its SYN/ACK again')"
ip netns exec "$TARGET" nft delete table inet silent5
ip netns exec "$PROBER" nft delete table inet norst

# Plugin mode: check_icmp's thresholds on the TCP RTT.
np_run "$PROBER" 20 --plugin --tcp=443 -H 198.51.100.2 -n 2 -i 10ms
np_eq "plugin --tcp open: OK (0)" 0 "$NP_RC"
np_match "plugin --tcp open: the status line" \
	'^OK - 198\.51\.100\.2: rta [0-9.]+ms, lost 0%\|' "$NP_OUT"
np_run "$PROBER" 20 --plugin --tcp=448 -H 198.51.100.2 -n 2 -i 10ms -t 2
np_eq "plugin --tcp dropped: CRITICAL (2)" 2 "$NP_RC"
np_match "plugin --tcp dropped: lost 100%" '^CRITICAL - 198\.51\.100\.2: rta nan, lost 100%' "$NP_OUT"
np_run "$PROBER" 20 --plugin --tcp=443 -b 20 -H 198.51.100.2
np_eq "plugin --tcp -b: UNKNOWN (3)" 3 "$NP_RC"
# A refused port: reachable (OK) by default, check_tcp's -r makes it
# WARNING or CRITICAL; an open port stays OK.
np_run "$PROBER" 20 --plugin --tcp=444 -H 198.51.100.2 -n 2 -i 10ms
np_eq "plugin --tcp closed: OK (0)" 0 "$NP_RC"
np_match "plugin --tcp closed: refused 2" \
	'^OK - 198\.51\.100\.2: rta [0-9.]+ms, lost 0%, refused 2\|' "$NP_OUT"
np_run "$PROBER" 20 --plugin --tcp=444 -r crit -H 198.51.100.2 -n 2 -i 10ms
np_eq "plugin --tcp closed -r crit: CRITICAL (2)" 2 "$NP_RC"
np_match "plugin --tcp closed -r crit: the line" '^CRITICAL - .*refused 2' "$NP_OUT"
np_run "$PROBER" 20 --plugin --tcp=444 --refuse=warn -H 198.51.100.2 -n 2 -i 10ms
np_eq "plugin --tcp closed --refuse=warn: WARNING (1)" 1 "$NP_RC"
np_run "$PROBER" 20 --plugin --tcp=443 -r crit -H 198.51.100.2 -n 2 -i 10ms
np_eq "plugin --tcp open -r crit: OK (0)" 0 "$NP_RC"
np_run "$PROBER" 20 --plugin -r crit -H 198.51.100.2
np_eq "plugin -r without a port probe: UNKNOWN (3)" 3 "$NP_RC"
np_match "plugin -r without a port probe: why" 'needs --tcp, --connect or --udp' "$NP_OUT$NP_ERR"
np_run "$PROBER" 20 --plugin --tcp=444 -r fatal -H 198.51.100.2
np_eq "plugin -r fatal: UNKNOWN (3)" 3 "$NP_RC"

# --metrics: the proto and port labels.
np_run "$PROBER" 20 --tcp=443 -c 1 -q --metrics - 198.51.100.2
np_match "--metrics: proto and port labels" \
	'^netprobe_replies_received_total\{target="198\.51\.100\.2",address="198\.51\.100\.2",proto="tcp",port="443"\} 1$' "$NP_OUT"

# Through a router: TTL 1 expires there (a hop, from the router), TTL 2
# reaches FAR (no listener: closed).
for t in 198.18.5.1 2001:db8:5::1; do
	v=IPv4 r=198.51.100.2 want="Time to live exceeded"
	case $t in *:*) v=IPv6 r=2001:db8::2 want="Time exceeded: Hop limit" ;; esac
	np_run "$PROBER" 20 --tcp=443 -t 1 -c 2 -i 0.1 -W 1 "$t"
	np_eq "$v -t 1: exit 1" 1 "$NP_RC"
	np_eq "$v -t 1: time exceeded from the router, twice" 2 \
		"$(printf '%s\n' "$NP_OUT" | grep -cE "^From $r tcp_seq=[12] $want")"
	np_run "$PROBER" 20 --tcp=443 -t 2 -c 1 "$t"
	np_match "$v -t 2: the far host's RST" \
		"^20 bytes from $t: tcp_seq=1 ttl=63 time=[0-9.]+ ms port=443 closed \\(RST\\)$" "$NP_OUT"
done

# A SYN carries no payload.
np_run "$PROBER" 5 --tcp=443 -s 100 -c 1 198.51.100.2
np_eq "--tcp -s: exit 2" 2 "$NP_RC"
np_match "--tcp -s: says why" "^netprobe: -s sets a payload, and a TCP SYN probe carries none" "$NP_ERR"
np_run "$PROBER" 5 --tcp -p ff -c 1 198.51.100.2
np_eq "--tcp -p: exit 2" 2 "$NP_RC"
# -e is the source port
np_run "$PROBER" 5 --tcp=443 -e 12345 -c 1 -v 198.51.100.2
np_eq "--tcp -e: exit 0" 0 "$NP_RC"
np_match "--tcp -e: the source port" 'source port 12345 \(-e\)' "$NP_ERR"
np_eq "--tcp -e outside the ephemeral range: no warning" 0 \
	"$(printf '%s\n' "$NP_ERR" | grep -c 'warning:')"
ip netns exec "$PROBER" sysctl -qw net.ipv4.ip_local_port_range="40000 50000"
np_run "$PROBER" 5 --tcp=443 -e 45000 -c 1 198.51.100.2
np_eq "--tcp -e in the ephemeral range: exit 0" 0 "$NP_RC"
np_match "--tcp -e in the ephemeral range: a warning naming it" \
	"^netprobe: warning: -e 45000 is in the kernel's ephemeral port range \(40000-50000\)" "$NP_ERR"

# Without CAP_NET_RAW: both ways out named, exit 2.
PLAIN=$(np_plain_copy)
ip netns exec "$PROBER" timeout -s KILL 10 $NP_NOBODY "$PLAIN" --tcp=443 -c 1 \
	198.51.100.2 >"$NP_TMP/out" 2>"$NP_TMP/err"
np_eq "as nobody: exit 2" 2 "$?"
np_match "as nobody: the setcap command" \
	"sudo setcap cap_net_raw\\+p $PLAIN" "$(cat "$NP_TMP/err")"
np_match "as nobody: the unprivileged way" "--tcp --connect" "$(cat "$NP_TMP/err")"

np_finish
