#!/bin/bash
# Field fixes of the many-target CLI: -v totals after the -a list when
# stdout and stderr go to one file; fping habits (-f FILE, -p PORT, -i in
# seconds) hinted; a UTF-8 byte-order mark in a list file; the MTU with a
# many-target "Message too long"; localhost without /etc/hosts.
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_cmd unshare mount

np_ab_net # A: answers 198.18.0.0/16 and 2001:db8:1::/112; 198.19.0.0/16 silent (lib.sh)
T=20

# --- -v totals after the list (stdout fully buffered, 2>&1 into a file) ----

# (a list larger than stdout's buffer, and one whose last lines come when
# the run ends: both lost their tail behind the totals)
merged() { # DESC COUNT FIRST-LINE-REGEX ARGS...
	local desc=$1 n=$2 re=$3
	shift 3
	ip netns exec "$A" timeout -s KILL $T "$NETPROBE" "$@" >"$NP_TMP/merged" 2>&1
	np_match "$desc 2>&1: the totals are the last line" "^netprobe: $n targets, " "$(tail -n 1 "$NP_TMP/merged")"
	np_eq "$desc 2>&1: the $n addresses before the totals" "$n" \
		"$(sed '$d' "$NP_TMP/merged" | grep -cE "$re")"
}
merged "-a -v, a /20" 4094 '^198\.18\.(1[6-9]|2[0-9]|3[01])\.[0-9]+$' -a -v -r 0 --gap 0 198.18.16.0/20
merged "-u -v, silent targets" 62 '^198\.19\.16\.[0-9]+$' -u -v -r 0 -W 0.2 --gap 0 198.19.16.0/26

# --- fping habits -----------------------------------------------------------

mkdir "$NP_TMP/cwd"
printf '198.18.0.1\n' >"$NP_TMP/cwd/hosts.txt"
(cd "$NP_TMP/cwd" && ip netns exec "$A" timeout -s KILL $T "$NETPROBE" -f hosts.txt >"$NP_TMP/out" 2>"$NP_TMP/err")
np_eq "-f FILE: refused, exit 2" 2 "$?"
np_match "-f FILE: did you mean --file?" "^netprobe: 'hosts\.txt' is a file: did you mean --file\?" "$(cat "$NP_TMP/err")"
np_eq "-f FILE: nothing sent (no output)" "" "$(cat "$NP_TMP/out")"
(cd "$NP_TMP/cwd" && ip netns exec "$A" timeout -s KILL $T "$NETPROBE" -q --file hosts.txt >"$NP_TMP/out" 2>"$NP_TMP/err")
np_eq "--file FILE in the same directory: exit 0" 0 "$?"

for port in 22 80 443 8080; do
	np_run "$A" $T -c 1 -p "$port" 198.18.0.1
	np_eq "-p $port: a warning, the run goes on (exit 0)" 0 "$NP_RC"
	np_match "-p $port: says it is a pattern, not a port" "^netprobe: warning: -p $port is a hex pattern .*not a port: for TCP probes to port $port give --tcp=$port" "$NP_ERR"
done
np_run "$A" $T -c 1 -p 443 198.18.0.1 198.18.0.2
np_match "-p 443, many targets: the warning too" '^netprobe: warning: -p 443 is a hex pattern' "$NP_ERR"
for pat in ff00 0a0a 00 5; do
	np_run "$A" $T -c 1 -p "$pat" 198.18.0.1
	np_eq "-p $pat: no warning" "" "$NP_ERR"
done

np_run "$A" $T -c 1 -i 10 -q 198.18.0.1 198.18.0.2
np_eq "many targets -i 10 -c 1: exit 0" 0 "$NP_RC"
np_match "many targets -i 10: seconds here, ms in fping" "^netprobe: warning: -i 10 is in seconds here.*fping's -i is in milliseconds: for 10 ms give -i 0\.01" "$NP_ERR"
np_run "$A" $T -c 2 -i 0.05 -q 198.18.0.1 198.18.0.2
np_eq "many targets -i 0.05: no warning" "" "$NP_ERR"
np_run "$A" $T -c 1 -i 10 198.18.0.1
np_eq "ping mode -i 10 -c 1: no warning (seconds, as ping)" "" "$NP_ERR"

