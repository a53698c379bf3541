#pragma once
// What the metrics endpoint shows: per job and disk, the newest sample's
// figures and the histograms of every sample so far; also for jobs that
// ended since the daemon started.

#include <map>
#include <string>

#include "analysis/sample.hpp"
#include "daemon/metrics_text.hpp"

namespace vscsi::daemon {

class LiveMetrics {
  public:
    void track(const std::string& job_id, const std::string& host);
    void add_sample(const std::string& job_id, const Sample& s);
    // The job's state as a live collector sees it (or its final state).
    void update(const std::string& job_id, JobStatus status, std::uint64_t samples_collected,
                std::uint64_t samples_expected, std::uint64_t gaps);
    void forget(const std::string& job_id) { jobs_.erase(job_id); }

    std::string text(double uptime_seconds) const;

  private:
    std::map<std::string, JobMetricsView> jobs_;
};

}  // namespace vscsi::daemon
