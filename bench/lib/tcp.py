"""The TCP row of bench/suite: how close the SYN -> SYN/ACK round trip a tool
reports is to the one on the wire.

    tcp.py accuracy [options]   run inside the prober's namespace (ip netns
                                exec NS): capture the prober's interface
                                with tcpdump while each tool probes the
                                target's open port, pair every SYN with its
                                SYN/ACK in the capture, and compare each
                                tool's RTT with the wire RTT

The wire time of a packet is the moment it leaves for the veth pair: the
moment tcpdump's tap sees it go out of the end its sender writes to (the
SYNs on the prober's end, the answers on the target's end, both tcpdump
-Q out), on the one realtime clock of the machine: the same point for
both packets of a round trip, as the accuracy row's capture of lo has.
(A capture of the prober's end alone would time the SYN as it leaves but
the answer as it arrives, after the target's tap and the pair: a few
microseconds that no prober could see.)

Tools (--tools): netprobe (raw SYN probes, --tcp=PORT -J), netprobe-connect
(--connect --tcp=PORT -J), hping3 (-S), nping (--tcp).  Rows of the raw
CSV (row "tcp") as suite.py's accuracy row writes them, read by suite.py
report.  Only the standard library; runs with python3 -I.
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
from collections import defaultdict

# suite.py's runner and helpers (run with python3 -I: no script directory
# on the path by itself)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from suite import pct, run_alternating, say  # noqa: E402

SYN, RST, ACK = 0x02, 0x04, 0x10



def read_pcap(path):
    """Yield (ts_ns, src, sport, dst, dport, seq, ack, flags) of every IPv4
    TCP segment of a classic pcap file (Ethernet, cooked or raw IP)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    for endian in "<>":
        m = struct.unpack(endian + "I", data[:4])[0]
        if m in (0xA1B23C4D, 0xA1B2C3D4):
            break
    else:
        raise SystemExit(f"{path}: not a pcap file (pcapng is not read)")
    frac = 1 if m == 0xA1B23C4D else 1000
    linktype = struct.unpack(endian + "I", data[20:24])[0] & 0x0FFFFFFF
    rec = struct.Struct(endian + "IIII")
    off = 24
    while off + 16 <= len(data):
        sec, sub, incl, _orig = rec.unpack_from(data, off)
        off += 16
        pkt = data[off:off + incl]
        off += incl
        if linktype == 1:
            etype = struct.unpack("!H", pkt[12:14])[0] if len(pkt) >= 14 else 0
            ip = pkt[14:]
        elif linktype == 113:
            etype = struct.unpack("!H", pkt[14:16])[0] if len(pkt) >= 16 else 0
            ip = pkt[16:]
        elif linktype in (12, 101, 228):
            etype, ip = 0x0800, pkt
        else:
            raise SystemExit(f"{path}: link type {linktype} not supported")
        if etype != 0x0800 or len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
            continue
        ihl = (ip[0] & 15) * 4
        tcp = ip[ihl:ihl + 14]
        if len(tcp) < 14:
            continue
        sport, dport, seq, ack = struct.unpack("!HHII", tcp[:12])
        yield (sec * 1_000_000_000 + sub * frac, ip[12:16], sport, ip[16:20],
               dport, seq, ack, tcp[13])


