#include "sim/esxi_host_sim.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <iterator>
#include <map>

#include "format/vscsistats_csv.hpp"
#include "sim/workload_model.hpp"
#include "util/file_io.hpp"
#include "util/json_text.hpp"

namespace vscsi::sim {
namespace fs = std::filesystem;
namespace json = boost::json;

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

// A command that fails on the host: its message goes to stderr, with this exit status.
struct HostFailure {
    std::string message;
    int code = 1;
};

[[noreturn]] void die(const std::string& msg, int code = 1) {
    throw HostFailure{msg, code};
}

// The state directory of the host a command runs on.
struct Session {
    const fs::path& dir;
    SimCommandResult result;
    template <typename... Args>
    void print(fmt::format_string<Args...> f, Args&&... args) {
        fmt::format_to(std::back_inserter(result.out), f, std::forward<Args>(args)...);
    }
};

double now_seconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

json::value load_json(const fs::path& p, json::value fallback) {
    std::string text;
    if (read_file(p, text)) return fallback;
    return json::parse(text);
}

void save_json(const fs::path& p, const json::value& v) {
    if (auto ec = write_file_atomic(p, pretty_json(v)))
        die("cannot write " + p.string() + ": " + ec.message());
}

std::vector<SizeWeight> sizes(const json::value& v) {
    std::vector<SizeWeight> r;
    for (const auto& e : v.as_array())
        r.push_back(
            {e.as_array()[0].to_number<std::int64_t>(), e.as_array()[1].to_number<double>()});
    return r;
}

Host load_host(const fs::path& dir) {
    const auto v = load_json(dir / "host.json", nullptr);
    if (v.is_null())
        die("no host.json in " + dir.string() + ": run `vscsi-esxi-sim admin init HOST_JSON`");
    Host h;
    const auto& o = v.as_object();
    if (o.contains("autostop_seconds"))
        h.autostop_seconds = o.at("autostop_seconds").to_number<double>();
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
            auto num = [&](const char* k, double def) {
                return m.contains(k) ? m.at(k).to_number<double>() : def;
            };
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
    explicit StateLock(fs::path dir)
        : dir_(std::move(dir)),
          fd_(::open((dir_ / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
        if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0) die("cannot lock the simulator state");
        state_ = load_json(dir_ / "state.json", json::object{{"collections", json::object{}},
                                                             {"faults", json::object{}}})
                     .as_object();
    }
    ~StateLock() { ::close(fd_); }
    json::object& state() { return state_; }
    void save() { save_json(dir_ / "state.json", state_); }

  private:
    fs::path dir_;
    int fd_;
    json::object state_;
};

std::string key(std::int64_t w, std::int64_t h) {
    return fmt::format("{}:{}", w, h);
}

// Cumulative histograms of a disk `elapsed` seconds after its collection started.
DiskHistograms cumulative(const SimVm& vm, const SimDisk& d, double elapsed) {
    constexpr double kRateWindow = 1e6;  // seconds: fine-grained per-bucket rates
    const auto rates = synthesize_interval(d.model, {vm.wgid, d.handle, d.label}, kRateWindow, 1);
    auto out = rates;
    for (std::size_t s = 0; s < kSlotCount; ++s) {
        auto& h = out.slots[s];
        h.count = 0;
        for (auto& f : h.frequencies) {
            f = static_cast<std::uint64_t>(
                std::floor(static_cast<double>(f) / kRateWindow * elapsed));
            h.count += f;
        }
        if (h.count == 0) h.min = h.max = h.mean = 0;
    }
    // As on ESXi, the first IO after -s is timed from long before the collection (a
    // gap of days, the histogram's max, in the overflow bucket).
    constexpr std::int64_t kFirstGapUs = 581013626718;  // as in the real sample
    for (auto dir : kAllDirections) {
        auto& h = out.slots[*slot_of(Metric::interarrival, dir)];
        if (h.count == 0) continue;
        auto& from = *std::max_element(h.frequencies.begin(), h.frequencies.end());
        --from;
        ++h.frequencies.back();
        const double others = static_cast<double>(h.count - 1) * static_cast<double>(h.mean);
        h.mean = static_cast<std::int64_t>((others + static_cast<double>(kFirstGapUs)) /
                                           static_cast<double>(h.count));
        h.max = kFirstGapUs;
    }
    // Totals of IO length and latency are exactly read + write, as on ESXi.
    for (auto m : {Metric::io_length, Metric::latency}) {
        auto& t = out.slots[*slot_of(m, Direction::total)];
        const auto& r = out.slots[*slot_of(m, Direction::read)];
        const auto& w = out.slots[*slot_of(m, Direction::write)];
        for (std::size_t i = 0; i < t.frequencies.size(); ++i)
            t.frequencies[i] = r.frequencies[i] + w.frequencies[i];
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

int vscsistats(Session& s, const std::vector<std::string>& argv) {
    const int argc = static_cast<int>(argv.size());
    const auto host = load_host(s.dir);
    std::int64_t wgid = -1, handle = -1;
    char op = 0;
    bool csv = false;
    std::string type;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[static_cast<std::size_t>(i)];
        if (a == "-l" || a == "-s" || a == "-x" || a == "-r")
            op = a[1];
        else if (a == "-p" && i + 1 < argc) {
            op = 'p';
            type = argv[static_cast<std::size_t>(++i)];
        } else if (a == "-c")
            csv = true;
        else if (a == "-w" && i + 1 < argc)
            wgid = std::stoll(argv[static_cast<std::size_t>(++i)]);
        else if (a == "-i" && i + 1 < argc)
            handle = std::stoll(argv[static_cast<std::size_t>(++i)]);
        else if (a == "-t")
            die("vscsiStats: -t (SCSI command tracing) is not available on this simulated host");
        else
            die(fmt::format("vscsiStats: unknown option {}", a));
    }
    if (handle >= 0 && wgid < 0) die("vscsiStats: -i requires -w");
    StateLock lock(s.dir);
    if (take_fault(lock, "fail"))
        die("vscsiStats: Failed to communicate with the VMkernel (simulated fault)", 1);
    if (take_fault(lock, "hang")) s.result.hang_seconds = host.hang_seconds;
    if (take_fault(lock, "garbage")) {
        s.print(
            "Histogram: IO lengths of commands,virtual machine worldGroupID,{},virtual disk "
            "handleID\n"
            "min,~~~\n\x01\x02 garbage\n",
            wgid);
        return 0;
    }
    if (take_fault(lock, "huge")) {
        s.result.huge_lines = 1u << 20;  // 1 GiB of 1 KiB lines, streamed by the caller
        return 0;
    }
    auto& cols = lock.state()["collections"].as_object();
    const double now = now_seconds();
    // Auto-stop: a collection not re-armed for autostop_seconds is gone.
    for (auto it = cols.begin(); it != cols.end();) {
        // Counters run in real time (IOPS stay the model's); only the auto-stop clock is scaled.
        if ((now - it->value().at("armed").to_number<double>()) * host.time_scale >=
            host.autostop_seconds)
            it = cols.erase(it);
        else
            ++it;
    }
    if (op == 'l') {
        for (const auto& vm : host.vms) {
            if (!vm.powered_on) continue;
            s.print(
                "Virtual Machine worldGroupID: {}, Virtual Machine Display Name: {}, Virtual "
                "Machine Config File: {}, {{\n",
                vm.wgid, vm.name, vm.vmx);
            for (const auto& d : vm.disks)
                s.print(" Virtual SCSI Disk handleID: {} ({})\n", d.handle, d.label);
            s.print("}}\n");
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
    if (wgid >= 0 && sel.empty())
        die(fmt::format("vscsiStats: Invalid worldGroupID/handleID {}/{}", wgid, handle), 1);
    switch (op) {
        case 's':
            for (auto [vm, d] : sel) {
                if (!vm->powered_on) continue;
                auto& c = cols[key(vm->wgid, d->handle)];
                if (!c.is_object()) c = json::object{{"started", now}};
                c.as_object()["armed"] = now;
                s.print(
                    "vscsiStats: Starting Vscsi stats collection for worldGroup {}, handleID {} "
                    "({})\n",
                    vm->wgid, d->handle, d->label);
            }
            s.print("Success.\n");
            break;
        case 'x':
            for (auto [vm, d] : sel) {
                cols.erase(key(vm->wgid, d->handle));
                s.print(
                    "vscsiStats: Stopping all Vscsi stats collection for worldGroup {}, handleID "
                    "{} ({})\n",
                    vm->wgid, d->handle, d->label);
            }
            s.print("Success.\n");
            break;
        case 'r':
            for (auto [vm, d] : sel)
                if (auto it = cols.find(key(vm->wgid, d->handle)); it != cols.end())
                    it->value().as_object()["started"] = now;
            s.print("Success.\n");
            break;
        case 'p': {
            if (type != "all") die("vscsiStats: this simulated host prints only -p all");
            if (!csv) die("vscsiStats: this simulated host prints only CSV (-c)");
            VscsiStatsOutput out;
            for (auto [vm, d] : sel)
                if (auto it = cols.find(key(vm->wgid, d->handle)); it != cols.end())
                    out.disks.push_back(
                        cumulative(*vm, *d, now - it->value().at("started").to_number<double>()));
            if (out.disks.empty())
                die(fmt::format("vscsiStats: No stats collection is running for worldGroup {}",
                                wgid),
                    255);
            s.result.out += format_vscsistats_csv(out);
            break;
        }
        default:
            die("vscsiStats: no operation given (-l, -s, -x, -r or -p TYPE)");
    }
    lock.save();
    return 0;
}

int esxcli(Session& s, const std::vector<std::string>& argv) {
    const int argc = static_cast<int>(argv.size());
    std::string args;
    for (int i = 1; i < argc; ++i)
        args += std::string(i > 1 ? " " : "") + argv[static_cast<std::size_t>(i)];
    if (args != "vm process list")
        die(fmt::format("Error: Unknown command or namespace {}", args), 1);
    for (const auto& vm : load_host(s.dir).vms) {
        if (!vm.powered_on) continue;
        // The world ID is not the worldGroupID, and not vim-cmd's Vmid either.
        s.print(
            "{}\n   World ID: {}\n   Process ID: 0\n   VMX Cartel ID: {}\n   UUID: 56 4d {:02x} 1e "
            "00 11 22 33-44 55 66 77 88 99 aa bb\n"
            "   Display Name: {}\n   Config File: {}\n\n",
            vm.name, vm.wgid + 1, vm.wgid - 1, vm.vmid, vm.name, vm.vmx);
    }
    return 0;
}

int vim_cmd(Session& s, const std::vector<std::string>& argv) {
    const int argc = static_cast<int>(argv.size());
    if (argc < 2) die("vim-cmd: missing command");
    const std::string cmd = argv[1];
    const auto host = load_host(s.dir);
    if (cmd == "vmsvc/getallvms") {
        s.print(
            "Vmid   Name                  File                                      Guest OS       "
            "     Version   Annotation\n");
        for (const auto& vm : host.vms)
            s.print("{:<6} {:<21} {:<41} {:<19} vmx-19\n", vm.vmid, vm.name, vm.datastore_path,
                    vm.guest);
        return 0;
    }
    if (cmd == "vmsvc/power.getstate" && argc > 2) {
        const auto id = std::stoll(argv[2]);
        for (const auto& vm : host.vms)
            if (vm.vmid == id) {
                s.print("Retrieved runtime info\n{}\n",
                        vm.powered_on ? "Powered on" : "Powered off");
                return 0;
            }
        die(fmt::format("Unable to find a VM corresponding to \"{}\"", argv[2]));
    }
    if (cmd == "vmsvc/device.getdevices" && argc > 2) {
        const auto id = std::stoll(argv[2]);
        for (const auto& vm : host.vms) {
            if (vm.vmid != id) continue;
            // The shape of vim-cmd's dump of vim.vm.VirtualHardware, reduced to what matters.
            s.print(
                "(vim.vm.VirtualHardware) {{\n   numCPU = 2,\n   device = "
                "(vim.vm.device.VirtualDevice) [\n");
            std::vector<int> buses;
            for (const auto& d : vm.disks) {
                const int bus = std::stoi(d.label.substr(4, d.label.find(':') - 4));
                if (std::find(buses.begin(), buses.end(), bus) == buses.end()) buses.push_back(bus);
            }
            for (int bus : buses)
                s.print(
                    "      (vim.vm.device.ParaVirtualSCSIController) {{\n         key = {},\n      "
                    "   deviceInfo = "
                    "(vim.Description) {{\n            label = \"SCSI controller {}\",\n           "
                    " summary = "
                    "\"VMware paravirtual SCSI\"\n         }},\n         controllerKey = 100,\n    "
                    "     unitNumber = {},\n"
                    "         busNumber = {},\n      }},\n",
                    1000 + bus, bus, 3 + bus, bus);
            int n = 0;
            for (const auto& d : vm.disks) {
                const int bus = std::stoi(d.label.substr(4, d.label.find(':') - 4));
                const int unit = std::stoi(d.label.substr(d.label.find(':') + 1));
                s.print(
                    "      (vim.vm.device.VirtualDisk) {{\n         key = {},\n         deviceInfo "
                    "= (vim.Description) {{\n"
                    "            label = \"Hard disk {}\",\n            summary = \"41,943,040 "
                    "KB\"\n         }},\n",
                    2000 + n, n + 1);
                if (d.rdm.empty())
                    s.print(
                        "         backing = (vim.vm.device.VirtualDisk.FlatVer2BackingInfo) {{\n   "
                        "         fileName = \"{}\",\n"
                        "            diskMode = \"persistent\",\n         }},\n",
                        d.backing);
                else
                    s.print(
                        "         backing = "
                        "(vim.vm.device.VirtualDisk.RawDiskMappingVer1BackingInfo) {{\n            "
                        "fileName = "
                        "\"{}\",\n            deviceName = \"{}\",\n            compatibilityMode "
                        "= \"physicalMode\",\n         }},\n",
                        d.backing, d.rdm);
                s.print(
                    "         controllerKey = {},\n         unitNumber = {},\n         "
                    "capacityInKB = 41943040,\n      }}{}\n",
                    1000 + bus, unit, ++n < static_cast<int>(vm.disks.size()) ? "," : "");
            }
            s.print("   ]\n}}\n");
            return 0;
        }
        die(fmt::format("Unable to find a VM corresponding to \"{}\"", argv[2]));
    }
    die(fmt::format("vim-cmd: unknown command {}", cmd));
}

int admin(Session& s, const std::vector<std::string>& argv) {
    const int argc = static_cast<int>(argv.size());
    if (argc < 2)
        die("usage: vscsi-esxi-sim admin init HOST_JSON | remove-vm NAME | reboot | fault KIND N | "
            "show");
    const std::string what = argv[1];
    const auto& dir = s.dir;
    fs::create_directories(dir);
    if (what == "init" && argc > 2) {
        std::string text;
        if (read_file(argv[2], text)) die(fmt::format("cannot read {}", argv[2]));
        save_json(dir / "host.json", json::parse(text));
        StateLock lock(s.dir);
        lock.state() = json::object{{"collections", json::object{}}, {"faults", json::object{}}};
        lock.save();
        return 0;
    }
    StateLock lock(s.dir);
    if (what == "remove-vm" && argc > 2) {
        // The VM leaves this host (vMotion away, unregistered): no longer listed,
        // its worldGroupID unknown to vscsiStats, its collections gone with it.
        std::string text;
        if (read_file(dir / "host.json", text)) die("no host.json: run admin init first");
        auto host = json::parse(text).as_object();
        auto& vms = host["vms"].as_array();
        const auto before = vms.size();
        vms.erase(std::remove_if(
                      vms.begin(), vms.end(),
                      [&](const json::value& v) { return v.at("name").as_string() == argv[2]; }),
                  vms.end());
        if (vms.size() == before) die(fmt::format("no VM named {}", argv[2]));
        save_json(dir / "host.json", host);
        return 0;
    }
    if (what == "reboot") {
        lock.state()["collections"] = json::object{};
    } else if (what == "fault" && argc > 3) {
        lock.state()["faults"].as_object()[argv[2]] = std::stoll(argv[3]);
    } else if (what == "show") {
        s.print("{}", pretty_json(lock.state()));
        return 0;
    } else {
        die("usage: vscsi-esxi-sim admin init HOST_JSON | remove-vm NAME | reboot | fault KIND N | "
            "show");
    }
    lock.save();
    return 0;
}

template <typename F>
SimCommandResult guarded(const fs::path& dir, const std::vector<std::string>& argv, F&& run) {
    Session s{dir, {}};
    try {
        s.result.exit_status = run(s, argv);
    } catch (const HostFailure& f) {
        s.result.exit_status = f.code;
        s.result.err = f.message + "\n";
    } catch (const std::exception& e) {
        s.result.exit_status = 1;
        s.result.err = fmt::format("{}: {}\n", argv.empty() ? "sim" : argv[0], e.what());
    }
    return s.result;
}

}  // namespace

SimCommandResult run_host_command(const fs::path& state_dir, const std::vector<std::string>& argv) {
    const std::string tool = argv.empty() ? std::string{} : fs::path(argv[0]).filename().string();
    if (tool == "vscsiStats") return guarded(state_dir, argv, vscsistats);
    if (tool == "esxcli") return guarded(state_dir, argv, esxcli);
    if (tool == "vim-cmd") return guarded(state_dir, argv, vim_cmd);
    SimCommandResult r;
    r.exit_status = 127;
    r.err = fmt::format("sh: {}: not found\n", tool);
    return r;
}

SimCommandResult run_admin_command(const fs::path& state_dir,
                                   const std::vector<std::string>& argv) {
    return guarded(state_dir, argv, admin);
}

void init_host(const fs::path& state_dir, std::string_view host_json, bool keep_existing) {
    fs::create_directories(state_dir);
    if (keep_existing && fs::exists(state_dir / "host.json")) return;
    save_json(state_dir / "host.json", json::parse(host_json));
    StateLock lock(state_dir);
    lock.state() = json::object{{"collections", json::object{}}, {"faults", json::object{}}};
    lock.save();
}

std::vector<std::string> split_words(std::string_view command) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < command.size()) {
        while (i < command.size() && (command[i] == ' ' || command[i] == '\t')) ++i;
        const auto start = i;
        while (i < command.size() && command[i] != ' ' && command[i] != '\t') ++i;
        if (i > start) words.emplace_back(command.substr(start, i - start));
    }
    return words;
}

std::string_view demo_host_json() {
    return R"json({
  "autostop_seconds": 1800,
  "vms": [
    {"name": "sql-prod-01", "world_group_id": 1048576, "vmid": 12,
     "vmx": "/vmfs/volumes/6543a1b2-c3d4e5f6-datastore1/sql-prod-01/sql-prod-01.vmx",
     "datastore_path": "[datastore1] sql-prod-01/sql-prod-01.vmx",
     "disks": [
       {"handle": 8194, "label": "scsi0:0", "backing": "[datastore1] sql-prod-01/sql-prod-01.vmdk",
        "model": {"iops": 1200, "read_fraction": 0.68, "read_sizes": [[8192, 85], [65536, 15]],
                  "write_sizes": [[8192, 70], [4096, 20], [65536, 10]], "read_sequential": 0.08,
                  "write_sequential": 0.25, "outstanding_mean": 8, "read_latency_us": 1800, "write_latency_us": 650}},
       {"handle": 8195, "label": "scsi0:1", "backing": "[datastore1] sql-prod-01/sql-prod-01_1.vmdk",
        "model": {"iops": 300, "read_fraction": 0.05, "read_sizes": [[65536, 1]],
                  "write_sizes": [[61440, 60], [262144, 40]], "read_sequential": 0.9, "write_sequential": 0.95,
                  "outstanding_mean": 2, "read_latency_us": 900, "write_latency_us": 450}}
     ]},
    {"name": "file-server (branch)", "world_group_id": 1048780, "vmid": 15,
     "vmx": "/vmfs/volumes/datastore2/file-server/file-server.vmx",
     "datastore_path": "[datastore2] file-server/file-server.vmx",
     "disks": [
       {"handle": 8210, "label": "scsi0:0", "backing": "[datastore2] file-server/file-server.vmdk",
        "model": {"iops": 250, "read_fraction": 0.85, "read_sizes": [[4096, 30], [32768, 30], [131072, 40]],
                  "write_sizes": [[4096, 50], [65536, 50]], "read_sequential": 0.55, "write_sequential": 0.3,
                  "outstanding_mean": 3, "read_latency_us": 3500, "write_latency_us": 1200}}
     ]}
  ]
})json";
}

}  // namespace vscsi::sim
