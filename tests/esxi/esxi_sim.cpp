// A simulated ESXi host for tests: one binary that behaves like `vscsiStats`,
// `esxcli vm process list` and `vim-cmd vmsvc/...` depending on the name it is
// run as (symlinks), with state kept on disk across SSH commands.
//
//   VSCSI_SIM_DIR=DIR  holds host.json (the VMs, disks and workload models),
//                      state.json (collections, faults) and a lock file.
//   vscsi-esxi-sim admin init HOST_JSON      install a host description
//   vscsi-esxi-sim admin reboot              lose every collection (as a host reboot does)
//   vscsi-esxi-sim admin fault KIND N        next N vscsiStats commands: fail|hang|garbage|huge
//   vscsi-esxi-sim admin show                state as JSON
//
// Counters are cumulative since -s (or -r) and grow at each disk model's rate
// per real second, one bucket at a time with floor(), so they never go down.
// A collection stops by itself `autostop_seconds` (default 1800) after its last
// -s, on a clock running `time_scale` times faster than real time, so the
// 30-minute auto-stop can pass in seconds.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fmt/core.h>

#include <chrono>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "format/vscsistats_csv.hpp"
#include "sim/workload_model.hpp"
#include "util/file_io.hpp"
#include "util/json_text.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace vscsi;

