# bench/lib/common.sh: sourced by bench/sweep and bench/suite (bash).
# shellcheck shell=bash
#
# Before sourcing, set BENCH_NAME (for messages and the namespace name).
# Provides: repo, PY (the python3 interpreter, resolved once), MEASURE (the
# measuring helper), say, die, bench_tmp (make the temporary directory),
# bench_netns (create the namespace NS with lo up and local routes), and an
# EXIT trap that kills what still runs in NS, deletes NS and removes the
# temporary directory: on success, failure, ^C or SIGTERM alike.

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this file
MEASURE=$repo/bench/lib/measure.py
NS=npbench-$BENCH_NAME-$$
tmp='' made_ns='' bg_pid=''

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
