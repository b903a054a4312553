#!/bin/bash
# Monitoring-plugin mode (--plugin, or run as check_netprobe): the state as
# exit code (OK 0, WARNING 1, CRITICAL 2, UNKNOWN 3) at the edges of the
# thresholds, the status line and its performance data, for one host and
# for several; and, on the same scenarios in the same namespaces, the same
# state and the same line (RTT values aside) as check_icmp from
# monitoring-plugins.
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_tun

CHECK_ICMP=${CHECK_ICMP:-/usr/lib/nagios/plugins/check_icmp}
[ -x "$CHECK_ICMP" ] || np_skip "needs $CHECK_ICMP (monitoring-plugins-basic)"

# check_netprobe: a symlink to netprobe selects the plugin mode.
ln -s "$NETPROBE" "$NP_TMP/check_netprobe"
CHECK_NETPROBE=$NP_TMP/check_netprobe


np_ab_net # A: answers 198.18.0.0/16 and 2001:db8:1::/112; 198.19.0.0/16 silent (lib.sh)
np_netns_etc "$A"
printf '198.18.0.1 alpha\n198.18.0.2 beta\n' >/etc/netns/"$A"/hosts
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >/etc/netns/"$A"/resolv.conf
T=20

# The status line with the RTTs replaced by X (they differ from run to run).
norm() {
	sed -E 's/rta [0-9]+\.[0-9]+ms/rta Xms/g; s/(rta|rtmax|rtmin)=[0-9]+\.[0-9]+ms/\1=Xms/g'
}

# Perfdata of one host (LABEL prefix, thresholds W C WPL CPL).
perf_re() { # PREFIX W C WPL CPL
	local p
	p=$(printf '%s' "$1" | sed 's/[].[*^$]/\\&/g')
	printf '%srta=[0-9]+\\.[0-9]{3}ms;%s;%s;0; %spl=[0-9]{1,3}%%;%s;%s;; %srtmax=[0-9]+\\.[0-9]{3}ms;;;; %srtmin=[0-9]+\\.[0-9]{3}ms;;;; ' \
		"$p" "$2" "$3" "$p" "$4" "$5" "$p" "$p"
}

# cmp_icmp NS DESC STATE ARGS...: netprobe --plugin and check_icmp with the
# same arguments, in NS: both exit with STATE; the same line, RTTs aside
# (unless CMP_LINE=no).
cmp_icmp() {
	local ns=$1 desc=$2 want=$3 np_line np_rc
	shift 3
	np_run "$ns" $T --plugin "$@"
	np_line=$NP_OUT
	np_rc=$NP_RC
	NP_PLUGIN_LINE=$np_line
	np_eq "$desc: netprobe exit $want" "$want" "$np_rc"
	np_eq "$desc: one line on stdout" 1 "$(printf '%s\n' "$np_line" | grep -c .)"
	np_exec "$ns" $T "$CHECK_ICMP" "$@"
	# check_icmp itself crashes now and then (SIGSEGV, once in a CI run
	# with -w 0): a fault of the reference, not of netprobe; run it again,
	# twice at most
	for _ in 1 2; do
		[ "$NP_RC" -ge 128 ] || break
		echo "# $CHECK_ICMP $* died with status $NP_RC: running it again"
		np_exec "$ns" $T "$CHECK_ICMP" "$@"
	done
	np_eq "$desc: check_icmp exit $want (as netprobe)" "$want" "$NP_RC"
	if [ "${CMP_LINE:-yes}" = yes ] && [ "$NP_RC" -le 2 ] && [ "$np_rc" -le 2 ]; then
		np_eq "$desc: the line as check_icmp's (RTTs aside)" \
			"$(printf '%s\n' "$NP_OUT" | norm)" "$(printf '%s\n' "$np_line" | norm)"
	fi
}

# --- All alive, thresholds ----------------------------------------------

