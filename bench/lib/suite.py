"""Helpers of bench/suite: the accuracy row (capture, pairing) and the report.

    suite.py accuracy [options]   run inside the namespace (ip netns exec NS):
                                  capture lo with tcpdump while netprobe, ping
                                  and fping probe 127.0.0.1, pair every Echo
                                  Request with its Reply in the capture, and
                                  compare each tool's RTT with the wire RTT
    suite.py report RAW.CSV OUTDIR [key=value ...]
                                  print the table of medians and ratios, and
                                  write OUTDIR/suite.csv and OUTDIR/suite.json

Only the standard library; runs with python3 -I.
"""
import argparse
import csv
import json
import math
import os
import re
import signal
import statistics
import struct
import subprocess
import sys
import time
from collections import Counter, defaultdict

# Fields of reply and summary objects in contrib/netprobe.schema.json as of
# this script.  Anything else (such as the coming field that names the source
# of the timestamps) is shown in the table.
KNOWN_REPLY = {"event", "time", "target", "address", "seq", "probe", "from", "bytes",
               "ttl", "rtt_ms", "reason"}
KNOWN_SUMMARY = {"event", "time", "target", "address", "transmitted", "received",
                 "duplicates", "corrupted", "errors", "late", "loss_pct", "rtt_ms",
                 "privilege", "start", "end"}


def say(msg):
    print(f"bench/suite: {msg}", file=sys.stderr, flush=True)


