# bench/lib/common.sh: sourced by bench/sweep and bench/suite (bash).
# shellcheck shell=bash
#
# Before sourcing, set BENCH_NAME (for messages and the namespace name).
# Provides: repo, PY (the python3 interpreter, resolved once), MEASURE (the
# measuring helper), say, die, bench_tmp (make the temporary directory),
# bench_netns (create the namespace NS with lo up and local routes),
# bench_tcp_target (a second namespace behind a veth pair, with a TCP
# listener), bench_listen, and an EXIT trap that kills what still runs in
# the namespaces, deletes them and removes the temporary directory: on
# success, failure, ^C or SIGTERM alike.

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this file
MEASURE=$repo/bench/lib/measure.py
NS=npbench-$BENCH_NAME-$$
NS_T=npbench-$BENCH_NAME-t-$$
tmp='' made_ns='' made_ns_t='' bg_pid=''

say() { echo "bench/$BENCH_NAME: $*" >&2; }
die() {
	local code=$1
	shift
	say "$*"
	exit "$code"
}

bench_cleanup() {
	local pids
	if [ -n "$made_ns" ]; then
		# Whatever still runs in our namespace (after ^C) was started by us.
		pids=$(ip netns pids "$NS" 2>/dev/null || true)
		# shellcheck disable=SC2086
		[ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
	fi
	# Our background job (see bgwait), if it is still there, and reap it
	# quietly (no "Killed" notice).
	if [ -n "$bg_pid" ]; then
		kill -TERM "$bg_pid" 2>/dev/null || true
		{ wait "$bg_pid"; } 2>/dev/null || true
		bg_pid=''
	fi
	if [ -n "$made_ns_t" ]; then
		pids=$(ip netns pids "$NS_T" 2>/dev/null || true)
		# shellcheck disable=SC2086
		[ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
		ip netns del "$NS_T" 2>/dev/null || say "could not delete namespace $NS_T"
		made_ns_t=''
	fi
	if [ -n "$made_ns" ]; then
		ip netns del "$NS" 2>/dev/null || say "could not delete namespace $NS"
		made_ns=''
	fi
	[ -z "$tmp" ] || rm -rf "$tmp"
	tmp=''
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The interpreter itself, not a wrapper such as a pyenv shim: it is started
# for every measured run.
bench_python() {
	command -v python3 >/dev/null || return 1
	PY=$(python3 -c 'import sys; print(sys.executable)') && [ -x "$PY" ]
}

bench_tmp() { tmp=$(mktemp -d "${TMPDIR:-/tmp}/npbench-$BENCH_NAME.XXXXXX"); }

# bench_netns: the namespace NS, with lo up and every address of
# 198.18.0.0/16 and 2001:db8::/108 local (routed to lo).
bench_netns() {
	ip netns add "$NS" || die 1 "cannot create network namespace $NS"
	made_ns=1
	ip -n "$NS" link set dev lo up
	ip -n "$NS" route add local 198.18.0.0/16 dev lo
	ip -n "$NS" -6 route add local 2001:db8::/108 dev lo
	say "namespace $NS: every address of 198.18.0.0/16 and 2001:db8::/108 is local"
}

# bgwait CMD...: run CMD and wait for it, as a background job: bash runs a
# trap only once the foreground command has ended, but interrupts wait, so a
# SIGTERM or ^C cleans up at once, not after the run.  Returns CMD's status.
bgwait() {
	local rc=0
	"$@" &
	bg_pid=$!
	wait "$bg_pid" || rc=$?
	bg_pid=''
	return "$rc"
}

# in_ns SECONDS CMD...: CMD inside the namespace, killed after SECONDS.
in_ns() {
	local t=$1
	shift
	bgwait timeout -k 5 "$t" ip netns exec "$NS" "$@"
}

# bench_listen NSNAME PORT: a TCP listener on every address of NSNAME at
# PORT (IPv4 and IPv6; it never accepts), in the background for at most 2
# hours (the cleanup kills it with everything else in the namespace);
# returns once the kernel shows it listening.
bench_listen() {
	ip netns exec "$1" timeout 7200 "$PY" -I -c '
import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", int(sys.argv[1])))
s.listen(4096)
time.sleep(7200)
' "$2" >/dev/null 2>&1 &
	disown $! # killed at the cleanup, without bash's "Killed" notice
	for _ in $(seq 100); do
		ip netns exec "$1" ss -Htln "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.05
	done
	die 1 "the TCP listener on port $2 in $1 did not start"
}

# bench_tcp_target PORT: the namespace NS_T behind a veth pair, a listener
# at PORT there; sets TCP_TARGET (its address) and TCP_DEV (the prober's
# end of the pair, in NS):
#   NS: npb0 198.51.100.1/24 ---- npt0 198.51.100.2/24 :NS_T
bench_tcp_target() {
	ip netns add "$NS_T" || die 1 "cannot create network namespace $NS_T"
	made_ns_t=1
	ip -n "$NS_T" link set dev lo up
	ip link add npb0 netns "$NS" type veth peer name npt0 netns "$NS_T" ||
		die 1 "cannot create a veth pair"
	ip -n "$NS" addr add 198.51.100.1/24 dev npb0
	ip -n "$NS_T" addr add 198.51.100.2/24 dev npt0
	ip -n "$NS" link set dev npb0 up
	ip -n "$NS_T" link set dev npt0 up
	bench_listen "$NS_T" "$1"
	# shellcheck disable=SC2034 # used by bench/suite
	TCP_TARGET=198.51.100.2 TCP_DEV=npb0
	say "namespace $NS_T: 198.51.100.2 behind a veth pair, a listener on port $1"
}
