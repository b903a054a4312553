#!/bin/bash
# The seccomp sandbox: loaded after setup in every mode, the normal runs
# unaffected, and after setup a new socket, exec or open kills netprobe
# with a message naming the system call.  --sandbox-test makes netprobe try
# one of those right after it entered the sandbox.
. "$(dirname "$0")/lib.sh"
np_require_root

np_netns NS
ip -n "$NS" route add local 198.18.0.0/16 dev lo

np_run "$NS" 10 -V
if [ "${NP_SANITIZED:-no}" = yes ]; then
	# configure leaves the sandbox out of a sanitizer build (LeakSanitizer
	# needs clone and ptrace at exit); the normal build runs this script.
	np_match "sanitizer build: no sandbox, and -V says so" '^sandbox after setup: none' "$NP_OUT"
	np_finish
fi
np_match "-V: the sandbox is built in" '^sandbox after setup: seccomp \(libseccomp\)$' "$NP_OUT"

# Normal runs, every mode and output, under the sandbox.
np_run "$NS" 10 -v -c 3 -i 0.05 127.0.0.1
np_eq "ping mode: exit 0" 0 "$NP_RC"
np_match "ping mode: 3 replies" '^3 packets transmitted, 3 received, 0% packet loss' "$NP_OUT"
np_match "ping mode: -v says the filter is loaded" '^netprobe: sandbox: seccomp filter loaded' "$NP_ERR"
np_nomatch "ping mode: nothing refused" 'is not allowed' "$NP_ERR"
np_run "$NS" 10 -J -c 2 -i 0.05 ::1
np_eq "JSON, IPv6: exit 0" 0 "$NP_RC"
np_match "JSON, IPv6: the summary" '^\{"event":"summary".*"received":2,' "$NP_OUT"
np_run "$NS" 20 --metrics "$NP_TMP/m.prom" -a --gap 0 -r 0 198.18.0.0/24
np_eq "sweep with metrics: exit 0" 0 "$NP_RC"
np_eq "sweep with metrics: 254 alive" 254 "$(printf '%s\n' "$NP_OUT" | grep -c .)"
np_eq "sweep with metrics: the file written and renamed" 254 "$(grep -c '^netprobe_up{.*} 1$' "$NP_TMP/m.prom")"
np_run "$NS" 10 --plugin -H 198.18.0.1 -n 2 -i 10
np_eq "plugin mode: OK" 0 "$NP_RC"
np_run "$NS" 10 -c 2 -i 0.05 -W 0.2 198.18.0.1 198.19.0.1
np_eq "many targets, one send error: exit 1" 1 "$NP_RC"
np_nomatch "many targets: nothing refused" 'is not allowed' "$NP_ERR"

# The filter is in place while probing.
ip netns exec "$NS" "$NETPROBE" -c 20 -i 0.05 127.0.0.1 >/dev/null 2>&1 &
pid=$!
NP_PIDS="$NP_PIDS $pid"
sleep 0.3
np_eq "while probing: seccomp filter mode (2) in /proc" 2 "$(sed -n 's/^Seccomp:[[:space:]]*//p' "/proc/$pid/status")"
wait "$pid"

# After setup: a new socket, exec, open are refused, loudly, in ping mode,
# in a many-target run and in monitoring-plugin mode (where the monitoring
# system reads the UNKNOWN line on stdout and status 3).
for mode in ping many plugin; do
	case $mode in
	ping) args="-c 1 127.0.0.1" want=2 ;;
	many) args="-a 127.0.0.1 198.18.0.1" want=2 ;;
	plugin) args="--plugin -H 127.0.0.1" want=3 ;;
	esac
	for t in socket:41:socket exec:59:execve open:257:openat; do
		IFS=: read -r what nr call <<<"$t"
		# shellcheck disable=SC2086 # $args holds several words
		np_run "$NS" 10 --sandbox-test="$what" $args
		np_eq "$mode, $what after setup: exit $want" "$want" "$NP_RC"
		np_match "$mode, $what after setup: the call named" "^netprobe: sandbox: system call $nr \\($call\\) is not allowed after setup" "$NP_ERR"
		if [ "$mode" = plugin ]; then
			np_match "$mode, $what after setup: UNKNOWN on stdout" "^UNKNOWN - sandbox: system call $nr \\($call\\) is not allowed" "$NP_OUT"
		else
			np_eq "$mode, $what after setup: nothing on stdout" "" "$NP_OUT"
		fi
		# shellcheck disable=SC2086
		np_run "$NS" 10 --no-sandbox --sandbox-test="$what" $args
		if [ "$what" = exec ]; then
			np_eq "$mode, exec with --no-sandbox: /bin/true ran (exit 0)" 0 "$NP_RC"
		elif [ "$mode" = plugin ]; then
			# nothing was checked: UNKNOWN, with the status line
			np_eq "$mode, $what with --no-sandbox: allowed (exit 3, UNKNOWN)" 3 "$NP_RC"
			np_match "$mode, $what with --no-sandbox: says so" "sandbox test: $what was allowed" "$NP_ERR"
			np_eq "$mode, $what with --no-sandbox: the status line" "UNKNOWN - sandbox test: $what was allowed" "$NP_OUT"
		else
			np_eq "$mode, $what with --no-sandbox: allowed (exit 1)" 1 "$NP_RC"
			np_match "$mode, $what with --no-sandbox: says so" "sandbox test: $what was allowed" "$NP_ERR"
			np_eq "$mode, $what with --no-sandbox: nothing on stdout" "" "$NP_OUT"
		fi
	done
