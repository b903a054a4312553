# lib.sh - sourced by every integration test.
#
# Tests run the real binary ($NETPROBE) inside network namespaces that they
# create and always remove (trap on EXIT).  Traffic goes only to loopback or
# to 198.51.100.0/24, 198.18.0.0/15 and 2001:db8::/32 inside those
# namespaces.  Without root or a needed tool a test skips (exit 77), except
# when CI=true: then a skip is a failure, so CI never passes by skipping.

set -u

# As root, every test runs in a private mount namespace of its own (the
# script re-executes itself once through unshare, which keeps its pid), so
# that np_private_etc below can give it an /etc of its own.
if [ "$(id -u)" = 0 ] && [ "${NP_MNTNS_PID:-}" != "$$" ] &&
	command -v unshare >/dev/null 2>&1 &&
	unshare -m --propagation private true 2>/dev/null; then
	NP_MNTNS_PID=$$ exec unshare -m --propagation private -- \
		"$BASH" "$0" "$@"
fi

: "${NETPROBE:?NETPROBE must point at the netprobe binary (make check sets it)}"
: "${NP_TESTS:=$(cd "$(dirname "$0")/.." && pwd)}"

NP_FAILED=0
NP_CHECKS=0
NP_NETNS=""
NP_PIDS=""
NP_ETC_DIRS=""	    # /etc/netns/NS made by np_netns_etc
NP_ETC_NETNS_MADE=false # /etc/netns itself made by np_netns_etc
NP_ETC_PRIVATE=no	    # /etc is the overlay of np_private_etc
NP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/netprobe-test.XXXXXX")
chmod 755 "$NP_TMP"

# The test's own /etc, in its private mount namespace: an overlay over
# the host's /etc whose writes go to a tmpfs, holding the test's own hosts
# file (names resolve the same whatever the host's says, or with none, as
# in a minimal Debian) and an /etc/resolv.conf, so that ip netns exec has a
# file to bind /etc/netns/NS/hosts and resolv.conf over.  /etc/netns/NS
# (np_netns_etc) lands in the tmpfs: nothing reaches the host's /etc, even
# when the test is killed.  Without the namespace or the overlay, the
# host's /etc is used as before (np_netns_etc removes what it made).
np_private_etc() {
	local d=$NP_TMP/etc-rw
	[ "${NP_MNTNS_PID:-}" = "$$" ] || return 0
	mkdir "$d" && mount -t tmpfs -o mode=755 netprobe-test "$d" || return 0
	mkdir "$d/upper" "$d/work" &&
		mount -t overlay netprobe-test-etc \
			-o "lowerdir=/etc,upperdir=$d/upper,workdir=$d/work" /etc ||
		{ umount "$d"; return 0; }
	NP_ETC_PRIVATE=yes
	printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' \
		>/etc/hosts
	[ -e /etc/resolv.conf ] || : >/etc/resolv.conf
}
np_private_etc

np_cleanup() {
	for pid in $NP_PIDS; do
		kill "$pid" 2>/dev/null
	done
	for pid in $NP_PIDS; do
		wait "$pid" 2>/dev/null
	done
	for ns in $NP_NETNS; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	for d in $NP_ETC_DIRS; do
		rm -rf "$d"
	done
	if [ "$NP_ETC_NETNS_MADE" = true ]; then
		rmdir /etc/netns 2>/dev/null
	fi
	if [ "$NP_ETC_PRIVATE" = yes ]; then
		umount -l /etc
		umount -l "$NP_TMP/etc-rw"
	fi
	rm -rf "$NP_TMP"
}

# np_netns_etc NS: the directory of the namespace's own /etc files (ip
# netns exec bind-mounts /etc/netns/NS/FILE over an existing /etc/FILE),
# e.g. a hosts file with names and no DNS server; in the test's own /etc
# (np_private_etc), or removed at exit.
np_netns_etc() {
	if [ "$NP_ETC_PRIVATE" = yes ]; then
		mkdir -p "/etc/netns/$1"
		return
	fi
	[ -d /etc/netns ] || { mkdir /etc/netns && NP_ETC_NETNS_MADE=true; }
	[ -d "/etc/netns/$1" ] || {
		mkdir "/etc/netns/$1" && NP_ETC_DIRS="$NP_ETC_DIRS /etc/netns/$1"
	}
}
trap np_cleanup EXIT
trap 'exit 1' INT TERM HUP

