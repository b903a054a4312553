#!/bin/bash
# Flood (-f), adaptive (-A) and preload (-l), with ping's rules: flood
# without -i and a preload above 3 are for root only (exit 2 otherwise); a dot per probe, a
# dot erased by each reply; exact counts.
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_cmd setpriv

np_netns NS
np_sysctl "$NS" net.ipv4.ping_group_range="0 2147483647"
PLAIN=$(np_plain_copy)

# count CHAR TEXT: how many times CHAR occurs
count() { printf '%s' "$2" | tr -cd "$1" | wc -c; }

for addr in 127.0.0.1 ::1; do
	np_run "$NS" 60 -f -c 5000 "$addr"
	np_eq "$addr -f: exit 0" 0 "$NP_RC"
	np_match "$addr -f: exactly 5000/5000" '^5000 packets transmitted, 5000 received, 0% packet loss' "$NP_OUT"
	np_eq "$addr -f: 5000 dots" 5000 "$(count . "$(printf '%s\n' "$NP_OUT" | sed -n '2,/^---/p' | grep -v '^---')")"
	np_eq "$addr -f: 5000 dots erased (backspace, space, backspace)" 10000 "$(count '\b' "$NP_OUT")"
	np_nomatch "$addr -f: no per-reply lines" 'bytes from' "$NP_OUT"
	np_match "$addr -f: rtt line" '^rtt min/avg/max/mdev = ' "$NP_OUT"
done

# -f sends without asking for transmit stamps (rate): user-space send
# time, kernel receive time (netprobe waits until Linux has switched
# receive stamps on before the first probe); JSON unchanged otherwise.
np_run "$NS" 30 -f -J -c 100 127.0.0.1
np_eq "-f -J: 100 replies, all with user-space send and kernel receive times" 100 \
	"$(printf '%s\n' "$NP_OUT" | grep '"event":"reply"' | grep -c '"tx_ts":"user","rx_ts":"kernel"')"
np_nomatch "-f -J: no dots in JSON" '^\.' "$NP_OUT"

# -f -q: the summary only.
np_run "$NS" 30 -f -q -c 500 127.0.0.1
np_match "-f -q: 500/500" '^500 packets transmitted, 500 received' "$NP_OUT"
np_eq "-f -q: no dots" 0 "$(count '\b' "$NP_OUT")"

# Not root: flood only with an interval of at least 2 ms.
np_exec "$NS" 10 $NP_NOBODY "$PLAIN" -f -c 10 127.0.0.1
np_eq "user -f: exit 2" 2 "$NP_RC"
np_match "user -f: says why" '^netprobe: cannot flood: the minimal interval allowed for a user other than root is 2 ms \(give -i 0\.002 or more\)$' "$NP_ERR"
np_nomatch "user -f: nothing sent" 'transmitted' "$NP_OUT"
np_exec "$NS" 10 $NP_NOBODY "$PLAIN" -f -i 0.002 -c 50 127.0.0.1
np_eq "user -f -i 0.002: exit 0" 0 "$NP_RC"
np_match "user -f -i 0.002: 50/50" '^50 packets transmitted, 50 received' "$NP_OUT"
np_eq "user -f -i 0.002: 50 dots erased" 100 "$(count '\b' "$NP_OUT")"

# -l: the first N probes at once, whatever the interval.
np_run "$NS" 20 -l 5 -c 5 -i 10 127.0.0.1
np_eq "-l 5 -c 5 -i 10: exit 0" 0 "$NP_RC"
np_match "-l 5: 5/5" '^5 packets transmitted, 5 received' "$NP_OUT"
np_took "-l 5: did not wait the 10 s interval" 0 4999
np_exec "$NS" 10 $NP_NOBODY "$PLAIN" -l 4 -c 4 127.0.0.1
np_eq "user -l 4: exit 2" 2 "$NP_RC"
np_match "user -l 4: says why" '^netprobe: cannot set -l above 3: a larger preload is for root only$' "$NP_ERR"
np_exec "$NS" 10 $NP_NOBODY "$PLAIN" -l 3 -c 3 -i 10 127.0.0.1
np_eq "user -l 3: exit 0" 0 "$NP_RC"
np_match "user -l 3: 3/3" '^3 packets transmitted, 3 received' "$NP_OUT"
np_run "$NS" 10 -l 0 127.0.0.1
np_eq "-l 0: exit 2" 2 "$NP_RC"

# One target only.
np_run "$NS" 10 -f -c 1 127.0.0.1 ::1
np_eq "-f with two targets: exit 2" 2 "$NP_RC"
np_match "-f with two targets: says why" '^netprobe: -O, -f, -A and -l apply to a single target$' "$NP_ERR"

# -A: the next probe as soon as this one is answered (root: no least
# interval, as iputils), per-reply lines as usual, kernel stamps kept.
np_run "$NS" 30 -A -v -c 1000 127.0.0.1
np_eq "-A -c 1000: exit 0" 0 "$NP_RC"
np_match "-A: 1000/1000" '^1000 packets transmitted, 1000 received, 0% packet loss' "$NP_OUT"
np_eq "-A: 1000 reply lines, all timed by the kernel both ways" 1000 \
	"$(printf '%s\n' "$NP_OUT" | grep -c 'bytes from .* ts=kernel$')"
np_took "-A: 1000 probes, not waiting -i's 1 s" 0 2999
# -i is the least interval.
np_run "$NS" 30 -A -c 5 -i 0.1 127.0.0.1
np_match "-A -i 0.1: 5/5" '^5 packets transmitted, 5 received' "$NP_OUT"
np_took "-A -i 0.1: 4 intervals of at least 100 ms" 400 30000
# A user other than root: at least 200 ms.
np_exec "$NS" 10 $NP_NOBODY "$PLAIN" -A -c 5 127.0.0.1
np_eq "user -A: exit 0" 0 "$NP_RC"
np_match "user -A: 5/5" '^5 packets transmitted, 5 received' "$NP_OUT"
np_took "user -A: 5 probes at least 200 ms apart" 800 10000
# No reply: the next probe after -W here (1 s before any reply, never more
# than -W), not at once.
ip -n "$NS" link add v0 type veth peer name v1
ip -n "$NS" link set dev v0 up
ip -n "$NS" link set dev v1 up
ip -n "$NS" addr add 198.51.100.1/24 dev v0
ip -n "$NS" neigh add 198.51.100.9 lladdr 02:00:00:00:00:09 dev v0 # v1 drops it
np_run "$NS" 10 -A -c 3 -W 0.3 198.51.100.9
np_eq "-A, no reply: exit 1" 1 "$NP_RC"
np_match "-A, no reply: 3 sent, 0 received" '^3 packets transmitted, 0 received' "$NP_OUT"
np_took "-A, no reply: probes -W apart, then -W for the last" 850 2999
np_run "$NS" 10 -A -f -c 1 127.0.0.1
np_eq "-A -f: exit 2" 2 "$NP_RC"
np_match "-A -f: says why" '^netprobe: -f and -A cannot be used together$' "$NP_ERR"
np_run "$NS" 10 -A -c 1 127.0.0.1 ::1
np_eq "-A with two targets: exit 2" 2 "$NP_RC"
np_finish
