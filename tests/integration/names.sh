#!/bin/bash
# Routers' names in ping mode's ICMP error lines, under the sandbox: looked
# up by the helper process (resolver.c) forked before the sandbox, never
# blocking the probe loop.  A resolver that never answers delays nothing:
# the probes keep their rhythm, a held line goes out with the bare address
# after its 1 s budget, the summary and SIGINT do not wait.
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_cmd "$NP_PYTHON"

#  HOST h0 198.51.100.1/25 (and .3-.7) ---- r0 198.51.100.2/25 ROUTER
#  HOST routes 198.18.0.0/15 via ROUTER, where 198.18.1.0/24 is
#  unreachable.  The router rate-limits those errors per source address
#  (ip_error: a burst of 5, then 1/s; a global sysctl the test leaves
#  alone), so each scenario sends from its own source (-I).
np_netns HOST
np_netns ROUTER
np_link "$HOST" h0 "$ROUTER" r0
ip -n "$HOST" addr add 198.51.100.1/25 dev h0
for i in 3 4 5 6 7; do ip -n "$HOST" addr add 198.51.100.$i/25 dev h0; done
ip -n "$ROUTER" addr add 198.51.100.2/25 dev r0
ip -n "$HOST" route add 198.18.0.0/15 via 198.51.100.2
np_sysctl "$ROUTER" net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0 \
	net.ipv6.conf.all.forwarding=1 net.ipv6.icmp.ratelimit=0
ip -n "$ROUTER" route add unreachable 198.18.1.0/24
# the same for IPv6: 2001:db8:1:1::/64 unreachable at the router
ip -n "$HOST" addr add 2001:db8::1/64 dev h0 nodad
ip -n "$ROUTER" addr add 2001:db8::2/64 dev r0 nodad
ip -n "$HOST" -6 route add 2001:db8:1::/48 via 2001:db8::2
ip -n "$ROUTER" -6 route add unreachable 2001:db8:1:1::/64

# The target by name (so that output is not numeric), the router named in
# the namespace's hosts file, no DNS server.
np_netns_etc "$HOST"
ETC=/etc/netns/$HOST
printf '127.0.0.1\tlocalhost\n198.18.1.1\tfar.example\n198.51.100.2\trouter.example\n2001:db8:1:1::1\tfar6.example\n2001:db8::2\trouter6.example\n' >"$ETC/hosts"
: >"$ETC/resolv.conf"

# The names come under the sandbox; a sanitizer build has none (configure
# leaves it out), and the rest holds there all the same.
np_run "$HOST" 10 -V
SANDBOXED=yes
if [ "${NP_SANITIZED:-no}" = yes ]; then
	SANDBOXED=no
else
	np_match "the sandbox is built in" '^sandbox after setup: seccomp' "$NP_OUT"
fi

np_run "$HOST" 20 -c 4 -i 0.5 -W 1 -I 198.51.100.1 far.example
np_eq "named router: exit 1 (errors only)" 1 "$NP_RC"
np_eq "named router: every error line shows the router's name" 4 \
	"$(printf '%s\n' "$NP_OUT" | grep -cE '^From router\.example \(198\.51\.100\.2\) icmp_seq=[1-4] Destination Host Unreachable$')"
np_eq "named router: the lines in order" "1 2 3 4" \
	"$(printf '%s\n' "$NP_OUT" | sed -n 's/^From .* icmp_seq=\([0-9]*\) .*/\1/p' | tr '\n' ' ' | sed 's/ $//')"
np_match "named router: the summary" '^4 packets transmitted, 0 received, \+4 errors' "$NP_OUT"
np_nomatch "named router: nothing refused" 'is not allowed' "$NP_ERR"
np_run "$HOST" 20 -c 3 -i 0.5 -W 1 far6.example
np_eq "named IPv6 router: every error line shows the router's name" 3 \
	"$(printf '%s\n' "$NP_OUT" | grep -cE '^From router6\.example \(2001:db8::2\) icmp_seq=[1-3] Destination unreachable: No route$')"