np_skip() {
	echo "SKIP: $*"
	if [ "${CI:-}" = true ]; then
		echo "FAIL: a skip is a failure when CI=true ($*)"
		exit 1
	fi
	exit 77
}

np_require_root() {
	[ "$(id -u)" = 0 ] || np_skip "needs root to create network namespaces"
	ip netns list >/dev/null 2>&1 || np_skip "ip netns does not work here"
}

np_require_cmd() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || np_skip "needs $c"
	done
}

# np_netns VAR: create a namespace with loopback up, its name in $VAR.
np_netns() {
	local name="np$$-$1-$(od -An -N2 -tx2 /dev/urandom | tr -d ' ')"
	ip netns add "$name" || np_skip "cannot create a network namespace"
	NP_NETNS="$NP_NETNS $name"
	ip -n "$name" link set dev lo up
	eval "$1=\$name"
}

# np_link NS_A IF_A NS_B IF_B: a veth pair between two namespaces, up.
np_link() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" ||
		np_skip "cannot create a veth pair"
	ip -n "$1" link set dev "$2" up
	ip -n "$3" link set dev "$4" up
}

# np_sysctl NS KEY=VALUE...: sysctls inside a namespace.
np_sysctl() {
	local ns=$1
	shift
	ip netns exec "$ns" sysctl -qw "$@" >/dev/null ||
		np_skip "cannot set $* in a namespace"
}

NP_PYTHON=${NP_PYTHON:-python3}
NP_RESPONDER=$NP_TESTS/integration/responder.py

# The fault-injecting responder needs python3 and /dev/net/tun.
np_require_tun() {
	np_require_cmd "$NP_PYTHON"
	[ -c /dev/net/tun ] || np_skip "needs /dev/net/tun"
	[ -r "$NP_RESPONDER" ] || np_skip "responder.py not found at $NP_RESPONDER"
}

# np_tun_ns VAR RESPONDER-ARGS...: a namespace with a TUN device "tun0" holding
# 198.51.100.1/24 and 2001:db8::1/64, everything else in those prefixes
# answered by responder.py with the given scenario flags.  The responder's
# log goes to $NP_TMP/VAR.log.  Returns 1 if the responder is not ready.
np_tun_ns() {
	local var=$1 ns ready
	shift
	np_netns "$var"
	ns=${!var}
	ready=$NP_TMP/$var.ready
	ip netns exec "$ns" ip tuntap add dev tun0 mode tun || return 1
	ip -n "$ns" addr add 198.51.100.1/24 dev tun0 || return 1
	ip -n "$ns" -6 addr add 2001:db8::1/64 dev tun0 nodad || return 1
	ip -n "$ns" link set dev tun0 up || return 1
	np_bg ip netns exec "$ns" "$NP_PYTHON" "$NP_RESPONDER" --dev tun0 \
		--ready-file "$ready" --log "$NP_TMP/$var.log" \
		--max-seconds 50 "$@"
	for _ in $(seq 100); do # up to 5 s
		[ -e "$ready" ] && return 0
		sleep 0.05
	done
	return 1
}

# np_ab_net: namespaces A and B (their names in $A and $B).
#  A: lo up; 198.18.0.0/16 and 2001:db8:1::/112 are local (every address
#  answers); a0 198.51.100.1/24 ---- b0 198.51.100.2/24 :B
#  A routes 198.19.0.0/16 via B, where it is a blackhole: those addresses
#  never answer and no ICMP error comes back.
np_ab_net() {
	np_netns A
	np_netns B
	np_link "$A" a0 "$B" b0
	ip -n "$A" route add local 198.18.0.0/16 dev lo
	ip -n "$A" -6 route add local 2001:db8:1::/112 dev lo
	ip -n "$A" addr add 198.51.100.1/24 dev a0
	ip -n "$B" addr add 198.51.100.2/24 dev b0
	ip -n "$A" route add 198.19.0.0/16 via 198.51.100.2 dev a0
	np_sysctl "$B" net.ipv4.ip_forward=1
	ip -n "$B" route add blackhole 198.19.0.0/16
}

