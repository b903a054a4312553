#!/bin/bash
# Many-target (fping-like) mode: exact counts of alive and unreachable
# targets over whole blocks, per-target summaries, exit codes, target list
# files, duplicates, the size limit and the target order of the output.
. "$(dirname "$0")/lib.sh"
np_require_root

np_ab_net # A: answers 198.18.0.0/16 and 2001:db8:1::/112; 198.19.0.0/16 silent (lib.sh)
ip -n "$A" -6 route add local 2001:db8:2::/108 dev lo

T=30 # seconds allowed for any one run

# Non-empty lines of TEXT.
nlines() { printf '%s\n' "$1" | grep -c .; }

# np_list_eq DESC EXPECTED ACTUAL: the same lines in the same order.
np_list_eq() {
	if [ "$2" = "$3" ]; then
		np_ok "$1"
	else
		np_not_ok "$1: expected $(nlines "$2") lines, got $(nlines "$3"); first differences:"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | head -n 12 | sed 's/^/    | /'
	fi
}

# Addresses PREFIX.FIRST .. PREFIX.LAST, one per line (SUFFIX appended).
seq_addrs() { # PREFIX FIRST LAST [SUFFIX]
	seq "$2" "$3" | sed "s/^/$1./; s/\$/${4:-}/"
}

# Lines whose first field is NAME, from NP_OUT.
of_target() { printf '%s\n' "$NP_OUT" | grep -E -- "^$(printf '%s' "$1" | sed 's/\./\\./g') : "; }

lo_tx() { ip netns exec "$A" cat /sys/class/net/lo/statistics/tx_packets; }

# --- Alive and unreachable counts over blocks ---------------------------

np_run "$A" $T -a --gap 0 -r 0 198.18.1.0/24
np_eq "-a /24: exit 0" 0 "$NP_RC"
np_eq "-a /24: 254 lines" 254 "$(nlines "$NP_OUT")"
np_list_eq "-a /24: .1 to .254 in order, no network/broadcast" \
	"$(seq_addrs 198.18.1 1 254)" "$NP_OUT"

np_run "$A" $T -a --gap 0 -r 0 198.18.16.0/20
np_eq "-a /20: exit 0" 0 "$NP_RC"
np_eq "-a /20: 4094 lines" 4094 "$(nlines "$NP_OUT")"
expected=$(for o in $(seq 16 31); do seq_addrs "198.18.$o" 0 255; done | sed '1d;$d')
np_list_eq "-a /20: every address but 198.18.16.0 and 198.18.31.255, in order" \
	"$expected" "$NP_OUT"
np_took "-a /20: finished within 10 s" 0 9999

np_run "$A" $T -u -r 0 -W 0.2 198.19.1.0/24
np_eq "-u silent /24: exit 1" 1 "$NP_RC"
np_eq "-u silent /24: 254 lines" 254 "$(nlines "$NP_OUT")"
np_list_eq "-u silent /24: .1 to .254 in order" "$(seq_addrs 198.19.1 1 254)" "$NP_OUT"
np_nomatch "-u silent /24: no error on stderr" . "$NP_ERR"

np_run "$A" $T -u -r 0 -W 0.2 --gap 0 198.19.16.0/20
np_eq "-u silent /20: exit 1" 1 "$NP_RC"
np_eq "-u silent /20: 4094 lines" 4094 "$(nlines "$NP_OUT")"
np_run "$A" $T -c 2 -q -i 0.05 -W 0.2 --gap 0 198.18.32.0/20 198.19.32.0/20
np_eq "count mode, live /20 + silent /20: exit 1" 1 "$NP_RC"
np_eq "count mode: 4094 summaries 2/2/0%" 4094 "$(printf '%s\n' "$NP_OUT" | grep -c '^198\.18\.[0-9.]* : xmt/rcv/%loss = 2/2/0%, min/avg/max = ')"
np_eq "count mode: 4094 summaries 2/0/100%" 4094 "$(printf '%s\n' "$NP_OUT" | grep -c '^198\.19\.[0-9.]* : xmt/rcv/%loss = 2/0/100%$')"

