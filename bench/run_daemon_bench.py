#!/usr/bin/env python3
"""Daemon benchmark (issue #4), not part of the tests. From the repo root after building:
    python3 bench/run_daemon_bench.py [--build build] [--jobs 1000] [--dirs 10000] [--kills 100]

1. 1,000 live jobs on the built-in simulated host (sim:demo, 60 s interval) in one
   daemon: round-trip time of job.status and job.list over the socket (persistent
   connection) and of the `vscsi job status` / `vscsi job list` commands.
   Baseline: the round trip of daemon.status, the cheapest request (socket + codec).
2. job.list over 10,000 job directories: first call (reads every job.json) and
   later calls (job.json cached by mtime/size). Baseline: a Python loop that
   reads and parses the same 10,000 job.json files.
3. Crash loop: --kills SIGKILLs of the daemon at random moments while 8 jobs run
   (1 s interval); every job must complete with all its samples, each sample
   parsing and none changed after it was first seen."""
import argparse
import glob
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time


class Rpc:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.buf = b""
        self.id = 0

    def call_raw(self, method, params=None):
        """The answer's bytes, unparsed: what the daemon takes, without Python's JSON parse."""
        self.id += 1
        self.s.sendall(json.dumps({"jsonrpc": "2.0", "id": self.id, "method": method,
                                   "params": params or {}}).encode() + b"\n")
        chunks = [self.buf]
        while b"\n" not in chunks[-1]:
            chunk = self.s.recv(1 << 20)
            if not chunk:
                raise RuntimeError("daemon closed the connection")
            chunks.append(chunk)
        line, self.buf = b"".join(chunks).split(b"\n", 1)
        return line

    def call(self, method, params=None):
        reply = json.loads(self.call_raw(method, params))
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply["result"]