np_bg() { # run in the background, killed at exit
	"$@" &
	NP_PIDS="$NP_PIDS $!"
}

np_ok() {
	NP_CHECKS=$((NP_CHECKS + 1))
	echo "ok $NP_CHECKS - $*"
}

np_not_ok() {
	NP_CHECKS=$((NP_CHECKS + 1))
	NP_FAILED=$((NP_FAILED + 1))
	echo "not ok $NP_CHECKS - $*"
}

# np_eq DESC EXPECTED ACTUAL
np_eq() {
	if [ "$2" = "$3" ]; then
		np_ok "$1"
	else
		np_not_ok "$1: expected '$2', got '$3'"
	fi
}

# np_match DESC EXTENDED-REGEX TEXT
np_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		np_ok "$1"
	else
		np_not_ok "$1: /$2/ not found in:"
		printf '%s\n' "$3" | sed 's/^/    | /'
	fi
}

np_nomatch() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		np_not_ok "$1: /$2/ unexpectedly found in:"
		printf '%s\n' "$3" | sed 's/^/    | /'
	else
		np_ok "$1"
	fi
}

# np_exec NS TIMEOUT CMD...: run CMD in NS, bounded in time; sets
# NP_OUT (stdout), NP_ERR (stderr), NP_RC (exit code), NP_SECS (wall time).
np_exec() {
	local ns=$1 limit=$2 t0 t1
	shift 2
	t0=$(date +%s%N)
	ip netns exec "$ns" timeout -s KILL "$limit" "$@" \
		>"$NP_TMP/out" 2>"$NP_TMP/err"
	NP_RC=$?
	t1=$(date +%s%N)
	NP_SECS=$(( (t1 - t0) / 1000000 ))
	NP_OUT=$(cat "$NP_TMP/out")
	NP_ERR=$(cat "$NP_TMP/err")
	np_sanitizer_check "$*"
}

# In a sanitizer build (configure --enable-sanitizers) every report of
# AddressSanitizer, LeakSanitizer or UndefinedBehaviorSanitizer on stderr
# is a failure of its own, whatever exit code the test expected.
# np_sanitizer_check WHAT [STDERR-FILE]: the file is $NP_TMP/err unless
# given (a run in the background writes its own).
np_sanitizer_check() {
	local f=${2:-$NP_TMP/err}
	[ "${NP_SANITIZED:-no}" = yes ] || return 0
	if grep -qE '==[0-9]+==ERROR: (Address|Leak)Sanitizer|runtime error: |SUMMARY: (Address|UndefinedBehavior|Leak)Sanitizer' "$f"; then
		np_not_ok "sanitizer report from: $1"
		grep -E 'Sanitizer|runtime error|#[0-9]+ 0x' "$f" | head -20 | sed 's/^/    | /'
	fi
}

# np_run NS TIMEOUT ARGS...: np_exec for netprobe.
#
# With NP_VALGRIND=yes (build-and-test's valgrind pass) every np_run goes
# through valgrind's memcheck: any error, a definite or indirect leak, or
# anything else valgrind says is a failure of its own ("memcheck clean"
# otherwise), whatever exit code the test expected.  netprobe runs with
# --no-sandbox there (valgrind makes system calls of its own on the
# program's behalf), with 4 times the time limit plus 20 s, and np_took
# checks no run time (valgrind's start-up alone takes about a second).
np_run() {
	local ns=$1 limit=$2
	shift 2
	if [ "${NP_VALGRIND:-no}" != yes ]; then
		np_exec "$ns" "$limit" "$NETPROBE" "$@"
		return
	fi
	rm -f "$NP_TMP/vg.log"
	np_exec "$ns" $((limit * 4 + 20)) "${NP_VALGRIND_CMD[@]}" "$NETPROBE" \
		--no-sandbox "$@"
	np_vg_verdict "netprobe $*"
}

