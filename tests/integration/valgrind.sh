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
# a second source address: the router's ICMP errors are rate-limited per
# source address (net.ipv4.route.error_cost, shared by all namespaces)
ip -n "$HOST" addr add 198.51.100.3/24 dev h0
ip -n "$PEER" addr add 198.51.100.2/24 dev p0
ip -n "$PEER" route add unreachable 198.18.0.0/15
ip -n "$HOST" route add 198.18.0.0/15 via 198.51.100.2
np_sysctl "$PEER" net.ipv4.ip_forward=1

# vg DESC EXPECTED-EXIT ARGS...: netprobe under memcheck in HOST, without
# the seccomp sandbox (valgrind makes system calls of its own on behalf of
# the program; sandbox.sh tests the sandbox).  VG_AS
# (a command prefix, e.g. $NP_NOBODY) and VG_BIN choose who runs what.
VG_AS=""
VG_BIN=$NETPROBE
vg() {
	local desc=$1 want=$2
	shift 2
	rm -f "$NP_TMP/vg.log" # a fresh log, writable by whoever runs it
	# shellcheck disable=SC2086 # VG_AS is a command prefix
	np_exec "$HOST" 60 $VG_AS "${NP_VALGRIND_CMD[@]}" "$VG_BIN" --no-sandbox "$@"
	np_eq "$desc: exit $want under valgrind" "$want" "$NP_RC"
	np_vg_verdict "$desc"
}
vg "v4 replies" 0 -c 3 -i 0.1 127.0.0.1
vg "v6 replies" 0 -c 3 -i 0.1 -s 1000 ::1
vg "ICMP errors" 1 -c 2 -i 0.1 -W 1 198.18.1.1
vg "timeouts" 1 -c 2 -i 0.1 -W 0.3 198.51.100.9
vg "verbose, pattern, -D -O" 0 -v -D -O -p abcd -c 2 -i 0.1 127.0.0.1
# The datagram socket (error queue) path, as an unprivileged user, which
# needs to write valgrind's log into the test's directory.
if command -v setpriv >/dev/null; then
	np_sysctl "$HOST" net.ipv4.ping_group_range="0 2147483647"
	chmod 777 "$NP_TMP"
	VG_AS=$NP_NOBODY
	VG_BIN=$(np_plain_copy)
	vg "dgram replies" 0 -v -c 2 -i 0.1 127.0.0.1
	vg "dgram ICMP errors (error queue)" 1 -c 2 -i 0.1 -W 1 -I 198.51.100.3 198.18.1.1
	np_match "dgram under valgrind: errors seen" '\+2 errors' "$NP_OUT"
	VG_AS=""
	VG_BIN=$NETPROBE
else
	np_skip "setpriv (util-linux) is needed"
fi
# A target by name: the name helper process forks (resolver.c), and error
# lines wait for the router's name (report_text.c holds them).
ip -n "$HOST" addr add 198.51.100.4/24 dev h0
np_netns_etc "$HOST"
printf '127.0.0.1\tlocalhost\n198.18.1.1\tfar.example\n198.51.100.2\trouter.example\n' >"/etc/netns/$HOST/hosts"
: >"/etc/netns/$HOST/resolv.conf"
vg "ICMP errors, the router named by the helper" 1 -c 2 -i 0.3 -W 1 -I 198.51.100.4 far.example
np_eq "named router under valgrind: 2 error lines, in order" "1 2" \
	"$(printf '%s\n' "$NP_OUT" | sed -n 's/^From .* icmp_seq=\([0-9]*\) Destination Host Unreachable$/\1/p' | tr '\n' ' ' | sed 's/ $//')"
vg "usage error" 2 -c 0 127.0.0.1
vg "help" 0 --help

# With the sandbox on (no --no-sandbox): valgrind cannot follow a seccomp
# filter, and netprobe died of SIGSYS with no output.  It now sees valgrind
# (configure found valgrind/valgrind.h, which the valgrind package ships),
# says so and runs unsandboxed.
for args in "-c 2 -i 0.1 127.0.0.1" "-c 1 -q 127.0.0.1 127.0.0.2" "--plugin -H 127.0.0.1 -n 2"; do
	rm -f "$NP_TMP/vg.log"
	# shellcheck disable=SC2086 # $args: options
	np_exec "$HOST" 60 "${NP_VALGRIND_CMD[@]}" "$NETPROBE" $args
	np_eq "sandbox on, $args: exit 0 under valgrind" 0 "$NP_RC"
	np_match "sandbox on, $args: the output" '(2 received|xmt/rcv/%loss = 1/1/0%|^OK - 127\.0\.0\.1)' "$NP_OUT"
	np_match "sandbox on, $args: the warning" '^netprobe: warning: running under valgrind, which cannot follow a seccomp filter: no sandbox for this run$' "$NP_ERR"
	np_vg_verdict "sandbox on, $args"
done
np_finish
