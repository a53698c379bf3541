#include "analysis/recommendation_rules.hpp"

#include <fmt/format.h>

#include <cmath>

#include "format/bucket_labels.hpp"

namespace vscsi {
namespace {

std::uint64_t ios_in(const WorkloadMetrics& m, Direction d) {
    return d == Direction::read ? m.ios_read : d == Direction::write ? m.ios_write : m.ios_total;
}

// Whether a bucket (low, high] holds a size that is a multiple of 4 KiB.
bool holds_4k_multiple(const BucketShare& b) {
    if (!b.high) return true;
    return (*b.high / 4096) * 4096 > b.low.value_or(0);
}

void list_bucket(std::string& list, const BucketShare& b) {
    if (!list.empty()) list += ", ";
    list += fmt::format("{} {:.1f}% ({} IOs)", bucket_label(Metric::io_length, b.high, b.low),
                        b.percent, b.count);
}

void unaligned_io(const WorkloadMetrics& m, const std::string& scope,
                  const RecommendationThresholds& t, std::vector<Recommendation>& out) {
    if (m.ios_total < t.min_ios) return;
    double sub4k = 0, unaligned = 0;
    std::string sub4k_buckets, unaligned_buckets, maybe_buckets;
    for (const auto& b : m.sizes(Direction::total)) {
        if (!b.high) continue;
        if (*b.high < 4095) {
            sub4k += b.percent;
            list_bucket(sub4k_buckets, b);
        } else if (!holds_4k_multiple(b)) {
            unaligned += b.percent;
            list_bucket(unaligned_buckets, b);
        } else if ((*b.high + 1) % 4096 == 0) {
            list_bucket(maybe_buckets, b);  // 16383, 65535: 12K, 52K.. are aligned
        }
    }
    const double share = sub4k + unaligned;
    if (share < t.unaligned_warn_percent) return;
    std::string evidence =
        fmt::format("smaller than 4 KiB: {:.1f}%{}; not a multiple of 4 KiB: {:.1f}%{}", sub4k,
                    sub4k_buckets.empty() ? "" : " (" + sub4k_buckets + ")", unaligned,
                    unaligned_buckets.empty() ? "" : " (" + unaligned_buckets + ")");
    if (!maybe_buckets.empty())
        evidence += fmt::format("; may include unaligned sizes, not counted: {}", maybe_buckets);
    evidence += fmt::format(" (threshold {:.0f}%, critical at {:.0f}%)", t.unaligned_warn_percent,
                            t.unaligned_critical_percent);
    out.push_back(
        {"unaligned_io",
         share >= t.unaligned_critical_percent ? Severity::critical : Severity::warning, scope,
         fmt::format("{:.1f}% of IOs are smaller than 4 KiB or not a multiple of 4 KiB", share),
         std::move(evidence),
         "On 4K-sector (4Kn/512e) and most all-flash arrays each such write becomes a "
         "read-modify-write. Check the guest's partition alignment and file-system or "
         "database block size; the fio job keeps these sizes in bssplit so a test shows "
         "their cost."});
}

void queue_saturation(const WorkloadMetrics& m, const std::string& scope,
                      const RecommendationThresholds& t, std::vector<Recommendation>& out) {
    if (m.ios_total < t.min_ios) return;
    const double at32 = m.percent_in(Metric::outstanding_ios, Direction::total, {32});
    const double above32 =
        m.percent_in(Metric::outstanding_ios, Direction::total, {64, std::nullopt});
    const double share = at32 + above32;
    if (share < t.queue_full_warn_percent) return;
    out.push_back(
        {"queue_depth_saturation",
         share >= t.queue_full_critical_percent ? Severity::critical : Severity::warning, scope,
         fmt::format("{:.1f}% of IOs were issued with more than 28 IOs outstanding", share),
         fmt::format("outstanding IOs 29-32: {:.1f}%, 33-64 and above: {:.1f}%; queue depth "
                     "p95 {:.0f}, p99 {:.0f} (threshold {:.0f}%, critical at {:.0f}%)",
                     at32, above32, m.queue_depth.p95, m.queue_depth.p99, t.queue_full_warn_percent,
                     t.queue_full_critical_percent),
         "The device queue (32 for LSI Logic and the default per-LUN queue, 64 for PVSCSI) is "
         "often full, so measured latency includes queueing. Use PVSCSI, spread the data over "
         "more virtual disks/controllers, and size the array for this concurrency: the fio "
         "job's iodepth reproduces it."});
}

void high_latency(const WorkloadMetrics& m, const std::string& scope,
                  const RecommendationThresholds& t, std::vector<Recommendation>& out) {
    for (auto d : {Direction::read, Direction::write}) {
        const auto n = ios_in(m, d);
        const auto& l = d == Direction::read ? m.latency_ms_read : m.latency_ms_write;
        if (n < t.min_ios || !std::isfinite(l.p99)) continue;
        const bool p99_high = l.p99 >= t.latency_p99_warn_ms;
        const bool mean_high = l.mean >= t.latency_mean_warn_ms;
        if (!p99_high && !mean_high) continue;
        const auto dir = direction_name(d);
        const char* how = m.percentile_method == PercentileMethod::bucket_upper_bound
                              ? "; percentiles are histogram bucket upper limits"
                              : "";
        out.push_back(
            {fmt::format("high_{}_latency", dir),
             l.p99 >= t.latency_p99_critical_ms ? Severity::critical : Severity::warning, scope,
             fmt::format("{} latency is high: p99 {:.1f} ms, mean {:.1f} ms", dir, l.p99, l.mean),
             fmt::format("{} {}s: p50 {:.2f} ms, p95 {:.1f} ms, p99 {:.1f} ms, mean {:.2f} ms "
                         "(thresholds p99 {:.0f} ms, critical {:.0f} ms, mean {:.0f} ms{})",
                         n, dir, l.p50, l.p95, l.p99, l.mean, t.latency_p99_warn_ms,
                         t.latency_p99_critical_ms, t.latency_mean_warn_ms, how),
             "This is what the VM waited for, queueing included. Compare with the array's "
             "own latency for the same period: if the array is fast, the queue is in ESXi "
             "(queue depth, SIOC, path); if not, the array needs more performance for this "
             "profile. Size the replacement so that the fio job below stays under the "
             "target."});
    }
}

void broken_streams(const WorkloadMetrics& m, const std::string& scope,
                    const RecommendationThresholds& t, std::vector<Recommendation>& out) {
    if (m.ios_total < t.min_ios) return;
    const auto& sp = m.sequential_percent;
    double weighted = 0, weight = 0;
    bool any_sequential_stream = false;
    std::string streams;
    for (auto d : {Direction::read, Direction::write}) {
        const auto n = static_cast<double>(ios_in(m, d));
        if (n < static_cast<double>(t.min_ios) || !std::isfinite(sp[d])) continue;
        weighted += sp[d] * n;
        weight += n;
        if (sp[d] >= t.stream_sequential_percent) any_sequential_stream = true;
        if (!streams.empty()) streams += ", ";
        streams += fmt::format("{} {:.1f}%", direction_name(d), sp[d]);
    }
    if (weight == 0 || !std::isfinite(sp.total)) return;
    weighted /= weight;
    const double interleave_gap = weighted - sp.total;
    const double closest16 = m.percent_in(Metric::seek_distance_closest16, Direction::total, {1});
    const double streams_gap = closest16 - sp.total;
    const bool rw_interleave = any_sequential_stream && interleave_gap >= t.stream_broken_points;
    const bool multi_stream =
        closest16 >= t.stream_sequential_percent && streams_gap >= t.stream_broken_points;
    if (!rw_interleave && !multi_stream) return;
    std::string evidence =
        fmt::format("sequential (+1 LBN) share: {}; all IOs together {:.1f}%", streams, sp.total);
    if (m.distribution(Metric::seek_distance_closest16, Direction::total).size() > 0)
        evidence += fmt::format("; +1 from the closest of the last 16 IOs {:.1f}%", closest16);
    evidence += fmt::format(
        " (threshold: a direction >= {:.0f}% or closest-of-16 >= {:.0f}%, and {:.0f} points "
        "more than all IOs together)",
        t.stream_sequential_percent, t.stream_sequential_percent, t.stream_broken_points);
    out.push_back(
        {"sequential_streams_broken", Severity::warning, scope,
         rw_interleave ? "sequential streams are broken up by interleaved reads and writes"
                       : "several sequential streams interleave and look random to the array",
         std::move(evidence),
         "The array sees random I/O although the application streams: read-ahead and "
         "write coalescing will not help. Put the streams on separate virtual disks (e.g. "
         "logs apart from data); when testing, model them as separate sequential fio jobs "
         "rather than one random job."});
}

void small_random_writes(const WorkloadMetrics& m, const std::string& scope,
                         const RecommendationThresholds& t, std::vector<Recommendation>& out) {
    if (m.ios_write < t.min_ios || m.ios_read + m.ios_write == 0) return;
    const double write_share =
        100.0 * static_cast<double>(m.ios_write) / static_cast<double>(m.ios_read + m.ios_write);
    double small = 0;
    for (const auto& b : m.sizes(Direction::write))
        if (b.high && *b.high <= 16384) small += b.percent;
    const double seq = m.sequential_percent.write;
    if (write_share < t.small_write_share_percent || small < t.small_write_size_percent ||
        !(seq < t.small_write_max_sequential_percent))
        return;
    out.push_back(
        {"small_random_writes", Severity::warning, scope,
         fmt::format("small random writes dominate: {:.0f}% of IOs are writes, {:.0f}% of them "
                     "<= 16 KiB",
                     write_share, small),
         fmt::format("writes {:.1f}% of IOs ({:.1f} IOPS), {:.1f}% of writes <= 16 KiB, "
                     "{:.1f}% of writes sequential (thresholds: >= {:.0f}% writes, >= {:.0f}% "
                     "small, < {:.0f}% sequential)",
                     write_share, m.iops.write, small, seq, t.small_write_share_percent,
                     t.small_write_size_percent, t.small_write_max_sequential_percent),
         "Parity RAID (RAID 5/6, erasure coding) turns each small random write into 4-6 "
         "back-end IOs: size back-end write IOPS with that penalty, or use mirroring "
         "(RAID 10) or a write-back cache tier. Test with the fio job below, not with "
         "large sequential writes."});
}

}  // namespace

std::string_view to_string(Severity s) {
    switch (s) {
        case Severity::info:
            return "info";
        case Severity::warning:
            return "warning";
        case Severity::critical:
            return "critical";
    }
    return "?";
}

std::vector<Recommendation> recommend_for_profile(const WorkloadMetrics& m,
                                                  const std::string& scope,
                                                  const RecommendationThresholds& t) {
    std::vector<Recommendation> out;
    if (m.idle()) return out;
    unaligned_io(m, scope, t, out);
    queue_saturation(m, scope, t, out);
    high_latency(m, scope, t, out);
    broken_streams(m, scope, t, out);
    small_random_writes(m, scope, t, out);
    return out;
}

std::vector<Recommendation> recommend(const WorkloadMetrics& total, std::uint64_t samples_total,
                                      const std::vector<DiskProfile>& disks,
                                      const RecommendationThresholds& t) {
    std::vector<Recommendation> out;
    if (samples_total == 0) return out;  // nothing measured: the warnings say so
    if (total.idle() || !(total.iops.total >= t.idle_iops)) {
        out.push_back(
            {"idle_job", Severity::warning, "job",
             total.ios_total < t.min_ios
                 ? "the analyzed samples show (almost) no I/O: there is nothing to size"
                 : "the analyzed samples show a very light load: too little to size an array "
                   "for (the IO shape below is still measured)",
             fmt::format("{} IOs, {:.2f} IOPS over {:.0f} s analyzed (threshold {:.0f} IOPS)",
                         total.ios_total, total.idle() ? 0.0 : total.iops.total, total.seconds,
                         t.idle_iops),
             "Collect again while the VM does its real work (the busy hour, a batch run, "
             "a backup window), e.g. `vscsi job start ... --profile standard`; check that "
             "the right VM and disks were selected (`vscsi host discover`)."});
        if (total.ios_total < t.min_ios) return out;
    }
    if (disks.size() <= 1) {
        auto r = recommend_for_profile(total, disks.empty() ? "job" : disks.front().scope, t);
        out.insert(out.end(), r.begin(), r.end());
        return out;
    }
    for (const auto& d : disks) {
        auto r = recommend_for_profile(*d.metrics, d.scope, t);
        out.insert(out.end(), r.begin(), r.end());
    }
    return out;
}

}  // namespace vscsi
