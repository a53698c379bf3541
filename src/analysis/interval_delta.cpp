#include "analysis/interval_delta.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

namespace vscsi {
namespace {

const DiskHistograms* find_disk(const VscsiStatsOutput& o, const DiskId& id) {
    for (const auto& d : o.disks)
        if (d.disk.same_disk(id)) return &d;
    return nullptr;
}

bool went_backwards(const Histogram& p, const Histogram& c) {
    if (c.count < p.count) return true;
    for (std::size_t i = 0; i < c.frequencies.size(); ++i)
        if (c.frequencies[i] < p.frequencies[i]) return true;
    return false;
}

}  // namespace

Result<void> subtract_cumulative(const VscsiStatsOutput& prev, const VscsiStatsOutput& cur,
                                 VscsiStatsOutput& out, DeltaReport& report) {
    out.disks.clear();
    report = DeltaReport{};
    for (const auto& cd : cur.disks) {
        auto& od = out.disks.emplace_back(cd);
        const auto* pd = find_disk(prev, cd.disk);
        if (!pd) continue;
        bool reset = false;
        for (std::size_t s = 0; s < kSlotCount && !reset; ++s) {
            if (!cd.present[s] || !pd->present[s]) continue;
            const auto& p = pd->slots[s];
            const auto& c = cd.slots[s];
            if (p.limits != c.limits)
                return Error{ErrorKind::bad_data,
                             fmt::format("bucket limits of '{}' for disk {} changed between prints",
                                         slot_info(s).title, cd.disk.display()),
                             ""};
            if (went_backwards(p, c)) {
                reset = true;
                report.counters_reset = true;
                report.detail =
                    fmt::format("counters of '{}' for disk {} went backwards ({} -> {})",
                                slot_info(s).title, cd.disk.display(), p.count, c.count);
            }
        }
        if (reset) continue;  // od already holds cur: everything since the reset
        for (std::size_t s = 0; s < kSlotCount; ++s) {
            if (!cd.present[s] || !pd->present[s]) continue;
            const auto& p = pd->slots[s];
            const auto& c = cd.slots[s];
            auto& o = od.slots[s];
            for (std::size_t i = 0; i < c.frequencies.size(); ++i)
                o.frequencies[i] = c.frequencies[i] - p.frequencies[i];
            o.count = c.count - p.count;
            if (o.count == 0) {
                o.min = o.max = o.mean = 0;  // as vscsiStats prints an empty histogram
                continue;
            }
            // Both means are rounded integers; the interval mean follows from the sums.
            const double sum = static_cast<double>(c.count) * static_cast<double>(c.mean) -
                               static_cast<double>(p.count) * static_cast<double>(p.mean);
            o.mean = static_cast<std::int64_t>(std::llround(sum / static_cast<double>(o.count)));
            o.mean = std::clamp(o.mean, c.min, c.max);
        }
    }
    return {};
}

}  // namespace vscsi
