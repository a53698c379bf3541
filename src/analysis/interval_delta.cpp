#include "analysis/interval_delta.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace vscsi {
namespace {

// Successive prints list their disks in the same order: the same position is
// tried first, an index (built on the first miss) finds the rest.
class PrintDisks {
  public:
    explicit PrintDisks(const VscsiStatsOutput& o) : o_(o) {}
    const DiskHistograms* find(const DiskId& id, std::size_t position) {
        if (position < o_.disks.size() && o_.disks[position].disk.same_disk(id))
            return &o_.disks[position];
        if (index_.empty())
            for (const auto& d : o_.disks) index_.try_emplace(disk_key(d.disk), &d);
        const auto it = index_.find(disk_key(id));
        return it == index_.end() ? nullptr : it->second;
    }

  private:
    const VscsiStatsOutput& o_;
    std::unordered_map<DiskKey, const DiskHistograms*, DiskKeyHash> index_;
};

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
    out.disks.reserve(cur.disks.size());
    report = DeltaReport{};
    PrintDisks earlier(prev);
    for (const auto& cd : cur.disks) {
        auto& od = out.disks.emplace_back(cd);
        const auto* pd = earlier.find(cd.disk, out.disks.size() - 1);
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
