#!/bin/bash
# Capture with libpcap:
#  1. --read on the crafted fixtures of tests/fixtures/mkpcaps.py, text and
#     -J, byte for byte against tests/fixtures/expected/NAME.{txt,json};
#  2. damaged files: exit 2 naming the file, never a crash; empty: exit 1;
#  3. live loopback traffic of netprobe and ping captured by tcpdump:
#     --read agrees with tshark packet by packet (type, code, sequence,
#     checksum, and each reply's time to the microsecond);
#  4. --save keeps exactly the run's own packets (requests, replies, the
#     errors quoting them) while a system ping runs beside it (IPv4 and
#     IPv6), and is refused without CAP_NET_RAW;
#  5. --save stopped by SIGINT leaves a complete file with every pair;
#  6. live --inspect: -c, --filter, -w, SIGINT;
#  7. the option conflicts of the capture options.
# Built without libpcap, the capture options must be refused (exit 2).
#
# The expected files were made with the binary (then checked by hand
# against tests/fixtures/README.md), with PY=/usr/bin/python3:
#   $PY tests/fixtures/mkpcaps.py DIR
#   netprobe --read DIR/NAME.pcap [-J] > tests/fixtures/expected/NAME.{txt,json}
# (ns.pcapng with --decimals 6).  Never regenerate them blindly.
. "$(dirname "$0")/lib.sh"
np_require_root

np_netns NS

# ---- built without libpcap: the options are refused ----------------------
version=$(ip netns exec "$NS" timeout -s KILL 10 "$NETPROBE" -V 2>&1)
if ! printf '%s\n' "$version" | grep -q 'with libpcap'; then
	np_match "-V: configured without libpcap" '^configured without libpcap$' "$version"
	mkdir "$NP_TMP/nocap"
	printf 'not a capture\n' >"$NP_TMP/nocap/in.pcap"
	for args in "--read $NP_TMP/nocap/in.pcap" \
		"-J --read $NP_TMP/nocap/in.pcap" \
		"--inspect" "--inspect=lo -c 1 -w 1" \
		"--read $NP_TMP/nocap/in.pcap --filter icmp" \
		"--filter icmp -c 1 127.0.0.1" \
		"--save $NP_TMP/nocap/s.pcap -c 1 127.0.0.1"; do
		np_run "$NS" 10 $args
		desc="no libpcap: ${args//$NP_TMP\//}"
		np_eq "$desc: exit 2" 2 "$NP_RC"
		np_match "$desc: says there is no capture support" \
			'[Nn]o capture support|without libpcap' "$NP_ERR"
		np_nomatch "$desc: nothing done" 'packets transmitted|frames:' "$NP_OUT"
	done
	np_eq "no libpcap: --save wrote no file" no \
		"$([ -e "$NP_TMP/nocap/s.pcap" ] && echo yes || echo no)"
	np_finish
fi
np_match "-V names the libpcap version" '^configured with libpcap \(.*libpcap version' "$version"

PY=/usr/bin/python3
np_require_cmd "$PY" tcpdump tshark ping setpriv timeout

MKPCAPS=$NP_TESTS/fixtures/mkpcaps.py
EXPECTED=$NP_TESTS/fixtures/expected
FX=$NP_TMP/fx
GOT=$NP_TMP/got
mkdir "$GOT"
[ -r "$MKPCAPS" ] || np_skip "mkpcaps.py not found at $MKPCAPS"

# The comparisons, in Python (standard library only).
cat >"$NP_TMP/cmp.py" <<'EOF'
import json, sys

def first(v):
    """A tshark field (several values are comma separated): the first."""
    return v.split(",")[0] if v else ""

def us(ms):
    """Milliseconds (a string or a number) in integer microseconds."""
    return int(round(float(ms) * 1000.0))

def events(path):
    """netprobe -J --read: the per-packet objects."""
    out = []
    with open(path) as f:
        for line in f:
            o = json.loads(line)
            if o["event"] not in ("summary", "capture"):
                out.append(o)
    return out

def jsonlines(paths):
    """Every line of every file is one JSON object."""
    bad = 0
    for p in paths:
        with open(p) as f:
            for n, line in enumerate(f, 1):
                try:
                    if not isinstance(json.loads(line), dict):
                        raise ValueError("not an object")
                except ValueError as e:
                    bad += 1
                    print("# %s:%d: %s" % (p, n, e))
    print("bad", bad)