# -n: addresses, and no helper process at all (one netprobe in the
# namespace while it runs; two without -n).
count_netprobes() { # ARGS...: netprobe processes in HOST during a run
	local pid n=0 p
	ip netns exec "$HOST" timeout -s KILL 20 "$NETPROBE" "$@" \
		>"$NP_TMP/bg.out" 2>"$NP_TMP/bg.err" &
	pid=$!
	NP_PIDS="$NP_PIDS $pid"
	np_wait_sigint "$pid"
	for p in $(ip netns pids "$HOST"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = netprobe ] && n=$((n + 1))
	done
	kill -INT "$pid" 2>/dev/null
	np_wait_exit "$pid" 5
	echo "$n"
}
np_eq "-n: no helper process" 1 "$(count_netprobes -n -c 20 -i 0.2 -I 198.51.100.7 far.example)"
np_eq "without -n: the helper process" 2 "$(count_netprobes -c 20 -i 0.2 -I 198.51.100.7 far.example)"
np_eq "a numeric target: no helper process" 1 "$(count_netprobes -c 20 -i 0.2 -I 198.51.100.7 198.18.1.1)"
# The helper: no capabilities, no_new_privs, a seccomp filter of its own,
# and none of the parent's descriptors (the probe socket is opened later;
# 0-2 on /dev/null and its socket: 4 in all).
ip netns exec "$HOST" timeout -s KILL 20 "$NETPROBE" -c 20 -i 0.2 \
	-I 198.51.100.7 far.example >/dev/null 2>&1 &
pid=$!
NP_PIDS="$NP_PIDS $pid"
np_wait_sigint "$pid"
helper=""
for p in $(ip netns pids "$HOST"); do
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = netprobe ] || continue
	pp=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$p/status")
	[ "$(cat "/proc/$pp/comm" 2>/dev/null)" = netprobe ] && helper=$p
done
if [ -n "$helper" ]; then
	st=$(cat "/proc/$helper/status")
	np_match "helper: no capabilities permitted" '^CapPrm:[[:space:]]*0+$' "$st"
	np_match "helper: no capabilities effective" '^CapEff:[[:space:]]*0+$' "$st"
	np_match "helper: no_new_privs" '^NoNewPrivs:[[:space:]]*1$' "$st"
	[ "$SANDBOXED" = yes ] &&
		np_match "helper: its seccomp filter" '^Seccomp:[[:space:]]*2$' "$st"
	np_eq "helper: 4 descriptors (0-2 and its socket)" 4 "$(ls "/proc/$helper/fd" | wc -l)"
else
	np_not_ok "helper: no netprobe child of netprobe found"
fi
kill -INT "$pid"
np_wait_exit "$pid" 5
np_run "$HOST" 20 -n -c 2 -i 0.2 -W 1 -I 198.51.100.6 far.example
np_eq "-n: error lines by address" 2 \
	"$(printf '%s\n' "$NP_OUT" | grep -cE '^From 198\.51\.100\.2 icmp_seq=[1-2] Destination Host Unreachable$')"

# A resolver that never answers: a UDP socket on 198.51.100.1 port 53
# that logs each query and answers none; the router's name is no longer
# in the hosts file.
printf '127.0.0.1\tlocalhost\n198.18.1.1\tfar.example\n' >"$ETC/hosts"
printf 'nameserver 198.51.100.1\noptions timeout:5 attempts:1\n' >"$ETC/resolv.conf"
np_bg ip netns exec "$HOST" timeout -s KILL 120 "$NP_PYTHON" -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.51.100.1", 53))
open(sys.argv[1], "w").close()
while True:
    s.recvfrom(2048)
    with open(sys.argv[2], "a") as f:
        f.write("query %.6f\n" % time.time())
' "$NP_TMP/dns.ready" "$NP_TMP/dns.log"
for _ in $(seq 100); do [ -e "$NP_TMP/dns.ready" ] && break; sleep 0.05; done
[ -e "$NP_TMP/dns.ready" ] || np_skip "the silent DNS server did not start"

# That resolver takes the whole timeout for a lookup outside netprobe.
t0=$(date +%s%N)
ip netns exec "$HOST" timeout -s KILL 30 getent hosts 198.51.100.2 >/dev/null
NP_SECS=$((($(date +%s%N) - t0) / 1000000))
np_took "the silent resolver: getent waits for its timeout" 4500 30000
: >"$NP_TMP/dns.log"

# The probes keep their rhythm and the summary comes at once: 3 probes
# 0.2 s apart end in well under a second, not after the resolver's 5 s.
np_run "$HOST" 20 -c 3 -i 0.2 -W 1 -I 198.51.100.3 far.example
np_took "dead resolver: -c 3 -i 0.2 ends in time" 0 1999
np_eq "dead resolver: exit 1" 1 "$NP_RC"
np_match "dead resolver: the helper asked the DNS server" '^query ' "$(cat "$NP_TMP/dns.log")"
np_eq "dead resolver: error lines by address, as -n" 3 \
	"$(printf '%s\n' "$NP_OUT" | grep -cE '^From 198\.51\.100\.2 icmp_seq=[1-3] Destination Host Unreachable$')"