done

# A sandbox sized to the run, as pledge's promises follow the options: a
# call that only some runs need is refused in the others.  rename: only
# with --metrics FILE (not with "-"); poll: only with a capture (--save);
# recv: only on the name helper's socket, which runs in ping mode for a
# target given by name without -n.
refused() { # DESC CALL-REGEX
	np_eq "$1: refused (exit 2)" 2 "$NP_RC"
	np_match "$1: the call named" "^netprobe: sandbox: system call [0-9]+ \\(($2)\\) is not allowed after setup" "$NP_ERR"
}
allowed() { # DESC WHAT
	np_eq "$1: allowed (exit 1)" 1 "$NP_RC"
	np_match "$1: says so" "sandbox test: $2 was allowed" "$NP_ERR"
}
np_run "$NS" 10 --sandbox-test=rename -c 1 127.0.0.1
refused "ping mode, rename without --metrics" 'rename|renameat|renameat2'
np_run "$NS" 10 --sandbox-test=rename --metrics - -c 1 127.0.0.1
refused "ping mode, rename with --metrics -" 'rename|renameat|renameat2'
np_run "$NS" 10 --sandbox-test=rename --metrics "$NP_TMP/r1.prom" -c 1 127.0.0.1
allowed "ping mode, rename with --metrics FILE" rename
np_run "$NS" 10 --sandbox-test=rename -a 127.0.0.1 198.18.0.1
refused "many targets, rename without --metrics" 'rename|renameat|renameat2'
np_run "$NS" 10 --sandbox-test=rename --metrics "$NP_TMP/r2.prom" -a 127.0.0.1 198.18.0.1
allowed "many targets, rename with --metrics FILE" rename
np_run "$NS" 10 --sandbox-test=poll -c 1 127.0.0.1
refused "ping mode, poll without a capture" poll
np_run "$NS" 10 -V
if printf '%s\n' "$NP_OUT" | grep -q '^configured with libpcap (.*loaded when capturing: '; then
	np_run "$NS" 10 --sandbox-test=poll --save "$NP_TMP/p.pcap" -c 1 127.0.0.1
	allowed "ping mode, poll with --save" poll
fi
np_run "$NS" 10 --sandbox-test=recv -c 1 127.0.0.1
refused "ping mode, recv for a numeric target (no helper)" recvfrom
np_run "$NS" 10 --sandbox-test=recv -n -c 1 localhost
refused "ping mode, recv with -n (no helper)" recvfrom
np_run "$NS" 10 --sandbox-test=recv -c 1 localhost
allowed "ping mode, recv on the helper's socket" recv
np_run "$NS" 10 --sandbox-test=recv -a 127.0.0.1 198.18.0.1
refused "many targets, recv (no helper)" recvfrom
# Inspect mode too (netprobe.8: --sandbox-test "works in every mode"): a
# live capture on lo, the test made right after entering the sandbox.
if "$NETPROBE" -V | grep -q 'with libpcap'; then
	np_run "$NS" 10 --sandbox-test=socket --inspect=lo -c 1 -w 1
	np_eq "inspect, socket after setup: exit 2" 2 "$NP_RC"
	np_match "inspect, socket after setup: the call named" \
		'^netprobe: sandbox: system call 41 \(socket\) is not allowed after setup' "$NP_ERR"
	np_run "$NS" 10 --no-sandbox --sandbox-test=socket --inspect=lo -c 1 -w 1
	np_eq "inspect, socket with --no-sandbox: allowed (exit 1)" 1 "$NP_RC"
	np_match "inspect, socket with --no-sandbox: says so" \
		"sandbox test: socket was allowed" "$NP_ERR"
fi
np_finish
