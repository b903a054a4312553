#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# shellcheck disable=SC2153 # LO, LOSS, ... are set by np_netns (eval)
# jc-parse.sh - `jc --ping` reads netprobe's text output as it reads iputils
# ping's, and finds the numbers netprobe printed.
#
# Runs, each in a namespace of its own:
#   a) replies on loopback: 127.0.0.1, localhost (jc's hostname layout), ::1
#   b) loss: a TUN responder answering every other probe (--answer 10),
#      IPv4 and IPv6: 6 transmitted, 3 received, 50% loss, exit code 0
#   c) duplicates: a TUN responder sending every reply twice (--dup 1),
#      IPv4 and IPv6: 4 transmitted, 4 received, +4 duplicates, 4 (DUP!)
#      (or +3: the last probe's duplicate races netprobe's exit, see below)
#   d) duplicates and loss (--dup 1 --answer 11110): 5 transmitted,
#      4 received, +4 duplicates (exactly), 20% loss
# For each run: netprobe's own summary against the scenario, then jc's
# summary fields, RTTs and responses against what netprobe printed.
#
# Takes about 10 s.  Traffic: loopback, and 198.51.100.0/24 and
# 2001:db8::/64 routed into a TUN device inside the test's namespaces.

NP_TESTS=${NP_TESTS:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=lib.sh
. "$NP_TESTS/integration/lib.sh"

np_require_root
np_require_cmd ip jc timeout
np_require_tun

# Canonical forms, so that "0.060" (netprobe) and 0.06 (jc) compare equal:
# reads jc's JSON on stdin and netprobe's values as KEY=VALUE arguments
# (lists comma-separated), prints KEY<TAB>netprobe<TAB>jc per field.
JC_COMPARE='
import json, sys

jc = json.load(sys.stdin)
replies = [r for r in jc.get("responses", []) if r.get("type") == "reply"]
jcv = {
    "packets_transmitted": jc.get("packets_transmitted"),
    "packets_received": jc.get("packets_received"),
    "packet_loss_percent": jc.get("packet_loss_percent"),
    "duplicates": jc.get("duplicates"),
    "round_trip_ms_min": jc.get("round_trip_ms_min"),
    "round_trip_ms_avg": jc.get("round_trip_ms_avg"),
    "round_trip_ms_max": jc.get("round_trip_ms_max"),
    "round_trip_ms_stddev": jc.get("round_trip_ms_stddev"),
    "destination_ip": jc.get("destination_ip"),
    "data_bytes": jc.get("data_bytes"),
    "responses": len(jc.get("responses", [])),
    "replies": len(replies),
    "duplicate_replies": sum(1 for r in replies if r.get("duplicate") is True),
    "reply_seqs": [r.get("icmp_seq") for r in replies],
    "reply_times": [r.get("time_ms") for r in replies],
}
FLOATS = {"packet_loss_percent", "round_trip_ms_min", "round_trip_ms_avg",
          "round_trip_ms_max", "round_trip_ms_stddev", "reply_times"}
TEXT = {"destination_ip"}

def canon(key, v):
    if v is None or v == "":
        return "null"
    if isinstance(v, list):
        return ",".join(canon(key, x) for x in v)
    try:
        if key in TEXT:
            return str(v)
        if key in FLOATS:
            return repr(float(v))
        return str(int(v))
    except (TypeError, ValueError):
        return "unparsable:%r" % (v,)

for arg in sys.argv[1:]:
    key, _, val = arg.partition("=")
    mine = val.split(",") if key.startswith("reply_") and val else val
    print("%s\t%s\t%s" % (key, canon(key, mine), canon(key, jcv[key])))
'

# np_eq_alt DESC "A|B|..." ACTUAL: ACTUAL is one of the alternatives.
np_eq_alt() {
	case "|$2|" in
	*"|$3|"*) np_ok "$1" ;;
	*) np_not_ok "$1: expected one of '$2', got '$3'" ;;
	esac
}