np_run "$A" $T -r 0 -W 0.2 --gap 0 198.18.2.0/28 198.19.2.0/28
np_eq "mixed /28s: exit 1" 1 "$NP_RC"
np_eq "mixed /28s: 14 alive" 14 "$(printf '%s\n' "$NP_OUT" | grep -c ' is alive$')"
np_eq "mixed /28s: 14 unreachable" 14 "$(printf '%s\n' "$NP_OUT" | grep -c ' is unreachable$')"
np_list_eq "mixed /28s: every line, in target order" \
	"$(seq_addrs 198.18.2 1 14 ' is alive'; seq_addrs 198.19.2 1 14 ' is unreachable')" "$NP_OUT"

np_run "$A" $T -a --gap 0 -r 0 -g 198.18.6.250 198.18.7.5
np_eq "-g START END: exit 0" 0 "$NP_RC"
np_list_eq "-g START END: both ends and .255/.0 included, 12 lines" \
	"$(seq_addrs 198.18.6 250 255; seq_addrs 198.18.7 0 5)" "$NP_OUT"
np_run "$A" $T -a --gap 0 -r 0 -g 198.18.8.0/29
np_list_eq "-g CIDR /29: 6 lines" "$(seq_addrs 198.18.8 1 6)" "$NP_OUT"
np_run "$A" $T -a --gap 0 -r 0 198.18.8.0-198.18.8.3
np_list_eq "range FIRST-LAST: both ends, 4 lines" "$(seq_addrs 198.18.8 0 3)" "$NP_OUT"
np_run "$A" $T -a --gap 0 -r 0 198.18.9.0/31
np_eq "/31: exit 0" 0 "$NP_RC"
np_list_eq "/31: both addresses" "$(seq_addrs 198.18.9 0 1)" "$NP_OUT"
np_run "$A" $T -a --gap 0 -r 0 198.18.9.5/32
np_eq "/32: exit 0" 0 "$NP_RC"
np_list_eq "/32: one address" "198.18.9.5" "$NP_OUT"
np_run "$A" $T -a --gap 0 -r 0 2001:db8:1::/120
np_eq "-a IPv6 /120: exit 0" 0 "$NP_RC"
np_eq "-a IPv6 /120: 256 lines (every address)" 256 "$(nlines "$NP_OUT")"
np_run "$A" $T -a --gap 0 -r 0 2001:db8:1::/126
np_list_eq "-a IPv6 /126: 4 lines in order" \
	"$(printf '2001:db8:1::%s\n' '' 1 2 3)" "$NP_OUT"
np_run "$A" $T -a --gap 0 -r 0 2001:db8:1::fe-2001:db8:1::101
np_list_eq "IPv6 range: 4 lines across ::ff" \
	"$(printf '2001:db8:1::%s\n' fe ff 100 101)" "$NP_OUT"

# --- Per-target summaries in count mode ----------------------------------

np_run "$A" $T -c 3 -i 0.05 198.18.0.1 198.19.0.1 2001:db8:1::5
np_eq "-c 3: exit 1 (one dead)" 1 "$NP_RC"
for t in 198.18.0.1 2001:db8:1::5; do
	sum=$(of_target "$t" | grep ' xmt/rcv/%loss = ')
	np_match "-c 3 $t: 3/3/0% with min/avg/max" \
		'^[^ ]+ : xmt/rcv/%loss = 3/3/0%, min/avg/max = [0-9]+\.[0-9]+/[0-9]+\.[0-9]+/[0-9]+\.[0-9]+$' "$sum"
	mam=$(printf '%s\n' "$sum" | sed -nE 's#.*min/avg/max = ([0-9.]+)/([0-9.]+)/([0-9.]+)$#\1 \2 \3#p')
	if [ -n "$mam" ] && echo "$mam" | awk '{ exit !($1 > 0 && $1 <= $2 && $2 <= $3) }'; then
		np_ok "-c 3 $t: 0 < min <= avg <= max ($mam)"
	else
		np_not_ok "-c 3 $t: min/avg/max '$mam' not ordered"
	fi
	np_eq "-c 3 $t: reply indexes 0 1 2" "0 1 2" \
		"$(of_target "$t" | sed -nE 's/^[^ ]+ : \[([0-9]+)\], .*/\1/p' | paste -sd ' ')"
	np_eq "-c 3 $t: 3 well-formed reply lines" 3 \
		"$(of_target "$t" | grep -cE '^[^ ]+ : \[[0-2]\], 64 bytes, [0-9]+\.[0-9]+ ms \([0-9]+\.[0-9]+ avg, 0% loss\)$')"
