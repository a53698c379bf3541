#!/usr/bin/env python3
"""Baseline: a plain-Python parser of `vscsiStats -p all -c` output, written the
way the original (Python) design would have: line by line, str.split, int(),
with the same checks as the C++ parser (header fields, min/max/mean/count in
order, ascending limits, overflow row, frequencies adding up to count).
Prints best-of-N throughput as JSON. Usage: parse_baseline.py FILE [passes]"""
import json
import sys
import time

KNOWN_TITLES = {
    "IO lengths of commands", "IO lengths of Read commands", "IO lengths of Write commands",
    "distance (in LBNs) between successive commands",
    "distance (in LBNs) between successive Read commands",
    "distance (in LBNs) between successive Write commands",
    "distance (in LBNs) between each command from the closest of previous 16",
    "latency of IOs in Microseconds (us)", "latency of Read IOs in Microseconds (us)",
    "latency of Write IOs in Microseconds (us)",
    "number of outstanding IOs when a new IO is issued",
    "number of outstanding Read IOs when a new Read IO is issued",
    "number of outstanding Write IOs when a new Write IO is issued",
    "latency of IO interarrival time in Microseconds (us)",
    "latency of IO interarrival time for Reads in Microseconds (us)",
    "latency of IO interarrival time for Writes in Microseconds (us)",
}
WG = ",virtual machine worldGroupID,"


class ParseError(Exception):
    pass


def parse(text):
    disks = {}
    lines = text.split("\n")
    i, n = 0, len(lines)
    while i < n:
        line = lines[i].rstrip("\r \t")
        i += 1
        if not line:
            continue
        if not line.startswith("Histogram:"):
            raise ParseError(f"line {i}: expected header")
        body = line[len("Histogram:"):].strip()
        at = body.find(WG)
        if at < 0:
            raise ParseError(f"line {i}: no worldGroupID")
        title = body[:at]
        if title not in KNOWN_TITLES:
            raise ParseError(f"line {i}: unknown title")
        rest = body[at + len(WG):].split(",", 2)
        wgid = int(rest[0])
        handle_part = rest[2]
        paren = handle_part.find("(")
        handle = int(handle_part[:paren] if paren >= 0 else handle_part)
        label = handle_part[paren + 1:-1] if paren >= 0 else ""
        hist = {}
        for key in ("min", "max", "mean", "count"):
            k, v = lines[i].rstrip("\r").split(",", 1)
            if k != key:
                raise ParseError(f"line {i + 1}: expected {key}")
            hist[key] = int(v)
            i += 1
        if lines[i].rstrip("\r") != "Frequency,Histogram Bucket Limit":
            raise ParseError(f"line {i + 1}: expected bucket header")
        i += 1
        limits, freqs = [], []
        while True:
            if i >= n:
                raise ParseError("truncated")
            f, l = lines[i].rstrip("\r").split(",")
            f, l = int(f), int(l)
            i += 1
            if f < 0:
                raise ParseError(f"line {i}: negative frequency")
            if limits and l == limits[-1]:
                freqs.append(f)
                break
            if limits and l < limits[-1]:
                raise ParseError(f"line {i}: limits must increase")
            limits.append(l)
            freqs.append(f)
        if sum(freqs) != hist["count"]:
            raise ParseError(f"line {i}: count mismatch")
        hist["limits"], hist["frequencies"] = limits, freqs
        disk = disks.setdefault((wgid, handle), {"label": label, "histograms": {}})
        if title in disk["histograms"]:
            raise ParseError(f"line {i}: duplicate histogram")
        disk["histograms"][title] = hist
    return disks


def main():
    path = sys.argv[1]
    passes = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    text = open(path, encoding="utf-8").read()
    best = float("inf")
    for _ in range(passes):
        t0 = time.perf_counter()
        disks = parse(text)
        best = min(best, time.perf_counter() - t0)
    histograms = sum(len(d["histograms"]) for d in disks.values())
    size = len(text.encode())
    print(json.dumps({"parser": "python", "bytes": size, "histograms": histograms,
                      "best_seconds": round(best, 6), "mb_per_s": round(size / best / 1e6, 2)}))


if __name__ == "__main__":
    main()
