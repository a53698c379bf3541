#include "report/summary_json.hpp"

#include <boost/json.hpp>

#include "util/json_text.hpp"
#include "vscsi_config.hpp"

namespace vscsi {
namespace json = boost::json;
namespace {

json::value num(double v, int digits = 3) {
    return json::value(round_to(v, digits));
}

json::object per_dir(const PerDirection& p, int digits = 3) {
    return {{"total", num(p.total, digits)},
            {"read", num(p.read, digits)},
            {"write", num(p.write, digits)}};
}

json::object pct_summary(const PercentileSummary& s, PercentileMethod m, int digits,
                         bool explained) {
    json::object o{{"mean", num(s.mean, digits)},
                   {"p50", num(s.p50, digits)},
                   {"p95", num(s.p95, digits)},
                   {"p99", num(s.p99, digits)}};
    if (explained) o["percentile_method"] = to_string(m);
    return o;
}

json::object size_dist(const std::vector<BucketShare>& v) {
    json::object o;
    for (const auto& b : v) o[b.key] = round_to(b.percent, 3);
    return o;
}

json::object queue_summary(const WorkloadMetrics& m, PercentileMethod method, bool explained) {
    auto q = pct_summary(m.queue_depth, method, 3, explained);
    q["mean_low"] = num(m.queue_depth_mean_bounds.low, 3);
    q["mean_high"] = num(m.queue_depth_mean_bounds.high, 3);
    if (explained)
        q["mean_method"] =
            "middle of what the buckets (values lo+1..hi of each) and vscsiStats' truncated "
            "integer mean prove";
    return q;
}

constexpr std::string_view kDisksNote =
    "per disk: the figures of 'metrics' without the notes on method and unit (the same methods "
    "and units); a figure the data cannot support is null, and 'not_measured' says why";

}  // namespace

json::object metrics_to_json(const WorkloadMetrics& m, bool explained) {
    const auto method = m.percentile_method;
    json::object not_measured;
    for (const auto& n : m.not_measured()) not_measured[n.key] = n.reason;
    json::object sizes{{"read", size_dist(m.sizes(Direction::read))},
                       {"write", size_dist(m.sizes(Direction::write))},
                       {"total", size_dist(m.sizes(Direction::total))}};
    if (explained)
        sizes["unit"] =
            "percent of IOs per IO-length bucket, keyed by the bucket's upper limit in "
            "bytes";
    json::object o;
    if (explained || !not_measured.empty()) o["not_measured"] = std::move(not_measured);
    o["seconds"] = num(m.seconds, 3);
    o["ios"] = {{"total", m.ios_total}, {"read", m.ios_read}, {"write", m.ios_write}};
    o["iops"] = per_dir(m.iops);
    o["read_percent"] = num(m.read_percent);
    o["throughput_mbps"] = per_dir(m.throughput_mbps, 6);
    if (explained)
        o["throughput_method"] = "count x mean of the IO-length histograms (MB = 10^6 bytes)";
    o["mean_io_bytes"] = per_dir(m.mean_io_bytes, 1);
    o["block_size_distribution"] = std::move(sizes);
    o["sequential_percent"] = per_dir(m.sequential_percent);
    o["queue_depth"] = queue_summary(m, method, explained);
    o["outstanding_mean"] = per_dir(m.outstanding_mean);
    o["latency_ms"] = {{"read", pct_summary(m.latency_ms_read, method, 4, explained)},
                       {"write", pct_summary(m.latency_ms_write, method, 4, explained)},
                       {"total", pct_summary(m.latency_ms_total, method, 4, explained)}};
    if (explained) o["percentile_method"] = to_string(method);
    return o;
}

namespace {

json::object disk_to_json(const DiskResult& d) {
    return {{"vm_name", d.vm_name},
            {"world_group_id", d.disk.world_group_id},
            {"handle_id", d.disk.handle_id},
            {"label", d.disk.label},
            {"metrics", metrics_to_json(d.metrics, false)}};
}

// Everything but the disks, which are left null in their place.
json::object summary_head(const AnalysisResult& r,
                          const std::map<std::string, std::string>& outputs);

}  // namespace

json::object summary_to_json(const AnalysisResult& r,
                             const std::map<std::string, std::string>& outputs) {
    auto o = summary_head(r, outputs);
    json::array disks;
    disks.reserve(r.disks.size());
    for (const auto& d : r.disks) disks.push_back(disk_to_json(d));
    o["disks"] = std::move(disks);
    return o;
}

void write_summary_json(std::ostream& out, const AnalysisResult& r,
                        const std::map<std::string, std::string>& outputs, bool pretty) {
    const auto head = summary_head(r, outputs);
    std::string text = "{";
    bool first = true;
    for (const auto& kv : head) {
        text += first ? "" : ",";
        first = false;
        if (pretty) text += "\n  ";
        append_json(text, json::string(kv.key()), 1, false);
        text += pretty ? ": " : ":";
        if (kv.key() != "disks") {
            append_json(text, kv.value(), 1, pretty);
            continue;
        }
        text += '[';
        for (std::size_t i = 0; i < r.disks.size(); ++i) {
            text += i ? (pretty ? ",\n    " : ",") : (pretty ? "\n    " : "");
            append_json(text, disk_to_json(r.disks[i]), 2, false);
            if (text.size() > (1 << 20)) {  // a buffer at a time
                out << text;
                text.clear();
            }
        }
        text += !r.disks.empty() && pretty ? "\n  ]" : "]";
    }
    text += pretty ? "\n}\n" : "}";
    out << text;
}

namespace {

json::object summary_head(const AnalysisResult& r,
                          const std::map<std::string, std::string>& outputs) {
    json::object filter{{"method", to_string(r.filter.method)},
                        {"threshold", round_to(r.filter.threshold, 3)},
                        {"cutoff_iops", round_to(r.filter.cutoff_iops, 3)},
                        {"explanation", r.filter.explanation},
                        {"samples_total", r.samples_total},
                        {"samples_analyzed", r.samples_analyzed},
                        {"samples_filtered", r.samples_filtered()},
                        {"samples_unreadable", r.samples_unreadable}};
    json::array warnings;
    for (const auto& w : r.warnings) warnings.emplace_back(w);
    json::object outs;
    json::array recs;
    for (const auto& rec : r.recommendations)
        recs.push_back({{"rule", rec.rule},
                        {"severity", to_string(rec.severity)},
                        {"scope", rec.scope},
                        {"title", rec.title},
                        {"evidence", rec.evidence},
                        {"advice", rec.advice}});
    for (const auto& [k, v] : outputs) outs[k] = v;
    return {
        {"job_id", r.job_id},
        {"analyzed_at", format_iso8601(r.analyzed_at)},
        {"vscsi_version", VSCSI_VERSION},
        {"filter", std::move(filter)},
        {"period",
         {{"first_sample_start",
           r.first_start ? json::value(format_iso8601(*r.first_start)) : nullptr},
          {"last_sample_end", r.last_end ? json::value(format_iso8601(*r.last_end)) : nullptr},
          {"interval_source", r.interval_source},
          {"interval_detail", r.interval_detail}}},
        {"metrics", metrics_to_json(r.total)},
        {"peak",
         {{"sample", r.peak.seq},
          {"start", r.peak.seq ? json::value(format_iso8601(r.peak.start)) : nullptr},
          {"iops",
           {{"total", round_to(r.peak.iops_total, 3)},
            {"read", round_to(r.peak.iops_read, 3)},
            {"write", round_to(r.peak.iops_write, 3)}}}}},
        {"disks_note", kDisksNote},
        {"disks", nullptr},
        {"warnings", std::move(warnings)},
        {"recommendations", std::move(recs)},
        {"outputs", std::move(outs)},
    };
}

}  // namespace

}  // namespace vscsi
