#pragma once
// k6-compatible NDJSON (the `k6 run --out json` line format): a Metric line
// declares each metric before its first Point line; points carry tags job,
// host, vm, disk, run_id and the job's user tags, so the same dashboards and
// tools (Grafana, k6 converters) read vscsi data.

#include <map>
#include <ostream>
#include <set>
#include <string>

#include "analysis/job_analysis.hpp"
#include "job/job_meta.hpp"

namespace vscsi {

class NdjsonExporter final : public SampleObserver {
  public:
    NdjsonExporter(std::ostream& out, const JobMeta& meta, std::string run_id);
    void on_sample(const Sample& sample, bool analyzed) override;
    std::uint64_t points() const { return points_; }

  private:
    void point(std::string_view metric, std::string_view type, std::string_view contains,
               const std::string& time, double value, const std::string& tags_json);

    std::ostream& out_;
    const JobMeta& meta_;
    std::string run_id_;
    std::set<std::string, std::less<>> declared_;
    std::uint64_t points_ = 0;
};

}  // namespace vscsi
