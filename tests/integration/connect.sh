#!/bin/bash
# connect.sh - TCP probes without privilege (--connect), as user nobody:
# each probe a connect() of its own socket.  Namespaces P (the prober) and
# T (the target) on a veth pair, 198.51.100.0/24 and 2001:db8::/64; in T a
# listener on port 8080, nothing on 8081, and nft rules: 8082 drops every
# SYN, 8083 rejects with icmpx admin-prohibited, 8084 drops every other
# SYN (each probe's first, so its retransmission is the one answered).
# Checks: open, closed, loss (exit 1, one SYN per probe), the ICMP error,
# a retransmitted SYN counted as lost (never a ~1 s RTT), IPv4 and IPv6,
# no TIME_WAIT after 200 probes, -t on the wire, the RTT against the
# capture's, -J's timing source, a sweep, and the sandbox.
. "$(dirname "$0")/lib.sh"

np_require_root
np_require_cmd nft tcpdump tshark ss setpriv "$NP_PYTHON"

np_netns P
np_netns T
np_link "$P" p0 "$T" t0
ip -n "$P" addr add 198.51.100.1/24 dev p0
ip -n "$T" addr add 198.51.100.2/24 dev t0
ip -n "$P" -6 addr add 2001:db8::1/64 dev p0 nodad
ip -n "$T" -6 addr add 2001:db8::2/64 dev t0 nodad
# the target's ICMP errors are not rate-limited here
np_sysctl "$T" net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0

ip netns exec "$T" nft -f - <<'EOF' || np_skip "nft rules do not load"
table inet np {
	chain input {
		type filter hook input priority 0;
		tcp dport 8082 tcp flags & (syn | ack) == syn counter drop
		tcp dport 8083 reject with icmpx admin-prohibited
		tcp dport 8084 tcp flags & (syn | ack) == syn numgen inc mod 2 == 0 counter drop
	}
}
EOF

# the listener: IPv4 and IPv6, counting the connections it accepts
cat >"$NP_TMP/listen.py" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", 8080))
s.listen(1024)
open(sys.argv[1], "w").write("listening\n")
s.settimeout(0.2)
n, end = 0, time.time() + 120
while time.time() < end:
    try:
        c, _ = s.accept()
        n += 1
        c.close()
    except OSError:
        pass
    open(sys.argv[2], "w").write("%d\n" % n)
EOF
np_bg ip netns exec "$T" timeout -s KILL 150 "$NP_PYTHON" "$NP_TMP/listen.py" \
	"$NP_TMP/listening" "$NP_TMP/accepted"
np_wait_file "$NP_TMP/listening" listening 10 || np_finish

PLAIN=$(np_plain_copy)
nbrun() { # as nobody, no capability: np_exec with the plain copy
	local limit=$1
	shift
	np_exec "$P" "$limit" $NP_NOBODY "$PLAIN" "$@"
}
counter() { # the packets an nft rule of T's counted, by its port
	ip netns exec "$T" nft list chain inet np input |
		sed -nE "s/.*dport $1 .*counter packets ([0-9]+) .*/\1/p"
}

