#!/bin/bash
# UDP probes (--udp[=PORT]) in namespaces: a closed port (the target's
# port unreachable: reached, "closed"), a port with an echo server and one
# with a DNS-like responder (reached by reply, "open"), an nft drop
# (open|filtered: lost, exit 1), nft's reject with admin-prohibited (an
# ICMP error), IPv4 and IPv6, as root and as user nobody (the datagram
# socket); TTL 1 through a router (time exceeded); a many-target sweep;
# -J validated by the schema; --save; and
# on the wire every probe of a run on one flow, its UDP checksum (computed
# by the kernel: checksum offload off) equal to its sequence.
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_cmd nft tcpdump ethtool python3 setpriv

PY=${NP_SYSTEM_PYTHON:-/usr/bin/python3}
"$PY" -c 'import jsonschema' 2>/dev/null || np_skip "needs python3-jsonschema for $PY"
SCHEMA=$NP_TESTS/../contrib/netprobe.schema.json

#  HOST h0 198.51.100.1/24 2001:db8::1/64 ---- t0 .7 .8 ::7 TARGET
np_netns HOST
np_netns TGT
np_link "$HOST" h0 "$TGT" t0
ip -n "$HOST" addr add 198.51.100.1/24 dev h0
ip -n "$HOST" addr add 2001:db8::1/64 dev h0 nodad
ip -n "$TGT" addr add 198.51.100.7/24 dev t0
ip -n "$TGT" addr add 198.51.100.8/24 dev t0
ip -n "$TGT" addr add 2001:db8::7/64 dev t0 nodad
np_sysctl "$TGT" net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
#  HOST h1 198.18.4.1/24 2001:db8:4::1 ---- r0 .2 ::2 ROUTER r1 198.18.5.254
#  2001:db8:5::fe ---- f0 198.18.5.1 2001:db8:5::1 FAR
np_netns ROUTER
np_netns FAR
np_link "$HOST" h1 "$ROUTER" r0
np_link "$ROUTER" r1 "$FAR" f0
ip -n "$HOST" addr add 198.18.4.1/24 dev h1
ip -n "$HOST" addr add 2001:db8:4::1/64 dev h1 nodad
ip -n "$ROUTER" addr add 198.18.4.2/24 dev r0
ip -n "$ROUTER" addr add 2001:db8:4::2/64 dev r0 nodad
ip -n "$ROUTER" addr add 198.18.5.254/24 dev r1
ip -n "$ROUTER" addr add 2001:db8:5::fe/64 dev r1 nodad
ip -n "$FAR" addr add 198.18.5.1/24 dev f0
ip -n "$FAR" addr add 2001:db8:5::1/64 dev f0 nodad
ip -n "$HOST" route add 198.18.5.0/24 via 198.18.4.2
ip -n "$HOST" -6 route add 2001:db8:5::/64 via 2001:db8:4::2
ip -n "$FAR" route add default via 198.18.5.254
ip -n "$FAR" -6 route add default via 2001:db8:5::fe
np_sysctl "$ROUTER" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
	net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
np_sysctl "$FAR" net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
# No checksum offload on the host's side: the kernel computes each UDP
# checksum in software, so the wire shows the kernel's value.
ip netns exec "$HOST" ethtool -K h0 tx off >/dev/null 2>&1 ||
	np_skip "cannot turn checksum offload off on a veth"

# The target's firewall: 9999 dropped, 9998 rejected as prohibited, and
# 198.51.100.8 silent on 33434.
ip netns exec "$TGT" nft -f - <<'EOF' || np_skip "nft cannot load the rules in a namespace"
add table inet t
add chain inet t in { type filter hook input priority 0; }
add rule inet t in udp dport 9999 counter drop
add rule inet t in udp dport 9998 reject with icmpx type admin-prohibited
add rule inet t in ip daddr 198.51.100.8 udp dport 33434 drop
EOF

