#!/bin/bash
# -J (JSON Lines): every line netprobe prints is validated against
# contrib/netprobe.schema.json (python3-jsonschema, draft 2020-12), for
# replies (IPv4, IPv6), loss, -O, duplicates, ICMP errors, corrupted and
# late replies, send errors, many targets and -v ignored packets; and the
# numbers are exact: events by type, the summaries' counters, which seq and
# probe each event is about; both socket kinds (raw, datagram).  Host names
# with a quote and a backslash, or in UTF-8, round-trip through the JSON
# strings.
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_tun

# Debian's python3 with python3-jsonschema (a python3 earlier on PATH, e.g.
# pyenv's, may lack it).
PY=${NP_SYSTEM_PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || np_skip "needs $PY"
"$PY" -c 'import jsonschema' 2>/dev/null || np_skip "needs python3-jsonschema for $PY"
SCHEMA=$NP_TESTS/../contrib/netprobe.schema.json
[ -r "$SCHEMA" ] || np_skip "schema not found at $SCHEMA"


# jl.py: validate, count and pick from a JSON Lines file.
JL=$NP_TMP/jl.py
cat >"$JL" <<'EOF'
import json, sys
from collections import Counter

import jsonschema

def load(path):
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")

def objects(path):
    return [json.loads(l) for l in load(path) if l != ""]

def show(v):
    return v if isinstance(v, str) else json.dumps(v)

def validate(schema_path, path):
    """Every line is one valid object; a few relations the schema cannot
    say.  Prints the problems and exits 1, or prints the line count."""
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    lines = load(path)
    bad = []
    if lines and lines[-1] == "":
        lines.pop()
    else:
        bad.append("output does not end with a newline")
    if not lines:
        bad.append("no output")
    done = set()  # targets whose summary came: nothing of theirs after it
    for n, line in enumerate(lines, 1):
        try:
            o = json.loads(line)
        except ValueError as e:
            bad.append("line %d is not JSON (%s): %r" % (n, e, line))
            continue
        # --read / --inspect objects have no target: no per-target rules
        if isinstance(o, dict) and o.get("event") != "ignored" and "target" in o:
            key = (o.get("target"), o.get("address"))
            if key in done:
                bad.append("line %d: after the summary of its target: %r" % (n, line))
            if o.get("event") == "summary":
                done.add(key)
        errs = sorted(v.iter_errors(o), key=lambda e: list(e.path))
        for e in errs:
            bad.append("line %d: %s at %s: %r" % (n, e.message,
                       "/".join(map(str, e.absolute_path)) or "(top)", line))
        if errs or o.get("event") != "summary" or "target" not in o:
            continue
        if o["time"] != o["end"]:
            bad.append("line %d: summary time != end" % n)
        if o["start"] > o["end"]:
            bad.append("line %d: summary start after end" % n)
        if o["received"] > o["transmitted"]:
            bad.append("line %d: received > transmitted" % n)
        tx, rx = o["transmitted"], o["received"]
        want = 100.0 * (tx - rx) / tx if tx else 0.0
        if abs(o["loss_pct"] - want) > 0.0006:
            bad.append("line %d: loss_pct %s, expected %.3f" % (n, o["loss_pct"], want))
        r = o["rtt_ms"]
        if (r is None) != (rx == 0):
            bad.append("line %d: rtt_ms %s with %d received" % (n, r, rx))
        if r is not None:
            if not (r["min"] <= r["avg"] <= r["max"]):
                bad.append("line %d: not min <= avg <= max: %s" % (n, r))
            if "p50" in r and not (r["min"] <= r["p50"] <= r["p90"] <= r["p99"] <= r["max"]):
                bad.append("line %d: percentiles out of order or range: %s" % (n, r))
    for b in bad[:20]:
        print(b)
    if bad:
        sys.exit(1)
    print(len(lines))

def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == "validate":
        validate(sys.argv[3], path)
        return
    objs = objects(path)
    if cmd == "events":            # reply=3 summary=1 (sorted by name)
        c = Counter(o["event"] for o in objs)
        print(" ".join("%s=%d" % kv for kv in sorted(c.items())))
    elif cmd == "summary":         # summary TARGET: the counters
        s = [o for o in objs if o["event"] == "summary" and o["target"] == sys.argv[3]]
        if len(s) != 1:
            print("%d summaries" % len(s))
            return
        o = s[0]
        print("tx=%d rx=%d dup=%d corr=%d err=%d late=%d loss=%.3f rtt=%s" % (
            o["transmitted"], o["received"], o["duplicates"], o["corrupted"],
            o["errors"], o["late"], o["loss_pct"],
            "null" if o["rtt_ms"] is None else "+".join(sorted(o["rtt_ms"]))))
    elif cmd == "field":           # field EVENT KEY [TARGET]: values, in order
        ev, key = sys.argv[3], sys.argv[4]
        tgt = sys.argv[5] if len(sys.argv) > 5 else None
        print(" ".join(show(o.get(key, "-")) for o in objs if o["event"] == ev
                       and (tgt is None or o["target"] == tgt)))
    elif cmd == "targets":         # targets of the summaries, in order
        print(" ".join(o["target"] for o in objs if o["event"] == "summary"))
    elif cmd == "raw":             # raw EVENT KEY: json.dumps of the values
        print("\n".join(json.dumps(o.get(sys.argv[4])) for o in objs
                        if o["event"] == sys.argv[3]))

main()
EOF

OUT=$NP_TMP/json.out
jl() { "$PY" "$JL" "$1" "$OUT" "${@:2}"; }

# jrun NS TIMEOUT ARGS...: netprobe -J ARGS in NS; stdout kept in $OUT.
jrun() {
	np_run "$@"
	cp "$NP_TMP/out" "$OUT"
}

# valid DESC: every line of the last run matches the schema.
valid() {
	local r
	if r=$(jl validate "$SCHEMA" 2>&1); then
		np_ok "$1: $r lines, all valid"
	else
		np_not_ok "$1: invalid output:"
		printf '%s\n' "$r" | sed 's/^/    | /'
	fi
}

# --- The schema itself: strict enough to reject what it must ------------

good='{"event":"reply","time":"2026-01-02T03:04:05.123456Z","target":"h","address":"198.18.0.1","seq":1,"from":"198.18.0.1","bytes":64,"ttl":64,"rtt_ms":0.051}'
printf '%s\n' "$good" >"$OUT"
valid "schema: a well-formed reply"
bad_case() { # DESC SED-EXPRESSION: $good edited must be rejected
	printf '%s\n' "$good" | sed "$2" >"$OUT"
	if jl validate "$SCHEMA" >/dev/null 2>&1; then
		np_not_ok "schema: accepts $1: $(cat "$OUT")"
	else
		np_ok "schema: rejects $1"
	fi
}
good_case() { # DESC SED-EXPRESSION: $good edited must be accepted
	printf '%s\n' "$good" | sed "$2" >"$OUT"
	if r=$(jl validate "$SCHEMA" 2>&1); then
		np_ok "schema: accepts $1"
	else
		np_not_ok "schema: rejects $1: $r"
	fi
}
good_case "a duplicate that is also corrupted" 's/"reply"/"duplicate"/; s/}$/,"reason":"bad checksum"}/'
good_case "a late reply without ttl and rtt" 's/"reply"/"late"/; s/,"ttl":64,"rtt_ms":0.051//'
good_case "an IPv6 link-local address" 's/"198.18.0.1"/"fe80::1%eth0"/g'
bad_case "an unknown field" 's/}$/,"new":1}/'
bad_case "an unknown event" 's/"reply"/"pong"/'
bad_case "a time without microseconds" 's/\.123456Z/Z/'
bad_case "a time with an offset" 's/Z"/+00:00"/'
bad_case "a negative rtt" 's/0\.051/-0.051/'
bad_case "rtt as a string" 's/0\.051/"0.051"/'
bad_case "seq as a float" 's/"seq":1/"seq":1.5/'
bad_case "seq above 65535" 's/"seq":1/"seq":65536/'
bad_case "a reply without from" 's/"from":"198.18.0.1",//'
bad_case "a reply with a reason" 's/}$/,"reason":"bad checksum"}/'
bad_case "a corrupted reply without a reason" 's/"reply"/"corrupted"/'
bad_case "another reason" 's/"reply"/"late"/; s/}$/,"reason":"bad"}/'
bad_case "a host name as from" 's/"from":"198.18.0.1"/"from":"h"/'
bad_case "a summary's fields in a reply" 's/}$/,"transmitted":1}/'
printf '%s\n' '{"event":"summary","time":"2026-01-02T03:04:05.123456Z","target":"h","address":"::1","transmitted":1,"received":0,"duplicates":0,"corrupted":0,"errors":0,"late":0,"loss_pct":100.000,"rtt_ms":{"min":1,"avg":1,"max":1,"mdev":0},"privilege":"raw socket, CAP_NET_RAW held by root","start":"2026-01-02T03:04:05.000000Z","end":"2026-01-02T03:04:05.123456Z"}' >"$OUT"
if jl validate "$SCHEMA" >/dev/null 2>&1; then
	np_not_ok "checks: accept rtt_ms with 0 received"
else
	np_ok "checks: reject rtt_ms with 0 received"
fi
sed -i 's/"rtt_ms":{[^}]*}/"rtt_ms":{"min":1,"avg":1,"max":1,"mdev":0,"p50":1}/; s/"received":0/"received":1/; s/"loss_pct":100.000/"loss_pct":0.000/' "$OUT"
if jl validate "$SCHEMA" >/dev/null 2>&1; then
	np_not_ok "schema: accepts p50 without p90 and p99"
else
	np_ok "schema: rejects p50 without p90 and p99"
fi

np_ab_net # A: answers 198.18.0.0/16 and 2001:db8:1::/112; 198.19.0.0/16 silent (lib.sh)
T=20

# --- Replies -------------------------------------------------------------

jrun "$A" $T -J -c 3 -i 0.05 198.18.0.1
valid "ping IPv4"
np_eq "ping IPv4: exit 0" 0 "$NP_RC"
np_eq "ping IPv4: events" "reply=3 summary=1" "$(jl events)"
np_eq "ping IPv4: summary" "tx=3 rx=3 dup=0 corr=0 err=0 late=0 loss=0.000 rtt=avg+max+mdev+min+p50+p90+p99" \
	"$(jl summary 198.18.0.1)"
np_eq "ping IPv4: reply seqs" "1 2 3" "$(jl field reply seq)"
np_eq "ping IPv4: no probe field in ping mode" "- - -" "$(jl field reply probe)"
np_eq "ping IPv4: replies from the target" "198.18.0.1 198.18.0.1 198.18.0.1" "$(jl field reply from)"
np_eq "ping IPv4: 64 bytes each" "64 64 64" "$(jl field reply bytes)"
np_eq "ping IPv4: stderr empty" "" "$NP_ERR"

jrun "$A" $T -J -c 3 -i 0.05 2001:db8:1::5
valid "ping IPv6"
np_eq "ping IPv6: exit 0" 0 "$NP_RC"
np_eq "ping IPv6: events" "reply=3 summary=1" "$(jl events)"
np_eq "ping IPv6: summary" "tx=3 rx=3 dup=0 corr=0 err=0 late=0 loss=0.000 rtt=avg+max+mdev+min+p50+p90+p99" \
	"$(jl summary 2001:db8:1::5)"
np_eq "ping IPv6: reply seqs" "1 2 3" "$(jl field reply seq)"
np_eq "ping IPv6: address" "2001:db8:1::5" "$(jl field summary address)"

jrun "$A" $T -J -c 2 -i 0.05 -s 1000 198.18.0.1
valid "ping -s 1000"
np_eq "ping -s 1000: 1008 bytes each" "1008 1008" "$(jl field reply bytes)"

# --- Loss --------------------------------------------------------------

jrun "$A" $T -J -c 3 -i 0.1 -W 0.3 198.19.0.1
valid "loss"
np_eq "loss: exit 1" 1 "$NP_RC"
np_eq "loss: events" "summary=1 timeout=3" "$(jl events)"
np_eq "loss: summary" "tx=3 rx=0 dup=0 corr=0 err=0 late=0 loss=100.000 rtt=null" "$(jl summary 198.19.0.1)"
np_eq "loss: timeout seqs" "1 2 3" "$(jl field timeout seq)"
np_eq "loss: rtt_ms is JSON null" "null" "$(jl raw summary rtt_ms)"

# -O: each probe still unanswered when the next one leaves
jrun "$A" $T -J -O -c 3 -i 0.3 -W 1 198.19.0.1
valid "-O loss"
np_eq "-O loss: events" "no_answer=2 summary=1 timeout=3" "$(jl events)"
np_eq "-O loss: no_answer seqs" "1 2" "$(jl field no_answer seq)"

# --- Send errors ---------------------------------------------------------

# -M do, larger than the veth's MTU: EMSGSIZE, with the path MTU
jrun "$A" $T -J -M "do" -s 1600 -c 2 -i 0.05 -W 0.3 198.51.100.2
valid "send error EMSGSIZE"
np_eq "send error: exit 1" 1 "$NP_RC"
np_eq "send error: events" "send_error=2 summary=1" "$(jl events)"
np_eq "send error: errno 90 twice" "90 90" "$(jl field send_error errno)"
np_eq "send error: mtu 1500" "1500 1500" "$(jl field send_error mtu)"
np_eq "send error: summary" "tx=2 rx=0 dup=0 corr=0 err=2 late=0 loss=100.000 rtt=null" "$(jl summary 198.51.100.2)"

# --- Many targets --------------------------------------------------------

jrun "$A" $T -J -c 2 -i 0.05 -W 0.3 198.18.3.0/28 198.19.3.1
valid "many targets"
np_eq "many targets: exit 1" 1 "$NP_RC"
np_eq "many targets: events" "reply=28 summary=15 timeout=2" "$(jl events)"
np_eq "many targets: summaries in target order" \
	"$(seq 1 14 | sed 's/^/198.18.3./' | paste -sd ' ') 198.19.3.1" "$(jl targets)"
n=0
for i in $(seq 1 14); do
	[ "$(jl summary "198.18.3.$i")" = "tx=2 rx=2 dup=0 corr=0 err=0 late=0 loss=0.000 rtt=avg+max+mdev+min+p50+p90+p99" ] &&
		[ "$(jl field reply probe "198.18.3.$i")" = "0 1" ] && n=$((n + 1))
done
np_eq "many targets: 14 summaries 2/2, replies to probes 0 and 1" 14 "$n"
np_eq "many targets: the silent one" "tx=2 rx=0 dup=0 corr=0 err=0 late=0 loss=100.000 rtt=null" \
	"$(jl summary 198.19.3.1)"
np_eq "many targets: its timeouts, probes 0 1" "0 1" "$(jl field timeout probe 198.19.3.1)"
np_eq "many targets: 30 distinct seqs" 30 \
	"$( (jl field reply seq; jl field timeout seq) | tr ' ' '\n' | grep . | sort -u | wc -l)"

jrun "$A" $T -J -c 2 -i 0.05 198.18.4.1 2001:db8:1::7
valid "many targets, both families"
np_eq "both families: events" "reply=4 summary=2" "$(jl events)"
np_eq "both families: IPv6 summary" "tx=2 rx=2 dup=0 corr=0 err=0 late=0 loss=0.000 rtt=avg+max+mdev+min+p50+p90+p99" \
	"$(jl summary 2001:db8:1::7)"

# a send error with many targets (no route from namespace B)
jrun "$B" $T -J -c 2 -i 0.05 -W 0.3 198.18.5.1 198.18.5.2
valid "many targets, no route"
np_eq "no route: events" "send_error=4 summary=2" "$(jl events)"
np_eq "no route: errno 101 (ENETUNREACH)" "101 101" "$(jl field send_error errno 198.18.5.2)"
np_eq "no route: summary" "tx=2 rx=0 dup=0 corr=0 err=2 late=0 loss=100.000 rtt=null" "$(jl summary 198.18.5.1)"

# --- Unprivileged: a datagram ICMP socket (ping_group_range) ----------------

np_netns C
ip -n "$C" route add local 198.18.0.0/16 dev lo
np_sysctl "$C" net.ipv4.ping_group_range="0 2147483647"
PLAIN=$(np_plain_copy)
# shellcheck disable=SC2086
np_exec "$C" $T $NP_NOBODY "$PLAIN" -J -c 2 -i 0.2 198.18.0.1
cp "$NP_TMP/out" "$OUT"
valid "datagram socket, ping mode"
np_eq "datagram socket: events" "reply=2 summary=1" "$(jl events)"
np_eq "datagram socket: privilege" "datagram ICMP socket, unprivileged (net.ipv4.ping_group_range)" "$(jl field summary privilege)"
# shellcheck disable=SC2086
np_exec "$C" $T $NP_NOBODY "$PLAIN" -J -c 2 -i 0.2 198.18.0.1 198.18.0.2
cp "$NP_TMP/out" "$OUT"
valid "datagram socket, many targets"
np_eq "datagram socket, many targets: events" "reply=4 summary=2" "$(jl events)"
np_eq "datagram socket, many targets: summary" "tx=2 rx=2 dup=0 corr=0 err=0 late=0 loss=0.000 rtt=avg+max+mdev+min+p50+p90+p99" \
	"$(jl summary 198.18.0.2)"

# --- A name with a double quote and a backslash ----------------------------

np_netns_etc "$A"
printf '198.18.0.1 we"ird\\name\n198.18.0.2 b\303\274cher\n198.18.0.3 bad\377name\n' >/etc/netns/"$A"/hosts
weird='we"ird\name'
jrun "$A" $T -J -c 2 -i 0.05 "$weird"
valid "weird name"
np_eq "weird name: exit 0" 0 "$NP_RC"
np_eq "weird name: events" "reply=2 summary=1" "$(jl events)"
np_eq "weird name: target round-trips (summary)" "$weird" "$(jl field summary target)"
np_eq "weird name: target round-trips (replies)" "$weird $weird" "$(jl field reply target)"
np_eq "weird name: JSON escapes" '"we\"ird\\name"' "$(jl raw summary target)"
np_eq "weird name: address" "198.18.0.1" "$(jl field summary address)"
np_eq "weird name: summary" "tx=2 rx=2 dup=0 corr=0 err=0 late=0 loss=0.000 rtt=avg+max+mdev+min+p50+p90+p99" \
	"$(jl summary "$weird")"

# A UTF-8 name (JSON text is UTF-8, RFC 8259): the same string back.
utf8=$(printf 'b\303\274cher')
jrun "$A" $T -J -c 1 "$utf8"
valid "UTF-8 name"
np_eq "UTF-8 name: exit 0" 0 "$NP_RC"
np_eq "UTF-8 name: target round-trips" "$utf8" "$(jl field summary target)"
# A byte that is not UTF-8: still valid JSON, the byte as U+FFFD.
jrun "$A" $T -J -c 1 "$(printf 'bad\377name')"
valid "a name that is not UTF-8"
np_eq "not UTF-8: exit 0" 0 "$NP_RC"
np_eq "not UTF-8: the byte as U+FFFD" '"bad\ufffdname"' "$(jl raw summary target)"

# --- TUN responder scenarios ----------------------------------------------

# Duplicates: every answer three times.  As iputils (and fping), a run
# ends as soon as its last probe is answered, so duplicates of that probe
# count only if read in the same batch: the last probes go unanswered
# (--answer 111100: sequence numbers 5 and 6 are dropped), which makes the
# counts exact.
if np_tun_ns DUP --dup 2 --answer 111100; then
	jrun "$DUP" $T -J -c 6 -i 0.05 -W 0.5 198.51.100.7
	valid "duplicates IPv4"
	# (seq 5 and 6 end with the run, 2 RTTs after the last probe, before
	# -W: no timeout event for them in ping mode)
	np_eq "duplicates IPv4: events" "duplicate=8 reply=4 summary=1" "$(jl events | sed 's/ timeout=[0-9]*//')"
	np_eq "duplicates IPv4: summary" "tx=6 rx=4 dup=8 corr=0 err=0 late=0 loss=33.333 rtt=avg+max+mdev+min+p50+p90+p99" \
		"$(jl summary 198.51.100.7)"
	np_eq "duplicates IPv4: duplicate seqs" "1 1 2 2 3 3 4 4" "$(jl field duplicate seq)"
	np_eq "duplicates IPv4: reply seqs" "1 2 3 4" "$(jl field reply seq)"
	jrun "$DUP" $T -J -c 6 -i 0.05 -W 0.5 2001:db8::7
	valid "duplicates IPv6"
	np_eq "duplicates IPv6: events" "duplicate=8 reply=4 summary=1" "$(jl events | sed 's/ timeout=[0-9]*//')"
	np_eq "duplicates IPv6: summary" "tx=6 rx=4 dup=8 corr=0 err=0 late=0 loss=33.333 rtt=avg+max+mdev+min+p50+p90+p99" \
		"$(jl summary 2001:db8::7)"
	# two targets, probes sent in turn: .7 gets seq 1 3 5, .8 gets 2 4 6
	jrun "$DUP" $T -J -c 3 -i 0.1 -W 0.5 198.51.100.7 198.51.100.8
	valid "duplicates, many targets"
	np_eq "duplicates, many targets: events" "duplicate=8 reply=4 summary=2 timeout=2" "$(jl events)"
	for t in 198.51.100.7 198.51.100.8; do
		np_eq "duplicates, many targets: $t summary" \
			"tx=3 rx=2 dup=4 corr=0 err=0 late=0 loss=33.333 rtt=avg+max+mdev+min+p50+p90+p99" \
			"$(jl summary $t)"
		np_eq "duplicates, many targets: $t duplicate probes" "0 0 1 1" "$(jl field duplicate probe $t)"
		np_eq "duplicates, many targets: $t timeout probe" "2" "$(jl field timeout probe $t)"
	done
else
	np_not_ok "responder for --dup did not start"
fi

# ICMP errors: Destination Unreachable, host unreachable / prohibited.
if np_tun_ns UNREACH --unreachable 1 --router 198.51.100.254 --router6 2001:db8::fe; then
	jrun "$UNREACH" $T -J -c 2 -i 0.1 -W 1 198.51.100.7
	valid "ICMP errors IPv4"
	np_eq "ICMP errors IPv4: exit 1" 1 "$NP_RC"
	np_eq "ICMP errors IPv4: events" "icmp_error=2 summary=1" "$(jl events)"
	np_eq "ICMP errors IPv4: summary" "tx=2 rx=0 dup=0 corr=0 err=2 late=0 loss=100.000 rtt=null" "$(jl summary 198.51.100.7)"
	np_eq "ICMP errors IPv4: from the router" "198.51.100.254 198.51.100.254" "$(jl field icmp_error from)"
	np_eq "ICMP errors IPv4: type 3" "3 3" "$(jl field icmp_error type)"
	np_eq "ICMP errors IPv4: code 1" "1 1" "$(jl field icmp_error code)"
	np_eq "ICMP errors IPv4: type_name" "destination-unreachable destination-unreachable" "$(jl field icmp_error type_name)"
	np_eq "ICMP errors IPv4: code_name" "host-unreachable host-unreachable" "$(jl field icmp_error code_name)"
	np_eq "ICMP errors IPv4: verified" "true true" "$(jl field icmp_error verified)"
	np_eq "ICMP errors IPv4: seqs" "1 2" "$(jl field icmp_error seq)"
	jrun "$UNREACH" $T -J -c 2 -i 0.1 -W 1 2001:db8::7
	valid "ICMP errors IPv6"
	np_eq "ICMP errors IPv6: events" "icmp_error=2 summary=1" "$(jl events)"
	np_eq "ICMP errors IPv6: summary" "tx=2 rx=0 dup=0 corr=0 err=2 late=0 loss=100.000 rtt=null" "$(jl summary 2001:db8::7)"
	np_eq "ICMP errors IPv6: type 1 code 1" "1/1 1/1" \
		"$(paste -d/ <(jl field icmp_error type | tr ' ' '\n') <(jl field icmp_error code | tr ' ' '\n') | paste -sd ' ')"
	np_eq "ICMP errors IPv6: code_name" "communication-prohibited communication-prohibited" "$(jl field icmp_error code_name)"
	np_eq "ICMP errors IPv6: from the router" "2001:db8::fe 2001:db8::fe" "$(jl field icmp_error from)"
	jrun "$UNREACH" $T -J -c 2 -i 0.1 -W 1 198.51.100.7 198.51.100.8 2001:db8::9
	valid "ICMP errors, many targets"
	np_eq "ICMP errors, many targets: events" "icmp_error=6 summary=3" "$(jl events)"
	for t in 198.51.100.7 198.51.100.8 2001:db8::9; do
		np_eq "ICMP errors, many targets: $t summary" "tx=2 rx=0 dup=0 corr=0 err=2 late=0 loss=100.000 rtt=null" \
			"$(jl summary "$t")"
	done
	np_eq "ICMP errors, many targets: probes of 2001:db8::9" "0 1" "$(jl field icmp_error probe 2001:db8::9)"
else
	np_not_ok "responder for --unreachable 1 did not start"
fi

# Code 3: port unreachable (IPv4), address unreachable (IPv6).
if np_tun_ns UNREACH3 --unreachable 3; then
	jrun "$UNREACH3" $T -J -c 1 -W 1 198.51.100.7
	valid "ICMP error code 3 IPv4"
	np_eq "code 3 IPv4: port-unreachable" "port-unreachable" "$(jl field icmp_error code_name)"
	np_eq "code 3 IPv4: from the target" "198.51.100.7" "$(jl field icmp_error from)"
	jrun "$UNREACH3" $T -J -c 1 -W 1 2001:db8::7
	valid "ICMP error code 3 IPv6"
	np_eq "code 3 IPv6: address-unreachable" "address-unreachable" "$(jl field icmp_error code_name)"
else
	np_not_ok "responder for --unreachable 3 did not start"
fi

# Corrupted replies: bad checksum, altered payload.
if np_tun_ns BADSUM --bad-checksum; then
	jrun "$BADSUM" $T -J -c 2 -i 0.1 -W 0.5 198.51.100.7
	valid "bad checksum"
	np_eq "bad checksum: events" "corrupted=2 summary=1 timeout=2" "$(jl events)"
	np_eq "bad checksum: summary" "tx=2 rx=0 dup=0 corr=2 err=0 late=0 loss=100.000 rtt=null" "$(jl summary 198.51.100.7)"
	np_eq "bad checksum: reason" '"bad checksum" "bad checksum"' "$(jl raw corrupted reason | paste -sd ' ')"
	jrun "$BADSUM" $T -J -c 1 -W 0.5 198.51.100.7 198.51.100.8
	valid "bad checksum, many targets"
	np_eq "bad checksum, many targets: events" "corrupted=2 summary=2 timeout=2" "$(jl events)"
	np_eq "bad checksum, many targets: .8 summary" "tx=1 rx=0 dup=0 corr=1 err=0 late=0 loss=100.000 rtt=null" "$(jl summary 198.51.100.8)"
else
	np_not_ok "responder for --bad-checksum did not start"
fi
if np_tun_ns ALTER --alter-payload 30; then
	jrun "$ALTER" $T -J -c 2 -i 0.1 -W 0.5 2001:db8::7
	valid "altered payload"
	np_eq "altered payload: events" "corrupted=2 summary=1 timeout=2" "$(jl events)"
	np_eq "altered payload: summary" "tx=2 rx=0 dup=0 corr=2 err=0 late=0 loss=100.000 rtt=null" "$(jl summary 2001:db8::7)"
	np_eq "altered payload: reason" '"altered payload" "altered payload"' "$(jl raw corrupted reason | paste -sd ' ')"
else
	np_not_ok "responder for --alter-payload did not start"
fi

# Late replies: 500 ms after the request, with -W 0.25 and probes 0.8 s
# apart: each reply comes after its probe's -W, so it is "late" (counted as
# lost), and the third one after the end of the run.
if np_tun_ns LATE --delay-ms 500; then
	# The first run in this namespace: nothing else wakes netprobe up
	# between a probe's -W and its reply.  (Found with 6bfddc8: in ping
	# mode the expiry of a probe sent while none is pending was not among
	# the wake-up times, so a reply after -W but before the next send
	# counted as a good one.)
	jrun "$LATE" $T -J -c 3 -i 0.8 -W 0.25 198.51.100.7
	valid "late"
	np_eq "late: exit 1" 1 "$NP_RC"
	np_eq "late: events" "late=2 summary=1 timeout=3" "$(jl events)"
	np_eq "late: summary" "tx=3 rx=0 dup=0 corr=0 err=0 late=2 loss=100.000 rtt=null" "$(jl summary 198.51.100.7)"
	np_eq "late: seqs" "1 2" "$(jl field late seq)"
	# the same with many targets
	sleep 0.6 # the last reply of the run before is gone
	jrun "$LATE" $T -J -c 3 -i 0.8 -W 0.25 198.51.100.7 198.51.100.8
	valid "late, many targets"
	np_eq "late, many targets: exit 1" 1 "$NP_RC"
	np_eq "late, many targets: events" "late=4 summary=2 timeout=6" "$(jl events)"
	np_eq "late, many targets: .8 summary" "tx=3 rx=0 dup=0 corr=0 err=0 late=2 loss=100.000 rtt=null" \
		"$(jl summary 198.51.100.8)"
	np_eq "late, many targets: .7 late probes" "0 1" "$(jl field late probe 198.51.100.7)"
	if [ -n "$(jl field late rtt_ms)" ] &&
		jl field late rtt_ms | awk '{ for (i = 1; i <= NF; i++) if ($i < 480 || $i > 800) exit 1 }'; then
		np_ok "late, many targets: rtt_ms about 500 ($(jl field late rtt_ms))"
	else
		np_not_ok "late, many targets: rtt_ms '$(jl field late rtt_ms)', expected about 500"
	fi
else
	np_not_ok "responder for --delay-ms did not start"
fi

# -v: replies with another run's cookie are ignored, and said so.
if np_tun_ns COOKIE --alter-payload 3; then
	jrun "$COOKIE" $T -J -v -c 2 -i 0.1 -W 0.3 198.51.100.7
	valid "-v ignored, ping mode"
	np_eq "-v ignored: events" "ignored=2 summary=1 timeout=2" "$(jl events)"
	np_eq "-v ignored: reason" "\"echo reply with another run's cookie\"" "$(jl raw ignored reason | sort -u)"
	np_eq "-v ignored: from" "198.51.100.7 198.51.100.7" "$(jl field ignored from)"
	np_eq "-v ignored: summary" "tx=2 rx=0 dup=0 corr=0 err=0 late=0 loss=100.000 rtt=null" "$(jl summary 198.51.100.7)"
	jrun "$COOKIE" $T -J -c 2 -i 0.1 -W 0.3 198.51.100.7
	valid "no -v"
	np_eq "without -v: no ignored event" "summary=1 timeout=2" "$(jl events)"
	jrun "$COOKIE" $T -J -v -c 2 -i 0.1 -W 0.3 198.51.100.7 2001:db8::7
	valid "-v ignored, many targets"
	np_eq "-v ignored, many targets: events" "ignored=4 summary=2 timeout=4" "$(jl events)"
else
	np_not_ok "responder for the cookie did not start"
fi

# --- --read -J: every object of every crafted capture (issue 14: none of
# 1,846 lines of tcpdump's corpus validated) --------------------------------
FX=$NP_TMP/fixtures
if "$PY" "$NP_TESTS/fixtures/mkpcaps.py" "$FX"; then
	for f in eth-v4 eth-vlan sll-v6 sll2-mixed raw snaplen hostile field ns; do
		ext=pcap
		[ $f = ns ] && ext=pcapng
		jrun "$C" 10 --read "$FX/$f.$ext" -J
		valid "--read $f.$ext -J"
	done
	jrun "$C" 10 --read "$FX/ns.pcapng" -J --decimals 6
	valid "--read ns.pcapng -J --decimals 6"
	jrun "$C" 10 --read "$FX/field.pcap" -J
	np_eq "--read field.pcap -J: the malformed errors' types and codes" \
		"3 1 / 3 4" "$(jl field malformed type) / $(jl field malformed code)"
else
	np_not_ok "mkpcaps.py failed"
fi

np_finish