namespace {

struct SimDisk {
    std::int64_t handle = 0;
    std::string label, backing, rdm;
    WorkloadModel model;
};
struct SimVm {
    std::string name, vmx, datastore_path, guest = "otherLinux64Guest";
    std::int64_t wgid = 0, vmid = 0;
    bool powered_on = true;
    std::vector<SimDisk> disks;
};
struct Host {
    double autostop_seconds = 1800;  // simulated seconds
    double time_scale = 1;           // simulated seconds per real second (auto-stop clock only)
    double hang_seconds = 30;
    std::vector<SimVm> vms;
};

[[noreturn]] void die(const std::string& msg, int code = 1) {
    fmt::print(stderr, "{}\n", msg);
    std::exit(code);
}

fs::path sim_dir() {
    const char* d = std::getenv("VSCSI_SIM_DIR");
    if (!d || !*d) die("VSCSI_SIM_DIR is not set (the simulated host keeps its state there)");
    return d;
}

double now_seconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

json::value load_json(const fs::path& p, json::value fallback) {
    std::string text;
    if (read_file(p, text)) return fallback;
    return json::parse(text);
}

void save_json(const fs::path& p, const json::value& v) {
    if (auto ec = write_file_atomic(p, pretty_json(v))) die("cannot write " + p.string() + ": " + ec.message());
}

std::vector<SizeWeight> sizes(const json::value& v) {
    std::vector<SizeWeight> r;
    for (const auto& e : v.as_array()) r.push_back({e.as_array()[0].to_number<std::int64_t>(), e.as_array()[1].to_number<double>()});
    return r;
}

Host load_host() {
    const auto v = load_json(sim_dir() / "host.json", nullptr);
    if (v.is_null()) die("no host.json in VSCSI_SIM_DIR: run `vscsi-esxi-sim admin init HOST_JSON`");
    Host h;
    const auto& o = v.as_object();
    if (o.contains("autostop_seconds")) h.autostop_seconds = o.at("autostop_seconds").to_number<double>();
    if (o.contains("hang_seconds")) h.hang_seconds = o.at("hang_seconds").to_number<double>();
    if (o.contains("time_scale")) h.time_scale = o.at("time_scale").to_number<double>();
    for (const auto& vv : o.at("vms").as_array()) {
        const auto& vo = vv.as_object();
        SimVm vm;
        vm.name = std::string(vo.at("name").as_string());
        vm.wgid = vo.at("world_group_id").to_number<std::int64_t>();
        vm.vmid = vo.at("vmid").to_number<std::int64_t>();
        vm.vmx = std::string(vo.at("vmx").as_string());
        vm.datastore_path = std::string(vo.at("datastore_path").as_string());
        vm.powered_on = !vo.contains("power") || vo.at("power").as_string() == "on";
        for (const auto& dv : vo.at("disks").as_array()) {
            const auto& d = dv.as_object();
            SimDisk disk;
            disk.handle = d.at("handle").to_number<std::int64_t>();
            disk.label = std::string(d.at("label").as_string());
            disk.backing = std::string(d.at("backing").as_string());
            if (d.contains("rdm")) disk.rdm = std::string(d.at("rdm").as_string());
            const auto& m = d.at("model").as_object();
            auto num = [&](const char* k, double def) { return m.contains(k) ? m.at(k).to_number<double>() : def; };
            disk.model.iops = num("iops", 100);
            disk.model.read_fraction = num("read_fraction", 0.7);
            if (m.contains("read_sizes")) disk.model.read_sizes = sizes(m.at("read_sizes"));
            if (m.contains("write_sizes")) disk.model.write_sizes = sizes(m.at("write_sizes"));
            disk.model.read_sequential = num("read_sequential", 0.1);
            disk.model.write_sequential = num("write_sequential", 0.1);
            disk.model.outstanding_mean = num("outstanding_mean", 4);
            disk.model.read_latency_us = num("read_latency_us", 2000);
            disk.model.write_latency_us = num("write_latency_us", 1000);
            vm.disks.push_back(std::move(disk));
        }
        h.vms.push_back(std::move(vm));
    }
    return h;
}

// Exclusive lock over state.json for the whole command: commands of several
// SSH channels run at once.
class StateLock {
public:
    StateLock() : fd_(::open((sim_dir() / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
        if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0) die("cannot lock the simulator state");
        state_ = load_json(sim_dir() / "state.json", json::object{{"collections", json::object{}}, {"faults", json::object{}}}).as_object();
    }
    ~StateLock() { ::close(fd_); }
    json::object& state() { return state_; }
    void save() { save_json(sim_dir() / "state.json", state_); }

private:
    int fd_;
    json::object state_;
};

std::string key(std::int64_t w, std::int64_t h) { return fmt::format("{}:{}", w, h); }

// Cumulative histograms of a disk `elapsed` seconds after its collection started.
DiskHistograms cumulative(const SimVm& vm, const SimDisk& d, double elapsed) {
    constexpr double kRateWindow = 1e6;  // seconds: fine-grained per-bucket rates
    const auto rates = synthesize_interval(d.model, {vm.wgid, d.handle, d.label}, kRateWindow, 1);
    auto out = rates;
    for (std::size_t s = 0; s < kSlotCount; ++s) {
        auto& h = out.slots[s];
        h.count = 0;
        for (auto& f : h.frequencies) {
            f = static_cast<std::uint64_t>(std::floor(static_cast<double>(f) / kRateWindow * elapsed));
            h.count += f;
        }
        if (h.count == 0) h.min = h.max = h.mean = 0;
    }
    // Totals of IO length and latency are exactly read + write, as on ESXi.
    for (auto m : {Metric::io_length, Metric::latency}) {
        auto& t = out.slots[*slot_of(m, Direction::total)];
        const auto& r = out.slots[*slot_of(m, Direction::read)];
        const auto& w = out.slots[*slot_of(m, Direction::write)];
        for (std::size_t i = 0; i < t.frequencies.size(); ++i) t.frequencies[i] = r.frequencies[i] + w.frequencies[i];
        t.count = r.count + w.count;
        if (t.count == 0) t.min = t.max = t.mean = 0;
    }
    return out;
}

int take_fault(StateLock& lock, const char* kind) {
    auto& faults = lock.state()["faults"].as_object();
    if (!faults.contains(kind)) return 0;
    auto n = faults.at(kind).to_number<std::int64_t>();
    if (n <= 0) return 0;
    faults[kind] = n - 1;
    lock.save();
    return 1;
}

int vscsistats(int argc, char** argv) {
    const auto host = load_host();
    std::int64_t wgid = -1, handle = -1;
    char op = 0;
    bool csv = false;
    std::string type;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "-l" || a == "-s" || a == "-x" || a == "-r") op = a[1];
        else if (a == "-p" && i + 1 < argc) { op = 'p'; type = argv[++i]; }
        else if (a == "-c") csv = true;
        else if (a == "-w" && i + 1 < argc) wgid = std::stoll(argv[++i]);
        else if (a == "-i" && i + 1 < argc) handle = std::stoll(argv[++i]);
        else if (a == "-t") die("vscsiStats: -t (SCSI command tracing) is not available on this simulated host");
        else die(fmt::format("vscsiStats: unknown option {}", a));
    }
    if (handle >= 0 && wgid < 0) die("vscsiStats: -i requires -w");
    StateLock lock;
    if (take_fault(lock, "fail")) die("vscsiStats: Failed to communicate with the VMkernel (simulated fault)", 1);
    if (take_fault(lock, "hang")) std::this_thread::sleep_for(std::chrono::duration<double>(host.hang_seconds));
    if (take_fault(lock, "garbage")) {
        fmt::print("Histogram: IO lengths of commands,virtual machine worldGroupID,{},virtual disk handleID\n"
                   "min,~~~\n\x01\x02 garbage\n", wgid);
        return 0;
    }
    if (take_fault(lock, "huge")) {
        const std::string line(1023, 'x');
        for (std::size_t i = 0; i < (1u << 20); ++i)  // 1 GiB, until the reader goes away
            if (std::fprintf(stdout, "%s\n", line.c_str()) < 0) return 1;
        return 0;
    }
    auto& cols = lock.state()["collections"].as_object();
    const double now = now_seconds();
    // Auto-stop: a collection not re-armed for autostop_seconds is gone.
    for (auto it = cols.begin(); it != cols.end();) {
        // Counters run in real time (IOPS stay the model's); only the auto-stop clock is scaled.
        if ((now - it->value().at("armed").to_number<double>()) * host.time_scale >= host.autostop_seconds) it = cols.erase(it);
        else ++it;
    }
    if (op == 'l') {
        for (const auto& vm : host.vms) {
            if (!vm.powered_on) continue;
            fmt::print("Virtual Machine worldGroupID: {}, Virtual Machine Display Name: {}, Virtual Machine Config File: {}, {{\n",
                       vm.wgid, vm.name, vm.vmx);
            for (const auto& d : vm.disks) fmt::print(" Virtual SCSI Disk handleID: {} ({})\n", d.handle, d.label);
            fmt::print("}}\n");
        }
        lock.save();
        return 0;
    }
    std::vector<std::pair<const SimVm*, const SimDisk*>> sel;
    for (const auto& vm : host.vms) {
        if (wgid >= 0 && vm.wgid != wgid) continue;
        for (const auto& d : vm.disks)
            if (handle < 0 || d.handle == handle) sel.emplace_back(&vm, &d);
    }
    if (wgid >= 0 && sel.empty()) die(fmt::format("vscsiStats: Invalid worldGroupID/handleID {}/{}", wgid, handle), 1);
    switch (op) {
        case 's':
            for (auto [vm, d] : sel) {
                if (!vm->powered_on) continue;
                auto& c = cols[key(vm->wgid, d->handle)];
                if (!c.is_object()) c = json::object{{"started", now}};
                c.as_object()["armed"] = now;
                fmt::print("vscsiStats: Starting Vscsi stats collection for worldGroup {}, handleID {} ({})\n", vm->wgid, d->handle, d->label);
            }
            fmt::print("Success.\n");
            break;
        case 'x':
            for (auto [vm, d] : sel) {
                cols.erase(key(vm->wgid, d->handle));
                fmt::print("vscsiStats: Stopping all Vscsi stats collection for worldGroup {}, handleID {} ({})\n", vm->wgid, d->handle, d->label);
            }
            fmt::print("Success.\n");
            break;
        case 'r':
            for (auto [vm, d] : sel)
                if (auto it = cols.find(key(vm->wgid, d->handle)); it != cols.end()) it->value().as_object()["started"] = now;
            fmt::print("Success.\n");
            break;
        case 'p': {
            if (type != "all") die("vscsiStats: this simulated host prints only -p all");
            if (!csv) die("vscsiStats: this simulated host prints only CSV (-c)");
            VscsiStatsOutput out;
            for (auto [vm, d] : sel)
                if (auto it = cols.find(key(vm->wgid, d->handle)); it != cols.end())
                    out.disks.push_back(cumulative(*vm, *d, now - it->value().at("started").to_number<double>()));
            if (out.disks.empty()) die(fmt::format("vscsiStats: No stats collection is running for worldGroup {}", wgid), 255);
            std::fputs(format_vscsistats_csv(out).c_str(), stdout);
            break;
        }
        default: die("vscsiStats: no operation given (-l, -s, -x, -r or -p TYPE)");
    }
    lock.save();
    return 0;
}