# An echo server on 7777 and a DNS-like responder on 5353 (its answer is
# always the same 12 bytes), IPv4 and IPv6; each writes a file once bound.
cat >"$NP_TMP/servers.py" <<'EOF'
import select, socket, sys
socks = []
for port in (7777, 5353):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    socks.append(s)
open(sys.argv[1], "w").close()
while True:
    for s in select.select(socks, [], [])[0]:
        d, a = s.recvfrom(65535)
        if s.getsockname()[1] == 7777:
            s.sendto(d, a)
        else:
            s.sendto(bytes.fromhex("abcd81800001000000000000"), a)
EOF
np_bg ip netns exec "$TGT" timeout -s KILL 300 "$PY" "$NP_TMP/servers.py" \
	"$NP_TMP/servers.ready"
for _ in $(seq 250); do
	[ -e "$NP_TMP/servers.ready" ] && break
	sleep 0.02
done
[ -e "$NP_TMP/servers.ready" ] || np_skip "the UDP servers did not start"

PLAIN=$(np_plain_copy)
as_nobody() { # NS TIMEOUT ARGS...: np_exec of the plain copy as nobody
	local ns=$1 limit=$2
	shift 2
	# shellcheck disable=SC2086
	np_exec "$ns" "$limit" $NP_NOBODY "$PLAIN" "$@"
}

replies() { # DESC EXPECTED-COUNT LINE-REGEX
	np_eq "$1: exit 0" 0 "$NP_RC"
	np_eq "$1: $2 received" "$2" "$(np_summary received)"
	np_eq "$1: $2 reply lines" "$2" \
		"$(printf '%s\n' "$NP_OUT" | grep -cE "$3")"
}

# ---- closed port: the target's port unreachable ---------------------------
for who in root nobody; do
	for t in 198.51.100.7 2001:db8::7; do
		args=(--udp -c 3 -i 0.2 -W 2 "$t")
		if [ "$who" = root ]; then np_run "$HOST" 20 "${args[@]}"; else as_nobody "$HOST" 20 "${args[@]}"; fi
		replies "$who $t closed" 3 \
			"^56 bytes from ${t//./\\.}: udp_seq=[1-3] time=[0-9.]+ ms port=33434 closed \\(port unreachable\\)$"
		np_eq "$who $t closed: no errors" "" "$(np_summary errors)"
	done
done

# -v names the socket; -e sets the source port
as_nobody "$HOST" 20 -v --udp -e 40123 -c 1 198.51.100.7
np_match "nobody -v: the datagram UDP socket" \
	'socket: datagram UDP socket, unprivileged' "$NP_ERR"
np_match "nobody -v: -e is the source port" 'source port 40123 \(-e\)' "$NP_ERR"
np_eq "nobody -e: reached" 1 "$(np_summary received)"

# ---- open port: the application's reply ------------------------------------
for who in root nobody; do
	for t in 198.51.100.7 2001:db8::7; do
		args=(--udp=7777 -c 3 -i 0.2 -W 2 "$t")
		if [ "$who" = root ]; then np_run "$HOST" 20 "${args[@]}"; else as_nobody "$HOST" 20 "${args[@]}"; fi
		replies "$who $t echo" 3 \
			"^56 bytes from ${t//./\\.}: udp_seq=[1-3] ttl=64 time=[0-9.]+ ms port=7777 open \\(reply\\)$"
	done
done

# A payload of the user's (a DNS query, hex and from a file): the answer
# is not an echo, each goes to the oldest probe pending.
printf '\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00' >"$NP_TMP/query.bin"
chmod 644 "$NP_TMP/query.bin"
np_run "$HOST" 20 --udp=5353 --payload=@"$NP_TMP/query.bin" -c 3 -i 0.2 198.51.100.7
replies "DNS-like, --payload=@FILE" 3 \
	'^12 bytes from 198\.51\.100\.7: udp_seq=[1-3] ttl=64 time=[0-9.]+ ms port=5353 open \(reply\)$'
