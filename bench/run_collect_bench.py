#!/usr/bin/env python3
"""Collection benchmark (issue #3), not part of the tests. From the repo root after building:
    python3 bench/run_collect_bench.py [--build build] [--samples 4] [--interval 2]

Starts simulated ESXi hosts behind real sshd on 127.0.0.1 (10 disks per VM) and
runs, for 100 and for 1,000 disks:
  vscsi: one job per VM, all jobs on one thread, one SSH connection per host
         (bench/bench_collect): collector CPU seconds per collected sample, RSS per job;
  baseline: the cron + ssh way, one `ssh host vscsiStats -p all -c -w W` process
         per sample, measured the same way (CPU of the ssh processes, their peak RSS)."""
import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_host(root, sim, name, vms, disks_per_vm):
    d = os.path.join(root, name)
    os.makedirs(os.path.join(d, "bin"))
    for tool in ("vscsiStats", "esxcli", "vim-cmd"):
        os.symlink(sim, os.path.join(d, "bin", tool))
    base = 3000000 + 1000 * len(os.listdir(root))
    host = {"autostop_seconds": 1800, "vms": []}
    for v in range(vms):
        host["vms"].append({
            "name": f"vm{v}", "world_group_id": base + v, "vmid": v + 1,
            "vmx": f"/vmfs/volumes/ds/vm{v}/vm{v}.vmx", "datastore_path": f"[ds] vm{v}/vm{v}.vmx",
            "disks": [{"handle": 8194 + k, "label": f"scsi0:{k}", "backing": f"[ds] vm{v}/d{k}.vmdk",
                       "model": {"iops": 500, "read_fraction": 0.6, "read_sizes": [[8192, 1]],
                                 "write_sizes": [[4096, 1]]}} for k in range(disks_per_vm)]})
    hj = os.path.join(d, "host.json")
    json.dump(host, open(hj, "w"))
    env = dict(os.environ, VSCSI_SIM_DIR=os.path.join(d, "sim"))
    subprocess.run([sim, "admin", "init", hj], check=True, env=env)
    for k in ("host_key", "client_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", os.path.join(d, k)], check=True)
    shutil.copy(os.path.join(d, "client_key.pub"), os.path.join(d, "authorized_keys"))
    port = free_port()
    cfg = os.path.join(d, "sshd_config")
    open(cfg, "w").write(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\nPidFile {d}/pid\n"
        f"AuthorizedKeysFile {d}/authorized_keys\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        f"UsePAM no\nStrictModes no\nPermitRootLogin prohibit-password\nMaxSessions 1000\n"
        f"MaxStartups 1000:30:2000\nLogLevel QUIET\n"
        # SHLVL=1: bash skips ~/.bashrc (its pyenv hooks serialise on a lock; TOOLCHAIN-NOTES 6)
        f"SetEnv SHLVL=1 PATH={d}/bin:/usr/bin:/bin VSCSI_SIM_DIR={d}/sim\n")
    if os.geteuid() == 0:
        os.makedirs("/run/sshd", exist_ok=True)
    proc = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", cfg])
    for _ in range(250):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.02)
    user = os.environ.get("USER") or ("root" if os.geteuid() == 0 else "")
    return {"proc": proc, "port": port, "user": user, "key": f"{d}/client_key",
            "known_hosts": f"{d}/known_hosts", "vms": [{"world_group_id": v["world_group_id"], "disks": disks_per_vm}
                                                        for v in host["vms"]]}