# check_run LABEL NS RC TX RX LOSS DUPS SEQS -- NETPROBE-ARGS...
# Runs netprobe, checks its summary against the expected exit code,
# transmitted, received, loss %, duplicates ("" for none) and replied
# sequence numbers (comma-separated, duplicates included; DUPS and SEQS may
# list alternatives as "A|B"), then jc's reading against what netprobe
# printed.
check_run() {
	local label=$1 ns=$2 rc=$3 tx=$4 rx=$5 loss=$6 dups=$7 seqs=$8
	local out rtt line_seqs line_times replies duplines dst bytes json
	local key mine theirs printed_dups
	shift 9

	np_run "$ns" 15 "$@"
	out=$NP_OUT
	np_eq "$label: exit code" "$rc" "$NP_RC"
	[ -z "$NP_ERR" ] || printf '    | stderr: %s\n' "$NP_ERR"

	# What netprobe printed.
	rtt=$(printf '%s\n' "$out" | sed -nE \
		's|^rtt min/avg/max/mdev = ([0-9.]+)/([0-9.]+)/([0-9.]+)/([0-9.]+) ms$|\1 \2 \3 \4|p')
	# shellcheck disable=SC2086 # four numbers, split on purpose
	set -- $rtt
	line_seqs=$(printf '%s\n' "$out" |
		sed -nE 's/^[0-9]+ bytes from .*: icmp_seq=([0-9]+) .*/\1/p' |
		paste -sd, -)
	line_times=$(printf '%s\n' "$out" |
		sed -nE 's/^[0-9]+ bytes from .* time=([0-9.]+) ms.*/\1/p' |
		paste -sd, -)
	replies=$(printf '%s\n' "$out" | grep -cE '^[0-9]+ bytes from ')
	duplines=$(printf '%s\n' "$out" | grep -cE '^[0-9]+ bytes from .* \(DUP!\)')
	dst=$(printf '%s\n' "$out" | sed -nE \
		's/^PING [^(]*\(([^()]*\()?([^()]+)\)+ [0-9].*/\2/p')
	bytes=$(printf '%s\n' "$out" | sed -nE \
		's/^PING .*\) ([0-9]+)(\([0-9]+\) bytes of data\.| data bytes)$/\1/p')

	# netprobe against the scenario.
	np_eq "$label: transmitted" "$tx" "$(np_summary transmitted)"
	np_eq "$label: received" "$rx" "$(np_summary received)"
	np_eq "$label: loss" "$loss" "$(np_summary loss)"
	printed_dups=$(np_summary duplicates)
	np_eq_alt "$label: duplicates" "$dups" "$printed_dups"
	np_eq_alt "$label: replied seqs" "$seqs" "$line_seqs"
	printed_dups=${printed_dups:-0} # no "+N duplicates" is jc's 0
	np_eq "$label: (DUP!) lines as many as duplicates" "$printed_dups" \
		"$duplines"
	np_match "$label: rtt line" \
		'^rtt min/avg/max/mdev = [0-9]+\.[0-9]{3}(/[0-9]+\.[0-9]{3}){3} ms$' \
		"$out"
	if [ $# -eq 4 ] && awk -v a="$1" -v b="$2" -v c="$3" \
		'BEGIN { exit !(a <= b && b <= c) }'; then
		np_ok "$label: rtt min <= avg <= max"
	else
		np_not_ok "$label: rtt min <= avg <= max: '$rtt'"
	fi

	# jc against netprobe.
	json=$(printf '%s\n' "$out" | jc --ping 2>"$NP_TMP/jc.err")
	np_eq "$label: jc --ping exit code" 0 $?
	[ -s "$NP_TMP/jc.err" ] && sed 's/^/    | jc: /' "$NP_TMP/jc.err"
	while IFS=$'\t' read -r key mine theirs; do
		np_eq "$label: jc $key" "$mine" "$theirs"
	done < <(printf '%s\n' "$json" | "$NP_PYTHON" -c "$JC_COMPARE" \
		packets_transmitted="$(np_summary transmitted)" \
		packets_received="$(np_summary received)" \
		packet_loss_percent="$(np_summary loss)" \
		duplicates="$printed_dups" \
		round_trip_ms_min="${1:-}" round_trip_ms_avg="${2:-}" \
		round_trip_ms_max="${3:-}" round_trip_ms_stddev="${4:-}" \
		destination_ip="$dst" data_bytes="$bytes" \
		responses="$replies" replies="$replies" \
		duplicate_replies="$duplines" \
		reply_seqs="$line_seqs" reply_times="$line_times" ||
		printf 'python\tran\tfailed on: %s\n' "$json")
}

# dump_log NAME FAILED-BEFORE: the responder's log, when a check failed.
dump_log() {
	[ "$NP_FAILED" -gt "$2" ] && [ -r "$NP_TMP/$1.log" ] &&
		sed 's/^/    | responder: /' "$NP_TMP/$1.log"
	return 0
}

# note_race: say when (c) lost the race for the last duplicate.
note_race() {
	case $NP_OUT in
	*"+3 duplicates"*) echo "# note: the last duplicate came after netprobe stopped reading" ;;
	esac
}