def start_capture(dirname, name, prefix, dev, filt):
    """tcpdump of what `dev` sends (-Q out), nanosecond stamps, in the
    namespace `prefix` enters (ip netns exec NS, or none): returns
    [process, pcap path, stderr path, dropped]."""
    pcap = os.path.join(dirname, f"tcp-{name}.pcap")
    err_path = os.path.join(dirname, f"tcpdump-tcp-{name}.err")
    err = open(err_path, "w")
    cap = subprocess.Popen(prefix + ["tcpdump", "-i", dev, "-Q", "out",
                                     "--time-stamp-precision=nano", "-Z", "root", "-s", "128",
                                     "-B", "8192", "-w", pcap, filt],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
    err.close()
    deadline = time.monotonic() + 10
    while "listening on" not in open(err_path).read():
        if cap.poll() is not None or time.monotonic() > deadline:
            cap.kill()
            cap.wait()
            raise SystemExit("tcpdump did not start: " + open(err_path).read()[:300])
        time.sleep(0.05)
    return [cap, pcap, err_path, -1]


def stop_capture(c):
    c[0].send_signal(signal.SIGTERM)
    try:
        c[0].wait(10)
    except subprocess.TimeoutExpired:
        c[0].kill()
        c[0].wait()
    m = re.search(r"(\d+) packets? dropped by kernel", open(c[2]).read())
    c[3] = int(m.group(1)) if m else 0


def pair_window(packets, t0, t1, port):
    """The SYNs to `port` captured in [t0, t1] in the order sent, and for
    each the wire RTT in ns to the first answer (SYN/ACK or RST/ACK on the
    reverse 4-tuple acknowledging its ISN + 1) after it and not already
    taken: [(syn_ts, rtt_ns or None)].  Identical SYNs (nping sends the
    same one every time) are told apart by order."""
    pk = [p for p in packets if t0 <= p[0] <= t1]
    syns = [p for p in pk if p[4] == port and p[7] & (SYN | ACK | RST) == SYN]
    answers = [p for p in pk if p[2] == port and p[7] & ACK and p[7] & (SYN | RST)]
    used = set()
    out = []
    for ts, src, sport, dst, _dport, seq, _ack, _fl in syns:
        rtt = None
        for i, a in enumerate(answers):
            if i in used or a[0] < ts:
                continue
            if a[1] == dst and a[3] == src and a[4] == sport and \
                    a[6] == (seq + 1) & 0xFFFFFFFF:
                used.add(i)
                rtt = a[0] - ts
                break
        out.append((ts, rtt))
    return out


# Each parser returns [(index, rtt_ms)]: the index of the probe among the
# tool's SYNs in the order sent (0 for the first), and the RTT it reported.

def parse_netprobe(text, extra):
    """-J: reply objects, "seq" from 1; other fields' values into extra."""
    out = []
    for line in text.splitlines():
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if o.get("event") == "reply" and "rtt_ms" in o and "seq" in o:
            out.append((int(o["seq"]) - 1, float(o["rtt_ms"])))
            for k in ("tx_ts", "rx_ts", "ts", "state", "timing"):
                if k in o:
                    extra[f"{k}={o[k]}"] = extra.get(f"{k}={o[k]}", 0) + 1
    return out


HPING_RE = re.compile(r"\bflags=(\w+) seq=(\d+) .*\brtt=([\d.]+) ms")


def parse_hping3(text):
    """len=44 ip=... flags=SA seq=K win=... rtt=X ms; K from 0, one source
    port per probe in order."""
    out = []
    for line in text.splitlines():
        m = HPING_RE.search(line)
        if m and "DUP" not in line:
            out.append((int(m.group(2)), float(m.group(3))))
    return out


NPING_RE = re.compile(r"^(SENT|RCVD) \(([\d.]+)s\) TCP")
NPING_AVG = re.compile(r"Avg rtt: ([\d.]+)ms")


def parse_nping(text):
    """nping prints no RTT per probe, only the time of each SENT and RCVD
    line (seconds, 4 decimals): a probe's RTT is its RCVD time minus its
    SENT time, a RCVD belonging to the last SENT before it.  Also returns
    its "Avg rtt" (microseconds)."""
    out, k, sent = [], -1, None
    for line in text.splitlines():
        m = NPING_RE.match(line)
        if not m:
            continue
        if m.group(1) == "SENT":
            k, sent = k + 1, float(m.group(2))
        elif sent is not None:
            out.append((k, (float(m.group(2)) - sent) * 1000))
            sent = None
    m = NPING_AVG.search(text)
    return out, float(m.group(1)) if m else None


def accuracy(a):
    tools = a.tools.split()
    n, iv = str(a.probes), a.interval
    cmds = {
        "netprobe": [a.netprobe, f"--tcp={a.port}", "-J", "-c", n, "-i", f"{iv:g}", a.target],
        "netprobe-connect": [a.netprobe, "--connect", f"--tcp={a.port}", "-J", "-c", n,
                             "-i", f"{iv:g}", a.target],
        "hping3": ["hping3", "-S", "-p", str(a.port), "-c", n, "-i", f"u{int(iv * 1e6)}",
                   a.target],
        "nping": ["nping", "--tcp", "-p", str(a.port), "-c", n, "--delay",
                  f"{int(iv * 1000)}ms", a.target],
    }
    # Two captures of what leaves, each at the end of the veth pair its
    # sender writes to: the SYNs on the prober's end, the answers on the
    # target's (see the docstring).
    caps = [start_capture(a.dir, "syn", [], a.dev, f"tcp dst port {a.port}")]
    try:
        caps.append(start_capture(a.dir, "answer", ["ip", "netns", "exec", a.target_ns],
                                  a.target_dev, f"tcp src port {a.port}"))
    except SystemExit:
        stop_capture(caps[0])
        raise
    time.sleep(0.2)

    windows = []
    try:
        windows = run_alternating(cmds, tools, a.runs, a.limit, "tcp")
    finally:
        time.sleep(0.3)
        for c in caps:
            stop_capture(c)
    dropped = sum(c[3] for c in caps)
    # the SYNs as the prober's end sent them, the answers as the target's
    # end did
    packets = sorted([p for p in read_pcap(caps[0][1]) if p[4] == a.port] +
                     [p for p in read_pcap(caps[1][1]) if p[2] == a.port])

    raw = open(a.raw, "a", newline="")
    rw = csv.writer(raw)
    pw = csv.writer(open(a.probes_csv, "a", newline=""))
    diffs, wires, pairs, mean_err = defaultdict(list), defaultdict(list), defaultdict(int), {}
    extra = defaultdict(dict)  # tool -> {"field=value": count}
    for tool, run, t0, t1, out, err, rc in windows:
        if tool.startswith("netprobe"):
            samples = parse_netprobe(out, extra[tool])
        elif tool == "hping3":
            samples = parse_hping3(out)
        else:
            samples, avg = parse_nping(out)
        wire = pair_window(packets, t0, t1, a.port)
        run_diffs, run_wires = [], []
        for k, rtt_ms in samples:
            if not 0 <= k < len(wire) or wire[k][1] is None:
                continue
            w_us = wire[k][1] / 1000
            d = rtt_ms * 1000 - w_us
            pw.writerow([f"tcp {tool}", run, k + 1, f"{rtt_ms * 1000:.3f}", f"{w_us:.3f}", f"{d:.3f}"])
            run_diffs.append(d)
            run_wires.append(w_us)
        diffs[tool] += run_diffs
        wires[tool] += run_wires
        pairs[tool] += len(run_diffs)
        if tool == "nping" and avg is not None and run_wires:
            # nping's own average (in us) against the capture's
            mean_err.setdefault(tool, []).append(avg * 1000 - statistics.mean(run_wires))
        rw.writerow(["tcp", tool, run, "pairs", len(run_diffs)])
        rw.writerow(["tcp", tool, run, "reported", len(samples)])
        rw.writerow(["tcp", tool, run, "syns_captured", len(wire)])
        if run_diffs:
            rw.writerow(["tcp", tool, run, "err_median_us", f"{statistics.median(run_diffs):.3f}"])
        say(f"  tcp      {tool:<16} run {run}: {len(samples)} RTTs reported, {len(wire)} SYNs "
            f"captured, {len(run_diffs)} paired" +
            (f", error median {statistics.median(run_diffs):.1f} us" if run_diffs else ""))
    for tool in tools:
        if diffs[tool]:
            rw.writerow(["tcp", tool, "all", "err_median_us", f"{statistics.median(diffs[tool]):.3f}"])
            rw.writerow(["tcp", tool, "all", "err_p99_us", f"{pct(diffs[tool], 99):.3f}"])
            rw.writerow(["tcp", tool, "all", "err_abs_p99_us",
                         f"{pct([abs(d) for d in diffs[tool]], 99):.3f}"])
            rw.writerow(["tcp", tool, "all", "err_mean_us", f"{statistics.mean(diffs[tool]):.3f}"])
            rw.writerow(["tcp", tool, "all", "wire_median_us", f"{statistics.median(wires[tool]):.3f}"])
        if mean_err.get(tool):
            rw.writerow(["tcp", tool, "all", "avg_err_us", f"{statistics.mean(mean_err[tool]):.3f}"])
        rw.writerow(["tcp", tool, "all", "pairs", pairs[tool]])
        rw.writerow(["tcp", tool, "all", "expected", a.runs * a.probes])
    rw.writerow(["tcp", "tcpdump", "all", "dropped", dropped])
    for tool, fields in extra.items():
        if fields:
            rw.writerow(["tcp", tool, "all", "fields",
                         "; ".join(f"{k} (x{v})" for k, v in sorted(fields.items()))])
    raw.close()


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "accuracy":
        ap = argparse.ArgumentParser(prog="tcp.py accuracy")
        ap.add_argument("--dir", required=True)
        ap.add_argument("--raw", required=True)
        ap.add_argument("--probes-csv", required=True)
        ap.add_argument("--dev", required=True)
        ap.add_argument("--target-ns", required=True)
        ap.add_argument("--target-dev", required=True)
        ap.add_argument("--target", required=True)
        ap.add_argument("--port", type=int, default=443)
        ap.add_argument("--runs", type=int, default=3)
        ap.add_argument("--probes", type=int, default=200)
        ap.add_argument("--interval", type=float, default=0.01)
        ap.add_argument("--limit", type=float, default=60)
        ap.add_argument("--tools", default="netprobe netprobe-connect hping3 nping")
        ap.add_argument("--netprobe", default="netprobe")
        accuracy(ap.parse_args(sys.argv[2:]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