done
np_eq "-c 3 198.19.0.1: summary 3/0/100%" "198.19.0.1 : xmt/rcv/%loss = 3/0/100%" \
	"$(of_target 198.19.0.1 | grep ' xmt/rcv/%loss = ')"
np_eq "-c 3 198.19.0.1: no reply line" 0 "$(of_target 198.19.0.1 | grep -c ' : \[')"
np_eq "-c 3: summaries in target order" "198.18.0.1 198.19.0.1 2001:db8:1::5" \
	"$(printf '%s\n' "$NP_OUT" | grep ' : xmt/rcv/%loss = ' | cut -d' ' -f1 | paste -sd ' ')"

np_run "$A" $T -q -c 3 -i 0.05 198.18.0.1 198.19.0.1 2001:db8:1::5
np_eq "-q -c 3: exit 1" 1 "$NP_RC"
np_eq "-q -c 3: no reply lines" 0 "$(printf '%s\n' "$NP_OUT" | grep -c ' : \[')"
np_eq "-q -c 3: three summaries" 3 "$(printf '%s\n' "$NP_OUT" | grep -c ' : xmt/rcv/%loss = ')"
np_match "-q -c 3: the dead one 3/0/100%" '^198\.19\.0\.1 : xmt/rcv/%loss = 3/0/100%$' "$NP_OUT"
np_match "-q -c 3: IPv6 3/3/0%" '^2001:db8:1::5 : xmt/rcv/%loss = 3/3/0%, min/avg/max = ' "$NP_OUT"

np_run "$A" $T -C 3 -i 0.05 198.18.0.1 198.19.0.1 2001:db8:1::5
np_eq "-C 3: exit 1" 1 "$NP_RC"
np_match "-C 3: 198.18.0.1 three times" '^198\.18\.0\.1 : [0-9]+\.[0-9]+ [0-9]+\.[0-9]+ [0-9]+\.[0-9]+$' "$NP_OUT"
np_match "-C 3: 2001:db8:1::5 three times" '^2001:db8:1::5 : [0-9]+\.[0-9]+ [0-9]+\.[0-9]+ [0-9]+\.[0-9]+$' "$NP_OUT"
np_match "-C 3: 198.19.0.1 - - -" '^198\.19\.0\.1 : - - -$' "$NP_OUT"

np_run "$A" $T -q -r 0 -W 0.2 198.18.0.1 198.19.0.1
np_eq "-q, alive mode: exit 1" 1 "$NP_RC"
np_eq "-q, alive mode: nothing printed" "" "$NP_OUT"

# --- Exit codes ------------------------------------------------------------

np_run "$A" $T -r 0 -W 0.2 198.18.0.1 198.18.0.2 2001:db8:1::1
np_eq "all alive: exit 0" 0 "$NP_RC"
np_eq "all alive: 3 alive lines" 3 "$(printf '%s\n' "$NP_OUT" | grep -c ' is alive$')"
np_run "$A" $T -r 0 -W 0.2 198.18.0.1 198.19.0.1
np_eq "one dead: exit 1" 1 "$NP_RC"
np_run "$A" $T -r 0 -W 0.2 198.18.0.1 nosuch.invalid 198.18.0.2
np_eq "unresolvable name: exit 2" 2 "$NP_RC"
np_match "unresolvable name: named on stderr" 'nosuch\.invalid' "$NP_ERR"
np_list_eq "unresolvable name: the others still reported" \
	"$(printf '198.18.0.%s is alive\n' 1 2)" "$NP_OUT"