cmp_icmp "$A" "one host, defaults" 0 -H 198.18.0.1
np_match "one host: status line" '^OK - 198\.18\.0\.1: rta [0-9]+\.[0-9]{3}ms, lost 0%\|' "$NP_PLUGIN_LINE"
np_match "one host: perfdata" "\\|$(perf_re "" 200.000 500.000 40 80)\$" "$NP_PLUGIN_LINE"
rta=$(printf '%s\n' "$NP_PLUGIN_LINE" | sed -nE 's/.*\|rta=([0-9.]+)ms.*/\1/p')
rtmin=$(printf '%s\n' "$NP_PLUGIN_LINE" | sed -nE 's/.* rtmin=([0-9.]+)ms.*/\1/p')
rtmax=$(printf '%s\n' "$NP_PLUGIN_LINE" | sed -nE 's/.* rtmax=([0-9.]+)ms.*/\1/p')
if [ -n "$rta" ] && awk -v a="$rta" -v lo="$rtmin" -v hi="$rtmax" 'BEGIN { exit !(lo > 0 && lo <= a && a <= hi && hi < 100) }'; then
	np_ok "one host: 0 < rtmin <= rta <= rtmax ($rtmin $rta $rtmax)"
else
	np_not_ok "one host: rtmin '$rtmin' rta '$rta' rtmax '$rtmax' not ordered"
fi
cmp_icmp "$A" "all alive, -w 200,40% -c 500,80%" 0 -H 198.18.0.1 -H 198.18.0.2 -w 200,40% -c 500,80%
np_match "two hosts: status line" '^OK - 198\.18\.0\.1: rta [0-9.]+ms, lost 0% :: 198\.18\.0\.2: rta [0-9.]+ms, lost 0%\|' "$NP_PLUGIN_LINE"
np_match "two hosts: host-prefixed perfdata" \
	"\\|$(perf_re 198.18.0.1 200.000 500.000 40 80)$(perf_re 198.18.0.2 200.000 500.000 40 80)\$" "$NP_PLUGIN_LINE"
cmp_icmp "$A" "pl edge -w 200,0% (0 >= 0)" 1 -H 198.18.0.1 -w 200,0%
np_match "pl edge: perfdata thresholds" "\\|$(perf_re "" 200.000 500.000 0 80)\$" "$NP_PLUGIN_LINE"
cmp_icmp "$A" "pl edge -w 200,0% -c 500,0%" 2 -H 198.18.0.1 -w 200,0% -c 500,0%
cmp_icmp "$A" "rta edge -w 0,40%" 1 -H 198.18.0.1 -w 0,40%
np_match "rta edge: perfdata thresholds" "\\|$(perf_re "" 0.000 500.000 40 80)\$" "$NP_PLUGIN_LINE"
cmp_icmp "$A" "rta edge -w 0,40% -c 0,80%" 2 -H 198.18.0.1 -w 0,40% -c 0,80%
cmp_icmp "$A" "thresholds with units -w 150ms,40% -c 1s,80%" 0 -H 198.18.0.1 -w 150ms,40% -c 1s,80%
np_match "units: perfdata thresholds in ms" "\\|$(perf_re "" 150.000 1000.000 40 80)\$" "$NP_PLUGIN_LINE"
cmp_icmp "$A" "-n 3 -i 20ms" 0 -H 198.18.0.1 -n 3 -i 20ms
cmp_icmp "$A" "three IPv6 hosts" 0 -H 2001:db8:1::1 -H 2001:db8:1::2 -H 2001:db8:1::3
np_match "IPv6: host-prefixed perfdata" \
	"\\|$(perf_re 2001:db8:1::1 200.000 500.000 40 80)$(perf_re 2001:db8:1::2 200.000 500.000 40 80)$(perf_re 2001:db8:1::3 200.000 500.000 40 80)\$" \
	"$NP_PLUGIN_LINE"
