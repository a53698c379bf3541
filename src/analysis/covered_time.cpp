#include "analysis/covered_time.hpp"

#include <algorithm>
#include <unordered_map>

namespace vscsi {
namespace {

// The interarrival histogram that sees every IO of the disk: the total one,
// else the busier direction (an output of one direction only).
const Histogram* arrivals(const DiskHistograms& d) {
    if (const auto* t = d.find(Metric::interarrival, Direction::total)) return t;
    const auto* r = d.find(Metric::interarrival, Direction::read);
    const auto* w = d.find(Metric::interarrival, Direction::write);
    if (!r) return w;
    if (!w) return r;
    return r->count >= w->count ? r : w;
}

// The true sum of gaps lies in [count x mean, count x (mean + 1)) microseconds.
struct GapSum {
    double low = 0, high = 0;
};
GapSum gap_sum(const Histogram& h) {
    const auto c = static_cast<double>(h.count);
    const auto m = static_cast<double>(h.mean);
    return {c * m, c * (m + 1)};
}

void keep_longest(std::optional<CoveredTime>& best, const DiskHistograms& d, double low_us,
                  double high_us) {
    const double mid = std::max(0.0, (low_us + high_us) / 2) / 1e6;
    if (!best) best.emplace();
    ++best->disks_with_arrivals;
    if (mid > best->seconds || best->disk.empty()) {
        best->seconds = mid;
        best->uncertainty = std::max(0.0, high_us - low_us) / 2 / 1e6;
        best->disk = d.disk.display();
    }
}

}  // namespace

void PrintCoveredTime::add(const DiskHistograms& d) {
    const auto* h = arrivals(d);
    if (!h || h->count < 2) return;
    const auto s = gap_sum(*h);
    const auto first_gap = static_cast<double>(h->max);
    keep_longest(best_, d, s.low - first_gap, s.high - first_gap);
}

std::optional<CoveredTime> covered_time_of_print(const VscsiStatsOutput& print) {
    PrintCoveredTime fold;
    for (const auto& d : print.disks) fold.add(d);
    return fold.result();
}

namespace {

// The disks of a print by (worldGroupID, handleID): host-wide prints have
// thousands, and every disk of the later print looks for itself.
std::unordered_map<DiskKey, const DiskHistograms*, DiskKeyHash> index_of(
    const VscsiStatsOutput& print) {
    std::unordered_map<DiskKey, const DiskHistograms*, DiskKeyHash> index;
    index.reserve(print.disks.size());
    for (const auto& d : print.disks) index.try_emplace(disk_key(d.disk), &d);
    return index;
}

}  // namespace

std::optional<CoveredTime> covered_time_between(const VscsiStatsOutput& earlier,
                                                const VscsiStatsOutput& later) {
    std::optional<CoveredTime> best;
    const auto index = index_of(earlier);
    for (const auto& d : later.disks) {
        const auto* h = arrivals(d);
        if (!h) continue;
        const auto it = index.find(disk_key(d.disk));
        const Histogram* before = it == index.end() ? nullptr : arrivals(*it->second);
        if (!before || before->count >= h->count) continue;  // no new IO, or a restart
        const auto s1 = gap_sum(*before), s2 = gap_sum(*h);
        keep_longest(best, d, s2.low - s1.high, s2.high - s1.low);
    }
    return best;
}

bool continues_counters(const VscsiStatsOutput& earlier, const VscsiStatsOutput& later) {
    bool shared = false;
    const auto index = index_of(earlier);
    for (const auto& d : later.disks) {
        if (const auto it = index.find(disk_key(d.disk)); it != index.end()) {
            const auto& e = *it->second;
            for (std::size_t s = 0; s < kSlotCount; ++s) {
                if (!d.present[s] || !e.present[s]) continue;
                const auto& a = e.slots[s];
                const auto& b = d.slots[s];
                if (a.frequencies.size() != b.frequencies.size() || b.count < a.count) return false;
                for (std::size_t i = 0; i < a.frequencies.size(); ++i)
                    if (b.frequencies[i] < a.frequencies[i]) return false;
                shared = true;
            }
        }
    }
    return shared;
}

}  // namespace vscsi