for fam in 4 6; do
	if [ $fam = 4 ]; then TGT=198.51.100.2; else TGT=2001:db8::2; fi

	# open: a reply per probe, its RTT from TCP_INFO
	nbrun 20 --connect --tcp=8080 -c 3 -i 0.2 -v -n $TGT
	np_eq "IPv$fam open: exit 0" 0 "$NP_RC"
	np_match "IPv$fam open: a reply line, timed by TCP_INFO" \
		"bytes from $TGT: tcp_seq=1 .*time=[0-9.]+ ms ts=tcp_info" "$NP_OUT"
	np_match "IPv$fam open: the line says port 8080 open" \
		"bytes from $TGT: tcp_seq=1 .*port=8080 open" "$NP_OUT"
	np_eq "IPv$fam open: 3 received" 3 "$(np_summary received)"
	np_match "IPv$fam open: -v names the way (no privilege)" \
		"socket: TCP connect\(\) per probe, unprivileged" "$NP_ERR"
	np_match "IPv$fam open: no capability held" "CapPrm=0 CapEff=0" "$NP_ERR"
	np_match "IPv$fam open: -v's source line" "^netprobe: source [0-9a-f.:]+, route mtu 1500$" "$NP_ERR"
	np_nomatch "IPv$fam open: no Echo identifier to name" "identifier" "$NP_ERR"

	# closed: a RST is a reply, the target reachable
	nbrun 20 --connect --tcp=8081 -c 2 -i 0.2 -v -n $TGT
	np_eq "IPv$fam closed: exit 0 (reachable)" 0 "$NP_RC"
	np_match "IPv$fam closed: the line says closed (RST)" \
		"tcp_seq=1 .*port=8081 closed \(RST\)" "$NP_OUT"
	np_match "IPv$fam closed: timed in user space" \
		"tcp_seq=1 .*time=[0-9.]+ ms ts=user" "$NP_OUT"
	np_eq "IPv$fam closed: 2 received" 2 "$(np_summary received)"

	# silence: lost at -W (0.5 s, under the initial RTO): exit 1, and
	# the socket closed then, so one SYN per probe reached the target
	before=$(counter 8082)
	nbrun 20 --connect --tcp=8082 -c 3 -i 0.3 -W 0.5 -n $TGT
	np_eq "IPv$fam dropped: exit 1" 1 "$NP_RC"
	np_eq "IPv$fam dropped: 0 received" 0 "$(np_summary received)"
	np_eq "IPv$fam dropped: 100% loss" 100 "$(np_summary loss)"
	np_eq "IPv$fam dropped: one SYN per probe, none sent again" 3 \
		$(($(counter 8082) - before))

	# an ICMP error (admin-prohibited) from the target: an error line
	nbrun 20 --connect --tcp=8083 -c 2 -i 0.3 -n $TGT
	np_eq "IPv$fam prohibited: exit 1" 1 "$NP_RC"
	np_match "IPv$fam prohibited: an error line from the target" \
		"^From $TGT tcp_seq=1 (Packet filtered|.*[Pp]rohibited)" "$NP_OUT"
	np_eq "IPv$fam prohibited: 2 errors" 2 "$(np_summary errors)"
	np_eq "IPv$fam prohibited: 0 received" 0 "$(np_summary received)"

	# each probe's first SYN dropped, its retransmission (after 1 s)
	# answered: lost, never an RTT near 1 s
	before=$(counter 8084)
	nbrun 20 --connect --tcp=8084 -c 2 -i 1.5 -W 2 -v -n $TGT
	np_eq "IPv$fam first SYN lost: exit 1" 1 "$NP_RC"
	np_eq "IPv$fam first SYN lost: 0 received" 0 "$(np_summary received)"
	np_nomatch "IPv$fam first SYN lost: no RTT reported" "time=" "$NP_OUT"
	np_match "IPv$fam first SYN lost: -v says why" \
		"SYN was sent again.*counted as lost" "$NP_ERR"
	np_eq "IPv$fam first SYN lost: the rule dropped one SYN per probe" 2 \
		$(($(counter 8084) - before))
done

# 200 probes to the open port: no TIME_WAIT left on the prober (each
# socket ends with a RST: SO_LINGER 0)
nbrun 60 --connect --tcp=8080 -c 200 -i 0.005 -q -n 198.51.100.2
np_eq "200 probes: exit 0" 0 "$NP_RC"
np_eq "200 probes: 200 received" 200 "$(np_summary received)"
np_eq "200 probes: no TIME_WAIT on the prober" "" \
	"$(ip netns exec "$P" ss -Htan state time-wait)"
np_eq "200 probes: no socket left on the prober" "" \
	"$(ip netns exec "$P" ss -Htan)"
echo "# the listener accepted $(cat "$NP_TMP/accepted") connections so far"

# -J: the timing source per reply, the port and its state; -t on the
# wire; the RTT against the capture's (SYN -> SYN/ACK on p0)
ip netns exec "$P" timeout -s KILL 60 tcpdump -i p0 -U --immediate-mode -n \
	-w "$NP_TMP/c.pcap" 'tcp port 8080' >/dev/null 2>"$NP_TMP/c.pcap.err" &
TCPDUMP=$!
NP_PIDS="$NP_PIDS $TCPDUMP"
np_wait_file "$NP_TMP/c.pcap.err" 'listening on' 5
nbrun 30 --connect --tcp=8080 -c 20 -i 0.05 -t 7 -Q 0x20 -J -n 198.51.100.2
np_tcpdump_stop "$NP_TMP/c.pcap"
np_eq "-J: exit 0" 0 "$NP_RC"
np_match "-J: a reply's times are tcp_info's" \
	'"event":"reply".*"rtt_ms":[0-9.]+,"tx_ts":"tcp_info","rx_ts":"tcp_info"' "$NP_OUT"
np_match "-J: a reply names the port and its state" \
	'"event":"reply".*"port":8080.*"state":"open"' "$NP_OUT"
