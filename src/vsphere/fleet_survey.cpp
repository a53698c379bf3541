#include "vsphere/fleet_survey.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace vscsi::vsphere {

namespace {

struct Wanted {
    const char* name;
    const char* rollup;
};
// In DiskCounter's order.
constexpr std::array<Wanted, kDiskCounters> kWanted{{
    {"numberReadAveraged", "average"},
    {"numberWriteAveraged", "average"},
    {"read", "average"},
    {"write", "average"},
    {"readLatencyUS", "latest"},
    {"writeLatencyUS", "latest"},
    {"totalReadLatency", "average"},
    {"totalWriteLatency", "average"},
    {"readOIO", "latest"},
    {"writeOIO", "latest"},
    {"readIOSize", "latest"},
    {"writeIOSize", "latest"},
    {"smallSeeks", "latest"},
    {"mediumSeeks", "latest"},
    {"largeSeeks", "latest"},
}};

using Series = const std::vector<std::int64_t>*;

double sum_of(Series s) {
    double t = 0;
    for (auto v : *s) t += static_cast<double>(v);
    return t;
}

std::optional<double> mean_over(Series s, std::size_t samples) {
    if (!s || samples == 0) return std::nullopt;
    return sum_of(s) / static_cast<double>(samples);
}

// Latency and IO size are only defined while there is IO: a zero is "none", not 0.
std::optional<double> mean_of_nonzero(Series s) {
    if (!s) return std::nullopt;
    double t = 0;
    std::size_t n = 0;
    for (auto v : *s)
        if (v > 0) t += static_cast<double>(v), ++n;
    if (n == 0) return std::nullopt;
    return t / static_cast<double>(n);
}

}  // namespace

std::string counter_name(DiskCounter c) {
    const auto& w = kWanted[static_cast<std::size_t>(c)];
    return std::string("virtualDisk.") + w.name + "." + w.rollup;
}

CounterPlan plan_counters(const std::vector<PerfCounterInfo>& catalogue) {
    CounterPlan plan;
    for (std::size_t i = 0; i < kDiskCounters; ++i) {
        if (const auto* c =
                find_counter(catalogue, "virtualDisk", kWanted[i].name, kWanted[i].rollup)) {
            plan.ids[i] = c->key;
            plan.levels[i] = c->level;
        } else {
            plan.missing.push_back(counter_name(static_cast<DiskCounter>(i)));
        }
    }
    return plan;
}

std::vector<std::int32_t> CounterPlan::query_ids() const {
    std::vector<std::int32_t> out;
    for (const auto& id : ids)
        if (id) out.push_back(*id);
    return out;
}

