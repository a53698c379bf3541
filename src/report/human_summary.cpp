#include "report/human_summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "format/bucket_labels.hpp"

namespace vscsi {
namespace {

std::string size_label(const BucketShare& b) {
    return bucket_label(Metric::io_length, b.high, b.low);
}

std::string top_sizes(const std::vector<BucketShare>& v) {
    auto sorted = v;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](auto& a, auto& b) { return a.percent > b.percent; });
    std::string s;
    for (std::size_t i = 0; i < sorted.size() && i < 4; ++i) {
        if (!s.empty()) s += ", ";
        s += fmt::format("{} ({:.0f}%)", size_label(sorted[i]), sorted[i].percent);
    }
    return s.empty() ? "-" : s;
}

std::string f1(double v) {
    return std::isfinite(v) ? fmt::format("{:.1f}", v) : "-";
}
std::string ms(double v) {
    return std::isfinite(v) ? fmt::format("{:.2f}ms", v) : "-";
}

}  // namespace

std::string human_profile(const WorkloadMetrics& m, std::string_view in) {
    std::string o;
    auto out = std::back_inserter(o);
    fmt::format_to(out, "{}IOPS: {} (Read: {} / Write: {})\n", in, f1(m.iops.total),
                   f1(m.iops.read), f1(m.iops.write));
    fmt::format_to(out, "{}Throughput: {:.3f} MB/s (Read: {:.3f} / Write: {:.3f})\n", in,
                   m.throughput_mbps.total, m.throughput_mbps.read, m.throughput_mbps.write);
    const double rp = m.read_percent;
    fmt::format_to(out, "{}Read/Write ratio: {}/{}\n", in, f1(rp),
                   std::isfinite(rp) ? f1(100 - rp) : "-");
    const auto missing = m.not_measured();
    auto not_measured = [&](std::string_view key) -> const NotMeasured* {
        for (const auto& n : missing)
            if (n.key == key) return &n;
        return nullptr;
    };
    if (const auto* n = not_measured("sequential_percent"))
        fmt::format_to(out, "{}Sequential: not measured: {}\n", in, n->reason);
    else
        fmt::format_to(
            out, "{}Sequential: read {}%, write {}% (Random: read {}%, write {}%)\n", in,
            f1(m.sequential_percent.read), f1(m.sequential_percent.write),
            std::isfinite(m.sequential_percent.read) ? f1(100 - m.sequential_percent.read) : "-",
            std::isfinite(m.sequential_percent.write) ? f1(100 - m.sequential_percent.write) : "-");
    fmt::format_to(out, "{}Block sizes: read {}; write {}\n", in,
                   top_sizes(m.sizes(Direction::read)), top_sizes(m.sizes(Direction::write)));
    const auto& q = m.queue_depth;
    const auto& qb = m.queue_depth_mean_bounds;
    if (const auto* n = not_measured("queue_depth"))
        fmt::format_to(out, "{}Queue depth: not measured: {}\n", in, n->reason);
    else
        fmt::format_to(
            out, "{}Queue depth: avg={}{}, p50={}, p95={}, p99={}\n", in, f1(q.mean),
            std::isfinite(qb.low) ? fmt::format(" ({:.2f}-{:.2f})", qb.low, qb.high) : "",
            f1(q.p50), f1(q.p95), f1(q.p99));
    const auto& r = m.latency_ms_read;
    const auto& w = m.latency_ms_write;
    if (const auto* n = not_measured("latency_ms")) {
        fmt::format_to(out, "{}Latency: not measured: {}\n", in, n->reason);
    } else {
        fmt::format_to(out, "{}Read latency:  avg={}, p50={}, p95={}, p99={}\n", in, ms(r.mean),
                       ms(r.p50), ms(r.p95), ms(r.p99));
        fmt::format_to(out, "{}Write latency: avg={}, p50={}, p95={}, p99={}\n", in, ms(w.mean),
                       ms(w.p50), ms(w.p95), ms(w.p99));
    }
    if (m.percentile_method == PercentileMethod::bucket_upper_bound)
        fmt::format_to(out,
                       "{}(percentiles are histogram bucket upper limits; --percentile-method "
                       "interpolate estimates inside buckets)\n",
                       in);
    else
        fmt::format_to(out,
                       "{}(percentiles interpolated inside histogram buckets, within the observed "
                       "min..max; --percentile-method bucket_upper_bound gives bucket limits)\n",
                       in);
    return o;
}

std::string human_recommendations(const std::vector<Recommendation>& recs) {
    if (recs.empty()) return {};
    std::string o = "\nRecommendations:\n";
    auto out = std::back_inserter(o);
    for (const auto& r : recs) {
        fmt::format_to(out, "  [{}] {}{}\n", to_string(r.severity), r.title,
                       r.scope == "job" ? "" : " (" + r.scope + ")");
        fmt::format_to(out, "      evidence: {}\n      advice: {}\n", r.evidence, r.advice);
    }
    return o;
}

std::string human_summary(const AnalysisResult& r, std::size_t shown_disks,
                          std::string_view job_hint) {
    std::string o;
    auto out = std::back_inserter(o);
    for (const auto& w : r.warnings) fmt::format_to(out, "Warning: {}\n", w);
    fmt::format_to(out, "Samples: {} found, {} analyzed, {} filtered out", r.samples_total,
                   r.samples_analyzed, r.samples_filtered());
    if (r.samples_total > 0)
        fmt::format_to(out, " ({:.1f}%)",
                       100.0 * static_cast<double>(r.samples_filtered()) /
                           static_cast<double>(r.samples_total));
    fmt::format_to(out, "\nFilter: {}\n", r.filter.explanation);
    if (!r.interval_source.empty() && r.interval_source != "collected")
        fmt::format_to(out, "Time: interval {}: {}\n", r.interval_source, r.interval_detail);
    if (r.total.idle()) return o + human_recommendations(r.recommendations);
    fmt::format_to(out, "\nPeak Workload Profile ({} disk{}):\n", r.disks.size(),
                   r.disks.size() == 1 ? "" : "s");
    o += human_profile(r.total);
    if (r.peak.seq)
        fmt::format_to(out,
                       "  Busiest sample: #{} at {}: {:.1f} IOPS (read {:.1f} / write {:.1f})\n",
                       r.peak.seq, format_display_time(r.peak.start), r.peak.iops_total,
                       r.peak.iops_read, r.peak.iops_write);
    if (r.disks.size() > 1) {
        // Busiest first (by IOs; the order of the data breaks ties).
        std::vector<const DiskResult*> order;
        order.reserve(r.disks.size());
        for (const auto& d : r.disks) order.push_back(&d);
        const auto shown = std::min(shown_disks, order.size());
        std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(shown),
                          order.end(), [](const DiskResult* a, const DiskResult* b) {
                              return a->metrics.ios_total > b->metrics.ios_total ||
                                     (a->metrics.ios_total == b->metrics.ios_total && a < b);
                          });
        for (std::size_t i = 0; i < shown; ++i) {
            const auto& d = *order[i];
            fmt::format_to(out, "\nDisk {}{}:\n", d.disk.display(),
                           d.vm_name.empty() ? "" : " of " + d.vm_name);
            o += human_profile(d.metrics, "    ");
        }
        if (shown < order.size())
            fmt::format_to(out,
                           "\n... and {} quieter disk{} (the {} busiest are above): `vscsi analyze "
                           "{} --show-disks all` prints every one; summary.json has them all\n",
                           order.size() - shown, order.size() - shown == 1 ? "" : "s", shown,
                           job_hint);
    }
    o += human_recommendations(r.recommendations);
    return o;
}

}  // namespace vscsi
