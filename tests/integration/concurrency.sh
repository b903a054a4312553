#!/bin/bash
# Several netprobe instances (raw sockets, and a datagram socket as an
# unprivileged user), a many-target run and iputils ping probe the same
# target at the same time: raw sockets see every instance's replies, and
# each run must count only its own (identifier, then the per-run cookie).
# IPv4 and IPv6.
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_cmd ping setpriv

np_netns NS
ip -n "$NS" route add local 198.18.0.0/16 dev lo
ip -n "$NS" -6 route add local 2001:db8::/64 dev lo
np_sysctl "$NS" net.ipv4.ping_group_range="0 2147483647"
PLAIN=$(np_plain_copy)
N=200

run_bg() { # NAME CMD...: in NS, output to $NP_TMP/NAME
	local name=$1
	shift
	ip netns exec "$NS" timeout -s KILL 30 "$@" >"$NP_TMP/$name" 2>"$NP_TMP/$name.err" &
	NP_PIDS="$NP_PIDS $!"
	eval "pid_$name=\$!"
}
# together T1 T2: every run at once against T1 (the many-target run also
# T2), IPv4 or IPv6; each must count exactly its own N replies.
together() {
	local t1=$1 t2=$2 f
	case $t1 in *:*) f=IPv6 ;; *) f=IPv4 ;; esac
	run_bg raw1 "$NETPROBE" -c $N -i 0.005 "$t1"
	run_bg raw2 "$NETPROBE" -c $N -i 0.005 "$t1"
	run_bg raw3 "$NETPROBE" -J -c $N -i 0.005 "$t1"
	run_bg dgram $NP_NOBODY "$PLAIN" -c $N -i 0.005 "$t1"
	run_bg multi "$NETPROBE" -q -c $N -i 0.005 --gap 0.001 "$t1" "$t2"
	run_bg ping ping -c $N -i 0.005 "$t1"
	for name in raw1 raw2 raw3 dgram multi ping; do
		eval "wait \$pid_$name"
		eval "rc_$name=\$?"
	done

	for name in raw1 raw2 dgram; do
		eval "rc=\$rc_$name"
		np_eq "$f, $name: exit 0" 0 "$rc"
		np_match "$f, $name: exactly its own $N replies, no duplicates" \
			"^$N packets transmitted, $N received, 0% packet loss" "$(cat "$NP_TMP/$name")"
		np_nomatch "$f, $name: no stray replies shown" 'DUP!|corrupted|LATE' "$(cat "$NP_TMP/$name")"
	done
	np_eq "$f, raw3 (JSON): exit 0" 0 "$rc_raw3"
	np_match "$f, raw3 (JSON): summary $N/$N, nothing else counted" \
		"\"transmitted\":$N,\"received\":$N,\"duplicates\":0,\"corrupted\":0,\"errors\":0,\"late\":0," "$(tail -1 "$NP_TMP/raw3")"
	np_eq "$f, raw3 (JSON): $N reply events" $N "$(grep -c '"event":"reply"' "$NP_TMP/raw3")"
	np_eq "$f, many targets: exit 0" 0 "$rc_multi"
	np_eq "$f, many targets: both exact" \
		"$t1 : xmt/rcv/%loss = $N/$N/0%|$t2 : xmt/rcv/%loss = $N/$N/0%" \
		"$(sed 's/, min.*//' "$NP_TMP/multi" | paste -sd '|')"
	np_eq "$f, iputils ping alongside: exit 0" 0 "$rc_ping"
	np_match "$f, iputils ping alongside: its own $N replies" "^$N packets transmitted, $N received, 0% packet loss" "$(cat "$NP_TMP/ping")"
}
together 198.18.0.1 198.18.0.2
together 2001:db8::1 2001:db8::2

# Two raw runs forced onto the same identifier (-e): each sees the other's
# replies with its own id and sequence numbers, and the cookie alone tells
# them apart.
run_bg same1 "$NETPROBE" -v -e 0x4e51 -c $N -i 0.005 198.18.0.1
run_bg same2 "$NETPROBE" -v -e 0x4e51 -c $N -i 0.005 198.18.0.1
for name in same1 same2; do
	eval "wait \$pid_$name"
	eval "rc_$name=\$?"
done
foreign=0
for name in same1 same2; do
	eval "rc=\$rc_$name"
	np_eq "$name (-e 0x4e51): exit 0" 0 "$rc"
	np_match "$name (-e 0x4e51): exactly its own $N replies" \
		"^$N packets transmitted, $N received, 0% packet loss" "$(cat "$NP_TMP/$name")"
	np_nomatch "$name (-e 0x4e51): no stray replies shown" 'DUP!|corrupted|LATE' "$(cat "$NP_TMP/$name")"
	np_match "$name: -v names the identifier" '^netprobe: source 198\.18\.0\.1, identifier 0x4e51 \(-e\), ' "$(cat "$NP_TMP/$name.err")"
	n=$(sed -nE 's/.*not counted: [0-9]+ late, ([0-9]+) foreign.*/\1/p' "$NP_TMP/$name.err")
	foreign=$((foreign + ${n:-0}))
done
if [ "$foreign" -gt 0 ]; then
	np_ok "same identifier: the other run's replies were seen and ignored ($foreign)"
else
	np_not_ok "same identifier: no foreign reply ignored (did the runs overlap?)"
fi

# On a datagram socket the kernel chooses the identifier; it lets a second
# socket bind one in use and then gives every reply to one of the two, so
# -e is refused there.
np_exec "$NS" 10 $NP_NOBODY "$PLAIN" -e 4242 -c 1 198.18.0.1
np_eq "datagram -e: exit 2" 2 "$NP_RC"
np_match "datagram -e: says why" '^netprobe: -e needs a raw socket \(CAP_NET_RAW\): on a datagram ICMP socket the kernel chooses the identifier$' "$NP_ERR"
np_nomatch "datagram -e: nothing sent" 'bytes from' "$NP_OUT"
np_finish