np_run "$A" $T -x 1 -r 0 -W 0.2 198.18.0.1 198.19.0.1
np_eq "-x 1, one of two alive: exit 0" 0 "$NP_RC"
np_run "$A" $T -x 2 -r 0 -W 0.2 198.18.0.1 198.19.0.1
np_eq "-x 2, one of two alive: exit 1" 1 "$NP_RC"

# --- Target list files -----------------------------------------------------

cat >"$NP_TMP/targets" <<'EOF'
# a comment line

   198.18.3.1   # trailing comment
198.18.3.2
	# indented comment
198.18.4.0/29
198.18.5.10-198.18.5.14

2001:db8:1::10-2001:db8:1::13
EOF
expected=$(
	seq_addrs 198.18.3 1 2
	seq_addrs 198.18.4 1 6
	seq_addrs 198.18.5 10 14
	printf '2001:db8:1::%s\n' 10 11 12 13
)
np_run "$A" $T -a --gap 0 -r 0 --file "$NP_TMP/targets"
np_eq "--file: exit 0" 0 "$NP_RC"
np_eq "--file: 17 targets" 17 "$(nlines "$NP_OUT")"
np_list_eq "--file: the targets in file order" "$expected" "$NP_OUT"
np_run "$A" $T -a --gap 0 -r 0 --file - <"$NP_TMP/targets"
np_eq "--file -: exit 0" 0 "$NP_RC"
np_list_eq "--file -: 17 targets from stdin" "$expected" "$NP_OUT"
np_run "$A" $T -a --gap 0 -r 0 < <(cat "$NP_TMP/targets")
np_eq "no target, stdin a pipe: exit 0" 0 "$NP_RC"
np_list_eq "no target, stdin a pipe: 17 targets" "$expected" "$NP_OUT"

printf '198.18.3.1\n# fine so far\n198.18.3.2\n198.18.0.0/33\n198.18.3.3\n' >"$NP_TMP/bad"
before=$(lo_tx)
np_run "$A" $T -r 0 -W 0.2 --file "$NP_TMP/bad"
after=$(lo_tx)
np_eq "bad list line: exit 2" 2 "$NP_RC"
np_match "bad list line: message names FILE:LINE" "$NP_TMP/bad:4: '198\.18\.0\.0/33'" "$NP_ERR"
np_eq "bad list line: nothing on stdout" "" "$NP_OUT"
np_eq "bad list line: nothing sent (lo tx packets)" "$before" "$after"

# --- Duplicates --------------------------------------------------------------

np_run "$A" $T -a --gap 0 -r 0 198.18.0.1 198.18.0.1 198.18.0.0/30
np_eq "duplicates, -a: exit 0" 0 "$NP_RC"
np_list_eq "duplicates, -a: each address once, 2 lines" "$(seq_addrs 198.18.0 1 2)" "$NP_OUT"
np_run "$A" $T -a -v --gap 0 -r 0 198.18.0.1 198.18.0.0/30
np_match "duplicates, -v: the block and its count on stderr" \
	'198\.18\.0\.0/30: 1 of its addresses already in the list, probed once' "$NP_ERR"
np_run "$A" $T -a -v --gap 0 -r 0 198.18.0.0/30 198.18.0.1
np_match "duplicates, -v: a host inside an earlier block named" \
	'198\.18\.0\.1: already in the list, probed once' "$NP_ERR"
np_run "$A" $T -a -v --gap 0 -r 0 198.18.0.0/30 198.18.0.0/29
np_match "duplicates, -v: overlapping blocks counted" \
	'198\.18\.0\.0/29: 2 of its addresses already in the list' "$NP_ERR"
np_run "$A" $T -c 1 198.18.0.1 198.18.0.1 198.18.0.0/30
np_eq "duplicates, -c 1: one summary per address" "198.18.0.1 198.18.0.2" \
	"$(printf '%s\n' "$NP_OUT" | grep ' : xmt/rcv/%loss = ' | cut -d' ' -f1 | paste -sd ' ')"