def tshark_vs_netprobe(np_json, ts_fields):
    """tshark -T fields frame.number icmp.type icmp.code icmp.seq
    icmp.checksum.status icmp.resptime icmpv6.type icmpv6.code
    icmpv6.echo.sequence_number icmpv6.checksum.status icmpv6.resptime"""
    ev = events(np_json)
    ts = []
    with open(ts_fields) as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            c += [""] * (11 - len(c))
            if first(c[1]) != "":
                t = dict(frame=c[0], type=first(c[1]), code=first(c[2]),
                         seq=first(c[3]), csum=first(c[4]), rtt=first(c[5]))
            else:
                t = dict(frame=c[0], type=first(c[6]), code=first(c[7]),
                         seq=first(c[8]), csum=first(c[9]), rtt=first(c[10]))
            ts.append(t)
    print("count", len(ev), len(ts))
    mism = csum = rtt_bad = np_replies = ts_replies = 0
    for e, t in zip(ev, ts):
        same = (str(e.get("type")) == t["type"] and
                str(e.get("code")) == t["code"] and
                str(e.get("seq")) == t["seq"])
        if not same:
            mism += 1
            if mism <= 5:
                print("# frame %s: netprobe %s %s/%s seq %s, tshark %s/%s seq %s"
                      % (t["frame"], e["event"], e.get("type"),
                         e.get("code"), e.get("seq"), t["type"], t["code"],
                         t["seq"]))
        if e.get("checksum") != "good" or t["csum"] != "1":
            csum += 1
            print("# frame %s: checksum netprobe %s, tshark %s"
                  % (t["frame"], e.get("checksum"), t["csum"]))
        if e["event"] == "reply" and e.get("rtt_ms") is not None:
            np_replies += 1
        if t["rtt"] != "":
            ts_replies += 1
        if e["event"] == "reply" or t["rtt"] != "":
            a = e.get("rtt_ms")
            if a is None or t["rtt"] == "" or us(a) != us(t["rtt"]):
                rtt_bad += 1
                print("# frame %s: rtt netprobe %s ms, tshark %s ms"
                      % (t["frame"], a, t["rtt"]))
    print("mismatch", mism)
    print("checksum_not_good", csum)
    print("replies", np_replies, ts_replies)
    print("rtt_mismatch", rtt_bad)

def saved(s_fields, all_fields, ident):
    """--save: fields time_epoch, type, identifier of the saved file and
    of the whole wire; `ident` the run's identifier."""
    ident = int(ident, 0)
    def load(p):
        rows = []
        with open(p) as f:
            for line in f:
                c = line.rstrip("\n").split("\t")
                if len(c) < 3 or c[1] == "":
                    continue
                rows.append((float(c[0]), int(first(c[1])),
                             int(first(c[2]), 0) if c[2] else -1))
        return rows
    s, w = load(s_fields), load(all_fields)
    print("total", len(s))
    print("types", " ".join("%d:%d" % (t, sum(1 for r in s if r[1] == t))
                            for t in sorted(set(r[1] for r in s))))
    print("foreign_saved", sum(1 for r in s if r[2] != ident))
    if s:
        lo, hi = min(r[0] for r in s), max(r[0] for r in s)
        print("foreign_on_wire", sum(1 for r in w
                                     if r[2] != ident and lo <= r[0] <= hi))
    else:
        print("foreign_on_wire 0")

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "jsonlines":
        jsonlines(sys.argv[2:])
    elif cmd == "tshark":
        tshark_vs_netprobe(sys.argv[2], sys.argv[3])
    elif cmd == "saved":
        saved(sys.argv[2], sys.argv[3], sys.argv[4])
EOF
# val KEY: the value(s) after KEY in $CMP (the helper's output)
val() { printf '%s\n' "$CMP" | sed -n "s/^$1 //p"; }
notes() { printf '%s\n' "$CMP" | grep '^# ' | head -10 | sed 's/^/    /'; }

# same_file WANT GOT LINES DESC: ok when GOT is byte for byte WANT, else
# not ok with the first LINES lines of the diff.
same_file() {
	if cmp -s "$1" "$2"; then
		np_ok "$4"
	else
		np_not_ok "$4: differs"
		diff -u "$1" "$2" | head -"$3" | sed 's/^/    /'
	fi
}

# ---- 1. the fixtures against the expected output -------------------------
"$PY" "$MKPCAPS" "$FX" || np_skip "mkpcaps.py failed"

for f in eth-v4.pcap eth-vlan.pcap sll-v6.pcap sll2-mixed.pcap raw.pcap \
	null-loop.pcap loop.pcap snaplen.pcap hostile.pcap ns.pcapng empty.pcap \
	field.pcap no-icmp.pcap tunnels.pcap ppp.pcap chdlc.pcap; do
	name=${f%.*}
	extra=()
	[ "$f" = ns.pcapng ] && extra=(--decimals 6)
	want=0
	case $f in empty.pcap | no-icmp.pcap) want=1 ;; esac
	for fmt in txt json; do
		json=()
		[ $fmt = json ] && json=(-J)
		np_run "$NS" 10 --read "$FX/$f" ${json[@]+"${json[@]}"} ${extra[@]+"${extra[@]}"}
		cp "$NP_TMP/out" "$GOT/$name.$fmt"
		np_eq "$f $fmt: exit $want" "$want" "$NP_RC"
		np_eq "$f $fmt: nothing on stderr" "" "$NP_ERR"
		exp=$EXPECTED/$name.$fmt
		if [ ! -r "$exp" ]; then
			np_not_ok "$f $fmt: no expected file $exp"
		else
			same_file "$exp" "$GOT/$name.$fmt" 60 \
				"$f $fmt: output as tests/fixtures/expected/$name.$fmt"
		fi
	done
