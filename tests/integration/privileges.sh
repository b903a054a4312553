#!/bin/bash
# The three privilege paths, as an unprivileged user (setpriv to nobody):
#   1. binary with cap_net_raw+p: raw socket, and CapEff/CapPrm are 0 in
#      /proc/PID/status while it probes;
#   2. no capability, ping_group_range opened in the namespace: datagram
#      ICMP socket;
#   3. neither: exit 2 with one message naming setcap and the sysctl.
# Also: root drops everything too; a setuid copy is refused; make install
# sets the capability, or says how when it cannot.
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_cmd setpriv setcap getcap

np_netns NS
BIN_CAP="$NP_TMP/netprobe-cap"
BIN_PLAIN=$(np_plain_copy)
cp "$NETPROBE" "$BIN_CAP"
chmod 755 "$BIN_CAP"
setcap cap_net_raw+p "$BIN_CAP" || np_skip "setcap does not work on $NP_TMP"
np_eq "copy has the file capability" "cap_net_raw=p" "$(getcap "$BIN_CAP" | awk '{print $2}')"

NOBODY=$NP_NOBODY

# field NAME of /proc/PID/status
status_field() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

# Run in the background, sample /proc/PID/status while it probes.
probe_status() { # OUTFILE CMD...
	local out=$1 pid
	shift
	ip netns exec "$NS" timeout -s KILL 20 "$@" >"$out" 2>"$out.err" &
	pid=$!
	NP_PIDS="$NP_PIDS $pid"
	# timeout forks the real process: find netprobe among its children
	local child=""
	for _ in $(seq 50); do
		child=$(pgrep -P "$pid" 2>/dev/null | head -1)
		[ -n "$child" ] && grep -q '^CapBnd' "/proc/$child/status" 2>/dev/null &&
			[ "$(status_field "$child" NoNewPrivs)" = 1 ] && break
		sleep 0.05
	done
	sleep 0.3 # probing by now
	CAPEFF=$(status_field "$child" CapEff)
	CAPPRM=$(status_field "$child" CapPrm)
	NNP=$(status_field "$child" NoNewPrivs)
	PUID=$(status_field "$child" Uid)
	wait "$pid"
	PRC=$?
}

# 1. file capability
probe_status "$NP_TMP/p1" $NOBODY "$BIN_CAP" -v -c 10 -i 0.1 127.0.0.1
np_eq "filecap: exit 0" 0 "$PRC"
np_eq "filecap: runs as nobody" "$(id -u nobody)" "$PUID"
np_eq "filecap: CapEff 0 while probing" 0000000000000000 "$CAPEFF"
np_eq "filecap: CapPrm 0 while probing" 0000000000000000 "$CAPPRM"
np_eq "filecap: NoNewPrivs" 1 "$NNP"
np_match "filecap: -v names the raw socket and the file capability" \
	'^netprobe: socket: raw socket, CAP_NET_RAW held by a user other than root \(file capability\)$' "$(cat "$NP_TMP/p1.err")"
np_match "filecap: -v confirms the drop" 'all capabilities dropped before the first probe \(CapPrm=0 CapEff=0\), no_new_privs=1' "$(cat "$NP_TMP/p1.err")"
np_match "filecap: exact counts" '^10 packets transmitted, 10 received, 0% packet loss' "$(cat "$NP_TMP/p1")"

# 2. datagram ICMP socket through ping_group_range (per namespace)
np_sysctl "$NS" net.ipv4.ping_group_range="0 2147483647"
probe_status "$NP_TMP/p2" $NOBODY "$BIN_PLAIN" -v -c 10 -i 0.1 127.0.0.1
np_eq "dgram: exit 0" 0 "$PRC"
np_eq "dgram: CapEff 0" 0000000000000000 "$CAPEFF"
np_eq "dgram: CapPrm 0" 0000000000000000 "$CAPPRM"
np_match "dgram: -v names the datagram socket" \
	'^netprobe: socket: datagram ICMP socket, unprivileged \(net.ipv4.ping_group_range\)$' "$(cat "$NP_TMP/p2.err")"