int esxcli(int argc, char** argv) {
    std::string args;
    for (int i = 1; i < argc; ++i) args += std::string(i > 1 ? " " : "") + argv[i];
    if (args != "vm process list") die(fmt::format("Error: Unknown command or namespace {}", args), 1);
    for (const auto& vm : load_host().vms) {
        if (!vm.powered_on) continue;
        // The world ID is not the worldGroupID, and not vim-cmd's Vmid either.
        fmt::print("{}\n   World ID: {}\n   Process ID: 0\n   VMX Cartel ID: {}\n   UUID: 56 4d {:02x} 1e 00 11 22 33-44 55 66 77 88 99 aa bb\n"
                   "   Display Name: {}\n   Config File: {}\n\n",
                   vm.name, vm.wgid + 1, vm.wgid - 1, vm.vmid, vm.name, vm.vmx);
    }
    return 0;
}

int vim_cmd(int argc, char** argv) {
    if (argc < 2) die("vim-cmd: missing command");
    const std::string cmd = argv[1];
    const auto host = load_host();
    if (cmd == "vmsvc/getallvms") {
        fmt::print("Vmid   Name                  File                                      Guest OS            Version   Annotation\n");
        for (const auto& vm : host.vms)
            fmt::print("{:<6} {:<21} {:<41} {:<19} vmx-19\n", vm.vmid, vm.name, vm.datastore_path, vm.guest);
        return 0;
    }
    if (cmd == "vmsvc/power.getstate" && argc > 2) {
        const auto id = std::stoll(argv[2]);
        for (const auto& vm : host.vms)
            if (vm.vmid == id) {
                fmt::print("Retrieved runtime info\n{}\n", vm.powered_on ? "Powered on" : "Powered off");
                return 0;
            }
        die(fmt::format("Unable to find a VM corresponding to \"{}\"", argv[2]));
    }
    if (cmd == "vmsvc/device.getdevices" && argc > 2) {
        const auto id = std::stoll(argv[2]);
        for (const auto& vm : host.vms) {
            if (vm.vmid != id) continue;
            // The shape of vim-cmd's dump of vim.vm.VirtualHardware, reduced to what matters.
            fmt::print("(vim.vm.VirtualHardware) {{\n   numCPU = 2,\n   device = (vim.vm.device.VirtualDevice) [\n");
            std::vector<int> buses;
            for (const auto& d : vm.disks) {
                const int bus = std::stoi(d.label.substr(4, d.label.find(':') - 4));
                if (std::find(buses.begin(), buses.end(), bus) == buses.end()) buses.push_back(bus);
            }
            for (int bus : buses)
                fmt::print("      (vim.vm.device.ParaVirtualSCSIController) {{\n         key = {},\n         deviceInfo = "
                           "(vim.Description) {{\n            label = \"SCSI controller {}\",\n            summary = "
                           "\"VMware paravirtual SCSI\"\n         }},\n         controllerKey = 100,\n         unitNumber = {},\n"
                           "         busNumber = {},\n      }},\n",
                           1000 + bus, bus, 3 + bus, bus);
            int n = 0;
            for (const auto& d : vm.disks) {
                const int bus = std::stoi(d.label.substr(4, d.label.find(':') - 4));
                const int unit = std::stoi(d.label.substr(d.label.find(':') + 1));
                fmt::print("      (vim.vm.device.VirtualDisk) {{\n         key = {},\n         deviceInfo = (vim.Description) {{\n"
                           "            label = \"Hard disk {}\",\n            summary = \"41,943,040 KB\"\n         }},\n",
                           2000 + n, n + 1);
                if (d.rdm.empty())
                    fmt::print("         backing = (vim.vm.device.VirtualDisk.FlatVer2BackingInfo) {{\n            fileName = \"{}\",\n"
                               "            diskMode = \"persistent\",\n         }},\n", d.backing);
                else
                    fmt::print("         backing = (vim.vm.device.VirtualDisk.RawDiskMappingVer1BackingInfo) {{\n            fileName = "
                               "\"{}\",\n            deviceName = \"{}\",\n            compatibilityMode = \"physicalMode\",\n         }},\n",
                               d.backing, d.rdm);
                fmt::print("         controllerKey = {},\n         unitNumber = {},\n         capacityInKB = 41943040,\n      }}{}\n",
                           1000 + bus, unit, ++n < static_cast<int>(vm.disks.size()) ? "," : "");
            }
            fmt::print("   ]\n}}\n");
            return 0;
        }
        die(fmt::format("Unable to find a VM corresponding to \"{}\"", argv[2]));
    }
    die(fmt::format("vim-cmd: unknown command {}", cmd));
}

