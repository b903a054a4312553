#!/bin/bash
# ICMP errors from a router in a second namespace: decoded, attributed to
# the probe, shown with the router's address, counted as errors - through
# the raw socket (root) and through the datagram socket's error queue.
. "$(dirname "$0")/lib.sh"
np_require_root

#  HOST h0 198.51.100.1/25 ---- r0 198.51.100.2/25 ROUTER r1 198.18.3.254/24
#                                                       |
#                                          FAR f0 198.18.3.1/24
#  HOST routes 198.18.0.0/15 and 2001:db8:1::/48 via ROUTER, where
#  198.18.1.0/24 is unreachable, 198.18.2.0/24 prohibited, 198.18.3.0/24
#  is FAR (so TTL 1 expires at the router); the same for IPv6.
#
#  The router answers unreachable/prohibit routes through ip_error(), which
#  the kernel rate-limits per source address (net.ipv4.route.error_cost and
#  error_burst: 5 at once, then 1/s; global sysctls, not per namespace, so
#  the test must not change them).  Each IPv4 scenario therefore sends from
#  its own source address (-I) and stays within the burst.
np_netns HOST
np_netns ROUTER
np_netns FAR
np_link "$HOST" h0 "$ROUTER" r0
np_link "$ROUTER" r1 "$FAR" f0
ip -n "$HOST" addr add 198.51.100.1/25 dev h0
for i in 3 4 5 6; do ip -n "$HOST" addr add 198.51.100.$i/25 dev h0; done
ip -n "$ROUTER" addr add 198.51.100.2/25 dev r0
ip -n "$ROUTER" addr add 198.18.3.254/24 dev r1
ip -n "$FAR" addr add 198.18.3.1/24 dev f0
ip -n "$HOST" addr add 2001:db8::1/64 dev h0 nodad
ip -n "$ROUTER" addr add 2001:db8::2/64 dev r0 nodad
ip -n "$ROUTER" addr add 2001:db8:1:3::fe/64 dev r1 nodad
ip -n "$FAR" addr add 2001:db8:1:3::1/64 dev f0 nodad
ip -n "$HOST" route add 198.18.0.0/15 via 198.51.100.2
ip -n "$HOST" -6 route add 2001:db8:1::/48 via 2001:db8::2
ip -n "$FAR" route add default via 198.18.3.254
ip -n "$FAR" -6 route add default via 2001:db8:1:3::fe
np_sysctl "$ROUTER" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
	net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
ip -n "$ROUTER" route add unreachable 198.18.1.0/24
ip -n "$ROUTER" route add prohibit 198.18.2.0/24
ip -n "$ROUTER" -6 route add unreachable 2001:db8:1:1::/64
ip -n "$ROUTER" -6 route add prohibit 2001:db8:1:2::/64

check_errors() { # DESC EXPECTED-LINE-REGEX COUNT
	np_eq "$1: exit 1" 1 "$NP_RC"
	np_eq "$1: $3 transmitted" "$3" "$(np_summary transmitted)"
	np_eq "$1: 0 received" 0 "$(np_summary received)"
	np_eq "$1: +$3 errors" "$3" "$(np_summary errors)"
	np_eq "$1: $3 error lines" "$3" "$(printf '%s\n' "$NP_OUT" | grep -cE "$2")"
	np_match "$1: summary" "^$3 packets transmitted, 0 received, \\+$3 errors, 100% packet loss" "$NP_OUT"
}

np_run "$HOST" 20 -c 3 -i 0.2 -W 1 -I 198.51.100.1 198.18.1.1
check_errors "v4 unreachable" '^From 198\.51\.100\.2 icmp_seq=[1-3] Destination Host Unreachable$' 3
np_run "$HOST" 20 -c 2 -i 0.2 -W 1 -I 198.51.100.3 198.18.2.1
check_errors "v4 prohibited" '^From 198\.51\.100\.2 icmp_seq=[1-2] Packet filtered$' 2
np_run "$HOST" 20 -c 2 -i 0.2 -W 1 -t 1 198.18.3.1
check_errors "v4 TTL 1" '^From 198\.51\.100\.2 icmp_seq=[1-2] Time to live exceeded$' 2
np_run "$HOST" 20 -c 2 -i 0.2 -W 1 2001:db8:1:1::1
check_errors "v6 unreachable" '^From 2001:db8::2 icmp_seq=[1-2] Destination unreachable: No route$' 2
np_run "$HOST" 20 -c 2 -i 0.2 -W 1 2001:db8:1:2::1
check_errors "v6 prohibited" '^From 2001:db8::2 icmp_seq=[1-2] Destination unreachable: Administratively prohibited$' 2
np_run "$HOST" 20 -c 2 -i 0.2 -W 1 -t 1 2001:db8:1:3::1
check_errors "v6 hop limit 1" '^From 2001:db8::2 icmp_seq=[1-2] Time exceeded: Hop limit$' 2
# Errors end their probes: no waiting for the -W timeout.
np_run "$HOST" 20 -c 2 -i 0.2 -W 5 -I 198.51.100.4 198.18.1.1
np_took "errors end probes early, not after -W" 0 1499