done
CMP=$("$PY" "$NP_TMP/cmp.py" jsonlines "$GOT"/*.json)
np_eq "-J: every line of every file is a JSON object" 0 "$(val bad)"
notes
# The same traffic behind three link layers decodes the same.
for f in null-loop loop; do
	for fmt in txt json; do
		same_file "$GOT/raw.$fmt" "$GOT/$f.$fmt" 20 \
			"$f $fmt: the same as raw.pcap"
	done
done
# Nanoseconds: 12345 ns, with --decimals 6 (in the expected files) and
# the default 3.
np_match "ns.pcapng --decimals 6: rtt_ms 0.012345" '"event":"reply".*"rtt_ms":0\.012345[,}]' "$(cat "$GOT/ns.json")"
np_match "ns.pcapng --decimals 6: time=0.012345 ms" 'time=0\.012345 ms$' "$(cat "$GOT/ns.txt")"
np_run "$NS" 10 --read "$FX/ns.pcapng"
np_match "ns.pcapng: time=0.012 ms by default" 'echo reply, id 4660, seq 1, 64 bytes, ttl 64, time=0\.012 ms$' "$NP_OUT"
# The inspect-mode options on a file.
np_run "$NS" 10 --read "$FX/eth-v4.pcap" -q
np_eq "-q: no packet lines" 0 "$(printf '%s\n' "$NP_OUT" | grep -c '^[0-9][0-9]:')"
np_match "-q: the summary" '^7 requests, 4 replies, 3 unanswered, \+1 duplicates' "$NP_OUT"
np_run "$NS" 10 --read "$FX/eth-v4.pcap" -c 3
np_eq "-c 3: 3 packet lines" 3 "$(printf '%s\n' "$NP_OUT" | grep -c '^[0-9][0-9]:')"
np_match "-c 3: then the summary" '^2 requests, 1 replies, 1 unanswered' "$NP_OUT"
np_run "$NS" 10 --read "$FX/eth-v4.pcap" -v
np_match "-v: the UDP datagram listed" 'not ICMP \(protocol 17\)$' "$NP_OUT"
# The field report (issue 14): an error whose quote stops inside the
# quoted IP header is decoded with its type and code; a routing header's
# final destination makes the checksum good; a jumbogram pairs; four
# RTTs give one of them as p50; a file out of time order spans from its
# earliest stamp to its latest.
np_match "field.pcap: port unreachable with a cut quote" \
	'198\.51\.100\.254 > 198\.51\.100\.1: destination unreachable \(type 3, code 3\), 20 bytes, ttl 64, Destination Port Unreachable, malformed: quoted IP header truncated$' \
	"$(cat "$GOT/field.txt")"
np_match "field.pcap: ICMPv6 port unreachable with a cut quote" \
	'2001:db8::fe > 2001:db8::1: destination unreachable \(type 1, code 4\), 32 bytes, ttl 64, Destination unreachable: Port unreachable, malformed: quoted IP header truncated$' \
	"$(cat "$GOT/field.txt")"
np_eq "field.pcap: no bad checksum" 0 "$(grep -c 'BAD CHECKSUM' "$GOT/field.txt")"
np_match "field.pcap: the jumbogram pairs" 'echo reply, id 17185, seq 2, 65536 bytes, ttl 64, time=0\.400 ms$' "$(cat "$GOT/field.txt")"
np_match "field.pcap: exact percentiles" '^rtt min/avg/max = 44\.900/46\.470/47\.451 ms, p50/p90/p99 = 46\.518/47\.451/47\.451 ms$' "$(cat "$GOT/field.txt")"
np_match "field.pcap: span from the earliest stamp" '; 4 flows in 6\.047 s$' "$(cat "$GOT/field.txt")"
# No ICMP at all: BIG TCP segments and frames cut at the snap length are
# other traffic, not malformed or truncated ICMP (exit 1, above).
np_run "$NS" 10 --read "$FX/no-icmp.pcap" -v
np_eq "no-icmp.pcap -v: exit 1" 1 "$NP_RC"
np_match "no-icmp.pcap -v: IPv4 total length 0 is TCP" '198\.51\.100\.1 > 198\.51\.100\.2: not ICMP \(protocol 6, malformed: IPv4 total length inconsistent\)$' "$NP_OUT"
np_match "no-icmp.pcap -v: a cut IPv6 jumbogram is TCP" '2001:db8::1 > 2001:db8::2: not ICMP \(protocol 6, 114 of 70048 IP bytes captured\)$' "$NP_OUT"
np_match "no-icmp.pcap -v: a cut UDP datagram" 'not ICMP \(protocol 17, 114 of 1020 IP bytes captured\)$' "$NP_OUT"
np_run "$NS" 10 --read "$FX/sll2-mixed.pcap" -4 -J
np_eq "-4: only the IPv4 flow" '"from":"198.18.0.1"' \
	"$(printf '%s\n' "$NP_OUT" | grep '"event":"summary"' | grep -o '"from":"[^"]*"' | sort -u | paste -sd ' ')"
np_run "$NS" 10 --read "$FX/sll2-mixed.pcap" -6 -J
np_eq "-6: 4 ICMPv6 packets, no IPv4" "4 0" \
	"$(printf '%s\n' "$NP_OUT" | grep -c '"type":12[89]') $(printf '%s\n' "$NP_OUT" | grep -c '"from":"198')"
np_run "$NS" 10 --read "$FX/sll2-mixed.pcap" --filter 'icmp6' -J
np_eq "--filter icmp6 on a file: 4 ICMPv6 packets, no IPv4" "4 0" \
	"$(printf '%s\n' "$NP_OUT" | grep -c '"type":12[89]') $(printf '%s\n' "$NP_OUT" | grep -c '"from":"198')"
np_run "$NS" 10 --read "$FX/sll-v6.pcap" -4
np_eq "-4 on an IPv6-only file: exit 1 (no ICMP)" 1 "$NP_RC"

# ---- 2. damaged files -----------------------------------------------------
for f in not-a-pcap cut-header cut-record huge-record unknown-link; do
	for json in "" -J; do
		np_run "$NS" 10 --read "$FX/$f.pcap" $json
		np_eq "$f.pcap${json:+ $json}: exit 2" 2 "$NP_RC"
		np_match "$f.pcap${json:+ $json}: the message names the file" "^netprobe: .*$FX/$f\.pcap" "$NP_ERR"
	done
done
np_match "cut-record.pcap: the packet before the damage is shown" 'echo request, id 4660, seq 1' \
	"$(ip netns exec "$NS" timeout -s KILL 10 "$NETPROBE" --read "$FX/cut-record.pcap" 2>/dev/null)"
np_run "$NS" 10 --read "$FX/unknown-link.pcap"
np_match "unknown-link.pcap: the message gives the link type" 'link type 147' "$NP_ERR"
np_run "$NS" 10 --read "$NP_TMP/no-such-file.pcap"
np_eq "a missing file: exit 2" 2 "$NP_RC"
np_match "a missing file: named" "no-such-file\.pcap" "$NP_ERR"
np_run "$NS" 10 --read "$FX/eth-v4.pcap" --filter 'icmp and and'
np_eq "a bad filter: exit 2" 2 "$NP_RC"
np_match "a bad filter: says so" 'filter' "$NP_ERR"

# ---- 3. live traffic: netprobe --read against tshark ---------------------
LIVE=$NP_TMP/live.pcap
np_tcpdump_start "$NS" "$LIVE"
for addr in 127.0.0.1 ::1; do
	np_run "$NS" 20 -c 5 -i 0.02 "$addr"
	np_eq "live $addr: netprobe 5 received" 5 "$(np_summary received)"
	np_exec "$NS" 20 ping -c 5 -i 0.2 "$addr"
	np_eq "live $addr: ping exit 0" 0 "$NP_RC"
done
np_tcpdump_stop "$LIVE"

tshark -r "$LIVE" -T fields -e frame.number -e icmp.type -e icmp.code \
	-e icmp.seq -e icmp.checksum.status -e icmp.resptime -e icmpv6.type \
	-e icmpv6.code -e icmpv6.echo.sequence_number -e icmpv6.checksum.status \
	-e icmpv6.resptime >"$NP_TMP/live.tshark" 2>"$NP_TMP/live.tshark.err"
np_eq "tshark reads the capture (exit 0)" 0 "$?"
np_nomatch "tshark: the capture is complete" 'cut short|appears to be damaged' "$(cat "$NP_TMP/live.tshark.err")"
np_run "$NS" 10 --read "$LIVE" -J --decimals 6
np_eq "--read of the live capture: exit 0" 0 "$NP_RC"
cp "$NP_TMP/out" "$NP_TMP/live.json"
CMP=$("$PY" "$NP_TMP/cmp.py" tshark "$NP_TMP/live.json" "$NP_TMP/live.tshark")
np_eq "live: 40 packets captured (tshark)" 40 "$(wc -l <"$NP_TMP/live.tshark")"
np_eq "live: netprobe and tshark see the same number of packets" "40 40" "$(val count)"
np_eq "live: the same type, code and sequence for every packet" 0 "$(val mismatch)"
np_eq "live: every checksum good (both)" 0 "$(val checksum_not_good)"
np_eq "live: 20 replies timed by both" "20 20" "$(val replies)"
np_eq "live: every reply's time equal to tshark's to the microsecond" 0 "$(val rtt_mismatch)"
notes
np_match "live: a summary per flow (2 IPv4, 2 IPv6)" '^4$' \
	"$(grep -c '"event":"summary".*"transmitted":5,"received":5,"unanswered":0' "$NP_TMP/live.json")"

# ---- 4. --save: the run's own packets only --------------------------------
# save_bg NS FILE ARGS...: netprobe ARGS --save FILE in the background
# (stdout FILE.out, stderr FILE.err, 20 s at most) as $pid, once -v has
# said its identifier.
save_bg() {
	local ns=$1 f=$2
	shift 2
	ip netns exec "$ns" timeout -s KILL 20 "$NETPROBE" "$@" --save "$f" \
		>"$f.out" 2>"$f.err" &
	pid=$!
	NP_PIDS="$NP_PIDS $pid"
	for _ in $(seq 200); do
		grep -q 'identifier 0x' "$f.err" && break
		sleep 0.01
	done
}

# save_run FAMILY ADDR: netprobe -c 20 -i 0.01 --save while a system ping
# -c 20 -i 0.01 runs to the same address (started once netprobe has said
# its identifier), the whole wire captured by tcpdump.
save_run() {
	local fam=$1 addr=$2 s=$NP_TMP/save$1.pcap all=$NP_TMP/all$1.pcap pid ident rc
	local fields=()
	np_tcpdump_start "$NS" "$all"
	save_bg "$NS" "$s" "-$fam" -v -c 20 -i 0.01 "$addr"
	np_exec "$NS" 20 ping "-$fam" -c 20 -i 0.01 "$addr"
	np_match "--save -$fam: the system ping got its 20 replies" '20 received' "$NP_OUT"
	wait "$pid"
	rc=$?
	np_tcpdump_stop "$all"
	np_sanitizer_check "--save -$fam" "$s.err"
	np_eq "--save -$fam: exit 0" 0 "$rc"
	np_match "--save -$fam: 20 received" '^20 packets transmitted, 20 received' "$(cat "$s.out")"
	np_match "--save -$fam: -v says 40 packets saved" "40 packets saved to $s\$" "$(cat "$s.err")"
	ident=$(sed -nE 's/.*identifier (0x[0-9a-fA-F]+).*/\1/p' "$s.err" | head -1)
	np_match "--save -$fam: -v gives the identifier" '^0x' "$ident"
	if [ "$fam" = 4 ]; then
		fields=(-e frame.time_epoch -e icmp.type -e icmp.ident)
	else
		fields=(-e frame.time_epoch -e icmpv6.type -e icmpv6.echo.identifier)
	fi
	tshark -r "$s" -T fields "${fields[@]}" >"$s.tshark" 2>"$s.tshark.err"
	np_eq "--save -$fam: tshark reads the file (exit 0)" 0 "$?"
	tshark -r "$all" -T fields "${fields[@]}" >"$all.tshark" 2>/dev/null
	CMP=$("$PY" "$NP_TMP/cmp.py" saved "$s.tshark" "$all.tshark" "${ident:-0}")
	np_eq "--save -$fam: 40 packets in the file" 40 "$(val total)"
	if [ "$fam" = 4 ]; then
		np_eq "--save -4: 20 echo replies, 20 echo requests" "0:20 8:20" "$(val types)"
	else
		np_eq "--save -6: 20 echo requests, 20 echo replies" "128:20 129:20" "$(val types)"
	fi
	np_eq "--save -$fam: every packet has netprobe's identifier $ident" 0 "$(val foreign_saved)"
	# ping's own packets were on the wire meanwhile (else the check above
	# would prove nothing): its 40, less any outside netprobe's run.
	local foreign
	foreign=$(val foreign_on_wire)
	if [ "${foreign:-0}" -ge 4 ]; then
		np_ok "--save -$fam: $foreign packets of ping on the wire during the run, none saved"
	else
		np_not_ok "--save -$fam: only ${foreign:-0} packets of ping during netprobe's run"
	fi
	notes
}
save_run 4 127.0.0.1
save_run 6 ::1