def timed(fn, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return {"p50_ms": 1000 * times[len(times) // 2], "p99_ms": 1000 * times[int(len(times) * 0.99) - 1],
            "mean_ms": 1000 * statistics.mean(times)}


class World:
    def __init__(self, vscsi, root):
        self.vscsi = vscsi
        self.rt = os.path.join(root, "rt")
        # The default data directory ($XDG_DATA_HOME/vscsi): its daemon listens on vscsi.sock.
        self.data = os.path.join(root, "vscsi")
        os.makedirs(self.rt, mode=0o700, exist_ok=True)
        self.env = dict(os.environ, XDG_RUNTIME_DIR=self.rt, XDG_DATA_HOME=root)
        self.socket = os.path.join(self.rt, "vscsi", "vscsi.sock")

    def cli(self, *args, check=True):
        r = subprocess.run([self.vscsi, "--data-dir", self.data, *args], env=self.env,
                           capture_output=True, text=True)
        if check and r.returncode != 0:
            raise RuntimeError(f"vscsi {' '.join(args)}: {r.stderr}")
        return r

    def daemon_pid(self):
        try:
            pid = int(open(os.path.join(self.data, "daemon.lock")).read())
            os.kill(pid, 0)
            return pid
        except (OSError, ValueError):
            return None

    def serve(self, *args):
        """A daemon of our own: the bench measures round trips back to back, far above
        the default per-client rate limit (200/s) that protects the loop from runaway scripts."""
        log = open(os.path.join(os.path.dirname(self.data), "serve.log"), "a")
        p = subprocess.Popen([self.vscsi, "--data-dir", self.data, "serve", "--max-request-rate", "1000000", *args],
                             env=self.env, stdout=subprocess.DEVNULL, stderr=log)
        for _ in range(400):
            if os.path.exists(self.socket):
                try:
                    Rpc(self.socket).call("daemon.status")
                    return p
                except OSError:
                    pass
            time.sleep(0.025)
        raise RuntimeError("daemon did not start")

    def stop(self):
        self.cli("--no-autostart", "daemon", "stop", check=False)


def bench_live_jobs(vscsi, root, jobs):
    w = World(vscsi, os.path.join(root, "live"))
    w.serve()
    rpc = Rpc(w.socket)
    t = time.perf_counter()
    for i in range(jobs):
        rpc.call("job.start", {"host": "sim:demo", "vms": ["sql-prod-01" if i % 2 else "file-server (branch)"],
                               "samples": 1000, "interval": 60, "name": f"live{i:05d}", "tags": {"n": str(i % 10)}})
    start_s = time.perf_counter() - t
    names = [f"live{i:05d}" for i in range(jobs)]
    base = timed(lambda: rpc.call("daemon.status"), 2000)
    status = timed(lambda: rpc.call("job.status", {"job": random.choice(names)}), 2000)
    listing = timed(lambda: rpc.call("job.list"), 200)
    listing_tag = timed(lambda: rpc.call("job.list", {"tags": ["n=3"]}), 200)
    cli_base = timed(lambda: w.cli("--no-autostart", "daemon", "status"), 50)
    cli_status = timed(lambda: w.cli("job", "status", random.choice(names)), 50)
    cli_list = timed(lambda: w.cli("job", "list"), 20)
    live = rpc.call("daemon.status")["live_jobs"]
    w.stop()
    return {"jobs_live": live, "start_per_job_ms": 1000 * start_s / jobs,
            "rpc_daemon_status": base, "rpc_job_status": status, "rpc_job_list": listing,
            "rpc_job_list_tag_filter": listing_tag, "cli_daemon_status": cli_base,
            "cli_job_status": cli_status, "cli_job_list": cli_list}


def bench_many_dirs(vscsi, root, dirs):
    w = World(vscsi, os.path.join(root, "dirs"))
    # One real job.json as the template (a finished demo job).
    w.cli("job", "start", "--host", "sim:demo", "--vm", "sql-prod-01", "--samples", "1", "--interval", "1",
          "--name", "template", "--wait")
    w.stop()
    template = json.load(open(os.path.join(w.data, "jobs", "template", "job.json")))
    jobs_dir = os.path.join(w.data, "jobs")
    for i in range(dirs):
        name = f"old{i:06d}"
        os.makedirs(os.path.join(jobs_dir, name, "samples"))
        template["job_id"] = name
        template["tags"] = {"site": f"s{i % 20}"}
        with open(os.path.join(jobs_dir, name, "job.json"), "w") as f:
            json.dump(template, f, indent=2)
    subprocess.run(["sync"])

    def python_scan():
        out = []
        for p in glob.glob(os.path.join(jobs_dir, "*", "job.json")):
            with open(p) as f:
                j = json.load(f)
            out.append((j["job_id"], j["status"], j.get("tags", {})))
        return out

    baseline = timed(python_scan, 5)
    w.serve()
    rpc = Rpc(w.socket)
    t = time.perf_counter()
    first = rpc.call("job.list")
    first_ms = 1000 * (time.perf_counter() - t)
    warm = timed(lambda: rpc.call("job.list"), 20)
    warm_bytes = timed(lambda: rpc.call_raw("job.list"), 20)
    warm_filtered = timed(lambda: rpc.call("job.list", {"tags": ["site=s7"]}), 20)
    cli_list = timed(lambda: w.cli("job", "list", "--tag", "site=s7"), 10)
    cli_list_all = timed(lambda: w.cli("job", "list"), 10)
    w.stop()
    # A daemon that starts fresh reads everything once.
    return {"dirs": len(first["jobs"]), "python_read_all_job_json": baseline, "rpc_job_list_first_ms": first_ms,
            "rpc_job_list_warm": warm, "rpc_job_list_warm_answer_bytes_only": warm_bytes,
            "rpc_job_list_warm_tag_filter": warm_filtered, "cli_job_list_tag_filter": cli_list,
            "cli_job_list_all": cli_list_all}


def bench_crash_loop(vscsi, root, kills):
    w = World(vscsi, os.path.join(root, "crash"))
    samples = max(10, kills // 4)
    names = []
    for i in range(8):
        name = f"crash{i}"
        host = "sim:alpha" if i % 2 else "sim:beta"
        w.cli("job", "start", "--host", host, "--vm", "sql-prod-01", "--samples", str(samples), "--interval", "1",
              "--give-up-after", "3600", "--name", name)
        names.append(name)
    rnd = random.Random(4)
    seen = {}
    t0 = time.time()
    for k in range(kills):
        time.sleep(rnd.uniform(0.1, 1.5))
        pid = w.daemon_pid()
        os.kill(pid, signal.SIGKILL)
        while True:
            try:
                os.kill(pid, 0)
                time.sleep(0.005)
            except OSError:
                break
        for n in names:
            json.load(open(os.path.join(w.data, "jobs", n, "job.json")))
            for p in glob.glob(os.path.join(w.data, "jobs", n, "samples", "sample-*.csv")):
                text = open(p).read()
                if seen.setdefault(p, text) != text:
                    raise RuntimeError(f"{p} changed after it was complete")
        w.cli("job", "list")  # restarts the daemon
    while True:
        rows = json.loads(w.cli("--json", "job", "list").stdout)["jobs"]
        if all(r["status"] != "running" for r in rows):
            break
        time.sleep(0.5)
    ok = 0
    for r in rows:
        files = sorted(glob.glob(os.path.join(w.data, "jobs", r["job_id"], "samples", "sample-*.csv")))
        good = (r["status"] == "completed" and r["samples_collected"] == samples and len(files) == samples
                and r["vscsistats_stopped"])
        ok += good
        if not good:
            print("job not whole:", r, len(files), file=sys.stderr)
    for p, text in seen.items():
        if open(p).read() != text:
            raise RuntimeError(f"{p} changed")
    gaps = sum(json.load(open(os.path.join(w.data, "jobs", n, "job.json")))["collection"]["gaps"] for n in names)
    w.stop()
    return {"kills": kills, "jobs": len(names), "jobs_whole": ok, "samples_per_job": samples,
            "samples_checked": len(seen), "gaps_marked": gaps, "wall_s": time.time() - t0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--jobs", type=int, default=1000)
    ap.add_argument("--dirs", type=int, default=10000)
    ap.add_argument("--kills", type=int, default=100)
    ap.add_argument("--parts", default="live,dirs,crash", help="which parts to run (comma-separated)")
    a = ap.parse_args()
    parts = set(a.parts.split(","))
    vscsi = os.path.abspath(os.path.join(a.build, "src", "vscsi"))
    root = tempfile.mkdtemp(prefix="vscsi-daemon-bench-")
    try:
        live = bench_live_jobs(vscsi, root, a.jobs) if "live" in parts else None
        dirs = bench_many_dirs(vscsi, root, a.dirs) if "dirs" in parts else None
        crash = bench_crash_loop(vscsi, root, a.kills) if a.kills and "crash" in parts else None
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if live:
        print_live(a, live)
    if dirs:
        print_dirs(dirs)
    if crash:
        print(f"crash loop: {crash['kills']} SIGKILLs over {crash['wall_s']:.0f} s, {crash['jobs_whole']}/{crash['jobs']} jobs "
              f"completed with all {crash['samples_per_job']} samples, {crash['samples_checked']} sample files never changed, "
              f"{crash['gaps_marked']} resumed samples marked after_gap")
    print(json.dumps({"live": live, "dirs": dirs, "crash": crash}))


def print_live(a, live):
    b = live["rpc_daemon_status"]["p50_ms"]
    print(f"{a.jobs} live jobs in one daemon (started at {live['start_per_job_ms']:.2f} ms per job.start):")
    for k in ("rpc_daemon_status", "rpc_job_status", "rpc_job_list", "rpc_job_list_tag_filter"):
        v = live[k]
        print(f"  {k:<26} p50 {v['p50_ms']:8.3f} ms  p99 {v['p99_ms']:8.3f} ms  = {v['p50_ms'] / b:6.1f}x daemon.status")
    cb = live["cli_daemon_status"]["p50_ms"]
    for k in ("cli_daemon_status", "cli_job_status", "cli_job_list"):
        v = live[k]
        print(f"  {k:<26} p50 {v['p50_ms']:8.3f} ms  p99 {v['p99_ms']:8.3f} ms  = {v['p50_ms'] / cb:6.1f}x `vscsi daemon status`")


def print_dirs(dirs):
    pb = dirs["python_read_all_job_json"]["p50_ms"]
    print(f"job list over {dirs['dirs']} job directories:")
    print(f"  python: read+parse every job.json   p50 {pb:8.1f} ms (baseline)")
    print(f"  rpc job.list, first call            {dirs['rpc_job_list_first_ms']:8.1f} ms  = {dirs['rpc_job_list_first_ms'] / pb:5.2f}x")
    for k in ("rpc_job_list_warm", "rpc_job_list_warm_answer_bytes_only", "rpc_job_list_warm_tag_filter",
              "cli_job_list_tag_filter", "cli_job_list_all"):
        v = dirs[k]
        print(f"  {k:<34} p50 {v['p50_ms']:8.1f} ms  = {v['p50_ms'] / pb:5.2f}x")


if __name__ == "__main__":
    main()
