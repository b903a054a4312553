#!/bin/bash
# valgrind memcheck on real runs: no errors, no leaks, on the success path,
# the error paths (ICMP errors, timeouts, a usage error) and both families.
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_cmd valgrind

np_netns HOST
np_netns PEER
np_link "$HOST" h0 "$PEER" p0
ip -n "$HOST" addr add 198.51.100.1/24 dev h0
ip -n "$PEER" addr add 198.51.100.2/24 dev p0
ip -n "$PEER" route add unreachable 198.18.0.0/15
ip -n "$HOST" route add 198.18.0.0/15 via 198.51.100.2
np_sysctl "$PEER" net.ipv4.ip_forward=1

vg() { # DESC EXPECTED-EXIT ARGS...
	local desc=$1 want=$2
	shift 2
	ip netns exec "$HOST" timeout -s KILL 60 valgrind --quiet --error-exitcode=99 \
		--leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect \
		--log-file="$NP_TMP/vg.log" "$NETPROBE" "$@" >"$NP_TMP/vg.out" 2>&1
	local rc=$?
	np_eq "$desc: exit $want under valgrind" "$want" "$rc"
	if [ -s "$NP_TMP/vg.log" ]; then
		np_not_ok "$desc: valgrind reported:"
		sed 's/^/    | /' "$NP_TMP/vg.log" | head -40
	else
		np_ok "$desc: memcheck clean"
	fi
}
vg "v4 replies" 0 -c 3 -i 0.1 127.0.0.1
vg "v6 replies" 0 -c 3 -i 0.1 -s 1000 ::1
vg "ICMP errors" 1 -c 2 -i 0.1 -W 1 198.18.1.1
vg "timeouts" 1 -c 2 -i 0.1 -W 0.3 198.51.100.9
vg "verbose, pattern, -D -O" 0 -v -D -O -p abcd -c 2 -i 0.1 127.0.0.1
# The datagram socket (error queue) path, as an unprivileged user.
if command -v setpriv >/dev/null; then
	cp "$NETPROBE" "$NP_TMP/netprobe-plain"
	chmod 755 "$NP_TMP/netprobe-plain"
	np_sysctl "$HOST" net.ipv4.ping_group_range="0 2147483647"
	vg_user() { # DESC EXPECTED-EXIT ARGS...
		local desc=$1 want=$2 rc
		shift 2
		ip netns exec "$HOST" timeout -s KILL 60 setpriv --reuid=nobody \
			--regid=nogroup --clear-groups valgrind --quiet \
			--error-exitcode=99 --leak-check=full \
			--show-leak-kinds=definite,indirect \
			--errors-for-leak-kinds=definite,indirect \
			--log-file="$NP_TMP/vgu.log" "$NP_TMP/netprobe-plain" "$@" \
			>"$NP_TMP/vgu.out" 2>&1
		rc=$?
		np_eq "$desc: exit $want under valgrind" "$want" "$rc"
		if [ -s "$NP_TMP/vgu.log" ]; then
			np_not_ok "$desc: valgrind reported:"
			sed 's/^/    | /' "$NP_TMP/vgu.log" | head -40
		else
			np_ok "$desc: memcheck clean"
		fi
	}
	chmod 777 "$NP_TMP"
	vg_user "dgram replies" 0 -v -c 2 -i 0.1 127.0.0.1
	vg_user "dgram ICMP errors (error queue)" 1 -c 2 -i 0.1 -W 1 198.18.1.1
	np_match "dgram under valgrind: errors seen" '\+2 errors' "$(cat "$NP_TMP/vgu.out")"
else
	np_skip "setpriv (util-linux) is needed"
fi
vg "usage error" 2 -c 0 127.0.0.1
vg "help" 0 --help
np_finish