# The wire round trip beside the socket's: each reply's wire_rtt_ms is its
# Echo's response time in the saved file as tshark computes it from the
# capture stamps, to the nanosecond (--decimals 6); the text shows wire=.
wire_run() { # FAMILY ADDR SEQ-FIELD RESPTIME-FIELD
	local w=$NP_TMP/wire$1.pcap got want
	np_run "$NS" 20 -J --decimals 6 -c 5 -i 0.01 --save "$w" "$2"
	np_eq "--save -J -$1: exit 0" 0 "$NP_RC"
	got=$(printf '%s\n' "$NP_OUT" | grep '"event":"reply"' |
		sed -nE 's/.*"seq":([0-9]+).*"wire_rtt_ms":([0-9.]+).*/\1 \2/p' | paste -sd ' ')
	# (tshark drops trailing zeros: 0.0124 for 0.012400)
	want=$(tshark -r "$w" -T fields -e "$3" -e "$4" 2>/dev/null | awk 'NF == 2 { printf "%s %.6f\n", $1, $2 }' | paste -sd ' ')
	np_match "--save -J -$1: 5 replies with wire_rtt_ms" '^1 [0-9.]+ 2 [0-9.]+ 3 [0-9.]+ 4 [0-9.]+ 5 [0-9.]+$' "$got"
	np_eq "--save -J -$1: wire_rtt_ms equal to tshark's response time, to the ns" "$want" "$got"
	np_run "$NS" 20 -c 3 -i 0.01 --save "$w" "$2"
	np_eq "--save -$1 text: wire= on every reply line" 3 \
		"$(printf '%s\n' "$NP_OUT" | grep -cE 'time=[0-9.]+ ms wire=[0-9.]+ ms$')"
	np_run "$NS" 20 -c 3 -i 0.01 "$2"
	np_nomatch "-$1 without --save: no wire=" 'wire=' "$NP_OUT"
}
wire_run 4 127.0.0.1 icmp.seq icmp.resptime
wire_run 6 ::1 icmpv6.echo.sequence_number icmpv6.resptime