# With -w, the first error ends the run (iputils); with -c, errors count
# toward the count.
np_run "$HOST" 20 -c 5 -w 10 -i 0.2 -I 198.51.100.6 198.18.1.1
np_eq "-w: stops at the first error, exit 1" 1 "$NP_RC"
np_eq "-w: one probe sent" 1 "$(np_summary transmitted)"
np_took "-w: ended at once" 0 999

# The same through the datagram ICMP socket (unprivileged user): errors
# arrive through the error queue (IP_RECVERR / IPV6_RECVERR).
PLAIN=$(np_plain_copy)
np_sysctl "$HOST" net.ipv4.ping_group_range="0 2147483647"
# shellcheck disable=SC2086 # NP_NOBODY is a command prefix
as_nobody() { np_exec "$HOST" 20 $NP_NOBODY "$PLAIN" "$@"; }
as_nobody -v -c 2 -i 0.2 -W 1 -I 198.51.100.5 198.18.1.1
np_match "dgram: datagram socket used" 'datagram ICMP socket' "$NP_ERR"
check_errors "dgram v4 unreachable" '^From 198\.51\.100\.2 icmp_seq=[1-2] Destination Host Unreachable$' 2
as_nobody -c 2 -i 0.2 -W 1 -t 1 2001:db8:1:3::1
check_errors "dgram v6 hop limit" '^From 2001:db8::2 icmp_seq=[1-2] Time exceeded: Hop limit$' 2
# "prohibited" is EACCES from a plain recvmsg on a datagram socket: not
# fatal, the error queue says what happened.
as_nobody -c 2 -i 0.2 -W 1 2001:db8:1:2::1
check_errors "dgram v6 prohibited" '^From 2001:db8::2 icmp_seq=[1-2] Destination unreachable: Administratively prohibited$' 2
as_nobody -c 2 -i 0.2 198.18.3.1
np_eq "dgram: replies through the router" 2 "$(np_summary received)"
np_match "dgram: TTL decremented once" 'icmp_seq=1 ttl=63 ' "$NP_OUT"
np_run "$HOST" 20 -c 2 -i 0.2 2001:db8:1:3::1
np_match "raw v6: hop limit decremented once" 'icmp_seq=1 ttl=63 ' "$NP_OUT"

# -M do with a packet larger than the link: a local error, counted.
ip -n "$HOST" link set dev h0 mtu 1280
ip -n "$ROUTER" link set dev r0 mtu 1280
np_run "$HOST" 20 -c 2 -i 0.2 -W 1 -M do -s 1300 198.51.100.2
np_eq "-M do oversize: exit 1" 1 "$NP_RC"
np_eq "-M do oversize: +2 errors" 2 "$(np_summary errors)"
np_match "-M do oversize: message" 'local error: message too long, mtu=1280' "$NP_ERR"
np_run "$HOST" 20 -c 2 -i 0.2 -M dont -s 1300 198.51.100.2
np_eq "-M dont oversize: fragments, 2 received" 2 "$(np_summary received)"
as_nobody -v -c 2 -i 0.2 -W 1 -M do -s 1300 198.51.100.2
np_eq "dgram -M do oversize: +2 errors" 2 "$(np_summary errors)"
np_match "dgram -M do oversize: message" 'local error: message too long, mtu=1280' "$NP_ERR"
np_match "dgram -M do oversize: nothing malformed" 'not counted: 0 late, 0 foreign, 0 malformed' "$NP_ERR"
ip -n "$HOST" link set dev h0 mtu 1500
ip -n "$ROUTER" link set dev r0 mtu 1500

# Path MTU discovery: the router's link to FAR is 1400 bytes.  The first
# probe draws "fragmentation needed" from the router; the kernel learns
# the path MTU, and the next probes fail locally with that MTU.
ip -n "$ROUTER" link set dev r1 mtu 1400
ip -n "$FAR" link set dev f0 mtu 1400
np_run "$HOST" 20 -c 3 -i 0.2 -W 1 -M do -s 1472 198.18.3.1
np_eq "PMTU: exit 1" 1 "$NP_RC"
np_match "PMTU: router's message" '^From 198\.51\.100\.2 icmp_seq=1 Frag needed and DF set \(mtu = 1400\)$' "$NP_OUT"
np_match "PMTU: learned MTU reported" 'local error: message too long, mtu=1400 \(icmp_seq=2\)' "$NP_ERR"
np_eq "PMTU: +3 errors" 3 "$(np_summary errors)"
np_run "$HOST" 20 -c 2 -i 0.2 -M do -s 1372 198.18.3.1
np_eq "PMTU: a probe that fits gets through" 2 "$(np_summary received)"
np_finish