np_match "duplicates, -c 1: 198.18.0.1 probed once" '^198\.18\.0\.1 : xmt/rcv/%loss = 1/1/0%' "$NP_OUT"

# --- Too large -----------------------------------------------------------------

before=$(lo_tx)
np_run "$A" $T -a 198.0.0.0/7
after=$(lo_tx)
np_eq "/7: exit 2" 2 "$NP_RC"
np_match "/7: says to split it" "'198\.0\.0\.0/7': 33554432 addresses, more than 16777216 \(a /8\); split it" "$NP_ERR"
np_eq "/7: nothing on stdout" "" "$NP_OUT"
np_nomatch "/7: nothing sent (no sendto error)" 'sendto' "$NP_ERR"
np_eq "/7: nothing sent (lo tx packets)" "$before" "$after"
np_took "/7: refused at once" 0 1999

# --- Order -----------------------------------------------------------------------

order="198.18.0.9 198.19.0.4 198.18.0.3 2001:db8:1::7 198.19.0.2 198.18.0.7"
# shellcheck disable=SC2086 # one argument per target
np_run "$A" $T -r 0 -W 0.2 $order
np_eq "order, alive mode: exit 1" 1 "$NP_RC"
np_list_eq "order, alive mode: lines in the order given" "198.18.0.9 is alive
198.19.0.4 is unreachable
198.18.0.3 is alive
2001:db8:1::7 is alive
198.19.0.2 is unreachable
198.18.0.7 is alive" "$NP_OUT"
# shellcheck disable=SC2086
np_run "$A" $T -u -r 0 -W 0.2 $order
np_list_eq "order, -u: the dead ones in the order given" "198.19.0.4
198.19.0.2" "$NP_OUT"
# shellcheck disable=SC2086
np_run "$A" $T -c 2 -i 0.05 $order
np_eq "order, -c 2: summaries in the order given" "$order" \
	"$(printf '%s\n' "$NP_OUT" | grep ' : xmt/rcv/%loss = ' | cut -d' ' -f1 | paste -sd ' ')"

# --- The last probe in flight times out (no reply, nothing else pending) ---
np_run "$A" 10 --multi -c 2 -i 0.1 -W 0.2 198.19.0.9
np_eq "one silent target, --multi -c 2: exit 1" 1 "$NP_RC"
np_eq "one silent target: summary" "198.19.0.9 : xmt/rcv/%loss = 2/0/100%" "$NP_OUT"
np_took "one silent target: ends after its timeout" 0 2999
np_run "$A" 10 -r 2 -W 0.2 198.18.0.1 198.19.0.9
np_eq "alive + silent, -r 2: exit 1" 1 "$NP_RC"
np_eq "alive + silent, -r 2: results" "198.18.0.1 is alive|198.19.0.9 is unreachable" "$(printf '%s\n' "$NP_OUT" | paste -sd '|')"
np_took "alive + silent: retries end after 3 x -W" 0 2999

# --- Stopped before the end of the list: not every target answered -------
np_run "$A" $T -a -w 0.1 198.18.0.0/16
np_eq "-w before the end of a /16: exit 1" 1 "$NP_RC"
n=$(nlines "$NP_OUT")
if [ "$n" -gt 0 ] && [ "$n" -lt 65534 ]; then np_ok "-w: only the targets reached are reported ($n)"; else np_not_ok "-w: $n targets reported"; fi

np_run "$A" $T -O -c 1 198.18.0.1 198.18.0.2
np_eq "-O with two targets: exit 2" 2 "$NP_RC"
np_match "-O with two targets: refused" '-O, -f, -A and -l apply to a single target' "$NP_ERR"