# The errors that quote the run's requests are saved too, not those that
# quote a system ping's: TTL 1 to 198.19.1.1, which B routes back to A, so
# that B answers each with a time exceeded (no rate limit in B).
np_ab_net
ip -n "$B" route add 198.19.1.0/24 via 198.51.100.1 dev b0
np_sysctl "$B" net.ipv4.icmp_ratelimit=0
E=$NP_TMP/errors.pcap
save_bg "$A" "$E" -v -c 3 -i 0.05 -t 1 198.19.1.1
np_exec "$A" 20 ping -c 3 -i 0.05 -t 1 198.19.1.1
np_match "--save, errors: the system ping got its time exceeded too" '\+3 errors' "$NP_OUT"
wait "$pid"
rc=$?
np_sanitizer_check "--save, errors" "$E.err"
np_eq "--save, errors: exit 1 (no reply)" 1 "$rc"
np_match "--save, errors: 3 errors" '^3 packets transmitted, 0 received, \+3 errors' "$(cat "$E.out")"
ident=$(sed -nE 's/.*identifier (0x[0-9a-fA-F]+).*/\1/p' "$E.err" | head -1)
tshark -r "$E" -T fields -e frame.time_epoch -e icmp.type -e icmp.ident >"$E.tshark" 2>/dev/null
CMP=$("$PY" "$NP_TMP/cmp.py" saved "$E.tshark" /dev/null "${ident:-0}")
np_eq "--save, errors: 3 requests and 3 time exceeded in the file" "8:3 11:3" "$(val types)"
np_eq "--save, errors: all of the run (identifier $ident, quoted in the errors)" 0 "$(val foreign_saved)"