cmp_icmp "$A" "names from /etc/hosts" 0 -H alpha -H beta
np_match "names: labels are the names as given" "\\|$(perf_re alpha 200.000 500.000 40 80)$(perf_re beta 200.000 500.000 40 80)\$" "$NP_PLUGIN_LINE"
cmp_icmp "$A" "the same host twice: probed once" 0 -H 198.18.0.1 -H 198.18.0.1
# check_icmp keeps a warning threshold above the critical one at the
# critical one (perfdata included)
cmp_icmp "$A" "-w above -c" 0 -H 198.18.0.1 -w 1s,90% -c 500,80%

# --- Dead hosts, -m -----------------------------------------------------

cmp_icmp "$A" "one dead host of two" 2 -H 198.18.0.1 -H 198.19.0.1
np_match "one dead: its line" '198\.19\.0\.1: rta nan, lost 100%' "$NP_PLUGIN_LINE"
np_match "one dead: its perfdata" "$(perf_re 198.19.0.1 200.000 500.000 40 80)\$" "$NP_PLUGIN_LINE"
np_match "one dead: zeros for its times" '198\.19\.0\.1rta=0\.000ms;.* 198\.19\.0\.1pl=100%;.* 198\.19\.0\.1rtmax=0\.000ms;;;; 198\.19\.0\.1rtmin=0\.000ms;;;; $' "$NP_PLUGIN_LINE"
cmp_icmp "$A" "one dead, -m 1" 0 -H 198.18.0.1 -H 198.19.0.1 -m 1
cmp_icmp "$A" "one dead, -m 2" 2 -H 198.18.0.1 -H 198.19.0.1 -m 2
cmp_icmp "$A" "one dead, -m 1, the other WARNING (-w 0,40%)" 1 -H 198.18.0.1 -H 198.19.0.1 -m 1 -w 0,40%
cmp_icmp "$A" "the only host dead" 2 -H 198.19.0.1
# -m 0: every host counts (netprobe.8: check_icmp -m 0 is always OK)
np_run "$A" $T --plugin -H 198.18.0.1 -H 198.19.0.1 -m 0
np_eq "-m 0, one dead: CRITICAL, every host counts" 2 "$NP_RC"
# -m N with N above the number of hosts: check_icmp keeps the worst state
# of the hosts when neither N OK nor N OK-or-WARNING hosts are there
cmp_icmp "$A" "-m 3 with two hosts, both alive" 0 -H 198.18.0.1 -H 198.18.0.2 -m 3

# --- UNKNOWN --------------------------------------------------------------

np_run "$A" $T --plugin -H no-such-host.invalid
np_eq "unresolvable host: exit 3" 3 "$NP_RC"
np_match "unresolvable host: UNKNOWN line on stdout" '^UNKNOWN - ' "$NP_OUT"
np_exec "$A" $T "$CHECK_ICMP" -H no-such-host.invalid
np_eq "unresolvable host: check_icmp exit 3 too" 3 "$NP_RC"
np_run "$A" $T --plugin -H 198.18.0.1 -H no-such-host.invalid
np_eq "one unresolvable host of two: exit 3" 3 "$NP_RC"
for bad in "-w foo" "-w ,40%" "-c abc,80%" "-w 200,101%" "-w -1,40%" "-c 500,80%x" "-n 0" "-n x" "-m x" "-t x" "-i x"; do
	# shellcheck disable=SC2086
	np_run "$A" $T --plugin -H 198.18.0.1 $bad
	np_eq "bad option '$bad': exit 3" 3 "$NP_RC"
	np_match "bad option '$bad': UNKNOWN line on stdout" '^UNKNOWN - ' "$NP_OUT"
done
cmp_icmp "$A" "a CIDR block as host" 3 -H 198.18.0.0/30
cmp_icmp "$A" "a range as host" 3 -H 198.18.0.1-198.18.0.3
np_run "$A" $T --plugin
np_eq "no host: exit 3" 3 "$NP_RC"
np_run "$A" $T --plugin -H 198.18.0.1 --no-such-option
np_eq "unknown option: exit 3" 3 "$NP_RC"

# --- check_netprobe, plain HOST arguments -------------------------------

