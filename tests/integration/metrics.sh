#!/bin/bash
# --metrics FILE: Prometheus text format that promtool accepts, for one
# target and for many; written atomically (a temporary file renamed over
# the destination, none left behind); the same numbers as the JSON
# summaries of the same run (-J with --metrics); --metrics - prints only
# the metrics on stdout.
. "$(dirname "$0")/lib.sh"
np_require_root
np_require_tun
np_require_cmd promtool

PY=${NP_SYSTEM_PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || np_skip "needs $PY"


# cmp.py METRICS JSONL: every target's metrics against its JSON summary;
# prints one line per target ("TARGET ok" or what differs), then
# "targets N" (the number of targets in the metrics).
CMP=$NP_TMP/cmp.py
cat >"$CMP" <<'EOF'
import json, re, sys

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?')

def unescape(s):
    return re.sub(r'\\(.)', lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), s)

def parse(path):
    series = {}
    dup = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line == "" or line.startswith("#"):
                continue
            m = LINE.match(line)
            if not m:
                raise SystemExit("unparsable line: %r" % line)
            name, labels, value = m.groups()
            lab = {}
            rest = labels or ""
            pos = 0
            while pos < len(rest):
                lm = LABEL.match(rest, pos)
                if not lm:
                    raise SystemExit("unparsable labels: %r" % line)
                lab[lm.group(1)] = unescape(lm.group(2))
                pos = lm.end()
            key = (name, tuple(sorted(lab.items())))
            if key in series:
                dup.append(line)
            series[key] = float(value)
    return series, dup

