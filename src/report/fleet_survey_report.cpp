#include "report/fleet_survey_report.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>

#include "format/markup_text.hpp"

namespace vscsi {

using vsphere::DiskSurvey;
using vsphere::FleetSurvey;

namespace {

using Figure = std::optional<double>;

std::string num(Figure v, int decimals) {
    if (!v) return "-";
    return fmt::format("{:.{}f}", *v, decimals);
}
std::string pair_text(Figure r, Figure w, int decimals) {
    return num(r, decimals) + "/" + num(w, decimals);
}
Figure kib(Figure bytes) {
    return bytes ? Figure(*bytes / 1024) : std::nullopt;
}

boost::json::value json_figure(Figure v) {
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

// The disks worth a vscsiStats deep dive: the busiest that did IO at all.
std::vector<const DiskSurvey*> busiest(const FleetSurvey& s, std::size_t top) {
    std::vector<const DiskSurvey*> out;
    for (const auto& d : s.disks)
        if (out.size() < top && d.total_iops() > 0 && d.disk != "*" && !d.disk.empty())
            out.push_back(&d);
    return out;
}

// Counters a disk had planned but got no series for, counted over the survey.
std::map<std::string, std::size_t> unreturned(const FleetSurvey& s) {
    std::map<std::string, std::size_t> out;
    for (const auto& d : s.disks)
        for (const auto& c : d.no_series) ++out[c];
    return out;
}

}  // namespace

std::string fleet_survey_text(const FleetSurvey& s, std::size_t top) {
    std::string out;
    out += fmt::format(
        "{}: {} VMs, {} matched, {} powered off (not queried), {} queried, {} without real-time "
        "samples\n",
        s.server.empty() ? "server" : s.server, s.vms_in_inventory, s.vms_matched,
        s.vms_powered_off, s.vms, s.vms_without_samples);
    std::string window;
    for (const auto& d : s.disks)
        if (d.samples > 0) {
            window = fmt::format("{} samples of {} s, {} .. {}", d.samples, d.interval_s,
                                 d.first_time, d.last_time);
            break;
        }
    out += fmt::format("window: the last {} min of real-time statistics{}\n\n", s.minutes,
                       window.empty() ? "" : " (" + window + ")");
    std::size_t vw = 2, hw = 4;
    for (const auto& d : s.disks) vw = std::max(vw, d.vm.size()), hw = std::max(hw, d.host.size());
    vw = std::min<std::size_t>(vw, 40);
    hw = std::min<std::size_t>(hw, 32);
    out +=
        fmt::format("{:>4}  {:<{}}  {:<8}  {:<{}}  {:>15}  {:>13}  {:>13}  {:>11}  {:>13}  {:>7}\n",
                    "RANK", "VM", vw, "DISK", "HOST", hw, "IOPS r/w", "MB/s r/w", "IO KiB r/w",
                    "OIO r/w", "LAT ms r/w", "RAND %");
    std::size_t rank = 0;
    for (const auto& d : s.disks) {
        out += fmt::format(
            "{:>4}  {:<{}}  {:<8}  {:<{}}  {:>15}  {:>13}  {:>13}  {:>11}  {:>13}  {:>7}\n", ++rank,
            d.vm, vw, d.disk, d.host, hw, pair_text(d.read_iops, d.write_iops, 1),
            pair_text(d.read_mbps, d.write_mbps, 2),
            pair_text(kib(d.read_io_bytes), kib(d.write_io_bytes), 1),
            pair_text(d.read_oio, d.write_oio, 1),
            pair_text(d.read_latency_ms, d.write_latency_ms, 2), num(d.random_pct, 0));
    }
    out +=
        "\nIOPS, MB/s (10^6 bytes) and OIO: means over the window; IO size: bytes over IOs in the "
        "window;\n"
        "latency: the mean of the samples that had IO; RAND %: an estimate, the share of seeks of "
        "64 LBNs\n"
        "(32 KiB) or more in vCenter's seek counters (vscsiStats' seek-distance histogram measures "
        "it).\n";
    if (!s.missing.empty()) {
        out += "\nnot on this server (the figures that need them show \"-\"):\n";
        for (const auto& m : s.missing) out += "  " + m + "\n";
    }
    if (s.disks_without_series > 0)
        out += fmt::format(
            "\n{} disk(s) with no series of their own: their VM's aggregate (\"*\") row stands "
            "for them\n",
            s.disks_without_series);
    if (const auto gaps = unreturned(s); !gaps.empty()) {
        out +=
            "\nno series returned (level-4 counters such as readIOSize, readLatencyUS and the "
            "seeks are kept in\n"
            "real-time statistics; a VM or disk without IO may have none; historical rollups need "
            "level 4):\n";
        std::map<std::size_t, std::string> by_count;  // disks -> the counters' short names
        for (const auto& [name, n] : gaps) {
            auto brief = name.substr(name.find('.') + 1);
            brief.resize(brief.rfind('.'));
            auto& line = by_count[n];
            line += (line.empty() ? "" : ", ") + brief;
        }
        for (const auto& [n, names] : by_count)
            out += fmt::format("  {} of {} disks: {}\n", n, s.disks.size(), names);
    }
    if (const auto picks = busiest(s, top); !picks.empty()) {
        out +=
            "\nDeep-profile the busiest with vscsiStats (SSH to the host; --vcenter finds it and "
            "follows the VM):\n";
        for (const auto* d : picks)
            out +=
                "  " + vsphere::job_start_command(*d, s.vcenter) + "    # on " + d->host + " now\n";
    }
    out += fmt::format("\n{} SOAP calls, {:.2f} s\n", s.calls, s.seconds);
    return out;
}

std::string fleet_survey_csv(const FleetSurvey& s) {
    std::string out =
        "rank,vm,disk,host,cluster,folder,file,capacity_kb,samples,interval_s,read_iops,write_iops,"
        "read_mbps,"
        "write_mbps,read_io_bytes,write_io_bytes,read_oio,write_oio,read_latency_ms,write_latency_"
        "ms,random_pct,"
        "peak_iops\n";
    auto f = [](Figure v) { return v ? fmt::format("{:.6g}", *v) : std::string(); };
    std::size_t rank = 0;
    for (const auto& d : s.disks) {
        out += fmt::format("{},{},{},{},{},{},{},{},{},{},", ++rank, csv_field(d.vm),
                           csv_field(d.disk), csv_field(d.host), csv_field(d.cluster),
                           csv_field(d.folder), csv_field(d.file), d.capacity_kb, d.samples,
                           d.interval_s);
        out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", f(d.read_iops), f(d.write_iops),
                           f(d.read_mbps), f(d.write_mbps), f(d.read_io_bytes), f(d.write_io_bytes),
                           f(d.read_oio), f(d.write_oio), f(d.read_latency_ms),
                           f(d.write_latency_ms), f(d.random_pct), f(d.peak_iops));
    }
    return out;
}

boost::json::object fleet_survey_json(const FleetSurvey& s, std::size_t top) {
    boost::json::array disks;
    std::size_t rank = 0;
    const auto picks = busiest(s, top);
    for (const auto& d : s.disks) {
        boost::json::array no_series;
        for (const auto& c : d.no_series) no_series.emplace_back(c);
        boost::json::object o{{"rank", ++rank},
                              {"vm", d.vm},
                              {"disk", d.disk},
                              {"host", d.host},
                              {"cluster", d.cluster},
                              {"folder", d.folder},
                              {"file", d.file},
                              {"capacity_kb", d.capacity_kb},
                              {"samples", d.samples},
                              {"interval_s", d.interval_s},
                              {"first_sample", d.first_time},
                              {"last_sample", d.last_time},
                              {"read_iops", json_figure(d.read_iops)},
                              {"write_iops", json_figure(d.write_iops)},
                              {"read_mbps", json_figure(d.read_mbps)},
                              {"write_mbps", json_figure(d.write_mbps)},
                              {"read_io_bytes", json_figure(d.read_io_bytes)},
                              {"write_io_bytes", json_figure(d.write_io_bytes)},
                              {"read_oio", json_figure(d.read_oio)},
                              {"write_oio", json_figure(d.write_oio)},
                              {"read_latency_ms", json_figure(d.read_latency_ms)},
                              {"write_latency_ms", json_figure(d.write_latency_ms)},
                              {"random_pct_estimate", json_figure(d.random_pct)},
                              {"peak_iops", json_figure(d.peak_iops)},
                              {"no_series", std::move(no_series)}};
        if (std::find(picks.begin(), picks.end(), &d) != picks.end())
            o["job_start"] = vsphere::job_start_command(d, s.vcenter);
        disks.emplace_back(std::move(o));
    }
    boost::json::array missing;
    for (const auto& m : s.missing) missing.emplace_back(m);
    return boost::json::object{{"server", s.server},
                               {"minutes", s.minutes},
                               {"vms_in_inventory", s.vms_in_inventory},
                               {"vms_matched", s.vms_matched},
                               {"vms_powered_off", s.vms_powered_off},
                               {"vms_queried", s.vms},
                               {"vms_without_samples", s.vms_without_samples},
                               {"disks_without_series", s.disks_without_series},
                               {"missing_counters", std::move(missing)},
                               {"calls", s.calls},
                               {"seconds", s.seconds},
                               {"disks", std::move(disks)}};
}

}  // namespace vscsi
