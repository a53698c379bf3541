#pragma once
// Live metrics in the Prometheus text exposition format (0.0.4). Pure: the
// daemon hands in what it knows, this renders it.

#include <optional>
#include <string>
#include <vector>

#include "analysis/workload_metrics.hpp"
#include "job/job_meta.hpp"

namespace vscsi::daemon {

struct DiskMetricsView {
    DiskId disk;
    std::optional<SampleFigures> last;  // the newest sample's figures
    DiskAccumulator cumulative;         // every sample of the job so far
};

struct JobMetricsView {
    std::string job_id;
    std::string host;
    JobStatus status = JobStatus::pending;
    std::uint64_t samples_collected = 0;
    std::uint64_t samples_expected = 0;
    std::uint64_t gaps = 0;
    std::vector<DiskMetricsView> disks;
};

std::string render_prometheus(const std::vector<JobMetricsView>& jobs, double uptime_seconds);

// Label values escaped as the format requires (\\, \", \n).
std::string escape_label_value(std::string_view v);

}  // namespace vscsi::daemon