# --- Signals: SIGQUIT progress, SIGINT reports what was probed ------------
# A run of 100 s at most (-c 1000 -i 0.1), signalled once the output shows
# what the test waits for (5 replies from 198.18.0.1, then the SIGQUIT
# line): no sleep decides what was sent by then, so a loaded machine only
# makes the run longer.  The run must stop long before its 1000th probe.
ip netns exec "$A" "$NETPROBE" -c 1000 -i 0.1 -W 0.2 198.18.0.1 198.19.0.1 2001:db8:1::1 \
	>"$NP_TMP/sig.out" 2>"$NP_TMP/sig.err" &
pid=$!
NP_PIDS="$NP_PIDS $pid"
np_wait_sigint "$pid"
np_wait_file "$NP_TMP/sig.out" '^198\.18\.0\.1 : \[4\], ' 30
kill -QUIT "$pid"
np_wait_file "$NP_TMP/sig.err" '^netprobe: 0 targets done, 3 being probed; ' 30
kill -INT "$pid"
np_wait_exit "$pid" 30
rc=$?
out=$(cat "$NP_TMP/sig.out")
np_eq "SIGINT: exit 1 (one target never answered)" 1 "$rc"
np_eq "SIGINT: a summary for each target, in order" "198.18.0.1 198.19.0.1 2001:db8:1::1" \
	"$(printf '%s\n' "$out" | grep ' : xmt/rcv/%loss = ' | cut -d' ' -f1 | paste -sd ' ')"
np_match "SIGINT: stopped early (5 to 999 sent), every probe sent answered" \
	'^198\.18\.0\.1 : xmt/rcv/%loss = ([5-9]|[1-9][0-9]{1,2})/\1/0%, min/avg/max' "$out"
np_match "SIGINT: the dead target lost all" \
	'^198\.19\.0\.1 : xmt/rcv/%loss = ([5-9]|[1-9][0-9]{1,2})/0/100%$' "$out"
np_match "SIGQUIT: a progress line on stderr" \
	'^netprobe: 0 targets done, 3 being probed; [0-9]+ probes sent, [0-9]+ replies$' "$(cat "$NP_TMP/sig.err")"

# --- Memory bounded by what is in flight -----------------------------------
# Under a 16 MB address-space limit (libc and the binary included): a /16,
# and 1048576 IPv6 addresses (16 times more) with the same limit.
if [ "${NP_SANITIZED:-no}" = yes ]; then
	# AddressSanitizer reserves terabytes of address space for its shadow
	# memory: the limit cannot apply; the normal build runs these checks.
	echo "# address-space limit checks: not in a sanitizer build"
else
	np_exec "$A" 60 bash -c 'ulimit -v 16384; "$0" -a --gap 0 -r 0 198.18.0.0/16 | wc -l' "$NETPROBE"
	np_eq "/16 within 16 MB of address space: 65534 alive" 65534 "$NP_OUT"
	np_exec "$A" 60 bash -c 'ulimit -v 16384; "$0" -a --gap 0 -r 0 2001:db8:2::/108 | wc -l' "$NETPROBE"
	np_eq "IPv6 /108 (1048576) within 16 MB of address space: all alive" 1048576 "$NP_OUT"
fi

# --- More probes in flight than sequence numbers ----------------------------
# fping 5.1 refuses "-c 100000 -p 0" ("not enough sequence numbers
# available"); netprobe waits for the oldest number to come free.
np_run "$A" 60 --multi -q -c 100000 -i 0 --gap 0 198.18.0.1
np_eq "100000 probes to one target: exit 0" 0 "$NP_RC"
np_match "100000 probes to one target: every one answered once" \
	'^198\.18\.0\.1 : xmt/rcv/%loss = 100000/100000/0%, min/avg/max = ' "$NP_OUT"
np_nomatch "100000 probes: no duplicates or late replies" 'duplicates|late' "$NP_OUT"
np_run "$A" 60 -q -c 40000 -i 0 --gap 0 198.18.0.7 2001:db8:1::7
np_eq "2 x 40000 probes, both families: exit 0" 0 "$NP_RC"
np_eq "2 x 40000 probes: exact summaries" \
	"198.18.0.7 : xmt/rcv/%loss = 40000/40000/0%|2001:db8:1::7 : xmt/rcv/%loss = 40000/40000/0%" \
	"$(printf '%s\n' "$NP_OUT" | sed 's/, min.*//' | paste -sd '|')"

