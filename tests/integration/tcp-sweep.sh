#!/bin/bash
# A TCP port sweep of blocks whose addresses are all local (one namespace,
# `ip route add local BLOCK dev lo`, one listener on port 443 for every
# address): the route gives each target a source address of its own (the
# target itself), so a SYN's checksum, over the pseudo-header, must be
# computed with each target's own source.  Every address must be found
# open, IPv4 and IPv6, as bench/suite's portsweep row needs.
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_cmd "$NP_PYTHON"

np_netns S
ip -n "$S" route add local 198.18.0.0/24 dev lo
ip -n "$S" -6 route add local 2001:db8:1::/120 dev lo
np_tcp_listen "$S" 443 lsn || np_skip "the TCP listener did not start"

# -a: the addresses with the port open, one a line; network and broadcast
# left out of an IPv4 block.
np_run "$S" 30 -a --tcp=443 --gap 0 -r 1 198.18.0.0/28
np_eq "198.18.0.0/28: exit 0" 0 "$NP_RC"
np_eq "198.18.0.0/28: all 14 addresses open" "$(seq -f '198.18.0.%g' 1 14 | xargs)" \
	"$(printf '%s\n' "$NP_OUT" | sort -t. -k4n | xargs)"
np_run "$S" 60 -a --tcp=443 --gap 0 -r 1 198.18.0.0/24
np_eq "198.18.0.0/24: 254 addresses open" 254 "$(printf '%s\n' "$NP_OUT" | grep -c .)"
np_run "$S" 30 -a --tcp=443 --gap 0 -r 1 2001:db8:1::/124
np_eq "2001:db8:1::/124: exit 0" 0 "$NP_RC"
np_eq "2001:db8:1::/124: all 16 addresses open" 16 "$(printf '%s\n' "$NP_OUT" | grep -c '^2001:db8:1::')"
# The same port closed: found alive too (a RST is an answer: reachable).
np_run "$S" 30 -a --tcp=444 --gap 0 -r 1 198.18.0.0/28
np_eq "port 444 (closed) of 198.18.0.0/28: all 14 reachable" 14 "$(printf '%s\n' "$NP_OUT" | grep -c .)"
np_eq "the listener accepted no connection" 0 "$(cat "$NP_TMP/lsn.accepts")"
np_finish