# Without CAP_NET_RAW (nobody, datagram socket) --save is refused.
np_sysctl "$NS" net.ipv4.ping_group_range="0 2147483647"
PLAIN=$(np_plain_copy)
mkdir "$NP_TMP/nobody"
chmod 777 "$NP_TMP/nobody"
np_exec "$NS" 10 $NP_NOBODY "$PLAIN" -c 2 -i 0.2 127.0.0.1
np_eq "nobody: a datagram-socket run works without --save" 0 "$NP_RC"
np_exec "$NS" 10 $NP_NOBODY "$PLAIN" -c 2 -i 0.2 --save "$NP_TMP/nobody/s.pcap" 127.0.0.1
np_eq "nobody --save: exit 2" 2 "$NP_RC"
np_match "nobody --save: the message names CAP_NET_RAW or the permission" 'CAP_NET_RAW|[Pp]ermi' "$NP_ERR"
np_nomatch "nobody --save: no probe sent" 'packets transmitted' "$NP_OUT"
np_eq "nobody --save: no file written" no "$([ -e "$NP_TMP/nobody/s.pcap" ] && echo yes || echo no)"

# ---- 5. --save stopped by SIGINT -------------------------------------------
SI=$NP_TMP/sigint.pcap
ip netns exec "$NS" timeout -s KILL 10 "$NETPROBE" -i 0.01 --save "$SI" 127.0.0.1 \
	>"$SI.out" 2>"$SI.err" &