np_match "--payload: the size is the payload's" '^PING 198\.51\.100\.7 \(198\.51\.100\.7\) 12\(40\) bytes of data, udp port 5353\.$' "$NP_OUT"
as_nobody "$HOST" 20 --udp=7777 --payload="12 34 01 00" -c 2 -i 0.2 2001:db8::7
replies "echo, --payload=HEX, nobody, IPv6" 2 \
	'^4 bytes from 2001:db8::7: udp_seq=[1-2] ttl=64 time=[0-9.]+ ms port=7777 open \(reply\)$'

# ---- silence: open|filtered, lost ------------------------------------------
np_run "$HOST" 20 --udp=9999 -c 3 -i 0.2 -W 0.5 198.51.100.7
np_eq "drop: exit 1" 1 "$NP_RC"
np_eq "drop: 0 received" 0 "$(np_summary received)"
np_eq "drop: no errors" "" "$(np_summary errors)"
np_eq "drop: the nft rule dropped 3" 3 \
	"$(ip netns exec "$TGT" nft list chain inet t in | sed -nE 's/.*dport 9999 counter packets ([0-9]+).*/\1/p')"

# ---- reject with admin-prohibited: an ICMP error ----------------------------
np_run "$HOST" 20 --udp=9998 -c 2 -i 0.2 -W 1 198.51.100.7
np_eq "prohibited v4: exit 1" 1 "$NP_RC"
np_eq "prohibited v4: 2 errors" 2 "$(np_summary errors)"
np_eq "prohibited v4: error lines" 2 \
	"$(printf '%s\n' "$NP_OUT" | grep -cE '^From 198\.51\.100\.7 udp_seq=[1-2] Packet filtered$')"
np_run "$HOST" 20 --udp=9998 -c 2 -i 0.2 -W 1 2001:db8::7
np_eq "prohibited v6: exit 1" 1 "$NP_RC"
np_eq "prohibited v6: 2 errors" 2 "$(np_summary errors)"
np_eq "prohibited v6: error lines" 2 \
	"$(printf '%s\n' "$NP_OUT" | grep -cE '^From 2001:db8::7 udp_seq=[1-2] ')"