def pct(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def run_alternating(cmds, tools, runs, limit, row):
    """Run each tool's command `runs` times, the order reversed every other
    run; (tool, run, t0, t1, stdout, stderr, rc) of each, t0 and t1 the
    wall clock around it (ns), rc "timeout" past `limit` seconds."""
    windows = []
    for run in range(1, runs + 1):
        order = tools if run % 2 else tools[::-1]
        for tool in order:
            t0 = time.time_ns()
            try:
                p = subprocess.run(cmds[tool], stdin=subprocess.DEVNULL,
                                   capture_output=True, text=True, timeout=limit)
                rc, out, err = p.returncode, p.stdout, p.stderr
            except subprocess.TimeoutExpired as e:
                rc = "timeout"
                out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
                err = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
            t1 = time.time_ns()
            windows.append((tool, run, t0, t1, out, err, rc))
            if rc != 0:
                say(f"{row} {tool} run {run}: exit status {rc}: {err.strip()[:200]}")
            time.sleep(0.1)
    return windows


# --------------------------------------------------------------------------
# pcap reading: ICMP Echo Requests and Replies over IPv4, nanosecond stamps.

def read_pcap(path):
    """Yield (ts_ns, icmp_type, ident, seq) of every IPv4 ICMP echo packet."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    for endian in "<>":
        m = struct.unpack(endian + "I", magic)[0]
        if m in (0xA1B23C4D, 0xA1B2C3D4):
            break
    else:
        raise SystemExit(f"{path}: not a pcap file (pcapng is not read)")
    frac = 1 if m == 0xA1B23C4D else 1000  # ns or us in the second field
    linktype = struct.unpack(endian + "I", data[20:24])[0] & 0x0FFFFFFF
    rec = struct.Struct(endian + "IIII")
    off = 24
    while off + 16 <= len(data):
        sec, sub, incl, _orig = rec.unpack_from(data, off)
        off += 16
        pkt = data[off:off + incl]
        off += incl
        if linktype == 1:  # Ethernet (Linux lo is captured as Ethernet)
            if len(pkt) < 14:
                continue
            etype = struct.unpack("!H", pkt[12:14])[0]
            ip = pkt[14:]
            if etype == 0x8100 and len(pkt) >= 18:
                etype = struct.unpack("!H", pkt[16:18])[0]
                ip = pkt[18:]
        elif linktype == 113:  # Linux cooked
            etype = struct.unpack("!H", pkt[14:16])[0] if len(pkt) >= 16 else 0
            ip = pkt[16:]
        elif linktype in (12, 101, 228):  # raw IP
            etype, ip = 0x0800, pkt
        else:
            raise SystemExit(f"{path}: link type {linktype} not supported")
        if etype != 0x0800 or len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 1:
            continue
        ihl = (ip[0] & 15) * 4
        icmp = ip[ihl:ihl + 8]
        if len(icmp) < 8 or icmp[0] not in (0, 8):
            continue
        ident, seq = struct.unpack("!HH", icmp[4:8])
        yield sec * 1_000_000_000 + sub * frac, icmp[0], ident, seq


def pair_window(packets, t0, t1):
    """Pair the requests and replies captured in [t0, t1] (one tool ran then).

    Returns (order, wire): order is the list of the sequence numbers of the
    requests of the tool's identifier in the order they were sent; wire maps a
    sequence number to the wire RTT in ns (first reply after the request)."""
    pk = [p for p in packets if t0 <= p[0] <= t1]
    ids = Counter(p[2] for p in pk if p[1] == 8)
    if not ids:
        return [], {}
    ident = ids.most_common(1)[0][0]
    sent, order, wire = {}, [], {}
    for ts, typ, i, seq in pk:
        if i != ident:
            continue
        if typ == 8 and seq not in sent:
            sent[seq] = ts
            order.append(seq)
        elif typ == 0 and seq in sent and seq not in wire and ts >= sent[seq]:
            wire[seq] = ts - sent[seq]
    return order, wire


# --------------------------------------------------------------------------
# Parsing each tool's per-probe RTTs.

def parse_netprobe(text, extra):
    """[(seq, rtt_ms)] from -J; unknown fields go into extra (Counter)."""
    out = []
    for line in text.splitlines():
        try:
            o = json.loads(line)
        except ValueError:
            continue
        ev = o.get("event")
        known = KNOWN_REPLY if ev != "summary" else KNOWN_SUMMARY
        for k, v in o.items():
            if k not in known:
                extra[(ev, k, json.dumps(v) if not isinstance(v, str) else v)] += 1
        if ev == "reply" and "rtt_ms" in o:
            out.append((o["seq"], float(o["rtt_ms"])))
    return out


PING_RE = re.compile(r"icmp_seq=(\d+)\b.*?\btime=([\d.]+) ms")


def parse_ping(text):
    out = []
    for line in text.splitlines():
        if "(DUP!)" in line:
            continue
        m = PING_RE.search(line)
        if m:
            out.append((int(m.group(1)), float(m.group(2))))
    return out


def parse_fping_C(text):
    """fping -q -C N: 'host : r0 r1 - r3 ...' on stderr; index = probe number."""
    for line in text.splitlines():
        if " : " in line and "xmt/rcv" not in line:
            vals = line.split(" : ", 1)[1].split()
            if vals and all(re.fullmatch(r"[\d.]+|-", v) for v in vals):
                return [(i, float(v)) for i, v in enumerate(vals) if v != "-"]
    return []


# --------------------------------------------------------------------------

def accuracy(a):
    tools = a.tools.split()
    period_ms = f"{a.interval * 1000:g}"
    cmds = {
        "netprobe": [a.netprobe, *a.netprobe_opts.split(), "-J", "-c", str(a.probes), "-i", f"{a.interval:g}", "127.0.0.1"],
        "ping": ["ping", "-n", "-c", str(a.probes), "-i", f"{a.interval:g}", "127.0.0.1"],
        "fping": ["fping", "-q", "-C", str(a.probes), "-p", period_ms, "127.0.0.1"],
    }
    pcap = os.path.join(a.dir, "accuracy.pcap")
    cap_err_path = os.path.join(a.dir, "tcpdump.err")
    cap_err = open(cap_err_path, "w")
    # -Z root: tcpdump would otherwise drop to its own user before opening
    # the file in our private (0700) directory.
    cap = subprocess.Popen(["tcpdump", "-i", "lo", "--immediate-mode",
                            "--time-stamp-precision=nano", "-Z", "root", "-s", "128",
                            "-B", "8192", "-w", pcap, "icmp"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=cap_err)
    deadline = time.monotonic() + 10
    while "listening on" not in open(cap_err_path).read():
        if cap.poll() is not None or time.monotonic() > deadline:
            cap.kill()
            cap.wait()
            raise SystemExit("tcpdump did not start: " + open(cap_err_path).read()[:300])
        time.sleep(0.05)
    time.sleep(0.2)

    windows = []
    try:
        windows = run_alternating(cmds, tools, a.runs, a.limit, "accuracy")
    finally:
        time.sleep(0.3)
        cap.send_signal(signal.SIGTERM)
        try:
            cap.wait(10)
        except subprocess.TimeoutExpired:
            cap.kill()
            cap.wait()
    cap_err.close()
    m = re.search(r"(\d+) packets? dropped by kernel", open(cap_err_path).read())
    dropped = int(m.group(1)) if m else -1
    packets = list(read_pcap(pcap))

    raw = open(a.raw, "a", newline="")
    rw = csv.writer(raw)
    # bench/suite wrote the header (the tcp row appends to the file too)
    probes_csv = open(a.probes_csv, "a", newline="")
    pw = csv.writer(probes_csv)
    diffs, wires, pairs, extra = defaultdict(list), defaultdict(list), Counter(), Counter()
    for tool, run, t0, t1, out, err, rc in windows:
        if tool == "netprobe":
            samples = parse_netprobe(out, extra)
        elif tool == "ping":
            samples = parse_ping(out)
        else:
            samples = parse_fping_C(err)
        order, wire = pair_window(packets, t0, t1)
        n = 0
        run_diffs = []
        for key, rtt_ms in samples:
            if tool == "fping":  # the i-th probe is the i-th request sent
                if key >= len(order):
                    continue
                seq = order[key]
            else:
                seq = key
            if seq not in wire:
                continue
            w_us = wire[seq] / 1000
            d = rtt_ms * 1000 - w_us
            pw.writerow([tool, run, seq, f"{rtt_ms * 1000:.3f}", f"{w_us:.3f}", f"{d:.3f}"])
            diffs[tool].append(d)
            wires[tool].append(w_us)
            run_diffs.append(d)
            n += 1
        pairs[tool] += n
        rw.writerow(["accuracy", tool, run, "pairs", n])
        rw.writerow(["accuracy", tool, run, "reported", len(samples)])
        rw.writerow(["accuracy", tool, run, "requests_captured", len(order)])
        if run_diffs:
            rw.writerow(["accuracy", tool, run, "err_median_us", f"{statistics.median(run_diffs):.3f}"])
        say(f"  accuracy {tool:<8} run {run}: {len(samples)} RTTs reported, {len(order)} requests "
            f"captured, {n} paired" + (f", error median {statistics.median(run_diffs):.1f} us"
                                       if run_diffs else ""))
    for tool in tools:
        if diffs[tool]:
            rw.writerow(["accuracy", tool, "all", "err_median_us", f"{statistics.median(diffs[tool]):.3f}"])
            rw.writerow(["accuracy", tool, "all", "err_p99_us", f"{pct(diffs[tool], 99):.3f}"])
            rw.writerow(["accuracy", tool, "all", "err_min_us", f"{min(diffs[tool]):.3f}"])
            rw.writerow(["accuracy", tool, "all", "wire_median_us", f"{statistics.median(wires[tool]):.3f}"])
        rw.writerow(["accuracy", tool, "all", "pairs", pairs[tool]])
        rw.writerow(["accuracy", tool, "all", "expected", a.runs * a.probes])
    rw.writerow(["accuracy", "tcpdump", "all", "dropped", dropped])
    m = re.search(r"--decimals[= ]([3-6])\b", a.netprobe_opts)
    rw.writerow(["accuracy", "netprobe", "all", "resolution_us", 10 ** (3 - int(m.group(1))) if m else 1])
    if "netprobe" in tools:
        by_key = defaultdict(Counter)  # field -> Counter of its values
        for (ev, k, v), c in extra.items():
            if ev == "reply" or re.search(r"stamp|clock|source", k):
                by_key[k if ev == "reply" else f"{ev}.{k}"][v] += c
        parts = []
        for k, vs in by_key.items():
            if len(vs) == 1:
                parts.append(f"{k}={next(iter(vs))}")
            else:
                parts.append(f"{k}=" + " ".join(f"{v}(x{c})" for v, c in vs.most_common()))
        desc = "; ".join(parts) if parts else "not reported"
        rw.writerow(["accuracy", "netprobe", "all", "timestamp_source", desc])
    raw.close()
    probes_csv.close()


# --------------------------------------------------------------------------
# The report.

def report(raw_path, outdir, meta):
    vals = defaultdict(list)  # (row, tool, key) -> [value per run]
    alls = {}                 # (row, tool, key) -> value of run "all"
    na = {}                   # (row, tool) -> reason
    with open(raw_path, newline="") as f:
        for r in csv.DictReader(f):
            k = (r["row"], r["tool"], r["key"])
            if r["key"] == "na":
                na[r["row"], r["tool"]] = r["value"]
            elif r["run"] == "all":
                alls[k] = r["value"]
            else:
                try:
                    vals[k].append(float(r["value"]))
                except ValueError:
                    pass

    def med(row, tool, key, scale=1.0):
        v = vals.get((row, tool, key))
        return statistics.median(v) * scale if v else None

    def allv(row, tool, key):
        v = alls.get((row, tool, key))
        try:
            return float(v) if v is not None else None
        except ValueError:
            return None

    rows = []

    # better: "lower" (ratio baseline/netprobe), "higher" (netprobe/baseline),
    # None (no ratio)
    def add(row, metric, unit, npv, base, bv, better, fmt, note=""):
        ratio = None
        if better and npv is not None and bv is not None and npv > 0 and bv > 0:
            ratio = bv / npv if better == "lower" else npv / bv
        res = allv("accuracy", "netprobe", "resolution_us") or 1
        if row in ("accuracy", "tcp") and better and npv is not None and npv < res:
            # An error below the resolution of the output makes any ratio
            # meaningless, a negative one too.
            ratio = None
            note = note or (f"netprobe within the {res:g} us resolution of its output" if npv > -res
                            else "netprobe reports less than the capture")
        rows.append({"row": row, "metric": metric, "unit": unit,
                     "netprobe": npv, "baseline": base, "baseline_value": bv,
                     "ratio": ratio, "better": better or "", "fmt": fmt, "note": note})

    def counts(row, tool, exp, label):
        """A line with the sent/received counts of every run of TOOL."""
        tx, rx = vals.get((row, tool, "transmitted")), vals.get((row, tool, "received"))
        if not (tx and rx):
            return
        pairs = [(int(t), int(r)) for t, r in zip(tx, rx)]
        if exp and all(p == (int(exp), int(exp)) for p in pairs):
            txt = f"{exp}/{exp} in each of {len(pairs)} runs"
        else:
            txt = "; ".join(f"{t}/{r}" for t, r in pairs) + (f" (expected {exp}/{exp})" if exp else "")
        add(row, f"{tool} {label}", "", None, "", None, None, "", note=txt)

    # accuracy
    if any(r == "accuracy" for r, _, _ in list(vals) + list(alls)) or any(r == "accuracy" for r, _ in na):
        for base in ("ping", "fping"):
            for key, label in (("err_median_us", "RTT error median"), ("err_p99_us", "RTT error p99")):
                if ("accuracy", base, "pairs") in alls or ("accuracy", "netprobe", "pairs") in alls:
                    add("accuracy", f"{label} vs {base}", "us", allv("accuracy", "netprobe", key),
                        base, allv("accuracy", base, key), "lower", "{:.1f}")
        for base in ("ping", "fping"):
            if ("accuracy", base, "pairs") in alls:
                add("accuracy", "wire RTT median (capture)", "us",
                    allv("accuracy", "netprobe", "wire_median_us"), base,
                    allv("accuracy", base, "wire_median_us"), None, "{:.1f}")
        for base in ("ping", "fping"):
            if ("accuracy", base, "pairs") in alls:
                add("accuracy", "probes paired", "of " + str(alls.get(("accuracy", base, "expected"), "?")),
                    allv("accuracy", "netprobe", "pairs"), base, allv("accuracy", base, "pairs"), None, "{:.0f}")
        src = alls.get(("accuracy", "netprobe", "timestamp_source"))
        if src is not None:
            add("accuracy", "netprobe timestamp source", "", None, "", None, None, "", note=src)
        d = allv("accuracy", "tcpdump", "dropped")
        if d:
            add("accuracy", "packets dropped by tcpdump", "", None, "", None, None, "",
                note=f"{d:.0f} (pairs missing from the capture)")

    # flood
    if any(k[0] == "flood" for k in vals) or ("flood", "netprobe") in na:
        add("flood", "round trips per second", "1/s", med("flood", "netprobe", "rate"),
            "ping", med("flood", "ping", "rate"), "higher", "{:,.0f}")
        add("flood", "CPU per round trip (user+sys)", "us", med("flood", "netprobe", "cpu_us_per_rt"),
            "ping", med("flood", "ping", "cpu_us_per_rt"), "lower", "{:.2f}")
        for tool in ("netprobe", "ping"):
            counts("flood", tool, meta.get("flood_count"), "transmitted/received")

    # sweep
    for rng, base in (("198.18.0.0/16", "fping"), ("2001:db8::/108", None)):
        row = "sweep"
        if not any(k[0] == "sweep" and k[1] in (f"netprobe {rng}", f"fping {rng}") for k in vals):
            continue
        np_t, b_t = f"netprobe {rng}", f"fping {rng}" if base else None
        add(row, f"{rng} wall time", "s", med(row, np_t, "wall_s"), base or "",
            med(row, b_t, "wall_s") if b_t else None, "lower", "{:.3f}")
        add(row, f"{rng} peak RSS", "MiB", med(row, np_t, "rss_kb", 1 / 1024), base or "",
            med(row, b_t, "rss_kb", 1 / 1024) if b_t else None, "lower", "{:.1f}")
        nv, bv = vals.get((row, np_t, "alive")), vals.get((row, b_t, "alive")) if b_t else None
        add(row, f"{rng} alive (min over runs)", "of " + {"198.18.0.0/16": "65534",
                                                           "2001:db8::/108": "1048576"}[rng],
            min(nv) if nv else None, base or "", min(bv) if bv else None, None, "{:.0f}")
        fl = med(row, f"floor {rng}", "wall_s")
        if fl:
            # bench/lib/floor.c: what the sweep costs with nothing of a
            # tool's own (no timestamps, no state, no output)
            n, f = med(row, np_t, "wall_s"), med(row, b_t, "wall_s") if b_t else None
            parts = [f"{fl:.3f} s"]
            fa = vals.get((row, f"floor {rng}", "alive"))
            if fa and min(fa) < 65534:
                # a lost reply makes the floor wait its 0.5 s for it
                parts.append(f"a run with only {min(fa):.0f} alive, its time "
                             f"includes the 0.5 s wait for the rest")
            if f:
                parts.append(f"fping takes {f / fl:.2f}x as long")
            if n:
                parts.append(f"netprobe {n / fl:.2f}x")
            add(row, f"{rng} floor (bench/lib/floor.c)", "", None, "", None, None, "",
                note="; ".join(parts))

    # steady
    if any(k[0] == "steady" for k in vals) or ("steady", "netprobe") in na:
        gap, burst = meta.get("steady_gap_ms", "?"), meta.get("steady_burst", "?")
        add("steady", f"CPU per probe, gap {gap} ms (netprobe --burst {burst})", "us",
            med("steady", "netprobe", "cpu_us_per_probe"),
            "fping", med("steady", "fping", "cpu_us_per_probe"), "lower", "{:.2f}")
        add("steady", "CPU per run (user+sys)", "s", med("steady", "netprobe", "cpu_s"),
            "fping", med("steady", "fping", "cpu_s"), "lower", "{:.3f}")
        add("steady", "wall time", "s", med("steady", "netprobe", "wall_s"),
            "fping", med("steady", "fping", "wall_s"), None, "{:.2f}")
        if ("steady", "netprobe-b1", "cpu_us_per_probe") in vals:
            add("steady", f"CPU per probe, gap {gap} ms, netprobe --burst 1", "us",
                med("steady", "netprobe-b1", "cpu_us_per_probe"),
                "fping", med("steady", "fping", "cpu_us_per_probe"), "lower", "{:.2f}")
        if ("steady", "netprobe-g0", "cpu_us_per_probe") in vals:
            add("steady", "CPU per probe, no gap (netprobe --gap 0, fping -i 0)", "us",
                med("steady", "netprobe-g0", "cpu_us_per_probe"),
                "fping -i 0", med("steady", "fping-i0", "cpu_us_per_probe"), "lower", "{:.2f}")
        for tool in ("netprobe", "fping", "netprobe-b1", "netprobe-g0", "fping-i0"):
            counts("steady", tool, meta.get("steady_probes"), "probes sent/answered")

    # startup
    if any(k[0] == "startup" for k in vals):
        add("startup", "wall time of -c 1 127.0.0.1", "ms", med("startup", "netprobe", "wall_s", 1000),
            "ping", med("startup", "ping", "wall_s", 1000), "lower", "{:.2f}")
        add("startup", "peak RSS of -c 1 127.0.0.1", "MiB", med("startup", "netprobe", "rss_kb", 1 / 1024),
            "ping", med("startup", "ping", "rss_kb", 1 / 1024), "lower", "{:.2f}")
        t = med("startup", "true", "wall_s", 1000)
        if t is not None:
            add("startup", "harness floor (/bin/true)", "", None, "", None, None, "",
                note=f"{t:.2f} ms, included in both wall times")

    # tcp: netprobe's raw SYN probe against hping3 and nping, and its
    # connect probe (its own lines, against the same tools)
    if any(r == "tcp" for r, _, _ in list(vals) + list(alls)) or any(r == "tcp" for r, _ in na):
        def has_tcp(tool):
            return ("tcp", tool, "pairs") in alls
        for np_tool, label in (("netprobe", ""), ("netprobe-connect", ", --connect")):
            if np_tool != "netprobe" and not has_tcp(np_tool) and ("tcp", np_tool) not in na:
                continue
            for base in ("hping3", "nping"):
                if not has_tcp(base):
                    continue
                for key, what in (("err_median_us", "RTT error median"), ("err_p99_us", "RTT error p99")):
                    add("tcp", f"{what}{label} vs {base}", "us", allv("tcp", np_tool, key),
                        base, allv("tcp", base, key), "lower", "{:.1f}",
                        note=("" if np_tool == "netprobe" or allv("tcp", np_tool, key) is not None
                              else f"netprobe: {na.get(('tcp', np_tool), 'no figures')}"))
            if not has_tcp("hping3") and not has_tcp("nping"):
                for key, what in (("err_median_us", "RTT error median"), ("err_p99_us", "RTT error p99")):
                    add("tcp", f"{what}{label}", "us", allv("tcp", np_tool, key), "", None, None, "{:.1f}")
        if has_tcp("nping") and allv("tcp", "nping", "avg_err_us") is not None:
            add("tcp", "mean RTT error (nping: its Avg rtt)", "us", allv("tcp", "netprobe", "err_mean_us"),
                "nping", allv("tcp", "nping", "avg_err_us"), None, "{:.1f}")
        for tool in ("netprobe", "netprobe-connect", "hping3", "nping"):
            if has_tcp(tool):
                add("tcp", f"{tool} probes paired, wire RTT median", "", None, "", None, None, "",
                    note=f"{allv('tcp', tool, 'pairs'):.0f} of {alls.get(('tcp', tool, 'expected'), '?')}"
                    + (f", {allv('tcp', tool, 'wire_median_us'):.1f} us"
                       if allv("tcp", tool, "wire_median_us") is not None else ""))
        for tool in ("netprobe", "netprobe-connect"):
            fields = alls.get(("tcp", tool, "fields"))
            if fields:
                add("tcp", f"{tool} reply fields", "", None, "", None, None, "", note=fields)
        d = allv("tcp", "tcpdump", "dropped")
        if d:
            add("tcp", "packets dropped by tcpdump", "", None, "", None, None, "",
                note=f"{d:.0f} (pairs missing from the capture)")

    # portsweep
    if any(k[0] == "portsweep" for k in vals) or ("portsweep", "netprobe") in na:
        rng = meta.get("portsweep_range", "?")
        add("portsweep", f"port 443 of {rng}: wall time", "s", med("portsweep", "netprobe", "wall_s"),
            "nmap", med("portsweep", "nmap", "wall_s"), "lower", "{:.3f}")
        add("portsweep", f"port 443 of {rng}: peak RSS", "MiB", med("portsweep", "netprobe", "rss_kb", 1 / 1024),
            "nmap", med("portsweep", "nmap", "rss_kb", 1 / 1024), "lower", "{:.1f}")
        nv, bv = vals.get(("portsweep", "netprobe", "found")), vals.get(("portsweep", "nmap", "found"))
        add("portsweep", "hosts found open (min over runs)", "", min(nv) if nv else None,
            "nmap", min(bv) if bv else None, None, "{:.0f}",
            note="netprobe leaves out a block's network and broadcast addresses, nmap does not")

    # n/a for netprobe where it could not run a row
    for r in rows:
        reason = na.get((r["row"], "netprobe"))
        if reason and r["netprobe"] is None and r["fmt"]:
            r["note"] = r["note"] or f"netprobe: {reason}"
            r["na"] = True

    def f(v, fmt, na_=False):
        if v is None:
            return "n/a" if na_ else "-"
        return fmt.format(v)

    hdr = ("row", "metric", "unit", "netprobe", "other tool", "ratio")
    table = []  # (cells, note); a row without figures has its note as cells[3]
    for r in rows:
        if r["fmt"]:
            bcol = f"{r['baseline']} {f(r['baseline_value'], r['fmt'])}" if r["baseline"] else "-"
            ratio = f"{r['ratio']:.2f}x" if r["ratio"] is not None else "-"
            table.append(((r["row"], r["metric"], r["unit"], f(r["netprobe"], r["fmt"], r.get("na")),
                           bcol, ratio), r["note"]))
        else:
            table.append(((r["row"], r["metric"], r["unit"]), r["note"]))
    w = [max([len(h)] + [len(c[i]) for c, _ in table if len(c) > i]) for i, h in enumerate(hdr)]

    def line(c):
        return "  ".join(f"{x:<{w[i]}}" if i < 3 else f"{x:>{w[i]}}" for i, x in enumerate(c))

    print(line(hdr))
    for c, note in table:
        if len(c) > 3:
            print(line(c) + (f"  {note}" if note else ""))
        else:
            print(line(c) + "  " + note)
    print("ratio: above 1 means netprobe did better (less time, memory, CPU or error; "
          "more round trips per second); '-': no ratio for that metric")

    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "suite.csv"), "w", newline="") as fh:
        cw = csv.writer(fh)
        cw.writerow(["row", "metric", "unit", "netprobe", "baseline", "baseline_value", "ratio",
                     "better", "note"])
        for r in rows:
            cw.writerow([r["row"], r["metric"], r["unit"],
                         "" if r["netprobe"] is None else f"{r['netprobe']:.6g}", r["baseline"],
                         "" if r["baseline_value"] is None else f"{r['baseline_value']:.6g}",
                         "" if r["ratio"] is None else f"{r['ratio']:.4g}", r["better"], r["note"]])
    with open(os.path.join(outdir, "suite.json"), "w") as fh:
        json.dump({"meta": meta, "rows": [{k: v for k, v in r.items() if k not in ("fmt", "na")}
                                          for r in rows]}, fh, indent=1)
        fh.write("\n")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "accuracy":
        ap = argparse.ArgumentParser(prog="suite.py accuracy")
        ap.add_argument("--dir", required=True)
        ap.add_argument("--raw", required=True)
        ap.add_argument("--probes-csv", required=True)
        ap.add_argument("--runs", type=int, default=3)
        ap.add_argument("--probes", type=int, default=200)
        ap.add_argument("--interval", type=float, default=0.01)
        ap.add_argument("--limit", type=float, default=60)
        ap.add_argument("--tools", default="netprobe ping fping")
        ap.add_argument("--netprobe", default="netprobe")
        ap.add_argument("--netprobe-opts", default="")
        accuracy(ap.parse_args(sys.argv[2:]))
    elif len(sys.argv) > 3 and sys.argv[1] == "report":
        meta = dict(kv.split("=", 1) for kv in sys.argv[4:])
        report(sys.argv[2], sys.argv[3], meta)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
