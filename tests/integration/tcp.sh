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
np_require_cmd nft "$NP_PYTHON" tcpdump

#  PROBER p0 198.51.100.1/24 2001:db8::1/64 ---- t0 TARGET 198.51.100.2/24,
#  2001:db8::2/64 and .3, .4, .5 (the sweep); 443 listens on every address.
np_netns PROBER
np_netns TARGET
np_link "$PROBER" p0 "$TARGET" t0
ip -n "$PROBER" addr add 198.51.100.1/24 dev p0
ip -n "$PROBER" addr add 2001:db8::1/64 dev p0 nodad
for i in 2 3 4 5; do
	ip -n "$TARGET" addr add 198.51.100.$i/24 dev t0
done
ip -n "$TARGET" addr add 2001:db8::2/64 dev t0 nodad
np_sysctl "$TARGET" net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0

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
	np_match "$v open: the header names the port" \
		"^PING $t \\($t\\) 0\\([0-9]+\\) bytes of data, tcp port 443\\.$" "$NP_OUT"
	np_eq "$v open: three lines say open" 3 \
		"$(printf '%s\n' "$NP_OUT" | grep -cE "^24 bytes from $t: tcp_seq=[123] port=443 open ttl=64 time=[0-9.]+ ms$")"
	np_eq "$v open: 3 received" 3 "$(np_summary received)"

	np_run "$PROBER" 20 --tcp=444 -c 3 -i 0.1 "$t"
	np_eq "$v closed: exit 0 (reached)" 0 "$NP_RC"
	np_eq "$v closed: three lines say closed (RST)" 3 \
		"$(printf '%s\n' "$NP_OUT" | grep -cE "^20 bytes from $t: tcp_seq=[123] port=444 closed \\(RST\\) ttl=64 time=[0-9.]+ ms$")"
	np_eq "$v closed: counted as received" 3 "$(np_summary received)"

	np_run "$PROBER" 20 --tcp=447 -c 2 -i 0.1 "$t"
	np_eq "$v reject with tcp reset: exit 0" 0 "$NP_RC"
	np_match "$v reject with tcp reset: closed (RST)" \
		"tcp_seq=1 port=447 closed \\(RST\\)" "$NP_OUT"

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

# A SYN carries no payload.
np_run "$PROBER" 5 --tcp=443 -s 100 -c 1 198.51.100.2
np_eq "--tcp -s: exit 2" 2 "$NP_RC"
np_match "--tcp -s: says why" "^netprobe: -s sets a payload, and a TCP SYN probe carries none" "$NP_ERR"
np_run "$PROBER" 5 --tcp -p ff -c 1 198.51.100.2
np_eq "--tcp -p: exit 2" 2 "$NP_RC"
# -e is the source port
np_run "$PROBER" 5 --tcp=443 -e 12345 -c 1 -v 198.51.100.2
np_eq "--tcp -e: exit 0" 0 "$NP_RC"
np_match "--tcp -e: the source port" "identifier 0x3039" "$NP_ERR"

# Without CAP_NET_RAW: both ways out named, exit 2.
PLAIN=$(np_plain_copy)
ip netns exec "$PROBER" timeout -s KILL 10 $NP_NOBODY "$PLAIN" --tcp=443 -c 1 \
	198.51.100.2 >"$NP_TMP/out" 2>"$NP_TMP/err"
np_eq "as nobody: exit 2" 2 "$?"
np_match "as nobody: the setcap command" \
	"sudo setcap cap_net_raw\\+p $PLAIN" "$(cat "$NP_TMP/err")"
np_match "as nobody: the unprivileged way" "--tcp --connect" "$(cat "$NP_TMP/err")"

np_finish
