#!/usr/bin/env python3
"""vCenter survey benchmark (issue #20), not part of the tests. From the repo root after building:
    python3 bench/run_vcenter_bench.py [--build build] [--vms 500] [--runs 3]

Starts govmomi's simulator (tests/vcsim, built with `ninja -C build tests/vcsim`)
with VMS VMs, half on a standalone host and half in a cluster, and times
`vscsi vcenter survey` (wall time and SOAP calls, best and median of RUNS):
  vscsi:    the default, QueryPerf for 64 VMs a call, inventory pages of 200 objects;
  baseline: the same survey one VM per QueryPerf call (--batch 1), as a per-VM
            script (or PowerCLI's Get-Stat in a loop) does it."""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def survey(vscsi, port, extra):
    env = dict(os.environ, VSCSI_VC_PASSWORD="pw")
    start = time.perf_counter()
    r = subprocess.run([vscsi, "--json", "vcenter", "survey", f"127.0.0.1:{port}", "--vc-user", "admin",
                        "--insecure"] + extra, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit(f"survey failed: {r.stderr}")
    out = json.loads(r.stdout)
    return wall, out["calls"], out["vms_queried"], len(out["disks"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--vms", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    vscsi = os.path.join(a.build, "src", "vscsi")
    vcsim = os.path.join(a.build, "tests", "vcsim")
    subprocess.run(["ninja", "-C", a.build, "tests/vcsim"], check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        metrics = os.path.join(tmp, "metrics.json")
        series = {"virtualDisk.numberReadAveraged": [100, 120, 140], "virtualDisk.read": [800, 960, 1120]}
        with open(metrics, "w") as f:
            json.dump({f"DC0_H0_VM{i}": {"scsi0:0": series} for i in range(a.vms // 2)}, f)
        port = free_port()
        ready = os.path.join(tmp, "ready")
        sim = subprocess.Popen([vcsim, "-l", f"127.0.0.1:{port}", "-username", "admin", "-password", "pw",
                                "-vm", str(a.vms // 2), "-metrics", metrics, "-ready", ready],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while not os.path.exists(ready):
                time.sleep(0.05)
            rows = {}
            for name, extra in (("vscsi", []), ("baseline", ["--batch", "1"])):
                runs = [survey(vscsi, port, extra) for _ in range(a.runs)]
                walls = [r[0] for r in runs]
                rows[name] = (min(walls), statistics.median(walls), runs[0][1], runs[0][2], runs[0][3])
        finally:
            sim.terminate()
            sim.wait()
    print(f"{'':10} {'best s':>8} {'median s':>9} {'calls':>6} {'VMs':>5} {'disks':>6}")
    for name, (best, med, calls, vms, disks) in rows.items():
        print(f"{name:10} {best:8.3f} {med:9.3f} {calls:6d} {vms:5d} {disks:6d}")
    print(f"median ratio baseline / vscsi: {rows['baseline'][1] / rows['vscsi'][1]:.1f}x, "
          f"calls {rows['baseline'][2] / rows['vscsi'][2]:.1f}x")


if __name__ == "__main__":
    main()