def main():
    series, dup = parse(sys.argv[1])
    for d in dup:
        print("duplicate series: %s" % d)
    summaries = {}
    with open(sys.argv[2], encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            if o["event"] == "summary":
                summaries[(o["target"], o["address"])] = o
    targets = {}
    for (name, labels), v in series.items():
        lab = dict(labels)
        if "target" in lab:
            targets.setdefault((lab["target"], lab["address"]), {})[
                (name, lab.get("quantile"))] = v
    for t, s in sorted(summaries.items()):
        m = targets.get(t)
        if m is None:
            print("%s: no metrics" % t[0])
            continue
        diffs = []
        def want(name, exp, tol=0.0, q=None):
            got = m.get((name, q))
            if got is None and exp is None:
                return
            if got is None or exp is None or abs(got - exp) > tol:
                diffs.append("%s%s=%s (JSON: %s)" % (name, "" if q is None else "{%s}" % q, got, exp))
        want("netprobe_probes_sent_total", s["transmitted"])
        want("netprobe_replies_received_total", s["received"])
        want("netprobe_duplicates_total", s["duplicates"])
        want("netprobe_errors_total", s["errors"])
        want("netprobe_up", 1 if s["received"] > 0 else 0)
        want("netprobe_loss_ratio", s["loss_pct"] / 100, 0.0000051)
        want("netprobe_rtt_seconds_count", s["received"])
        r = s["rtt_ms"]
        # JSON: ms with 3 decimals; metrics: seconds with 9
        ms = lambda x, n=1: None if x is None else x / 1000
        tol = 0.0000005 + 1e-9
        if r is None:
            want("netprobe_rtt_seconds_sum", 0.0)
            want("netprobe_rtt_min_seconds", None)
            want("netprobe_rtt_max_seconds", None)
            for q in ("0.5", "0.9", "0.99"):
                want("netprobe_rtt_seconds", None, q=q)
        else:
            want("netprobe_rtt_seconds_sum", r["avg"] / 1000 * s["received"], tol * s["received"])
            want("netprobe_rtt_min_seconds", ms(r["min"]), tol)
            want("netprobe_rtt_max_seconds", ms(r["max"]), tol)
            for q, k in (("0.5", "p50"), ("0.9", "p90"), ("0.99", "p99")):
                want("netprobe_rtt_seconds", ms(r.get(k)), tol, q=q)
        print("%s %s" % (t[0], "ok" if not diffs else " ".join(diffs)))
    for t in sorted(set(targets) - set(summaries)):
        print("%s: metrics without a JSON summary" % t[0])
    print("targets %d" % len(targets))

main()
EOF

# promtool_ok DESC FILE: promtool check metrics accepts FILE, without a
# lint problem.
promtool_ok() {
	local r
	if r=$(promtool check metrics <"$2" 2>&1) && [ -z "$r" ]; then
		np_ok "$1: promtool check metrics"
	else
		np_not_ok "$1: promtool check metrics:"
		printf '%s\n' "$r" | head -n 20 | sed 's/^/    | /'
	fi
}

# cmp_json DESC METRICS N: the metrics of each target equal its JSON
# summary (JSON in $NP_TMP/out, from the same run); N targets.
cmp_json() {
	local r
	r=$("$PY" "$CMP" "$2" "$NP_TMP/out" 2>&1)
	np_eq "$1: $3 targets in the metrics" "targets $3" "$(printf '%s\n' "$r" | tail -n 1)"
	if [ "$(printf '%s\n' "$r" | grep -vc -e ' ok$' -e '^targets ')" = 0 ] &&
		[ "$(printf '%s\n' "$r" | grep -c ' ok$')" = "$3" ]; then
		np_ok "$1: metrics = JSON summaries for the $3 targets"
	else
		np_not_ok "$1: metrics differ from the JSON summaries:"
		printf '%s\n' "$r" | grep -v ' ok$' | head -n 20 | sed 's/^/    | /'
	fi
}

# value FILE METRIC LABELS: the sample's value ("" if none).
value() {
	grep -F -- "$2{$3} " "$1" | sed 's/.* //'
}

np_ab_net # A: answers 198.18.0.0/16 and 2001:db8:1::/112; 198.19.0.0/16 silent (lib.sh)
T=20
D=$NP_TMP/textfile # a textfile collector's directory
mkdir "$D"
F=$D/netprobe.prom

# only FILE in DIR: nothing else left behind
only_file() { # DESC DIR NAME
	np_eq "$1: only $3 in the directory" "$3" "$(ls -A "$2" | paste -sd ' ')"
}

# --- Ping mode ----------------------------------------------------------

np_run "$A" $T -c 3 -i 0.05 --metrics "$F" 198.18.0.1
np_eq "ping mode: exit 0" 0 "$NP_RC"
np_match "ping mode: the text output as usual" '^3 packets transmitted, 3 received, 0% packet loss' "$NP_OUT"
np_eq "ping mode: nothing on stderr" "" "$NP_ERR"
promtool_ok "ping mode" "$F"
only_file "ping mode" "$D" netprobe.prom
L='target="198.18.0.1",address="198.18.0.1"'
np_eq "ping mode: sent 3" 3 "$(value "$F" netprobe_probes_sent_total "$L")"
np_eq "ping mode: received 3" 3 "$(value "$F" netprobe_replies_received_total "$L")"
np_eq "ping mode: up 1" 1 "$(value "$F" netprobe_up "$L")"
np_eq "ping mode: loss 0" 0 "$(value "$F" netprobe_loss_ratio "$L")"
np_eq "ping mode: rtt count 3" 3 "$(value "$F" netprobe_rtt_seconds_count "$L")"
np_eq "ping mode: 13 samples for the target (9 families, 3 quantiles, _sum, _count)" 13 "$(grep -c '^netprobe_[a-z_]*{target="198\.18\.0\.1",address="198\.18\.0\.1"' "$F")"
np_eq "ping mode: HELP and TYPE of 10 families" "10 10" \
	"$(grep -c '^# HELP netprobe_' "$F") $(grep -c '^# TYPE netprobe_' "$F")"
np_match "ping mode: last run timestamp" '^netprobe_last_run_timestamp_seconds [0-9]{10}\.[0-9]{3}$' "$(cat "$F")"
perms=$(stat -c %a "$F")
if [ $((0$perms & 04)) -ne 0 ]; then
	np_ok "ping mode: the file is readable by others (mode $perms), as a collector needs"
else
	np_not_ok "ping mode: mode $perms: a collector running as another user cannot read it"
fi

# With -J on the same run: the same numbers.
np_run "$A" $T -J -c 3 -i 0.05 --metrics "$F" 198.18.0.1
promtool_ok "ping mode -J" "$F"
cmp_json "ping mode -J" "$F" 1
np_run "$A" $T -J -c 3 -i 0.05 -W 0.3 --metrics "$F" 198.19.0.1
promtool_ok "ping mode, no reply" "$F"
cmp_json "ping mode, no reply" "$F" 1
L='target="198.19.0.1",address="198.19.0.1"'
np_eq "no reply: up 0" 0 "$(value "$F" netprobe_up "$L")"
np_eq "no reply: loss 1" 1 "$(value "$F" netprobe_loss_ratio "$L")"
np_eq "no reply: no min/max/quantiles" 0 "$(grep -c -e '^netprobe_rtt_m[a-z]*_seconds{' -e 'quantile=' "$F")"
np_run "$A" $T -J -c 4 -i 0.05 2001:db8:1::5
cp "$NP_TMP/out" "$NP_TMP/plain.json"
np_run "$A" $T -J -c 4 -i 0.05 --metrics "$F" 2001:db8:1::5
promtool_ok "ping mode IPv6" "$F"
cmp_json "ping mode IPv6" "$F" 1
np_eq "-J: as many lines with --metrics as without" \
	"$(sed -E 's/"(time|start|end)":"[^"]*"//g; s/"(rtt_ms|min|avg|max|mdev|p50|p90|p99)":[0-9.]+//g' "$NP_TMP/plain.json" | wc -l)" \
	"$(sed -E 's/"(time|start|end)":"[^"]*"//g; s/"(rtt_ms|min|avg|max|mdev|p50|p90|p99)":[0-9.]+//g' "$NP_TMP/out" | wc -l)"

# --- Many targets -------------------------------------------------------

np_run "$A" $T -q -c 2 -i 0.05 -W 0.3 --metrics "$F" 198.18.3.0/28 198.19.3.1 2001:db8:1::9
np_eq "many targets: exit 1 (one silent)" 1 "$NP_RC"
promtool_ok "many targets" "$F"
only_file "many targets" "$D" netprobe.prom
np_eq "many targets: 16 targets sent" 16 "$(grep -c '^netprobe_probes_sent_total{' "$F")"
np_eq "many targets: 15 up" 15 "$(grep -c '^netprobe_up{.*} 1$' "$F")"
np_eq "many targets: 1 down" 'netprobe_up{target="198.19.3.1",address="198.19.3.1"} 0' "$(grep '^netprobe_up{.*} 0$' "$F")"
np_eq "many targets: the text summaries as usual" 16 "$(printf '%s\n' "$NP_OUT" | grep -c ' : xmt/rcv/%loss = ')"
np_run "$A" $T -J -c 2 -i 0.05 -W 0.3 --metrics "$F" 198.18.3.0/28 198.19.3.1 2001:db8:1::9
promtool_ok "many targets -J" "$F"
cmp_json "many targets -J" "$F" 16
np_run "$A" $T -J -c 3 -i 0.05 -W 0.3 --metrics "$F" 198.18.0.1 198.18.0.1 2001:db8:1::1
promtool_ok "a target given twice" "$F"
cmp_json "a target given twice" "$F" 2

# --- Atomic replacement ---------------------------------------------------

printf '# old\nold_metric 1\n' >"$F"
ln "$F" "$D/old-link"
ino_before=$(stat -c %i "$F")
# a reader polls the file while the run goes on: every read is the old
# file or the whole new one, never a part
"$PY" - "$F" "$NP_TMP/reads" <<'EOF' &
import sys, time
path, out = sys.argv[1], sys.argv[2]
seen = {"old": 0, "new": 0, "partial": 0}
end = time.time() + 3
while time.time() < end:
    with open(path, encoding="utf-8") as f:
        s = f.read()
    if s == "# old\nold_metric 1\n":
        seen["old"] += 1
    elif s.startswith("# HELP netprobe_") and s.endswith("\n") and \
            s.splitlines()[-1].startswith("netprobe_last_run_timestamp_seconds "):
        seen["new"] += 1
    else:
        seen["partial"] += 1
with open(out, "w") as f:
    f.write("%(old)d %(new)d %(partial)d\n" % seen)
EOF
reader=$!
sleep 0.2
np_run "$A" $T -c 40 -i 0.02 --gap 0 --metrics "$F" 198.18.6.0/26
wait "$reader"
read -r r_old r_new r_partial <"$NP_TMP/reads"
np_eq "atomic: exit 0" 0 "$NP_RC"
np_eq "atomic: no partial read (old $r_old, new $r_new)" 0 "$r_partial"
if [ "$r_old" -gt 0 ] && [ "$r_new" -gt 0 ]; then
	np_ok "atomic: the reader saw the old file, then the new one"
else
	np_not_ok "atomic: reads old $r_old, new $r_new: expected both"
fi
np_eq "atomic: the old file untouched (renamed over, not rewritten)" "$(printf '# old\nold_metric 1')" "$(cat "$D/old-link")"
if [ "$(stat -c %i "$F")" != "$ino_before" ]; then
	np_ok "atomic: the destination is a new file"
else
	np_not_ok "atomic: the destination kept its inode: written in place"
fi
rm -f "$D/old-link"
promtool_ok "atomic: a /26" "$F"
only_file "atomic" "$D" netprobe.prom
np_eq "atomic: 62 targets" 62 "$(grep -c '^netprobe_up{.*} 1$' "$F")"

# a directory that does not exist: an error, no file
np_run "$A" $T -c 1 --metrics "$D/no-such-dir/netprobe.prom" 198.18.0.1
np_eq "missing directory: exit 2" 2 "$NP_RC"
np_match "missing directory: said on stderr" 'metrics' "$NP_ERR"
only_file "missing directory" "$D" netprobe.prom

# --- --metrics - ------------------------------------------------------------

np_run "$A" $T -c 3 -i 0.05 --metrics - 198.18.0.1
np_eq "--metrics -, ping mode: exit 0" 0 "$NP_RC"
printf '%s\n' "$NP_OUT" >"$NP_TMP/stdout.prom"
promtool_ok "--metrics -, ping mode" "$NP_TMP/stdout.prom"
np_eq "--metrics -, ping mode: only metrics on stdout" 0 \
	"$(printf '%s\n' "$NP_OUT" | grep -vcE '^(# (HELP|TYPE) netprobe_|netprobe_[a-z_]+(\{.*\})? [0-9.e+-]+$)')"
np_eq "--metrics -, ping mode: sent 3" 3 \
	"$(value "$NP_TMP/stdout.prom" netprobe_probes_sent_total 'target="198.18.0.1",address="198.18.0.1"')"
only_file "--metrics -" "$D" netprobe.prom
np_run "$A" $T -c 2 -i 0.05 -W 0.3 --metrics - 198.18.3.0/29 198.19.3.1
np_eq "--metrics -, many targets: exit 1" 1 "$NP_RC"
printf '%s\n' "$NP_OUT" >"$NP_TMP/stdout.prom"
promtool_ok "--metrics -, many targets" "$NP_TMP/stdout.prom"
np_eq "--metrics -, many targets: only metrics on stdout" 0 \
	"$(printf '%s\n' "$NP_OUT" | grep -vcE '^(# (HELP|TYPE) netprobe_|netprobe_[a-z_]+(\{.*\})? [0-9.e+-]+$)')"
np_eq "--metrics -, many targets: 7 targets" 7 "$(grep -c '^netprobe_up{' "$NP_TMP/stdout.prom")"
# with -J as well (netprobe.8): the JSON lines, then the metrics
np_run "$A" $T -J -c 2 -i 0.05 --metrics - 198.18.0.1
np_eq "-J --metrics -: exit 0" 0 "$NP_RC"
printf '%s\n' "$NP_OUT" | sed -n '/^# HELP /,$p' >"$NP_TMP/stdout.prom"
promtool_ok "-J --metrics -: the metrics part" "$NP_TMP/stdout.prom"
np_eq "-J --metrics -: 3 JSON lines first" "3 3" \
	"$(printf '%s\n' "$NP_OUT" | sed '/^# HELP /,$d' | wc -l) $(printf '%s\n' "$NP_OUT" | sed '/^# HELP /,$d' | "$PY" -c 'import json, sys; print(sum(1 for l in sys.stdin if json.loads(l)))')"

# /dev/null, where the text goes while --metrics - takes standard output,
# cannot be opened (a directory in its place, in a mount namespace of the
# run's own): the error says what failed and why, in both modes.
NULLDIR='mount -t tmpfs np-dev /dev && mkdir /dev/null && exec "$@"'
for targets in 198.18.0.1 "198.18.0.1 198.18.0.2"; do
	# shellcheck disable=SC2086 # one or two targets
	np_exec "$A" $T unshare -m sh -c "$NULLDIR" sh "$NETPROBE" -c 1 \
		--metrics - $targets
	np_eq "no /dev/null ($targets): exit 2" 2 "$NP_RC"
	np_match "no /dev/null ($targets): says what and why" \
		'^netprobe: cannot open /dev/null .*: Is a directory$' "$NP_ERR"
done

# Early exits after the metrics file was opened leave no temporary file:
# --sandbox-test, killed by the sandbox (exit 2) or allowed without it
# (exit 1), in ping mode and in many-target mode.
SBT=$NP_TMP/sandbox-test
mkdir "$SBT"
for targets in 198.18.0.1 "198.18.0.1 198.18.0.2"; do
	for sb in sandbox --no-sandbox; do
		# shellcheck disable=SC2046,SC2086
		np_run "$A" $T -c 1 $([ $sb = sandbox ] || echo $sb) \
			--sandbox-test=socket --metrics "$SBT/netprobe.prom" $targets
		np_match "--sandbox-test, $sb ($targets): exit 1 or 2" '^[12]$' "$NP_RC"
		np_match "--sandbox-test, $sb ($targets): the test ran" \
			'sandbox( test)?: .*socket' "$NP_ERR"
		np_eq "--sandbox-test, $sb ($targets): no file left behind" "" \
			"$(ls -A "$SBT")"
	done
done

# A --save file that cannot be written to the end (a 4 KB tmpfs, in a
# mount namespace of the run's own): the capture fails when it is closed,
# after the run, and that exit too leaves no temporary metrics file.
if "$NETPROBE" -V | grep -q 'with libpcap'; then
		mkdir "$NP_TMP/small" "$NP_TMP/save-close"
	SMALL='mount -t tmpfs -o size=4k np-small "$1" && shift && exec "$@"'
	np_exec "$A" $T unshare -m sh -c "$SMALL" sh "$NP_TMP/small" \
		"$NETPROBE" -c 6 -i 0.05 -s 1400 --save "$NP_TMP/small/s.pcap" \
				--metrics "$NP_TMP/save-close/netprobe.prom" 198.18.0.1
	np_eq "--save fails at close: exit 2" 2 "$NP_RC"
	np_match "--save fails at close: an error" '^netprobe: ' "$NP_ERR"
		np_eq "--save fails at close: no metrics file left behind" "" \
		"$(ls -A "$NP_TMP/save-close")"
fi

# --- Plugin mode --------------------------------------------------------

np_run "$A" $T --plugin -H 198.18.0.1 -H 198.19.0.1 --metrics "$F"
np_eq "plugin mode: CRITICAL (one host dead)" 2 "$NP_RC"
np_eq "plugin mode: only the status line on stdout" 1 "$(printf '%s\n' "$NP_OUT" | grep -c .)"
promtool_ok "plugin mode" "$F"
only_file "plugin mode" "$D" netprobe.prom
np_eq "plugin mode: up 1 and 0" "1 0" \
	"$(value "$F" netprobe_up 'target="198.18.0.1",address="198.18.0.1"') $(value "$F" netprobe_up 'target="198.19.0.1",address="198.19.0.1"')"
np_eq "plugin mode: 5 probes each (-n default)" "5 5" \
	"$(grep '^netprobe_probes_sent_total{' "$F" | sed 's/.* //' | paste -sd ' ')"
np_eq "plugin mode: loss as the perfdata's pl" "0 1" \
	"$(value "$F" netprobe_loss_ratio 'target="198.18.0.1",address="198.18.0.1"') $(value "$F" netprobe_loss_ratio 'target="198.19.0.1",address="198.19.0.1"')"
rta=$(printf '%s\n' "$NP_OUT" | sed -nE 's/.*\|198\.18\.0\.1rta=([0-9.]+)ms.*/\1/p')
sum=$(value "$F" netprobe_rtt_seconds_sum 'target="198.18.0.1",address="198.18.0.1"')
cnt=$(value "$F" netprobe_rtt_seconds_count 'target="198.18.0.1",address="198.18.0.1"')
if [ -n "$rta" ] && [ -n "$sum" ] && awk -v r="$rta" -v s="$sum" -v c="$cnt" 'BEGIN { d = s / c * 1000 - r; exit !(c == 5 && d < 0.0006 && d > -0.0006) }'; then
	np_ok "plugin mode: rtt sum/count = the perfdata's rta ($rta ms)"
else
	np_not_ok "plugin mode: rtt sum '$sum' count '$cnt', perfdata rta '$rta'"
fi

# --- Label values: quote and backslash ----------------------------------

np_netns_etc "$A"
printf '198.18.0.1 we"ird\\name\n' >/etc/netns/"$A"/hosts
np_run "$A" $T -J -c 2 -i 0.05 --metrics "$F" 'we"ird\name'
np_eq "weird name: exit 0" 0 "$NP_RC"
promtool_ok "weird name" "$F"
np_eq "weird name: label escaped" 1 "$(grep -cF 'netprobe_up{target="we\"ird\\name",address="198.18.0.1"} 1' "$F")"
cmp_json "weird name" "$F" 1

# --- A name that stopped resolving ------------------------------------------

# gone-host is not in the namespace's hosts file and no DNS server answers
# there: its series is kept (up 0, and why), so an alert on up == 0 fires.
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >/etc/netns/"$A"/resolv.conf
np_run "$A" $T -q -c 2 -i 0.05 --metrics "$F" 198.18.0.1 gone-host 198.18.0.2
np_eq "unresolvable name, many targets: exit 2" 2 "$NP_RC"
promtool_ok "unresolvable name, many targets" "$F"
np_eq "unresolvable name: up 0" 1 "$(grep -cF 'netprobe_up{target="gone-host",address=""} 0' "$F")"
np_match "unresolvable name: the reason" '^netprobe_resolve_failed\{target="gone-host",address="",reason="[^"]+"\} 1$' "$(cat "$F")"
np_eq "unresolvable name: the others up" 2 "$(grep -c '^netprobe_up{target="198\.18\.0\.[12]".*} 1$' "$F")"
np_eq "unresolvable name: no probe counters for it" 0 "$(grep -c '^netprobe_probes_sent_total{target="gone-host"' "$F")"
printf 'gone-host\n198.18.0.3\n' >"$NP_TMP/list"
np_run "$A" $T -q -c 1 --metrics "$F" --file "$NP_TMP/list"
promtool_ok "unresolvable name in a list file" "$F"
np_eq "unresolvable name in a list file: up 0" 1 "$(grep -cF 'netprobe_up{target="gone-host",address=""} 0' "$F")"
rm -f "$F"
np_run "$A" $T -c 1 --metrics "$F" gone-host
np_eq "unresolvable name, ping mode: exit 2" 2 "$NP_RC"
promtool_ok "unresolvable name, ping mode" "$F"
np_eq "unresolvable name, ping mode: up 0" 1 "$(grep -cF 'netprobe_up{target="gone-host",address=""} 0' "$F")"

# --- Duplicates and ICMP errors (TUN responder) ----------------------------

if np_tun_ns DUP --dup 2 --answer 111100; then
	np_run "$DUP" $T -J -c 6 -i 0.05 -W 0.5 --metrics "$F" 198.51.100.7
	promtool_ok "duplicates" "$F"
	cmp_json "duplicates" "$F" 1
	np_eq "duplicates: 8" 8 "$(value "$F" netprobe_duplicates_total 'target="198.51.100.7",address="198.51.100.7"')"
	np_eq "duplicates: loss 1/3" 0.333333 "$(value "$F" netprobe_loss_ratio 'target="198.51.100.7",address="198.51.100.7"')"
	np_run "$DUP" $T -J -c 3 -i 0.1 -W 0.5 --metrics "$F" 198.51.100.7 198.51.100.8 2001:db8::9
	promtool_ok "duplicates, many targets" "$F"
	cmp_json "duplicates, many targets" "$F" 3
else
	np_not_ok "responder for --dup did not start"
fi
if np_tun_ns UNREACH --unreachable 1 --router 198.51.100.254 --router6 2001:db8::fe; then
	np_run "$UNREACH" $T -J -c 2 -i 0.1 -W 1 --metrics "$F" 198.51.100.7
	promtool_ok "ICMP errors" "$F"
	cmp_json "ICMP errors" "$F" 1
	np_eq "ICMP errors: 2" 2 "$(value "$F" netprobe_errors_total 'target="198.51.100.7",address="198.51.100.7"')"
	np_run "$UNREACH" $T -J -c 2 -i 0.1 -W 1 --metrics "$F" 198.51.100.7 2001:db8::7 198.51.100.1
	promtool_ok "ICMP errors, many targets" "$F"
	cmp_json "ICMP errors, many targets" "$F" 3
	np_eq "ICMP errors, many targets: IPv6 errors 2" 2 "$(value "$F" netprobe_errors_total 'target="2001:db8::7",address="2001:db8::7"')"
else
	np_not_ok "responder for --unreachable did not start"
fi

# A destination that cannot be written fails before anything is sent.
np_run "$A" 10 --metrics "$NP_TMP/no/such/dir/netprobe.prom" -c 3 -i 0.2 198.18.0.1
np_eq "--metrics into a missing directory: exit 2" 2 "$NP_RC"
np_match "--metrics into a missing directory: says so" 'cannot create .*no/such/dir/netprobe\.prom\.tmp\.' "$NP_ERR"
np_eq "--metrics into a missing directory: nothing printed (refused before the run)" "" "$NP_OUT"

np_finish
