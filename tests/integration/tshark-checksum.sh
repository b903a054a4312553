#!/bin/bash
# tshark, capturing inside the namespace, decodes netprobe's requests as
# Echo Requests with correct checksums (IPv4: ours; IPv6: the kernel's), for
# even, odd and large payloads and a pattern; the replies to them too.
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_cmd tcpdump tshark

np_netns NS
PCAP="$NP_TMP/run.pcap"
np_tcpdump_start "$NS" "$PCAP"

runs=0
for args in "-s 56" "-s 1" "-s 57" "-s 1473" "-s 0" "-p 5aa5 -s 100"; do
	np_run "$NS" 20 -c 2 -i 0.05 $args 127.0.0.1
	np_eq "v4 $args: 2 received" 2 "$(np_summary received)"
	np_run "$NS" 20 -c 2 -i 0.05 $args ::1
	np_eq "v6 $args: 2 received" 2 "$(np_summary received)"
	runs=$((runs + 1))
done
np_tcpdump_stop "$PCAP"

want=$((runs * 2))
fields() { tshark -r "$PCAP" -Y "$1" -T fields -e "$2" 2>/dev/null; }
np_eq "v4: $want echo requests captured" "$want" "$(fields 'icmp.type == 8' icmp.type | wc -l)"
np_eq "v4: every request checksum good (status 1)" "$want" "$(fields 'icmp.type == 8' icmp.checksum.status | grep -c '^1$')"
np_eq "v4: every reply checksum good" "$want" "$(fields 'icmp.type == 0' icmp.checksum.status | grep -c '^1$')"
np_eq "v4: no bad checksum anywhere" 0 "$(fields 'icmp.checksum.status == 0' icmp.type | wc -l)"
np_eq "v6: $want echo requests captured" "$want" "$(fields 'icmpv6.type == 128' icmpv6.type | wc -l)"
np_eq "v6: every request checksum good" "$want" "$(fields 'icmpv6.type == 128' icmpv6.checksum.status | grep -c '^1$')"
np_eq "v6: every reply checksum good" "$want" "$(fields 'icmpv6.type == 129' icmpv6.checksum.status | grep -c '^1$')"
# The odd-length payload on the wire is what we built: 1 data byte.
np_match "v4 -s 1: a 29-byte datagram (9 bytes of ICMP) on the wire" '^29$' \
	"$(tshark -r "$PCAP" -Y 'icmp.type == 8 && ip.len == 29' -T fields -e ip.len 2>/dev/null | sort -u)"
# Sequence numbers as sent, starting at 1, and one identifier per run.
np_eq "v4: sequence numbers 1 and 2" "1 2" \
	"$(fields 'icmp.type == 8 && ip.len == 84' icmp.seq | sort -n | uniq | xargs)"
np_finish