pid=$!
NP_PIDS="$NP_PIDS $pid"
np_wait_sigint "$pid"
sleep 0.3 # some probes
kill -INT "$pid"
wait "$pid"
np_eq "--save, SIGINT: exit 0" 0 "$?"
np_eq "--save, SIGINT: nothing on stderr" "" "$(cat "$SI.err")"
sum=$(grep -E '^[0-9]+ packets transmitted, [0-9]+ received' "$SI.out")
np_match "--save, SIGINT: the summary" '^[0-9]+ packets transmitted, [0-9]+ received, 0% packet loss' "$sum"
received=$(printf '%s\n' "$sum" | sed -nE 's/.* ([0-9]+) received.*/\1/p')
tshark -r "$SI" -T fields -e frame.number >"$SI.tshark" 2>"$SI.tshark.err"
np_eq "--save, SIGINT: tshark reads the file (exit 0)" 0 "$?"
np_nomatch "--save, SIGINT: tshark reads the whole file" 'cut short|damaged|isn.t a capture' "$(cat "$SI.tshark.err")"
n=$(wc -l <"$SI.tshark")
if [ "$n" -ge 2 ] && [ $((n % 2)) -eq 0 ]; then
	np_ok "--save, SIGINT: an even number of packets, at least 2 ($n)"
else
	np_not_ok "--save, SIGINT: $n packets in the file"
fi
np_eq "--save, SIGINT: twice the $received replies in the file" "$((2 * ${received:-0}))" "$n"

# ---- 6. live --inspect -------------------------------------------------------
# A namespace of its own: netprobe's is then the only packet socket in it.
np_netns NI
# inspect_bg NAME ARGS...: netprobe --inspect in NI in the background (at
# most 10 s), its pid in BG; returns when its capture is open.
inspect_bg() {
	local name=$1
	shift
	ip netns exec "$NI" timeout -s KILL 10 "$NETPROBE" "$@" \
		>"$NP_TMP/$name.out" 2>"$NP_TMP/$name.err" &
	BG=$!
	NP_PIDS="$NP_PIDS $BG"
	for _ in $(seq 100); do
		[ "$(ip netns exec "$NI" cat /proc/net/packet | wc -l)" -gt 1 ] && break
		sleep 0.02
	done
	np_wait_sigint "$BG" # the filter set and the handlers too
}
# inspect_wait NAME: wait for BG; NP_RC, NP_OUT, NP_ERR as np_run sets them.
inspect_wait() {
	wait "$BG"
	NP_RC=$?
	NP_OUT=$(cat "$NP_TMP/$1.out")
	NP_ERR=$(cat "$NP_TMP/$1.err")
	cp "$NP_TMP/$1.err" "$NP_TMP/err"
	np_sanitizer_check "--inspect ($1)"
}

inspect_bg i6 --inspect -c 6
np_exec "$NI" 10 ping -c 3 -i 0.05 127.0.0.1
inspect_wait i6
np_eq "--inspect -c 6: exit 0" 0 "$NP_RC"
np_eq "--inspect -c 6: 3 request lines" 3 \
	"$(printf '%s\n' "$NP_OUT" | grep -cE '^[0-9:.]+ (lo [a-z]+ )?127\.0\.0\.1 > 127\.0\.0\.1: echo request, id [0-9]+, seq [1-3], 64 bytes, ttl 64$')"
np_eq "--inspect -c 6: 3 reply lines with time=" 3 \
	"$(printf '%s\n' "$NP_OUT" | grep -cE '^[0-9:.]+ (lo [a-z]+ )?127\.0\.0\.1 > 127\.0\.0\.1: echo reply, id [0-9]+, seq [1-3], 64 bytes, ttl 64, time=[0-9]+\.[0-9]{3} ms$')"
np_match "--inspect -c 6: the summary" '^3 requests, 3 replies, 0 unanswered, 0% loss$' "$NP_OUT"
np_match "--inspect -c 6: the totals" '^6 frames: 6 ICMP, 0 ICMPv6, ' "$NP_OUT"

inspect_bg ir --inspect --filter 'icmp[icmptype] = icmp-echoreply' -c 3
np_exec "$NI" 10 ping -c 3 -i 0.05 127.0.0.1
inspect_wait ir
np_eq "--inspect --filter echoreply: exit 0" 0 "$NP_RC"
np_eq "--inspect --filter echoreply: 3 reply lines" 3 "$(printf '%s\n' "$NP_OUT" | grep -c ': echo reply, ')"
np_eq "--inspect --filter echoreply: no request line" 0 "$(printf '%s\n' "$NP_OUT" | grep -c ': echo request, ')"
np_match "--inspect --filter echoreply: replies without request" '^0 requests, 0 replies, 0 unanswered, 3 replies without request$' "$NP_OUT"

np_run "$NI" 10 --inspect -w 1
np_eq "--inspect -w 1, no traffic: exit 1" 1 "$NP_RC"
np_took "--inspect -w 1" 900 1999
np_match "--inspect -w 1: the totals" '^0 frames: ' "$NP_OUT"