# --- A byte-order mark at the start of a list file --------------------------

printf '\357\273\277198.18.0.1\r\n198.18.0.2\r\n' >"$NP_TMP/bom.txt"
np_run "$A" $T -a --file "$NP_TMP/bom.txt"
np_eq "list with a BOM: exit 0" 0 "$NP_RC"
np_eq "list with a BOM: both targets" "$(printf '198.18.0.1\n198.18.0.2')" "$NP_OUT"

# --- Many targets: "Message too long" with the MTU --------------------------

ip -n "$A" link set dev a0 mtu 1280
ip -n "$B" link set dev b0 mtu 1280
np_run "$A" $T -c 1 -s 1400 -M do 198.51.100.2 198.51.100.3
np_match "many targets, -s 1400 over a 1280 link: the MTU" '^netprobe: 198\.51\.100\.2: sendto: Message too long, mtu=1280' "$NP_ERR"
np_run "$A" $T -a -s 1400 -M do 198.51.100.2 198.51.100.3
np_match "alive sweep, -s 1400: the MTU" '^netprobe: 198\.51\.100\.3: sendto: Message too long, mtu=1280' "$NP_ERR"
np_run "$A" $T -c 1 -s 1400 -M do 198.51.100.2
np_match "ping mode, the same: mtu=1280 (as before)" 'mtu=1280' "$NP_OUT$NP_ERR"

# --- localhost without /etc/hosts (RFC 6761) --------------------------------

# /etc/hosts an empty file, no nsswitch module but files and dns, and DNS
# at 127.0.0.1 where nothing answers: only netprobe's own rule resolves.
: >"$NP_TMP/empty"
printf 'hosts: files dns\n' >"$NP_TMP/nsswitch.conf"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$NP_TMP/resolv.conf"
printf 'localhost\nDB.LOCALHOST.\n' >"$NP_TMP/locals.txt"
np_sysctl "$A" net.ipv6.conf.lo.disable_ipv6=0
bare() { # NETPROBE-ARGS...: netprobe in A with /etc/hosts hidden
	local t0 t1
	t0=$(date +%s%N)
	ip netns exec "$A" timeout -s KILL $T unshare -m sh -c '
		mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/nsswitch.conf &&
		mount --bind "$3" /etc/resolv.conf && shift 3 && exec "$@"' sh \
		"$NP_TMP/empty" "$NP_TMP/nsswitch.conf" "$NP_TMP/resolv.conf" "$NETPROBE" "$@" \
		>"$NP_TMP/out" 2>"$NP_TMP/err"
	NP_RC=$?
	t1=$(date +%s%N)
	NP_SECS=$(((t1 - t0) / 1000000))
	NP_OUT=$(cat "$NP_TMP/out")
	NP_ERR=$(cat "$NP_TMP/err")
}
bare -c 2 -i 0.2 localhost
np_eq "no /etc/hosts: netprobe localhost, exit 0" 0 "$NP_RC"
np_match "no /etc/hosts: localhost is 127.0.0.1" '^PING localhost \(127\.0\.0\.1\) ' "$NP_OUT"
np_match "no /etc/hosts: 2 replies" '^2 packets transmitted, 2 received' "$NP_OUT"
bare -6 -c 1 LocalHost.
np_eq "no /etc/hosts: -6 LocalHost., exit 0" 0 "$NP_RC"
np_match "no /etc/hosts: -6 gives ::1" '\(::1\)' "$NP_OUT"
bare -a app.localhost 198.18.0.1
np_eq "no /etc/hosts: many targets with app.localhost, exit 0" 0 "$NP_RC"
bare -a --file "$NP_TMP/locals.txt"
np_eq "no /etc/hosts: a list file of localhost names, exit 0" 0 "$NP_RC"
np_eq "no /etc/hosts: both names, one address (probed once)" 1 "$(printf '%s\n' "$NP_OUT" | grep -c .)"
bare --plugin -H localhost
np_eq "no /etc/hosts: plugin mode -H localhost, OK" 0 "$NP_RC"
bare -c 1 mylocalhost
np_eq "no /etc/hosts: mylocalhost is not under localhost (exit 2)" 2 "$NP_RC"

np_finish