# --- Pacing: --gap, and --burst ---------------------------------------------
# The echo requests as tcpdump saw them on lo, one send time (s) a line.
PACE=$NP_TMP/pace.pcap
req_times() {
	tcpdump -r "$PACE" -tt -n 'icmp[icmptype] = icmp-echo' 2>/dev/null | awk '{ print $1 }'
}
# gaps N: the times between request I and I+N, in ms, one a line.
gaps() { req_times | awk -v n="$1" '{ t[NR] = $1 } END { for (i = 1; i + n <= NR; i++) printf "%.3f\n", (t[i + n] - t[i]) * 1000 }'; }
if command -v tcpdump >/dev/null; then
	np_tcpdump_start "$A" "$PACE"
	np_run "$A" $T -q -c 1 --gap 0.02 $(seq_addrs 198.18.5 1 6)
	np_tcpdump_stop "$PACE"
	np_eq "--gap 0.02: 6 requests on the wire" 6 "$(req_times | wc -l)"
	# (sent at least 20 ms apart; on the wire, give or take the microseconds
	# of the kernel's path to the capture)
	np_eq "--gap 0.02: every two requests at least 20 ms apart" "" \
		"$(gaps 1 | awk '$1 < 19.9')"
	np_tcpdump_start "$A" "$PACE"
	np_run "$A" $T -q -c 1 --gap 0.02 --burst 4 $(seq_addrs 198.18.5 1 12)
	np_tcpdump_stop "$PACE"
	np_eq "--burst 4: exit 0" 0 "$NP_RC"
	np_eq "--burst 4: 12 summaries, all answered" 12 "$(printf '%s\n' "$NP_OUT" | grep -c 'xmt/rcv/%loss = 1/1/0%')"
	np_eq "--burst 4: 12 requests on the wire" 12 "$(req_times | wc -l)"
	# Within a burst the 4 go back to back; each burst starts 4 gaps (80 ms)
	# after the one before, so that the rate is still one probe per gap.
	np_eq "--burst 4: the 4 requests of each burst within 10 ms" "" \
		"$(gaps 3 | awk 'NR % 4 == 1 && $1 >= 10')"
	np_eq "--burst 4: bursts start at least 80 ms apart" "" \
		"$(gaps 4 | awk 'NR % 4 == 1 && $1 < 80')"
	np_eq "--burst 4: 3 bursts (2 pauses of more than 40 ms)" 2 \
		"$(gaps 1 | awk '$1 > 40' | wc -l)"
elif [ "${CI:-}" = true ]; then
	np_not_ok "tcpdump is missing (contrib/dev/build-deps --test installs it)"
fi
np_run "$A" $T -c 1 --burst 65 198.18.5.1
np_eq "--burst 65 refused: exit 2" 2 "$NP_RC"
np_match "--burst 65 refused: the range" 'from 1 to 64' "$NP_ERR"

# Steady monitoring wakes up once per burst: 1000 targets, 10 probes each a
# second apart, in bursts of 32 (10000 / 32 = 313 bursts).  Without the
# care this checks, the 32 probes of a burst, due again a second later
# within microseconds of each other, went out in two wake-ups or more:
# about 430 waits.  A wait is a voluntary context switch (ru_nvcsw, from wait4):
# pselect, and a few during start-up; at most 10% more than the bursts.
nvcsw() { # ARGS...: netprobe ARGS in A; NP_OUT: its output, NVCSW: the count
	np_exec "$A" 60 /usr/bin/python3 -c '
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, ru = os.wait4(pid, 0)
sys.stderr.write("nvcsw %d\n" % ru.ru_nvcsw)
sys.exit(os.waitstatus_to_exitcode(status))' "$NETPROBE" "$@"
	NVCSW=$(printf '%s\n' "$NP_ERR" | sed -n 's/^nvcsw //p')
}
# shellcheck disable=SC2046 # one argument per address
nvcsw -q -c 10 -i 1 --gap 0.0005 --burst 32 $(for o in 3 4 5 6; do seq_addrs 198.18.$o 1 250; done)
np_eq "steady, 1000 targets: exit 0" 0 "$NP_RC"
np_eq "steady, 1000 targets: every one 10/10" 1000 "$(printf '%s\n' "$NP_OUT" | grep -c 'xmt/rcv/%loss = 10/10/0%')"
if [ -n "$NVCSW" ] && [ "$NVCSW" -le 344 ]; then
	np_ok "steady, --burst 32: $NVCSW waits for 313 bursts (at most 344)"