# The memcheck command line of np_run and valgrind.sh (its log in
# $NP_TMP/vg.log, which np_vg_verdict DESC reads: clean, or a failure with
# what valgrind said; exit 99 is valgrind's own error status).
NP_VALGRIND_CMD=(valgrind --quiet --error-exitcode=99 --leak-check=full
	--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
	--log-file="$NP_TMP/vg.log")
np_vg_verdict() {
	if [ -s "$NP_TMP/vg.log" ] || [ "$NP_RC" -eq 99 ]; then
		np_not_ok "$1: valgrind (exit $NP_RC) reported:"
		sed 's/^/    | /' "$NP_TMP/vg.log" 2>/dev/null | head -40
	else
		np_ok "$1: memcheck clean"
	fi
}

# As user nobody, for the unprivileged paths (prefix a command with it).
NP_NOBODY="setpriv --reuid=nobody --regid=nogroup --clear-groups"

# np_tcpdump_start NS FILE: capture ICMP and ICMPv6 on NS's lo into FILE
# (at most 60 s); returns once tcpdump listens, its pid in TCPDUMP (and in
# NP_PIDS, for the cleanup).  Stop it with kill -INT "$TCPDUMP".
np_tcpdump_start() {
	ip netns exec "$1" timeout -s KILL 60 tcpdump -i lo -U --immediate-mode -n \
		-w "$2" 'icmp or icmp6' >/dev/null 2>"$2.err" &
	TCPDUMP=$!
	NP_PIDS="$NP_PIDS $TCPDUMP"
	for _ in $(seq 100); do
		grep -q 'listening on' "$2.err" && return 0
		sleep 0.05
	done
	np_skip "tcpdump did not start: $(cat "$2.err")"
}

# np_tcpdump_stop FILE: after np_tcpdump_start, SIGINT (timeout passes it
# on), so that tcpdump writes what it has and exits 0.
np_tcpdump_stop() {
	sleep 0.2
	kill -INT "$TCPDUMP"
	wait "$TCPDUMP"
	np_eq "tcpdump for $(basename "$1") stopped cleanly (exit 0)" 0 "$?"
}

# np_wait_sigint PID: wait (5 s at most) until the netprobe started as PID
# (through ip netns exec and timeout, so PID or a child of it) catches
# SIGINT.  A command started with & in a script ignores SIGINT until it
# sets a handler, so a signal sent sooner would be lost.
np_wait_sigint() {
	local p mask
	for _ in $(seq 250); do
		for p in "$1" $(pgrep -P "$1" 2>/dev/null); do
			mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$p/status" 2>/dev/null)
			[ -n "$mask" ] && [ $((0x$mask & 2)) -ne 0 ] &&
				[ "$(cat "/proc/$p/comm" 2>/dev/null)" != timeout ] && return 0
		done
		sleep 0.02
	done
	np_not_ok "no SIGINT handler in process $1 (or its children) after 5 s"
}

# np_wait_file FILE REGEX SECONDS: wait until a line of FILE matches the
# extended REGEX (a state the test can observe, rather than a sleep that a
# loaded machine overruns); a failed check after SECONDS.
np_wait_file() {
	local i
	for i in $(seq $(($3 * 50))); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.02
	done
	np_not_ok "no line /$2/ in $(basename "$1") after $3 s"
	return 1
}

# np_wait_exit PID SECONDS: wait for a background PID to exit and return
# its exit status; after SECONDS kill it (SIGKILL, status 137).
np_wait_exit() {
	local i
	for i in $(seq $(($2 * 50))); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.02
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1"
}

# np_took DESC MIN MAX: the last run's wall time (NP_SECS, ms) is within
# MIN..MAX.
np_took() {
	[ "${NP_VALGRIND:-no}" = yes ] && return 0
	if [ "$NP_SECS" -ge "$2" ] && [ "$NP_SECS" -le "$3" ]; then
		np_ok "$1: ended in time (${NP_SECS} ms, $2..$3)"
	else
		np_not_ok "$1: ended after ${NP_SECS} ms, expected $2..$3"
	fi
}