def run_vscsi(bench, hosts, samples, interval, work):
    cfg = {"samples": samples, "interval_ms": int(interval * 1000), "data_dir": os.path.join(work, "jobs"),
           "hosts": [{k: h[k] for k in ("port", "user", "key", "known_hosts", "vms")} for h in hosts]}
    path = os.path.join(work, "bench.json")
    json.dump(cfg, open(path, "w"))
    out = subprocess.run([bench, path], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def ssh_cmd(h, remote):
    return ["ssh", "-q", "-p", str(h["port"]), "-i", h["key"], "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=accept-new", "-o", f"UserKnownHostsFile={h['known_hosts']}-ssh",
            "-F", "/dev/null", f"{h['user']}@127.0.0.1", remote]


def run_baseline(hosts, samples, interval):
    """One ssh process per VM print, all VMs every interval, like cron + ssh.
    Starting and stopping the collections is not counted."""
    for h in hosts:
        for v in h["vms"]:
            subprocess.run(ssh_cmd(h, f"vscsiStats -s -w {v['world_group_id']}"), check=True, stdout=subprocess.DEVNULL)
    cpu = 0.0
    rss = 0
    count = 0
    failures = 0
    for _ in range(samples):
        t0 = time.monotonic()
        procs = []
        for h in hosts:
            for v in h["vms"]:
                cmd = ssh_cmd(h, f"vscsiStats -p all -c -w {v['world_group_id']}")
                procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for p in procs:
            _, status, usage = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
            failures += p.returncode != 0
            cpu += usage.ru_utime + usage.ru_stime
            rss = max(rss, usage.ru_maxrss)
            count += 1
        time.sleep(max(0.0, interval - (time.monotonic() - t0)))
    for h in hosts:
        for v in h["vms"]:
            subprocess.run(ssh_cmd(h, f"vscsiStats -x -w {v['world_group_id']}"), stdout=subprocess.DEVNULL)
    return {"samples": count, "failures": failures, "cpu_s": round(cpu, 3),
            "cpu_ms_per_sample": round(cpu / count * 1000, 3), "rss_kb_per_process": rss}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--samples", type=int, default=4)
    ap.add_argument("--interval", type=float, default=2.0)
    a = ap.parse_args()
    sim = os.path.abspath(os.path.join(a.build, "tests", "vscsi-esxi-sim"))
    bench = os.path.abspath(os.path.join(a.build, "bench", "bench_collect"))
    peaks = {}
    for disks, layout in ((100, [10]), (1000, [25, 25, 25, 25])):
        work = tempfile.mkdtemp(prefix="vscsi-collect-bench-")
        hosts = [make_host(os.path.join(work, "hosts"), sim, f"h{i}", vms, 10) for i, vms in enumerate(layout)]
        try:
            ours = run_vscsi(bench, hosts, a.samples, a.interval, work)
            base = run_baseline(hosts, a.samples, a.interval)
        finally:
            for h in hosts:
                h["proc"].terminate()
                h["proc"].wait()
            shutil.rmtree(work, ignore_errors=True)
        print(f"{disks} disks, {ours['jobs']} jobs on {ours['hosts']} host(s), {a.samples} samples @ {a.interval:g} s:")
        print(f"  vscsi (one thread, shared connections): {ours['cpu_ms_per_sample']:8.2f} ms CPU/sample, "
              f"{ours['rss_kb_per_job'] / 1024:6.2f} MiB RSS/job (peak {ours['max_rss_kb'] / 1024:.1f} MiB), "
              f"{ours['completed']}/{ours['jobs']} jobs completed")
        print(f"  baseline (ssh process per sample):      {base['cpu_ms_per_sample']:8.2f} ms CPU/sample, "
              f"{base['rss_kb_per_process'] / 1024:6.2f} MiB RSS/process, {base['failures']} failed of {base['samples']}")
        print(f"  ratio: {base['cpu_ms_per_sample'] / ours['cpu_ms_per_sample']:.1f}x less CPU per sample")
        sys.stdout.flush()
        peaks[disks] = ours["max_rss_kb"]
    # The peak holds the process itself (libssh, OpenSSL, Boost: the same at any
    # width); what each further disk costs is the difference between the two widths
    # (three more hosts' connections included).
    per_disk = (peaks[1000] - peaks[100]) * 1024 / 900
    print(f"RSS per collected disk beyond the first 100: {per_disk / 1024:.1f} KiB "
          f"({(peaks[1000] - peaks[100]) / 1024:.1f} MiB for 900 disks; the process at 100 disks: "
          f"{peaks[100] / 1024:.1f} MiB)")


if __name__ == "__main__":
    main()