np_exec "$A" $T "$CHECK_NETPROBE" -H 198.18.0.1 -w 200,40% -c 500,80%
np_eq "check_netprobe symlink: exit 0" 0 "$NP_RC"
np_match "check_netprobe symlink: plugin line" "^OK - 198\\.18\\.0\\.1: rta [0-9.]+ms, lost 0%\\|$(perf_re "" 200.000 500.000 40 80)\$" "$NP_OUT"
np_exec "$A" $T "$CHECK_NETPROBE" -H 198.18.0.1 -w 0,40%
np_eq "check_netprobe symlink: WARNING exit 1" 1 "$NP_RC"
np_exec "$A" $T "$CHECK_NETPROBE" -H 198.19.0.1
np_eq "check_netprobe symlink: dead host exit 2" 2 "$NP_RC"
np_exec "$A" $T "$CHECK_NETPROBE" -H no-such-host.invalid
np_eq "check_netprobe symlink: unresolvable exit 3" 3 "$NP_RC"
np_exec "$A" $T "$CHECK_NETPROBE" 198.18.0.1 198.18.0.2
np_eq "check_netprobe HOST HOST: exit 0" 0 "$NP_RC"
np_match "check_netprobe HOST HOST: both hosts" '^OK - 198\.18\.0\.1: .* :: 198\.18\.0\.2: ' "$NP_OUT"
np_exec "$A" $T "$CHECK_NETPROBE" -h
np_eq "check_netprobe -h: exit 0" 0 "$NP_RC"
np_match "check_netprobe -h: check_icmp's options" '-H' "$NP_OUT"
np_run "$A" $T -H 198.18.0.1
np_eq "netprobe -H without --plugin: not plugin mode (exit 2)" 2 "$NP_RC"
np_nomatch "netprobe -H without --plugin: no plugin line" '^(OK|WARNING|CRITICAL|UNKNOWN) - ' "$NP_OUT"

# --- Mixed families (check_icmp cannot) -----------------------------------

np_run "$A" $T --plugin -H 198.18.0.1 -H 2001:db8:1::1
np_eq "IPv4 and IPv6 hosts together: exit 0" 0 "$NP_RC"
np_match "IPv4 and IPv6 hosts together: perfdata" \
	"\\|$(perf_re 198.18.0.1 200.000 500.000 40 80)$(perf_re 2001:db8:1::1 200.000 500.000 40 80)\$" "$NP_OUT"

# --- Loss patterns and slow replies (TUN responder) ----------------------

# 3 of every 5 requests answered: 40% loss over 5 packets (any 5
# consecutive sequence numbers, whichever the first one is).
if np_tun_ns L40 --answer 11100; then
	cmp_icmp "$L40" "40% loss, defaults (40 >= 40)" 1 -H 198.51.100.7
	np_match "40% loss: lost 40%" '^WARNING - 198\.51\.100\.7: rta [0-9.]+ms, lost 40%\|' "$NP_PLUGIN_LINE"
	np_match "40% loss: pl=40%" "\\|$(perf_re "" 200.000 500.000 40 80)\$" "$NP_PLUGIN_LINE"
	np_match "40% loss: pl value" '\| ?rta=[0-9.]+ms;[^ ]* pl=40%;' "$NP_PLUGIN_LINE"
	cmp_icmp "$L40" "40% loss, -w 200,41%" 0 -H 198.51.100.7 -w 200,41%
	cmp_icmp "$L40" "40% loss, -c 500,40%" 2 -H 198.51.100.7 -c 500,40%
	cmp_icmp "$L40" "40% loss, IPv6" 1 -H 2001:db8::7
else
	np_not_ok "responder for 40% loss did not start"
fi
if np_tun_ns L60 --answer 11000; then
	cmp_icmp "$L60" "60% loss, defaults" 1 -H 198.51.100.7
	np_match "60% loss: pl value" '\| ?rta=[0-9.]+ms;[^ ]* pl=60%;' "$NP_PLUGIN_LINE"
	cmp_icmp "$L60" "60% loss, -c 500,60%" 2 -H 198.51.100.7 -c 500,60%
	cmp_icmp "$L60" "60% loss, -w 200,61%" 0 -H 198.51.100.7 -w 200,61%
	cmp_icmp "$L60" "60% loss, -n 10" 1 -H 198.51.100.7 -n 10