# (a) loopback: numeric IPv4, a hostname (jc's other layout), IPv6.
np_netns LO
check_run "a/127.0.0.1" "$LO" 0 5 5 0 "" 1,2,3,4,5 -- \
	-c 5 -i 0.2 127.0.0.1
check_run "a/localhost" "$LO" 0 5 5 0 "" 1,2,3,4,5 -- \
	-c 5 -i 0.2 localhost
check_run "a/::1" "$LO" 0 5 5 0 "" 1,2,3,4,5 -- \
	-c 5 -i 0.2 ::1

# (b) loss: the responder answers seq 1, 3, 5; -W 1 bounds the wait for
# the unanswered last one.
failed=$NP_FAILED
if np_tun_ns LOSS --answer 10; then
	check_run "b/198.51.100.7" "$LOSS" 0 6 3 50 "" 1,3,5 -- \
		-c 6 -i 0.2 -W 1 198.51.100.7
	check_run "b/2001:db8::7" "$LOSS" 0 6 3 50 "" 1,3,5 -- \
		-c 6 -i 0.2 -W 1 2001:db8::7
else
	np_not_ok "b: responder (--answer 10) ready"
fi
dump_log LOSS "$failed"

# (e) no reply at all (the runbook case): no rtt line, and the empty line
# iputils ends such a run with, without which jc misreads the summary.
failed=$NP_FAILED
if np_tun_ns SILENT --answer 0; then
	for tgt in 198.51.100.7 2001:db8::7; do
		np_run "$SILENT" 15 -c 3 -i 0.1 -W 0.5 "$tgt"
		np_eq "e/$tgt: exit 1" 1 "$NP_RC"
		np_eq "e/$tgt: ends with an empty line" 0a0a "$(tail -c 2 "$NP_TMP/out" | od -An -tx1 | tr -d ' \n')"
		json=$(jc --ping <"$NP_TMP/out")
		got=$(printf '%s\n' "$json" | "$NP_PYTHON" -c 'import json,sys; d=json.load(sys.stdin); print(d.get("packets_transmitted"), d.get("packets_received"), d.get("packet_loss_percent"), d.get("data_bytes"), d.get("time_ms"))')
		np_eq "e/$tgt: jc reads 3 sent, 0 received, 100% loss, 56 bytes, the time" \
			"3 0 100.0 56 $(printf '%s\n' "$NP_OUT" | sed -nE 's/.*time ([0-9]+)ms$/\1/p').0" "$got"
	done
else
	np_not_ok "e: responder (--answer 0) ready"
fi
dump_log SILENT "$failed"

# (c) duplicates: every reply twice.  The copies leave back to back, but
# after the reply to the last probe netprobe stops reading (as iputils
# ping does: with -c N it exits once N probes are answered), so whether the
# last probe's duplicate is still counted is a race that ping loses too.
# Only that one duplicate may be missing; (d) counts all of them.
failed=$NP_FAILED
if np_tun_ns DUP --dup 1; then
	check_run "c/198.51.100.7" "$DUP" 0 4 4 0 "4|3" \
		"1,1,2,2,3,3,4,4|1,1,2,2,3,3,4" -- -c 4 -i 0.2 198.51.100.7
	note_race
	check_run "c/2001:db8::7" "$DUP" 0 4 4 0 "4|3" \
		"1,1,2,2,3,3,4,4|1,1,2,2,3,3,4" -- -c 4 -i 0.2 2001:db8::7
	note_race
else
	np_not_ok "c: responder (--dup 1) ready"
fi
dump_log DUP "$failed"

# (d) duplicates and loss: every reply twice, the fifth probe unanswered,
# so netprobe still waits (-W 1) when the fourth duplicate arrives: exactly
# +4 duplicates, and jc's layout of a summary with both.
failed=$NP_FAILED
if np_tun_ns DUPLOSS --dup 1 --answer 11110; then
	check_run "d/198.51.100.7" "$DUPLOSS" 0 5 4 20 4 \
		1,1,2,2,3,3,4,4 -- -c 5 -i 0.2 -W 1 198.51.100.7
	check_run "d/2001:db8::7" "$DUPLOSS" 0 5 4 20 4 \
		1,1,2,2,3,3,4,4 -- -c 5 -i 0.2 -W 1 2001:db8::7
else
	np_not_ok "d: responder (--dup 1 --answer 11110) ready"
fi
dump_log DUPLOSS "$failed"

np_finish
