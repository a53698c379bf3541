#include "report/ndjson_export.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>

#include "analysis/workload_metrics.hpp"
#include "util/json_text.hpp"

namespace vscsi {

NdjsonExporter::NdjsonExporter(std::ostream& out, const JobMeta& meta, std::string run_id)
    : out_(out), meta_(meta), run_id_(std::move(run_id)) {}

void NdjsonExporter::point(std::string_view metric, std::string_view type,
                           std::string_view contains, const std::string& time, double value,
                           const std::string& tags_json) {
    if (!std::isfinite(value)) return;
    if (declared_.find(metric) == declared_.end()) {
        declared_.emplace(metric);
        out_ << fmt::format(
            "{{\"type\":\"Metric\",\"data\":{{\"name\":\"{}\",\"type\":\"{}\",\"contains\":\"{}\","
            "\"tainted\":null,\"thresholds\":[],\"submetrics\":null}},\"metric\":\"{}\"}}\n",
            metric, type, contains, metric);
    }
    out_ << fmt::format(
        "{{\"type\":\"Point\",\"data\":{{\"time\":\"{}\",\"value\":{},\"tags\":{}}},\"metric\":\"{}"
        "\"}}\n",
        time, round_to(value, 6), tags_json, metric);
    ++points_;
}

void NdjsonExporter::on_sample(const Sample& s, bool analyzed) {
    const auto time = format_iso8601(s.header.end);
    const double secs = s.header.seconds();
    for (const auto& d : s.data.disks) {
        std::string vm;
        for (const auto& t : meta_.targets)
            if (t.world_group_id == d.disk.world_group_id) vm = t.vm_name;
        boost::json::object base;
        for (const auto& [k, v] : meta_.tags) base[k] = v;  // user tags first: ours win on clashes
        base["job"] = meta_.job_id;
        base["host"] = meta_.host.hostname;
        base["vm"] = vm.empty() ? fmt::format("wg{}", d.disk.world_group_id) : vm;
        base["disk"] = d.disk.label.empty() ? std::to_string(d.disk.handle_id) : d.disk.label;
        base["world_group_id"] = std::to_string(d.disk.world_group_id);
        base["handle_id"] = std::to_string(d.disk.handle_id);
        base["run_id"] = run_id_;
        base["sample"] = std::to_string(s.header.seq);
        base["analyzed"] = analyzed ? "true" : "false";
        const auto f = sample_figures(d, secs);
        for (auto dir : {Direction::total, Direction::read, Direction::write}) {
            auto tags = base;
            tags["direction"] = direction_name(dir);
            const auto tj = compact_json(tags);
            point("vscsi_iops", "gauge", "default", time, f.iops[dir], tj);
            point("vscsi_throughput_mbps", "gauge", "data", time, f.throughput_mbps[dir], tj);
            point("vscsi_latency_mean_ms", "gauge", "time", time, f.latency_mean_ms[dir], tj);
            point("vscsi_sequential_percent", "gauge", "default", time, f.sequential_percent[dir],
                  tj);
            point("vscsi_io_size_mean_bytes", "gauge", "data", time, f.mean_io_bytes[dir], tj);
        }
        point("vscsi_outstanding_ios_mean", "gauge", "default", time, f.outstanding_mean,
              compact_json(base));
    }
}

}  // namespace vscsi