# np_plain_copy: a copy of netprobe that user nobody can run, without any
# file capability; prints its path.
np_plain_copy() {
	[ -x "$NP_TMP/netprobe-plain" ] || {
		cp "$NETPROBE" "$NP_TMP/netprobe-plain"
		chmod 755 "$NP_TMP/netprobe-plain"
	}
	echo "$NP_TMP/netprobe-plain"
}

# Field N of the summary line, e.g. np_summary transmitted.
np_summary() {
	local line
	line=$(printf '%s\n' "$NP_OUT" | grep -E '^[0-9]+ packets transmitted')
	case "$1" in
	transmitted) printf '%s\n' "$line" | sed -E 's/^([0-9]+) packets.*/\1/' ;;
	received) printf '%s\n' "$line" | sed -E 's/.* ([0-9]+) received.*/\1/' ;;
	duplicates) printf '%s\n' "$line" | sed -nE 's/.*\+([0-9]+) duplicates.*/\1/p' ;;
	errors) printf '%s\n' "$line" | sed -nE 's/.*\+([0-9]+) errors.*/\1/p' ;;
	corrupted) printf '%s\n' "$line" | sed -nE 's/.*\+([0-9]+) corrupted.*/\1/p' ;;
	loss) printf '%s\n' "$line" | sed -E 's/.* ([0-9.]+)% packet loss.*/\1/' ;;
	esac
}

np_finish() {
	echo "$NP_CHECKS checks, $NP_FAILED failed"
	[ "$NP_FAILED" -eq 0 ] || exit 1
	[ "$NP_CHECKS" -gt 0 ] || { echo "FAIL: no check ran"; exit 1; }
	exit 0
}

# --- TCP probes (issue 16) -------------------------------------------------

# np_tcp_pair: namespaces P (the prober) and T (the target), their names in
# $P and $T, a veth pair between them:
#  P: p0 198.51.100.1/24 2001:db8::1/64 ---- t0 198.51.100.2/24 2001:db8::2/64 :T
np_tcp_pair() {
	np_netns P
	np_netns T
	np_link "$P" p0 "$T" t0
	ip -n "$P" addr add 198.51.100.1/24 dev p0
	ip -n "$T" addr add 198.51.100.2/24 dev t0
	ip -n "$P" -6 addr add 2001:db8::1/64 dev p0 nodad
	ip -n "$T" -6 addr add 2001:db8::2/64 dev t0 nodad
}

# np_tcp_listen NS PORT NAME: a TCP listener on every address of NS (IPv4
# and IPv6) at PORT, for at most 120 s.  It counts the connections it
# accepts (and closes them) and writes the count to $NP_TMP/NAME.accepts
# after each; $NP_TMP/NAME.ready appears once it listens.  Returns 1 if it
# does not.
np_tcp_listen() {
	local ready=$NP_TMP/$3.ready
	np_bg ip netns exec "$1" timeout -s KILL 120 "$NP_PYTHON" -c '
import socket, sys, os
port, base = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", port))
s.listen(4096)
n = 0
def note(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)
note(base + ".accepts", "0\n")
note(base + ".ready", "%d\n" % os.getpid())
while True:
    c, _ = s.accept()
    c.close()
    n += 1
    note(base + ".accepts", "%d\n" % n)
' "$2" "$NP_TMP/$3"
	for _ in $(seq 100); do # up to 5 s
		[ -e "$ready" ] && return 0
		sleep 0.05
	done
	return 1
}

# np_nft_packets NS FAMILY TABLE CHAIN COMMENT: the packet count of the
# counter of the rule with that comment (nft list ... prints "counter
# packets N bytes M").
np_nft_packets() {
	ip netns exec "$1" nft -a list chain "$2" "$3" "$4" |
		grep -F "comment \"$5\"" |
		sed -nE 's/.*counter packets ([0-9]+) bytes.*/\1/p'
}
