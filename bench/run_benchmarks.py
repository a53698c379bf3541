#!/usr/bin/env python3
"""Benchmarks for issue #2 (not part of the test suite). Run from the repo root
after building:  python3 bench/run_benchmarks.py [--build build] [--work DIR]

1. Parse throughput: C++ parser vs the plain-Python baseline on one large
   generated `vscsiStats -p all -c` file (2,000 disks, about 10 MB).
2. `vscsi analyze` on 10,000 samples x 8 disks (distinct files) and on
   100,000 samples x 8 disks (the 10,000 files hard-linked ten times, so the
   disk holds 0.4 GB instead of 4 GB): wall time and peak RSS of the process."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

from bench_util import measure


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--work", default="/tmp/vscsi-bench")
    ap.add_argument("--skip-100k", action="store_true")
    a = ap.parse_args()
    gen = os.path.join(a.build, "tools", "vscsi-gen-samples")
    vscsi = os.path.join(a.build, "src", "vscsi")
    bench_parse = os.path.join(a.build, "bench", "bench_parse")
    os.makedirs(a.work, exist_ok=True)

    # 1. parse throughput
    big = os.path.join(a.work, "big.csv")
    subprocess.run([gen, "csv", big, "--disks", "2000"], check=True)
    cpp = run_json([bench_parse, big, "5"])
    py = run_json([sys.executable, os.path.join(os.path.dirname(__file__), "parse_baseline.py"), big, "3"])
    assert cpp["histograms"] == py["histograms"], (cpp, py)
    print(f"parse: {cpp['bytes'] / 1e6:.1f} MB, {cpp['histograms']} histograms")
    print(f"  c++    {cpp['mb_per_s']:8.1f} MB/s")
    print(f"  python {py['mb_per_s']:8.1f} MB/s   (baseline)")
    print(f"  ratio  {cpp['mb_per_s'] / py['mb_per_s']:8.1f}x")

    # 2. analysis of 10k and 100k samples x 8 disks
    job10k = os.path.join(a.work, "job10k")
    if not os.path.exists(os.path.join(job10k, "job.json")):
        shutil.rmtree(job10k, ignore_errors=True)
        t0 = time.perf_counter()
        subprocess.run([gen, "job", job10k, "--samples", "10000", "--disks", "8", "--interval", "60",
                        "--idle-every", "5", "--name", "job10k"], check=True)
        print(f"generated 10,000 samples x 8 disks in {time.perf_counter() - t0:.1f} s")
    results = {}
    w, r = measure([vscsi, "analyze", job10k, "--output-dir", os.path.join(a.work, "out10k")])
    results["10k"] = (w, r)
    if not a.skip_100k:
        job100k = os.path.join(a.work, "job100k")
        if not os.path.exists(os.path.join(job100k, "job.json")):
            shutil.rmtree(job100k, ignore_errors=True)
            os.makedirs(os.path.join(job100k, "samples"))
            meta = json.load(open(os.path.join(job10k, "job.json")))
            meta["job_id"] = "job100k"
            for key in ("samples_collected", "samples_expected"):
                meta["collection"][key] = 100000
            json.dump(meta, open(os.path.join(job100k, "job.json"), "w"))
            for k in range(100000):
                src = os.path.join(job10k, "samples", f"sample-{k % 10000 + 1:06d}.csv")
                os.link(src, os.path.join(job100k, "samples", f"sample-{k + 1:06d}.csv"))
        w, r = measure([vscsi, "analyze", job100k, "--output-dir", os.path.join(a.work, "out100k")])
        results["100k"] = (w, r)
    for k, (w, r) in results.items():
        samples = 10000 if k == "10k" else 100000
        print(f"analyze {k} samples x 8 disks: wall {w:6.2f} s ({samples * 8 / w:,.0f} disk-samples/s), peak RSS {r:6.1f} MiB")
    if "100k" in results:
        print(f"  RSS ratio 100k/10k: {results['100k'][1] / results['10k'][1]:.2f} (flat = 1.0)")


if __name__ == "__main__":
    main()