else
	np_not_ok "responder for 60% loss did not start"
fi

# Replies 50 ms late: rta about 50 ms.
if np_tun_ns SLOW --delay-ms 50; then
	cmp_icmp "$SLOW" "rta 50ms, -w 20,40%" 1 -H 198.51.100.7 -w 20,40%
	cmp_icmp "$SLOW" "rta 50ms, -w 20000us,40% -c 30000us,80%" 2 -H 198.51.100.7 -w 20000us,40% -c 30000us,80%
	np_match "us thresholds: perfdata in ms" "\\|$(perf_re "" 20.000 30.000 40 80)\$" "$NP_PLUGIN_LINE"
	cmp_icmp "$SLOW" "rta 50ms, -w 100,40%" 0 -H 198.51.100.7 -w 100,40%
	cmp_icmp "$SLOW" "rta 50ms, -w 40ms,40% -c 200,80%" 1 -H 198.51.100.7 -w 40ms,40% -c 200,80%
	rta=$(printf '%s\n' "$NP_PLUGIN_LINE" | sed -nE 's/.*\|rta=([0-9.]+)ms.*/\1/p')
	# 198.51.100.1 is the namespace's own address: OK; .7 WARNING
	cmp_icmp "$SLOW" "one OK, one WARNING, -m 1" 0 -H 198.51.100.1 -H 198.51.100.7 -w 20,40% -m 1
	cmp_icmp "$SLOW" "one OK, one WARNING, -m 2" 1 -H 198.51.100.1 -H 198.51.100.7 -w 20,40% -m 2
	cmp_icmp "$SLOW" "one OK, one WARNING, no -m" 1 -H 198.51.100.1 -H 198.51.100.7 -w 20,40%
	cmp_icmp "$SLOW" "one OK, one WARNING, -m 3" 1 -H 198.51.100.1 -H 198.51.100.7 -w 20,40% -m 3
	if [ -n "$rta" ] && awk -v a="$rta" 'BEGIN { exit !(a >= 50 && a < 150) }'; then
		np_ok "rta 50ms: rta=$rta"
	else
		np_not_ok "rta 50ms: rta='$rta', expected 50 to 150"
	fi
else
	np_not_ok "responder for --delay-ms did not start"
fi

# ICMP errors: the host is down (CRITICAL); -m 1 with a live host: OK.
if np_tun_ns UNREACH --unreachable 1 --router 198.51.100.254; then
	# (check_icmp says "Host unreachable @ 198.51.100.254.", netprobe
	# "host-unreachable @ 198.51.100.254.": its names for ICMP codes)
	CMP_LINE=no cmp_icmp "$UNREACH" "host unreachable" 2 -H 198.51.100.7
	np_match "host unreachable: the cause, lost 100%" '^CRITICAL - 198\.51\.100\.7: host-unreachable @ 198\.51\.100\.254\. rta nan, lost 100%\|' "$NP_PLUGIN_LINE"
	np_match "host unreachable: perfdata" "\\|$(perf_re "" 200.000 500.000 40 80)\$" "$NP_PLUGIN_LINE"
	CMP_LINE=no cmp_icmp "$UNREACH" "host unreachable, -m 1 with a live host" 0 -H 198.51.100.7 -H 198.51.100.1 -m 1
else
	np_not_ok "responder for --unreachable did not start"
fi

# A router that answers host unreachable (an "unreachable" route) or
# administratively prohibited ("prohibit"): the line says why the host is
# down and which router said so, as check_icmp's "Host unreachable @ ...".
ip -n "$B" route add unreachable 198.19.1.0/24
ip -n "$B" route add prohibit 198.19.2.0/24
np_sysctl "$B" net.ipv4.icmp_ratelimit=0
CMP_LINE=no cmp_icmp "$A" "router: host unreachable" 2 -H 198.19.1.1
np_match "router: host unreachable, the cause and the router on the line" \
	'^CRITICAL - 198\.19\.1\.1: host-unreachable @ 198\.51\.100\.2\. rta nan, lost 100%\|' "$NP_PLUGIN_LINE"
