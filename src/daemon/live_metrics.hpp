#pragma once
// What the metrics endpoint shows: per job and disk, the newest sample's
// figures and the histograms of every sample so far; also for jobs that
// ended since the daemon started.

#include <chrono>
#include <map>
#include <string>

#include "analysis/sample.hpp"
#include "daemon/metrics_text.hpp"

namespace vscsi::daemon {

class LiveMetrics {
  public:
    using SteadyTime = std::chrono::steady_clock::time_point;
    // A finished job's series stay `keep_finished` after it ends (so a scrape
    // sees its final state), then go: dashboards do not fill up with NaN.
    explicit LiveMetrics(std::chrono::seconds keep_finished = std::chrono::minutes(60))
        : keep_finished_(keep_finished) {}
    void track(const std::string& job_id, const std::string& host);
    void add_sample(const std::string& job_id, const Sample& s);
    // The job's state as a live collector sees it (or its final state).
    void update(const std::string& job_id, JobStatus status, std::uint64_t samples_collected,
                std::uint64_t samples_expected, std::uint64_t gaps,
                SteadyTime now = std::chrono::steady_clock::now());
    void forget(const std::string& job_id) {
        jobs_.erase(job_id);
        ended_.erase(job_id);
    }

    // Drops the jobs that ended more than keep_finished ago first.
    std::string text(double uptime_seconds, SteadyTime now = std::chrono::steady_clock::now());

  private:
    std::chrono::seconds keep_finished_;
    std::map<std::string, JobMetricsView> jobs_;
    std::map<std::string, SteadyTime> ended_;  // finished jobs: when they were seen ending
};

}  // namespace vscsi::daemon
