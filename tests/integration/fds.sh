#!/bin/bash
# Descriptors above select()'s FD_SETSIZE (1024): a parent that leaks
# descriptors hands netprobe 2000 open ones, so its ICMP sockets, its
# --save capture and its --inspect capture get numbers above 2000.  The
# probe loop and the inspect loop wait with ppoll(), which has no such
# limit: every mode works as with few descriptors (before, ping mode was
# refused with exit 2 and a capture descriptor overflowed the fd_set).
. "$(dirname "$0")/lib.sh"
np_require_root

np_netns NS

# fds_bg NAME ARGS...: netprobe ARGS in NS with descriptors 3..2000
# inherited (on /dev/null), in the background (at most 20 s) as $BG,
# stdout and stderr in $NP_TMP/NAME.{out,err}.
fds_bg() {
	local name=$1
	shift
	ip netns exec "$NS" timeout -s KILL 20 bash -c 'ulimit -n 4096 || exit 99
		for i in $(seq 3 2000); do eval "exec $i</dev/null"; done
		exec "$@"' netprobe-fds "$NETPROBE" "$@" \
		>"$NP_TMP/$name.out" 2>"$NP_TMP/$name.err" &
	BG=$!
	NP_PIDS="$NP_PIDS $BG"
}
# fds_wait NAME: wait for BG; NP_RC, NP_OUT, NP_ERR as np_run sets them.
fds_wait() {
	wait "$BG"
	NP_RC=$?
	NP_OUT=$(cat "$NP_TMP/$1.out")
	NP_ERR=$(cat "$NP_TMP/$1.err")
	cp "$NP_TMP/$1.err" "$NP_TMP/err"
	np_sanitizer_check "$1"
}
# $1 and its descendants (ip netns exec, timeout, bash, netprobe)
tree() {
	local c
	echo "$1"
	for c in $(pgrep -P "$1" 2>/dev/null); do tree "$c"; done
}
# the lowest descriptor netprobe's process $BG holds on a socket
sock_fd() {
	local p best=
	for _ in $(seq 300); do
		for p in $(tree "$BG"); do
			[ "$(cat "/proc/$p/comm" 2>/dev/null)" = netprobe ] || continue
			best=$(find "/proc/$p/fd" -lname 'socket:*' -printf '%f\n' 2>/dev/null | sort -n | head -1)
		done
		[ -n "$best" ] && break
		sleep 0.01
	done
	echo "${best:-none}"
}

# ---- ping mode ---------------------------------------------------------------
fds_bg ping -c 3 -i 0.5 127.0.0.1
fd=$(sock_fd)
fds_wait ping
np_eq "ping, 2000 inherited descriptors: exit 0" 0 "$NP_RC"
np_match "ping, 2000 inherited descriptors: every reply" \
	'^3 packets transmitted, 3 received, 0% packet loss' "$NP_OUT"
np_eq "ping, 2000 inherited descriptors: no message" "" "$NP_ERR"
[ "$fd" != none ] && [ "$fd" -gt 1024 ] &&
	np_ok "ping: its socket is descriptor $fd, above FD_SETSIZE" ||
	np_not_ok "ping: its socket is descriptor $fd, not above FD_SETSIZE"

# ---- many targets ------------------------------------------------------------
fds_bg many -c 2 -i 0.1 127.0.0.1 127.0.0.2 ::1
fds_wait many
np_eq "many targets, 2000 inherited descriptors: exit 0" 0 "$NP_RC"
np_eq "many targets: three summaries, every reply" 3 \
	"$(printf '%s\n' "$NP_OUT" | grep -cE ' : xmt/rcv/%loss = 2/2/0%')"

# ---- --save and --inspect: a capture descriptor above 2000 -------------------
if "$NETPROBE" -V | grep -q 'with libpcap ('; then
	fds_bg save -c 3 -i 0.2 --save "$NP_TMP/s.pcap" 127.0.0.1
	fds_wait save
	np_eq "--save, 2000 inherited descriptors: exit 0" 0 "$NP_RC"
	np_match "--save: every reply" \
		'^3 packets transmitted, 3 received, 0% packet loss' "$NP_OUT"
	np_eq "--save: every reply's wire time (the capture was read)" 3 \
		"$(printf '%s\n' "$NP_OUT" | grep -cE 'icmp_seq=[1-3] .* wire=[0-9.]+ ms')"
	[ -s "$NP_TMP/s.pcap" ] && np_ok "--save: the file was written" ||
		np_not_ok "--save: no file"

	fds_bg inspect --inspect=lo -c 6 -w 15
	for _ in $(seq 100); do
		[ "$(ip netns exec "$NS" cat /proc/net/packet | wc -l)" -gt 1 ] && break
		sleep 0.02
	done
	np_wait_sigint "$BG"
	np_exec "$NS" 10 ping -c 3 -i 0.05 127.0.0.1
	fds_wait inspect
	np_eq "--inspect, 2000 inherited descriptors: exit 0" 0 "$NP_RC"
	np_match "--inspect: the summary" '^3 requests, 3 replies, 0 unanswered, 0% loss$' "$NP_OUT"
else
	np_skip "--save and --inspect: built without libpcap, or libpcap not installed"
fi
np_finish
