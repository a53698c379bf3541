#!/usr/bin/env python3
"""Benchmark for issue #5 (not part of the test suite): what charts and the HTML
report cost on top of a plain analysis, and that memory stays bounded on long
jobs. Run from the repo root after building:
    python3 bench/run_report_bench.py [--build build] [--work DIR]

For jobs of 30 samples x 1 disk (a standard profile), 1,440 x 4 (a day at one
minute) and 10,000 x 8 (a week at one minute): wall time and peak RSS of
`vscsi analyze JOB` (the baseline) and of `vscsi analyze JOB --visualize --report`
(gnuplot runs included), one run each, plus chart count and report size."""
import argparse
import os
import shutil
import subprocess

from bench_util import measure


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--work", default="/tmp/vscsi-report-bench")
    a = ap.parse_args()
    gen = os.path.join(a.build, "tools", "vscsi-gen-samples")
    vscsi = os.path.join(a.build, "src", "vscsi")
    os.makedirs(a.work, exist_ok=True)
    print(f"{'job':>14} {'analyze':>9} {'+charts+report':>15} {'ratio':>6} {'RSS base':>9} {'RSS charts':>11} "
          f"{'charts':>6} {'report':>9}")
    for samples, disks in ((30, 1), (1440, 4), (10000, 8)):
        name = f"job{samples}x{disks}"
        job = os.path.join(a.work, name)
        if not os.path.exists(os.path.join(job, "job.json")):
            shutil.rmtree(job, ignore_errors=True)
            subprocess.run([gen, "job", job, "--samples", str(samples), "--disks", str(disks), "--interval", "60",
                            "--idle-every", "5", "--name", name], check=True)
        base_dir, full_dir = os.path.join(a.work, name + "-base"), os.path.join(a.work, name + "-full")
        for d in (base_dir, full_dir):
            shutil.rmtree(d, ignore_errors=True)
        wb, rb = measure([vscsi, "analyze", job, "--output-dir", base_dir])
        wf, rf = measure([vscsi, "analyze", job, "--output-dir", full_dir, "--visualize", "--report"])
        charts = len(os.listdir(os.path.join(full_dir, "charts")))
        size = os.path.getsize(os.path.join(full_dir, "report.html")) / 1e6
        print(f"{samples:>7,} x {disks:<4} {wb:8.2f}s {wf:14.2f}s {wf / wb:5.1f}x {rb:8.1f}M {rf:10.1f}M "
              f"{charts:>6} {size:7.1f}MB")


if __name__ == "__main__":
    main()
