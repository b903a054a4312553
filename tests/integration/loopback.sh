#!/bin/bash
# Exact counts and iputils-compatible lines on loopback, IPv4 and IPv6,
# and the options that change what is sent or printed.
. "$(dirname "$0")/lib.sh"
np_require_root

np_netns NS
ip -n "$NS" route add local 198.18.0.0/15 dev lo

# IPv4 loopback: 5 probes, 5 replies, one line each, in order.
np_run "$NS" 20 -c 5 -i 0.2 127.0.0.1
np_eq "v4: exit 0" 0 "$NP_RC"
np_match "v4: header" '^PING 127\.0\.0\.1 \(127\.0\.0\.1\) 56\(84\) bytes of data\.$' "$NP_OUT"
np_eq "v4: 5 transmitted" 5 "$(np_summary transmitted)"
np_eq "v4: 5 received" 5 "$(np_summary received)"
np_eq "v4: 0% loss" 0 "$(np_summary loss)"
np_eq "v4: reply lines in order" "1 2 3 4 5" \
	"$(printf '%s\n' "$NP_OUT" | sed -nE 's/^64 bytes from 127\.0\.0\.1: icmp_seq=([0-9]+) ttl=64 time=[0-9.]+ ms$/\1/p' | xargs)"
np_match "v4: rtt line" '^rtt min/avg/max/mdev = [0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3} ms$' "$NP_OUT"
np_match "v4: summary line" '^5 packets transmitted, 5 received, 0% packet loss, time [0-9]+ms$' "$NP_OUT"
np_eq "v4: nothing on stderr" "" "$NP_ERR"

# IPv6 loopback.
np_run "$NS" 20 -c 4 -i 0.2 ::1
np_eq "v6: exit 0" 0 "$NP_RC"
np_match "v6: header" '^PING ::1\(::1\) 56 data bytes$' "$NP_OUT"
np_eq "v6: 4 transmitted" 4 "$(np_summary transmitted)"
np_eq "v6: 4 received" 4 "$(np_summary received)"
np_eq "v6: 4 reply lines with hop limit" 4 \
	"$(printf '%s\n' "$NP_OUT" | grep -cE '^64 bytes from ::1: icmp_seq=[1-4] ttl=64 time=')"

# A whole block answering through a local route.
np_run "$NS" 20 -c 3 -i 0.1 198.18.200.9
np_eq "local route: 3 received" 3 "$(np_summary received)"

# A host name, shown as "name (address)" like ping.
np_run "$NS" 20 -4 -c 2 -i 0.1 localhost
np_match "name: header" '^PING localhost \(127\.0\.0\.1\) 56\(84\) bytes of data\.$' "$NP_OUT"
np_match "name: reply line" '^64 bytes from localhost \(127\.0\.0\.1\): icmp_seq=1 ttl=64 time=' "$NP_OUT"
np_match "name: statistics title" '^--- localhost ping statistics ---$' "$NP_OUT"
np_run "$NS" 20 -4 -n -c 1 localhost
np_match "-n: numeric reply line" '^64 bytes from 127\.0\.0\.1: icmp_seq=1' "$NP_OUT"

# Sizes: odd, zero, large; the ICMP length is printed.
np_run "$NS" 20 -c 2 -i 0.1 -s 1 127.0.0.1
np_match "-s 1: 9 bytes" '^9 bytes from 127\.0\.0\.1: icmp_seq=1 ttl=64 time=' "$NP_OUT"
np_eq "-s 1: 2 received" 2 "$(np_summary received)"
np_run "$NS" 20 -c 2 -i 0.1 -s 0 127.0.0.1
np_match "-s 0: header 0(28)" '0\(28\) bytes of data' "$NP_OUT"
np_eq "-s 0: 2 received" 2 "$(np_summary received)"
np_run "$NS" 20 -c 2 -i 0.1 -s 9000 ::1
np_match "-s 9000 v6: 9008 bytes" '^9008 bytes from ::1: icmp_seq=2' "$NP_OUT"
np_run "$NS" 20 -c 1 -s 65507 127.0.0.1
np_eq "-s 65507: received" 1 "$(np_summary received)"

# Pattern: the PATTERN line, and replies carrying it verify.
np_run "$NS" 20 -c 2 -i 0.1 -p a5ff 127.0.0.1
np_match "-p: PATTERN line first" '^PATTERN: 0xa5ff$' "$(printf '%s\n' "$NP_OUT" | head -1)"
np_eq "-p: 2 received" 2 "$(np_summary received)"
np_nomatch "-p: no corruption" 'corrupted|BAD' "$NP_OUT"

# Quiet: header and summary only.
np_run "$NS" 20 -q -c 3 -i 0.1 127.0.0.1
np_eq "-q: 5 lines (header, blank, title, summary, rtt)" 5 "$(printf '%s\n' "$NP_OUT" | wc -l)"
np_eq "-q: 3 received" 3 "$(np_summary received)"