else
	np_not_ok "steady, --burst 32: ${NVCSW:-no count} waits for 313 bursts, expected at most 344"
fi

# --- Kernel stamps only where an RTT is shown --------------------------------
# An alive sweep in text shows no RTT: no SO_TIMESTAMPING (a fifth of its
# CPU); with -J, -v, --metrics or count mode, the kernel's stamps.
if command -v strace >/dev/null; then
	traced() { # CALLS WORD ARGS...: how many traced CALLS say WORD
		local calls=$1 word=$2
		shift 2
		ip netns exec "$A" timeout -s KILL $T strace -f -e trace="$calls" \
			"$NETPROBE" "$@" 2>&1 >/dev/null | grep -c "$word"
	}
	stamps() { traced setsockopt SO_TIMESTAMPING "$@"; }
	np_eq "alive sweep, text: no kernel stamps set up" 0 "$(stamps -a -r 0 198.18.5.1 198.18.5.2)"
	# ... and so nothing that could come on a raw socket's error queue:
	# no read of it (with stamps, -c, one at least)
	errq() { traced recvmsg,recvmmsg MSG_ERRQUEUE "$@"; }
	np_eq "alive sweep, text: the error queue never read" 0 "$(errq -a -r 0 198.18.5.0/28)"
	n=$(errq -c 2 -q 198.18.5.1 198.18.5.2)
	if [ "$n" -ge 1 ]; then np_ok "-c 2: transmit stamps read from the error queue ($n reads)"; else np_not_ok "-c 2: the error queue never read"; fi
	for args in "-J -a -r 0" "-v -r 0" "-c 1 -q" "--metrics - -r 0"; do
		# shellcheck disable=SC2086 # $args: options
		n=$(stamps $args 198.18.5.1 198.18.5.2)
		if [ "$n" -ge 1 ]; then
			np_ok "$args: kernel stamps set up ($n calls)"
		else
			np_not_ok "$args: kernel stamps set up: none"
		fi
	done
elif [ "${CI:-}" = true ]; then
	np_not_ok "strace is missing (contrib/dev/build-deps --test installs it)"
fi

# --- Without privileges: datagram ICMP sockets, one per family -------------
PLAIN=$(np_plain_copy)
np_sysctl "$A" net.ipv4.ping_group_range="0 2147483647"
np_exec "$A" $T $NP_NOBODY "$PLAIN" -v -a -r 0 198.18.4.0/28 2001:db8:1::10-2001:db8:1::13 198.19.4.1
np_eq "unprivileged sweep: exit 1 (one dead)" 1 "$NP_RC"
np_list_eq "unprivileged sweep: the 18 live addresses, in order" \
	"$(seq_addrs 198.18.4 1 14; printf '2001:db8:1::%s\n' 10 11 12 13)" "$NP_OUT"
np_match "unprivileged sweep: datagram sockets" \
	'^netprobe: socket: datagram ICMP socket, unprivileged' "$NP_ERR"
np_exec "$A" $T $NP_NOBODY "$PLAIN" -a --gap 0 198.18.4.1 198.18.4.2
np_eq "unprivileged: --gap 0 refused, exit 2" 2 "$NP_RC"
np_match "unprivileged: --gap 0 refused with the rule" 'minimal gap allowed for a user other than root is 1 ms' "$NP_ERR"

np_finish