FleetSurvey survey_fleet(const Inventory& inv, const CounterPlan& plan,
                         const std::vector<EntityMetrics>& metrics) {
    FleetSurvey out;
    out.missing = plan.missing;
    std::map<std::string, const EntityMetrics*> by_vm;
    for (const auto& m : metrics) by_vm[m.entity.value] = &m;
    const auto planned = plan.query_ids().size();
    std::map<std::int32_t, std::size_t> slot;  // counter id -> DiskCounter
    for (std::size_t i = 0; i < kDiskCounters; ++i)
        if (plan.ids[i]) slot[*plan.ids[i]] = i;

    for (const auto& vm : inv.vms) {
        ++out.vms;
        const auto it = by_vm.find(vm.ref.value);
        const EntityMetrics* m = it == by_vm.end() ? nullptr : it->second;
        if (!m || m->samples == 0) ++out.vms_without_samples;
        // instance -> counter -> series
        std::map<std::string, std::array<Series, kDiskCounters>> per_disk;
        if (m)
            for (const auto& s : m->series) {
                const auto c = slot.find(s.counter);
                if (c == slot.end()) continue;
                per_disk[s.instance][c->second] = &s.values;
            }
        std::vector<std::string> instances;
        for (const auto& d : vm.disks) instances.push_back(d.instance);
        // Series for an instance the inventory has no disk for (an RDM on a
        // controller type not read, or a server that sends "*"): kept, not lost.
        for (const auto& [inst, unused] : per_disk)
            if (!inst.empty() &&
                std::find(instances.begin(), instances.end(), inst) == instances.end())
                instances.push_back(inst);
        for (const auto& inst : instances) {
            DiskSurvey d;
            d.vm = vm.name;
            d.host = inv.name_of(vm.host);
            d.cluster = inv.cluster_of(vm);
            d.folder = vm.folder.empty() ? "" : inv.name_of(vm.folder);
            d.disk = inst;
            for (const auto& disk : vm.disks)
                if (disk.instance == inst) d.file = disk.file, d.capacity_kb = disk.capacity_kb;
            if (m) {
                d.samples = m->samples;
                d.interval_s = m->interval_s;
                d.first_time = m->first_time;
                d.last_time = m->last_time;
            }
            std::array<Series, kDiskCounters> s{};
            if (const auto p = per_disk.find(inst); p != per_disk.end()) s = p->second;
            auto at = [&](DiskCounter c) { return s[static_cast<std::size_t>(c)]; };
            for (std::size_t i = 0; i < kDiskCounters; ++i)
                if (plan.ids[i] && !s[i] && d.samples > 0)
                    d.no_series.push_back(counter_name(static_cast<DiskCounter>(i)));
            const auto n = d.samples;
            d.read_iops = mean_over(at(DiskCounter::read_iops), n);
            d.write_iops = mean_over(at(DiskCounter::write_iops), n);
            const auto read_kbps = mean_over(at(DiskCounter::read_kbps), n);
            const auto write_kbps = mean_over(at(DiskCounter::write_kbps), n);
            if (read_kbps) d.read_mbps = *read_kbps * 1024 / 1e6;
            if (write_kbps) d.write_mbps = *write_kbps * 1024 / 1e6;
            // The mean IO size is exact from the two rates (bytes per IO over
            // the window); the latest-value counter is the fallback.
            auto io_size = [&](std::optional<double> kbps, std::optional<double> iops,
                               DiskCounter latest) -> std::optional<double> {
                if (kbps && iops && *iops > 0) return *kbps * 1024 / *iops;
                return mean_of_nonzero(at(latest));
            };
            d.read_io_bytes = io_size(read_kbps, d.read_iops, DiskCounter::read_io_size);
            d.write_io_bytes = io_size(write_kbps, d.write_iops, DiskCounter::write_io_size);
            d.read_oio = mean_over(at(DiskCounter::read_oio), n);
            d.write_oio = mean_over(at(DiskCounter::write_oio), n);
            auto latency = [&](DiskCounter us, DiskCounter ms) -> std::optional<double> {
                if (auto v = mean_of_nonzero(at(us))) return *v / 1000;
                return mean_of_nonzero(at(ms));
            };
            d.read_latency_ms = latency(DiskCounter::read_latency_us, DiskCounter::read_latency_ms);
            d.write_latency_ms =
                latency(DiskCounter::write_latency_us, DiskCounter::write_latency_ms);
            const auto small = at(DiskCounter::small_seeks), medium = at(DiskCounter::medium_seeks),
                       large = at(DiskCounter::large_seeks);
            if (small && medium && large) {
                const double total = sum_of(small) + sum_of(medium) + sum_of(large);
                if (total > 0) d.random_pct = 100 * (sum_of(medium) + sum_of(large)) / total;
            }
            const auto r = at(DiskCounter::read_iops), w = at(DiskCounter::write_iops);
            if (r && w && r->size() == n && w->size() == n && n > 0) {
                double peak = 0;
                for (std::size_t k = 0; k < n; ++k)
                    peak = std::max(peak, static_cast<double>((*r)[k] + (*w)[k]));
                d.peak_iops = peak;
            }
            const bool nothing = d.samples > 0 && d.no_series.size() == planned;
            if (nothing && instances.size() > vm.disks.size()) {
                ++out.disks_without_series;  // the VM's other row (its aggregate) stands for it
                continue;
            }
            out.disks.push_back(std::move(d));
        }
    }
    std::stable_sort(out.disks.begin(), out.disks.end(),
                     [](const DiskSurvey& a, const DiskSurvey& b) {
                         if (a.total_iops() != b.total_iops())
                             return a.total_iops() > b.total_iops();
                         return a.read_mbps.value_or(0) + a.write_mbps.value_or(0) >
                                b.read_mbps.value_or(0) + b.write_mbps.value_or(0);
                     });
    return out;
}

std::string shell_word(std::string_view text) {
    const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               std::string_view("-_.:/@%+=,").find(c) != std::string_view::npos;
    });
    if (plain) return std::string(text);
    std::string out = "'";
    for (char c : text) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

std::string job_start_command(const DiskSurvey& d, const std::string& vcenter) {
    const auto where = vcenter.empty() ? "--host " + shell_word(d.host) : "--vcenter " + vcenter;
    return "vscsi job start " + where + " --vm " + shell_word(d.vm) + " --disk " +
           shell_word(d.disk) + " --profile standard";
}

}  // namespace vscsi::vsphere