# Timestamps.
np_run "$NS" 20 -D -c 2 -i 0.1 127.0.0.1
np_match "-D: [seconds.micro] prefix" '^\[[0-9]{10}\.[0-9]{6}\] 64 bytes from 127\.0\.0\.1: icmp_seq=2' "$NP_OUT"

# TTL, TOS, PMTU and source binding options are accepted and still work.
np_run "$NS" 20 -c 2 -i 0.1 -t 3 -Q 0x10 -M do 127.0.0.1
np_eq "-t -Q -M: 2 received" 2 "$(np_summary received)"
np_run "$NS" 20 -c 2 -i 0.1 -I lo 127.0.0.1
np_eq "-I lo: 2 received" 2 "$(np_summary received)"
np_run "$NS" 20 -c 2 -i 0.1 -I 127.0.0.1 127.0.0.1
np_eq "-I address: 2 received" 2 "$(np_summary received)"
np_run "$NS" 20 -c 1 -I nosuchif0 127.0.0.1
np_eq "-I unknown interface: exit 2" 2 "$NP_RC"
np_match "-I unknown interface: message" 'nosuchif0: no such interface' "$NP_ERR"

# -O on a target that answers: nothing outstanding.
np_run "$NS" 20 -O -c 3 -i 0.1 127.0.0.1
np_nomatch "-O: no 'no answer yet'" 'no answer yet' "$NP_OUT"

# -w without -c: probes until the deadline, then the summary.
np_run "$NS" 20 -w 1 -i 0.2 127.0.0.1
np_eq "-w 1: exit 0" 0 "$NP_RC"
tx=$(np_summary transmitted)
if [ "$tx" -ge 5 ] && [ "$tx" -le 6 ]; then np_ok "-w 1 -i 0.2: 5-6 probes ($tx)"; else np_not_ok "-w 1 -i 0.2: $tx probes"; fi
np_took "-w 1" 0 1599
# -c with -w stops as soon as the count is answered.
np_run "$NS" 20 -c 3 -w 10 -i 0.1 127.0.0.1
np_eq "-c 3 -w 10: 3 received" 3 "$(np_summary received)"
np_took "-c 3 -w 10: quick" 0 1499

# SIGINT ends with the summary; SIGQUIT prints interim statistics.
ip netns exec "$NS" "$NETPROBE" -i 0.1 127.0.0.1 >"$NP_TMP/sig.out" 2>"$NP_TMP/sig.err" &
pid=$!
NP_PIDS="$NP_PIDS $pid"
np_wait_sigint "$pid"
sleep 0.55
kill -QUIT "$pid"
sleep 0.3
kill -INT "$pid"
wait "$pid"
rc=$?
out=$(cat "$NP_TMP/sig.out")
np_eq "SIGINT: exit 0" 0 "$rc"
np_match "SIGINT: summary printed" '^[0-9]+ packets transmitted, [0-9]+ received, 0% packet loss' "$out"
np_match "SIGQUIT: interim line on stderr" '^[0-9]+/[0-9]+ packets, 0% loss, min/avg/ewma/max = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms$' "$(cat "$NP_TMP/sig.err")"
np_match "SIGQUIT: probing went on" 'icmp_seq=7 ' "$out"

# nohup: a hangup ignored by the parent stays ignored.
(trap '' HUP; exec ip netns exec "$NS" "$NETPROBE" -c 6 -i 0.1 127.0.0.1) >"$NP_TMP/hup.out" 2>&1 &
pid=$!
NP_PIDS="$NP_PIDS $pid"
sleep 0.25
kill -HUP "$pid"
wait "$pid"
np_eq "SIGHUP ignored by the parent: exit 0" 0 "$?"
np_match "SIGHUP ignored by the parent: all 6 probes" '^6 packets transmitted, 6 received' "$(cat "$NP_TMP/hup.out")"

# Concurrent instances and a system ping on one target: each counts only
# its own replies (raw sockets see all of them).
if command -v ping >/dev/null; then
	ip netns exec "$NS" ping -c 20 -i 0.05 127.0.0.1 >"$NP_TMP/ping.out" 2>&1 &
	NP_PIDS="$NP_PIDS $!"
fi
for k in 1 2 3; do
	ip netns exec "$NS" "$NETPROBE" -c 20 -i 0.05 127.0.0.1 >"$NP_TMP/c$k.out" 2>"$NP_TMP/c$k.err" &
	NP_PIDS="$NP_PIDS $!"
	eval "pid_c$k=\$!"
done
for k in 1 2 3; do
	eval "wait \$pid_c$k"
	np_eq "concurrent $k: exit 0" 0 "$?"
	NP_OUT=$(cat "$NP_TMP/c$k.out")
	np_match "concurrent $k: exactly its 20" '^20 packets transmitted, 20 received, 0% packet loss' "$NP_OUT"
	np_sanitizer_check "concurrent $k" "$NP_TMP/c$k.err"
done
wait
np_finish