np_match "router: host unreachable, perfdata unchanged" "\\|$(perf_re "" 200.000 500.000 40 80)\$" "$NP_PLUGIN_LINE"
CMP_LINE=no cmp_icmp "$A" "router: prohibited, and a live host" 2 -H 198.18.0.1 -H 198.19.2.1
np_match "router: prohibited, the cause on its host's part only" \
	'^CRITICAL - 198\.18\.0\.1: rta [0-9.]+ms, lost 0% :: 198\.19\.2\.1: communication-prohibited @ 198\.51\.100\.2\. rta nan, lost 100%\|' "$NP_PLUGIN_LINE"
# a silent host (blackhole, no ICMP error): no cause, as check_icmp
np_run "$A" $T --plugin -H 198.19.0.1
np_match "silent host: no cause" '^CRITICAL - 198\.19\.0\.1: rta nan, lost 100%\|' "$NP_OUT"

# The RTA alone ("-w 200"), as check_icmp accepts it: the loss thresholds
# stay at their defaults.
cmp_icmp "$A" "RTA-only thresholds -w 200 -c 500" 0 -H 198.18.0.1 -w 200 -c 500
# (check_icmp then also sets the loss threshold to 0, a quirk of its
# parser for a zero RTA; the state is the same)
CMP_LINE=no cmp_icmp "$A" "RTA-only threshold reached -w 0" 1 -H 198.18.0.1 -w 0 -c 500

# A decimal RTA is read as written (netprobe.8, "Compared with check_icmp"):
# 0.25 is 0.250 ms; check_icmp 2.3 makes it 2.500 ms (the documented
# difference; both states are OK here).
np_run "$A" $T --plugin -H 198.18.0.1 -w 0.25,40% -c 500,80%
np_match "-w 0.25: 0.250 ms in the perfdata" '\|rta=[0-9.]+ms;0\.250;500\.000;0; ' "$NP_OUT"

# --- As the monitoring user (not root) ------------------------------------

# check_icmp runs with its file capability and takes -I 0 and -i 1 from
# any user; netprobe (a copy without capability: the datagram socket) runs
# them too, at the user minimums (-I 1ms, -i 2ms), and gives the same state.
PLAIN=$(np_plain_copy)
np_sysctl "$A" net.ipv4.ping_group_range="0 2147483647"
for args in "-I 0" "-i 1" "-I 0 -i 1" "-I 0 -i 0"; do
	# shellcheck disable=SC2086 # $args: options
	np_exec "$A" $T $NP_NOBODY "$PLAIN" --plugin -H 198.18.0.1 -H 198.18.0.2 $args
	np_rc=$NP_RC
	np_line=$NP_OUT
	# shellcheck disable=SC2086
	np_exec "$A" $T $NP_NOBODY "$CHECK_ICMP" -H 198.18.0.1 -H 198.18.0.2 $args
	np_eq "nobody $args: check_icmp OK" 0 "$NP_RC"
	np_eq "nobody $args: netprobe's state as check_icmp's" "$NP_RC" "$np_rc"
	np_match "nobody $args: OK line" '^OK - 198\.18\.0\.1: rta [0-9.]+ms, lost 0% :: 198\.18\.0\.2: ' "$np_line"
	np_nomatch "nobody $args: no word of --gap or a minimum" 'gap|below|minimal' "$np_line"
done
# A message in plugin mode names plugin-mode options: -b, not -s.
np_run "$A" $T --plugin -H 198.18.0.1 -b 65520
np_eq "-b too large for IPv4: exit 3" 3 "$NP_RC"
np_match "-b too large for IPv4: the message names -b" "^UNKNOWN - invalid value '65520' for -b: " "$NP_OUT"

np_finish