for json in "" -J; do
	inspect_bg is --inspect $json
	np_exec "$NI" 10 ping -c 2 -i 0.05 ::1
	sleep 0.1
	t0=$(date +%s%N)
	kill -INT "$BG"
	inspect_wait is
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	np_eq "--inspect${json:+ $json}, SIGINT: exit 0" 0 "$NP_RC"
	if [ "$ms" -lt 1500 ]; then
		np_ok "--inspect${json:+ $json}, SIGINT: ended ${ms}ms after the signal"
	else
		np_not_ok "--inspect${json:+ $json}, SIGINT: ended ${ms}ms after the signal"
	fi
	if [ -z "$json" ]; then
		np_eq "--inspect, SIGINT: 4 packet lines" 4 "$(printf '%s\n' "$NP_OUT" | grep -cE '^[0-9:.]+ (lo [a-z]+ )?::1 > ::1: echo (request|reply), ')"
		np_match "--inspect, SIGINT: the summary" '^2 requests, 2 replies, 0 unanswered, 0% loss$' "$NP_OUT"
		np_match "--inspect, SIGINT: the totals" '^4 frames: 0 ICMP, 4 ICMPv6, ' "$NP_OUT"
	else
		np_match "--inspect -J, SIGINT: the summary" '^\{"event":"summary","from":"::1","to":"::1",.*"transmitted":2,"received":2,"unanswered":0,' "$NP_OUT"
		np_match "--inspect -J, SIGINT: the capture object last" '\{"event":"capture","frames":4,' "$(printf '%s\n' "$NP_OUT" | tail -1)"
	fi
done

# ---- libpcap is loaded only to capture ------------------------------------
np_eq "netprobe is not linked with libpcap (it loads it to capture)" 0 \
	"$(ldd "$NETPROBE" | grep -c libpcap)"
np_match "-V: where libpcap comes from" '^configured with libpcap \(libpcap\.so[.0-9]*, loaded when capturing: libpcap version ' \
	"$("$NETPROBE" -V)"
# Without it (every libpcap file hidden in a mount namespace): a clear
# refusal, exit 2; ping mode unaffected.
nolib() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m sh -c 'for f in $(readlink -f /usr/lib/*/libpcap.so* /lib/*/libpcap.so* 2>/dev/null); do
		mount --bind /dev/null "$f" || exit 99; done; exec "$@"' sh "$@" \
		>"$NP_TMP/out" 2>"$NP_TMP/err"
	NP_RC=$?
	NP_OUT=$(cat "$NP_TMP/out")
	NP_ERR=$(cat "$NP_TMP/err")
}
nolib "$NETPROBE" --read "$FX/eth-v4.pcap"
np_eq "libpcap missing: --read exit 2" 2 "$NP_RC"
np_match "libpcap missing: says so" '^netprobe: capture needs libpcap, which cannot be loaded: libpcap\.so\.0\.8: .*apt-get install libpcap0\.8\)$' "$NP_ERR"
nolib "$NETPROBE" -V
np_match "libpcap missing: -V says so" '^configured with libpcap \(loaded when capturing; not installed here\)$' "$NP_OUT"
nolib ip netns exec "$NS" "$NETPROBE" -c 2 -i 0.01 127.0.0.1
np_eq "libpcap missing: ping mode exit 0" 0 "$NP_RC"

# ---- 7. option conflicts ---------------------------------------------------
F=$FX/eth-v4.pcap
mkdir "$NP_TMP/conflicts"
for args in "--read $F 198.51.100.1" \
	"--read $F --inspect" \
	"--read $F --inspect=lo" \
	"--filter icmp -c 1 127.0.0.1" \
	"--save $NP_TMP/conflicts/s.pcap -c 1 127.0.0.1 127.0.0.2" \
	"--read $F --save $NP_TMP/conflicts/s.pcap" \
	"--read $F -i 0.5" \
	"--inspect -s 100"; do
	np_run "$NS" 10 $args
	desc=${args//$NP_TMP\//}
	np_eq "$desc: exit 2" 2 "$NP_RC"
	np_match "$desc: a message" '^netprobe: ' "$NP_ERR"
	np_nomatch "$desc: nothing done" 'packets transmitted|frames:' "$NP_OUT"
done
np_eq "refused --save: no file written" "" "$(ls "$NP_TMP/conflicts")"

# --save flushes after each wake-up: a run killed with SIGKILL (no chance
# to close) leaves a readable file with what it had saved.
ip netns exec "$NS" timeout -s KILL 1.2 "$NETPROBE" -i 0.1 --save "$NP_TMP/killed.pcap" 127.0.0.1 >/dev/null 2>&1
np_run "$NS" 10 --read "$NP_TMP/killed.pcap" -J
np_eq "--save killed: the file reads (exit 0)" 0 "$NP_RC"
np_match "--save killed: at least 5 requests in it" '"event":"capture".*"requests":([5-9]|[1-9][0-9])' "$NP_OUT"
np_finish