np_match "dgram: exact counts" '^10 packets transmitted, 10 received, 0% packet loss' "$(cat "$NP_TMP/p2")"
probe_status "$NP_TMP/p2b" $NOBODY "$BIN_PLAIN" -c 5 -i 0.1 ::1
np_match "dgram v6: exact counts" '^5 packets transmitted, 5 received, 0% packet loss' "$(cat "$NP_TMP/p2b")"

# With both available, the raw socket wins.
probe_status "$NP_TMP/p2c" $NOBODY "$BIN_CAP" -v -c 8 -i 0.1 127.0.0.1
np_match "both: raw socket preferred" 'socket: raw socket' "$(cat "$NP_TMP/p2c.err")"

# 3. neither
np_sysctl "$NS" net.ipv4.ping_group_range="1 0"
ip netns exec "$NS" timeout 20 $NOBODY "$BIN_PLAIN" -c 2 127.0.0.1 >"$NP_TMP/p3" 2>"$NP_TMP/p3.err"
np_eq "neither: exit 2" 2 "$?"
err=$(cat "$NP_TMP/p3.err")
np_match "neither: names setcap" "setcap cap_net_raw\\+p $BIN_PLAIN" "$err"
np_match "neither: names the sysctl" 'sysctl -w net.ipv4.ping_group_range="0 2147483647"' "$err"
np_match "neither: says why" 'outside net.ipv4.ping_group_range \("1 0"\)' "$err"
np_eq "neither: one error, nothing else on stdout" "" "$(cat "$NP_TMP/p3")"

# Root: the same treatment.
probe_status "$NP_TMP/p4" "$NETPROBE" -v -c 10 -i 0.1 127.0.0.1
np_eq "root: exit 0" 0 "$PRC"
np_eq "root: CapEff 0 while probing" 0000000000000000 "$CAPEFF"
np_eq "root: CapPrm 0 while probing" 0000000000000000 "$CAPPRM"
np_eq "root: NoNewPrivs" 1 "$NNP"
np_match "root: -v says root" 'socket: raw socket, CAP_NET_RAW held by root' "$(cat "$NP_TMP/p4.err")"

# Never setuid: a setuid copy refuses to run.
BIN_SUID="$NP_TMP/netprobe-suid"
cp "$NETPROBE" "$BIN_SUID"
chmod 4755 "$BIN_SUID"
ip netns exec "$NS" timeout 20 $NOBODY "$BIN_SUID" -c 1 127.0.0.1 >/dev/null 2>"$NP_TMP/p5.err"
np_eq "setuid: exit 2" 2 "$?"
np_match "setuid: refused" 'refusing to run setuid' "$(cat "$NP_TMP/p5.err")"

# make install gives cap_net_raw+p (unless configured --disable-setcap),
# and says what to run when setcap fails.
if [ -n "${NP_BUILDDIR:-}" ] && [ -f "$NP_BUILDDIR/Makefile" ]; then
	dest="$NP_TMP/dest"
	make -s -C "$NP_BUILDDIR" install-exec DESTDIR="$dest" >"$NP_TMP/inst" 2>&1
	np_eq "make install-exec: exit 0" 0 "$?"
	inst=$(find "$dest" -name netprobe -type f | head -1)
	if [ "${NP_SETCAP_ENABLED:-yes}" = yes ]; then
		np_eq "installed binary has cap_net_raw+p" "cap_net_raw=p" "$(getcap "$inst" | awk '{print $2}')"
		perm=$(stat -c %a "$inst")
		np_eq "installed binary is not setuid" 755 "$perm"
		rm -rf "$dest"
		make -s -C "$NP_BUILDDIR" install-exec DESTDIR="$dest" SETCAP=/bin/false >"$NP_TMP/inst" 2>&1
		np_eq "setcap failing: install still succeeds" 0 "$?"
		np_match "setcap failing: says so and prints the command" \
			'could not give .* the capability cap_net_raw\+p' "$(cat "$NP_TMP/inst")"
		np_match "setcap failing: prints the command" 'setcap cap_net_raw\+p .*/netprobe' "$(cat "$NP_TMP/inst")"
	else
		np_eq "--disable-setcap: no capability set" "" "$(getcap "$inst")"
	fi
else
	np_skip "NP_BUILDDIR is not set (run through make check)"
fi
np_finish