# ---- through a router: TTL 1 expires there, the far host is reached -------
for t in 198.18.5.1 2001:db8:5::1; do
	r=198.18.4.2
	[ "$t" = 2001:db8:5::1 ] && r=2001:db8:4::2
	as_nobody "$HOST" 20 --udp -t 1 -c 2 -i 0.2 -W 1 "$t"
	np_eq "TTL 1 $t: exit 1" 1 "$NP_RC"
	np_eq "TTL 1 $t: 2 errors" 2 "$(np_summary errors)"
	np_eq "TTL 1 $t: time exceeded from the router" 2 \
		"$(printf '%s\n' "$NP_OUT" | grep -cE "^From ${r//./\\.} udp_seq=[1-2] (Time to live exceeded|Time exceeded: Hop limit)$")"
	as_nobody "$HOST" 20 --udp -c 2 -i 0.2 -W 1 "$t"
	replies "through the router $t" 2 \
		"^56 bytes from ${t//./\\.}: udp_seq=[1-2] time=[0-9.]+ ms port=33434 closed \\(port unreachable\\)$"
done

# ---- many targets ------------------------------------------------------------
np_run "$HOST" 30 --udp -a -r 1 198.51.100.7 198.51.100.8 2001:db8::7
np_eq "sweep -a: the answering targets" "198.51.100.7
2001:db8::7" "$NP_OUT"
np_eq "sweep -a: exit 1 (one silent)" 1 "$NP_RC"
as_nobody "$HOST" 30 --udp=7777 -c 2 -i 0.1 198.51.100.7 2001:db8::7
np_eq "sweep -c, nobody: exit 0" 0 "$NP_RC"
np_match "sweep -c: IPv4 summary" '^198\.51\.100\.7 +: xmt/rcv/%loss = 2/2/0%' "$NP_OUT"
np_match "sweep -c: IPv6 summary" '^2001:db8::7 +: xmt/rcv/%loss = 2/2/0%' "$NP_OUT"

# ---- plugin mode: check_icmp's check with a UDP probe ------------------------
as_nobody "$HOST" 20 --plugin --udp -H 198.51.100.7 -H 2001:db8::7 -n 3
np_eq "plugin, closed port: OK" 0 "$NP_RC"
np_match "plugin, closed port: status line" '^OK - ' "$NP_OUT"
as_nobody "$HOST" 20 --plugin --udp -r crit -H 198.51.100.7 -n 3
np_eq "plugin, closed port, -r crit: CRITICAL" 2 "$NP_RC"
np_match "plugin, closed port, -r crit: refused 3" '^CRITICAL - 198\.51\.100\.7: rta [0-9.]+ms, lost 0%, refused 3' "$NP_OUT"
as_nobody "$HOST" 20 --plugin --udp=9999 -H 198.51.100.7 -n 2 -t 2
np_eq "plugin, dropped port: CRITICAL" 2 "$NP_RC"
np_match "plugin, dropped port: 100% lost" 'lost 100%' "$NP_OUT"

# ---- concurrent runs: each its own port, its own answers ---------------------
for i in 1 2 3; do
	ip netns exec "$HOST" timeout -s KILL 30 $NP_NOBODY "$PLAIN" --udp \
		-c 20 -i 0.02 -q 198.51.100.7 >"$NP_TMP/c$i.out" 2>&1 &
	eval "cpid$i=\$!"
done
for i in 1 2 3; do
	eval "wait \$cpid$i"
	np_match "concurrent run $i: exactly its 20" \
		'^20 packets transmitted, 20 received, 0% packet loss' \
		"$(cat "$NP_TMP/c$i.out")"
done

# ---- -J -------------------------------------------------------------------
cat >"$NP_TMP/jv.py" <<'EOF'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
v = jsonschema.Draft202012Validator(schema)
out = []
for n, line in enumerate(open(sys.argv[2], encoding="utf-8"), 1):
    o = json.loads(line)
    for e in v.iter_errors(o):
        print("invalid line %d: %s" % (n, e.message))
    out.append("%s/%s/%s/%s" % (o["event"], o.get("proto", "-"),
                                o.get("port", "-"), o.get("state", "-")))
print(" ".join(out))
EOF
jcheck() { # DESC EXPECTED-EVENTS
	printf '%s\n' "$NP_OUT" >"$NP_TMP/j.jsonl"
	np_eq "$1" "$2" "$("$PY" "$NP_TMP/jv.py" "$SCHEMA" "$NP_TMP/j.jsonl")"
}
np_run "$HOST" 20 -J --udp -c 2 -i 0.2 198.51.100.7
jcheck "-J closed" "reply/udp/33434/closed reply/udp/33434/closed summary/udp/33434/-"
np_match "-J closed: state_reason" '"state_reason":"port unreachable"' "$NP_OUT"
np_run "$HOST" 20 -J --udp=7777 -c 1 2001:db8::7
jcheck "-J open" "reply/udp/7777/open summary/udp/7777/-"
np_run "$HOST" 20 -J --udp=9999 -c 2 -i 0.2 -W 0.3 198.51.100.7
jcheck "-J dropped" "timeout/udp/9999/open|filtered timeout/udp/9999/open|filtered summary/udp/9999/-"
np_eq "-J dropped: exit 1" 1 "$NP_RC"
np_run "$HOST" 20 -J --udp=9998 -c 1 -W 1 198.51.100.7
jcheck "-J prohibited" "icmp_error/udp/9998/- summary/udp/9998/-"
as_nobody "$HOST" 30 -J --udp -c 1 198.51.100.7 198.51.100.8
jcheck "-J many" "reply/udp/33434/closed summary/udp/33434/- timeout/udp/33434/open|filtered summary/udp/33434/-"

# ---- --save -----------------------------------------------------------------
if "$NETPROBE" -V 2>&1 | grep -q 'libpcap'; then
	np_run "$HOST" 20 --udp -c 3 -i 0.2 --save "$NP_TMP/s.pcap" 198.51.100.7
	np_eq "--save: exit 0" 0 "$NP_RC"
	np_eq "--save: the 3 probes" 3 \
		"$(tcpdump -nn -r "$NP_TMP/s.pcap" 'udp dst port 33434' 2>/dev/null | wc -l)"
	np_eq "--save: the 3 port unreachables" 3 \
		"$(tcpdump -nn -r "$NP_TMP/s.pcap" 'icmp' 2>/dev/null | grep -c 'udp port 33434 unreachable')"
	np_eq "--save: nothing else" 6 \
		"$(tcpdump -nn -r "$NP_TMP/s.pcap" 2>/dev/null | wc -l)"
fi

# ---- on the wire: one flow, the checksum is the sequence --------------------
cat >"$NP_TMP/flow.py" <<'EOF'
import socket, struct, sys
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s
data = open(sys.argv[1], "rb").read()
link = struct.unpack("<I", data[20:24])[0]
off, flows, bad, n = 24, set(), [], 0
while off + 16 <= len(data):
    caplen = struct.unpack("<I", data[off + 8:off + 12])[0]
    pkt = data[off + 16:off + 16 + caplen]
    off += 16 + caplen
    if link == 1:
        pkt = pkt[14:]
    elif link == 113:
        pkt = pkt[16:]
    if pkt[0] >> 4 == 4:
        if pkt[9] != 17:
            continue
        ihl = (pkt[0] & 15) * 4
        src, dst, udp = pkt[12:16], pkt[16:20], pkt[ihl:]
        pseudo = src + dst + struct.pack("!xBH", 17, len(udp))
    else:
        if pkt[6] != 17:
            continue
        src, dst, udp = pkt[8:24], pkt[24:40], pkt[40:]
        pseudo = src + dst + struct.pack("!IxxxB", len(udp), 17)
    sport, dport, ulen, ck = struct.unpack("!HHHH", udp[:8])
    if dport != int(sys.argv[2]):
        continue
    n += 1
    flows.add((src, dst, sport, dport))
    seq = struct.unpack("!H", udp[10:12])[0]
    if ck != (seq or 0xffff):
        bad.append("seq %d: checksum 0x%04x" % (seq, ck))
    if csum(pseudo + udp) != 0xffff:
        bad.append("seq %d: checksum 0x%04x is wrong" % (seq, ck))
print(n, len(flows), ";".join(bad) or "ok")
EOF
for t in 198.51.100.7 2001:db8::7; do
	ip netns exec "$TGT" timeout -s KILL 60 tcpdump -i t0 -U --immediate-mode -n -w "$NP_TMP/w.pcap" \
		'udp dst port 33434' >/dev/null 2>"$NP_TMP/w.err" &
	TCPDUMP=$!
	NP_PIDS="$NP_PIDS $TCPDUMP"
	np_wait_file "$NP_TMP/w.err" 'listening on' 5
	as_nobody "$HOST" 30 --udp -c 20 -i 0.02 -q "$t"
	np_eq "flow $t: 20 reached" 20 "$(np_summary received)"
	sleep 0.2
	kill -INT "$TCPDUMP"
	wait "$TCPDUMP"
	np_eq "flow $t: 20 probes, one flow, checksum = sequence" "20 1 ok" \
		"$("$PY" "$NP_TMP/flow.py" "$NP_TMP/w.pcap" 33434)"
done

np_finish