# every line valid against the schema (Debian's python3-jsonschema)
printf '%s\n' "$NP_OUT" >"$NP_TMP/c.jsonl"
SYSPY=${NP_SYSTEM_PYTHON:-/usr/bin/python3}
"$SYSPY" -c 'import jsonschema' 2>/dev/null ||
	np_skip "needs python3-jsonschema for $SYSPY"
bad=$("$SYSPY" - "$NP_TESTS/../contrib/netprobe.schema.json" \
	"$NP_TMP/c.jsonl" <<'EOF'
import json, sys
import jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
n = 0
for line in open(sys.argv[2]):
    n += 1
    for e in v.iter_errors(json.loads(line)):
        print("line %d: %s" % (n, e.message))
print("%d lines" % n)
EOF
)
np_eq "-J: every line valid against the schema" "21 lines" "$bad"
ttls=$(tshark -r "$NP_TMP/c.pcap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' \
	-T fields -e ip.ttl 2>/dev/null | sort -u)
np_eq "-t 7: every SYN left with TTL 7" 7 "$ttls"
tos=$(tshark -r "$NP_TMP/c.pcap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' \
	-T fields -e ip.dsfield 2>/dev/null | sort -u)
np_eq "-Q 0x20: every SYN left with that TOS" 0x20 "$tos"
# reported - captured, per probe in order (each probe its own port)
tshark -r "$NP_TMP/c.pcap" -T fields -e frame.time_epoch -e tcp.srcport \
	-e tcp.dstport -e tcp.flags.syn -e tcp.flags.ack 2>/dev/null \
	>"$NP_TMP/c.txt"
printf '%s\n' "$NP_OUT" | sed -nE 's/.*"seq":([0-9]+),.*"rtt_ms":([0-9.]+).*/\1 \2/p' \
	>"$NP_TMP/rtt.txt"
diffs=$("$NP_PYTHON" - "$NP_TMP/c.txt" "$NP_TMP/rtt.txt" <<'EOF'
import sys
syn, synack, order = {}, {}, []
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) < 5:
        continue
    t, sp, dp, s, a = float(f[0]), f[1], f[2], f[3], f[4]
    if s in ("1", "True") and a in ("0", "False") and dp == "8080":
        if sp not in syn:
            syn[sp] = t
            order.append(sp)
    elif s in ("1", "True") and a in ("1", "True") and sp == "8080":
        synack.setdefault(dp, t)
cap = [(synack[p] - syn[p]) * 1e6 for p in order if p in synack]
rep = [float(l.split()[1]) * 1e3 for l in open(sys.argv[2])]
if len(cap) != len(rep) or not rep:
    print("%d 0 0 0" % -1)
    sys.exit()
d = sorted(r - c for r, c in zip(rep, cap))
print("%d %.1f %.1f %.1f" % (len(d), d[len(d) // 2], d[0], d[-1]))
EOF
)
echo "# reported - capture RTT (us): n median min max = $diffs"
read -r n med lo hi <<<"$diffs"
np_eq "capture: a SYN/ACK for every reported RTT" 20 "$n"
within=$(awk -v m="$med" -v l="$lo" -v h="$hi" \
	'BEGIN { print (m > -100 && m < 100 && l > -500 && h < 500) ? "yes" : "no" }')
np_eq "RTT: each within 0.5 ms of the capture's, the median within 0.1 ms (median $med us)" yes "$within"

# -I: an address to bind each probe's socket to, or an interface
nbrun 20 --connect --tcp=8080 -c 2 -i 0.1 -I 198.51.100.1 -n 198.51.100.2
np_eq "-I ADDR: exit 0" 0 "$NP_RC"
np_eq "-I ADDR: 2 received" 2 "$(np_summary received)"
nbrun 20 --connect --tcp=8080 -c 2 -i 0.1 -I p0 -n 2001:db8::2
np_eq "-I IFACE: exit 0" 0 "$NP_RC"
np_eq "-I IFACE: 2 received" 2 "$(np_summary received)"
nbrun 20 --connect --tcp=8080 -c 2 -I 198.51.100.9 -n 198.51.100.2
np_eq "-I with an address not ours: exit 2" 2 "$NP_RC"
np_match "-I with an address not ours: says so" "cannot bind to the address" "$NP_ERR"

# --metrics: the series carry the protocol and the port
nbrun 20 --connect --tcp=8080 -c 2 -i 0.1 -q --metrics - -n 198.51.100.2
np_eq "--metrics: exit 0" 0 "$NP_RC"
np_match "--metrics: proto and port labels, the replies counted" \
	'^netprobe_replies_received_total\{.*proto="tcp-connect",port="8080"\} 2$' "$NP_OUT"

# the sandbox: a --connect run may open its TCP sockets, nothing else
# (a sanitizer build has no sandbox: sandbox.sh checks that -V says so)
if [ "${NP_SANITIZED:-no}" != yes ]; then
	nbrun 10 --connect --tcp=8080 -n --sandbox-test=socket 198.51.100.2
	np_eq "--sandbox-test=socket under --connect: killed, exit 2" 2 "$NP_RC"
	np_match "--sandbox-test=socket under --connect: socket() named" \
		"system call .*socket" "$NP_ERR"
fi

# the rules of the options
nbrun 10 --connect --udp -n 198.51.100.2
np_eq "--connect --udp: exit 2" 2 "$NP_RC"
np_match "--connect --udp: says why" "--connect probes TCP" "$NP_ERR"
nbrun 10 --connect --save "$NP_TMP/x.pcap" -n 198.51.100.2
np_eq "--connect --save: exit 2" 2 "$NP_RC"
np_match "--connect --save: says why" "--save cannot be used with --connect" "$NP_ERR"
nbrun 10 --connect -s 20 -n 198.51.100.2
np_eq "--connect -s: exit 2" 2 "$NP_RC"
np_match "--connect -s: says why" "-s cannot be used with --connect" "$NP_ERR"

# many targets: open and closed targets in one sweep, as nobody (a
# closed port answers: the target is alive)
nbrun 20 --connect --tcp=8080 -a -n 198.51.100.2 2001:db8::2 198.51.100.1
np_eq "sweep: exit 0, every target answered" 0 "$NP_RC"
np_eq "sweep: all three alive, in order" \
	"$(printf '198.51.100.2\n2001:db8::2\n198.51.100.1')" "$NP_OUT"

# the cap on sockets in flight, with real ones: RLIMIT_NOFILE held at 256
# (192 probes in flight), a /22 of the prober's own addresses whose SYNs
# its output hook drops: every target probed once, one SYN each (-W 0.5
# closes each socket before a second), no descriptor error
ip -n "$P" route add local 198.18.0.0/16 dev lo
ip netns exec "$P" nft -f - <<'EOF' || np_skip "nft rules do not load"
table inet np {
	chain output {
		type filter hook output priority 0;
		tcp dport 8085 tcp flags & (syn | ack) == syn counter drop
	}
}
EOF
np_exec "$P" 60 bash -c "ulimit -n 256 && exec $NP_NOBODY $PLAIN --connect --tcp=8085 -u -r 0 -g 198.18.0.0/22"
np_eq "cap: exit 1 (none answered)" 1 "$NP_RC"
np_eq "cap: every target listed unreachable" 1022 "$(printf '%s\n' "$NP_OUT" | grep -c .)"
np_eq "cap: nothing on stderr (no EMFILE)" "" "$NP_ERR"
np_eq "cap: one SYN per target" 1022 \
	"$(ip netns exec "$P" nft list chain inet np output |
		sed -nE 's/.*counter packets ([0-9]+) .*/\1/p')"
# 1022 / 192 rounds of 0.5 s: at least 2.5 s (the cap held)
np_took "cap: 192 in flight at most" 2500 30000

# no route (many targets look none up first): the failed connect() is
# named, the target unreachable
nbrun 20 --connect --tcp=8080 --multi -c 1 -n 198.19.0.1
np_eq "no route: exit 1" 1 "$NP_RC"
np_match "no route: connect's error, by name" \
	"^netprobe: 198.19.0.1: connect: Network is unreachable" "$NP_ERR"

# plugin mode: check_icmp's thresholds on the connect time, no privilege
nbrun 20 --plugin --connect -H 198.51.100.2 -n 3 -i 50ms
np_eq "plugin --connect: OK (port 80 closed: reachable)" 0 "$NP_RC"
np_match "plugin --connect: the status line" "^OK - 198.51.100.2: rta [0-9.]+ms, lost 0%" "$NP_OUT"
nbrun 20 --plugin --connect -r crit -H 198.51.100.2 -n 3 -i 50ms
np_eq "plugin --connect -r crit: port 80 refused: CRITICAL" 2 "$NP_RC"
np_match "plugin --connect -r crit: refused 3" "^CRITICAL - 198.51.100.2: rta [0-9.]+ms, lost 0%, refused 3" "$NP_OUT"

np_finish