int admin(int argc, char** argv) {
    if (argc < 2) die("usage: vscsi-esxi-sim admin init HOST_JSON | reboot | fault KIND N | show");
    const std::string what = argv[1];
    const auto dir = sim_dir();
    fs::create_directories(dir);
    if (what == "init" && argc > 2) {
        std::string text;
        if (read_file(argv[2], text)) die(fmt::format("cannot read {}", argv[2]));
        save_json(dir / "host.json", json::parse(text));
        StateLock lock;
        lock.state() = json::object{{"collections", json::object{}}, {"faults", json::object{}}};
        lock.save();
        return 0;
    }
    StateLock lock;
    if (what == "reboot") {
        lock.state()["collections"] = json::object{};
    } else if (what == "fault" && argc > 3) {
        lock.state()["faults"].as_object()[argv[2]] = std::stoll(argv[3]);
    } else if (what == "show") {
        fmt::print("{}", pretty_json(lock.state()));
        return 0;
    } else {
        die("usage: vscsi-esxi-sim admin init HOST_JSON | reboot | fault KIND N | show");
    }
    lock.save();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const auto name = fs::path(argv[0]).filename().string();
        if (name == "vscsiStats") return vscsistats(argc, argv);
        if (name == "esxcli") return esxcli(argc, argv);
        if (name == "vim-cmd") return vim_cmd(argc, argv);
        if (argc > 1 && std::string(argv[1]) == "admin") return admin(argc - 1, argv + 1);
        if (argc > 1) {
            const std::string tool = argv[1];
            if (tool == "vscsiStats") return vscsistats(argc - 1, argv + 1);
            if (tool == "esxcli") return esxcli(argc - 1, argv + 1);
            if (tool == "vim-cmd") return vim_cmd(argc - 1, argv + 1);
        }
        die("usage: run as vscsiStats, esxcli or vim-cmd (symlinks), or `vscsi-esxi-sim admin ...`", 2);
    } catch (const std::exception& e) {
        die(fmt::format("vscsi-esxi-sim: {}", e.what()));
    }
}