np_match "dead resolver: the summary" '^3 packets transmitted, 0 received, \+3 errors' "$NP_OUT"

# A held line goes out once its budget (1 s) has passed, while the run
# goes on: the first error line is in the output before the run ends.
: >"$NP_TMP/dns.log"
ip netns exec "$HOST" timeout -s KILL 20 "$NETPROBE" -c 8 -i 0.5 -W 1 \
	-I 198.51.100.4 far.example >"$NP_TMP/budget.out" 2>"$NP_TMP/budget.err" &
pid=$!
NP_PIDS="$NP_PIDS $pid"
np_wait_file "$NP_TMP/dns.log" '^query ' 5
if np_wait_file "$NP_TMP/budget.out" 'icmp_seq=1 ' 3; then
	if kill -0 "$pid" 2>/dev/null; then
		np_ok "dead resolver: the held line went out while the run went on"
	else
		np_not_ok "dead resolver: the held line came only at the end of the run"
	fi
fi
np_wait_exit "$pid" 15
np_match "dead resolver: the held line by address" '^From 198\.51\.100\.2 icmp_seq=1 Destination Host Unreachable$' "$(cat "$NP_TMP/budget.out")"
np_match "dead resolver, long run: the summary" '^8 packets transmitted' "$(cat "$NP_TMP/budget.out")"

# SIGQUIT while a lookup is pending: the interim statistics come at once,
# and the held line before them, by address (well before its 1 s budget).
: >"$NP_TMP/dns.log"
ip netns exec "$HOST" timeout -s KILL 30 "$NETPROBE" -c 100 -i 0.2 -W 1 \
	-I 198.51.100.6 far.example >"$NP_TMP/quit.out" 2>"$NP_TMP/quit.err" &
pid=$!
NP_PIDS="$NP_PIDS $pid"
np_wait_sigint "$pid"
np_wait_file "$NP_TMP/dns.log" '^query ' 5
kill -QUIT "$pid"
np_wait_file "$NP_TMP/quit.out" 'icmp_seq=1 ' 5
t1=$(date +%s%N)
t0=$(awk '/^query /{printf "%.0f", $2 * 1000; exit}' "$NP_TMP/dns.log")
NP_SECS=$((t1 / 1000000 - t0))
np_took "SIGQUIT during a pending lookup: the held line out before its 1 s budget" 0 899
np_wait_file "$NP_TMP/quit.err" '^[0-9]+/[0-9]+ packets' 5
np_match "SIGQUIT: the held line by address" '^From 198\.51\.100\.2 icmp_seq=1 Destination Host Unreachable$' "$(cat "$NP_TMP/quit.out")"
kill -INT "$pid"
np_wait_exit "$pid" 5

# SIGINT while a lookup is pending (the DNS server has the query): the run
# ends at once, with the held line by address and the summary.
: >"$NP_TMP/dns.log"
ip netns exec "$HOST" timeout -s KILL 30 "$NETPROBE" -c 100 -i 0.2 -W 1 \
	-I 198.51.100.5 far.example >"$NP_TMP/int.out" 2>"$NP_TMP/int.err" &
pid=$!
NP_PIDS="$NP_PIDS $pid"
np_wait_sigint "$pid"
np_wait_file "$NP_TMP/dns.log" '^query ' 5
t0=$(date +%s%N)
kill -INT "$pid"
np_wait_exit "$pid" 10
rc=$?
NP_SECS=$((($(date +%s%N) - t0) / 1000000))
np_took "SIGINT during a pending lookup: ends at once" 0 999
np_eq "SIGINT during a pending lookup: exit 1" 1 "$rc"
np_match "SIGINT: the held line by address" '^From 198\.51\.100\.2 icmp_seq=1 Destination Host Unreachable$' "$(cat "$NP_TMP/int.out")"
np_match "SIGINT: the summary" '^[0-9]+ packets transmitted, 0 received' "$(cat "$NP_TMP/int.out")"
netprobes_left() {
	for p in $(ip netns pids "$HOST"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = netprobe ] && echo "$p"
	done
}
for _ in $(seq 100); do # the kernel's SIGKILL (PR_SET_PDEATHSIG) and a reap
	[ -z "$(netprobes_left)" ] && break
	sleep 0.02
done
np_eq "SIGINT: the helper is gone too" "" "$(netprobes_left)"
np_finish
