#include "daemon/live_metrics.hpp"

#include <algorithm>

#include "daemon/log.hpp"

namespace vscsi::daemon {

void LiveMetrics::track(const std::string& job_id, const std::string& host) {
    auto& m = jobs_[job_id];
    m.job_id = job_id;
    m.host = host;
}

void LiveMetrics::add_sample(const std::string& job_id, const Sample& s) {
    auto& m = jobs_[job_id];
    for (const auto& d : s.data.disks) {
        auto it = std::find_if(m.disks.begin(), m.disks.end(),
                               [&](auto& v) { return v.disk.same_disk(d.disk); });
        if (it == m.disks.end()) {
            m.disks.push_back({d.disk, std::nullopt, {}});
            it = std::prev(m.disks.end());
        }
        it->last = sample_figures(d, s.header.seconds());
        if (auto added = it->cumulative.add(d); !added)
            log(LogLevel::warning, "job {}: sample {} not added to the live histograms: {}", job_id,
                s.header.seq, added.error().message());
    }
}

void LiveMetrics::update(const std::string& job_id, JobStatus status,
                         std::uint64_t samples_collected, std::uint64_t samples_expected,
                         std::uint64_t gaps) {
    auto& m = jobs_[job_id];
    m.status = status;
    m.samples_collected = samples_collected;
    m.samples_expected = samples_expected;
    m.gaps = gaps;
}

std::string LiveMetrics::text(double uptime_seconds) const {
    std::vector<JobMetricsView> views;
    views.reserve(jobs_.size());
    for (const auto& [id, m] : jobs_) views.push_back(m);
    return render_prometheus(views, uptime_seconds);
}

}  // namespace vscsi::daemon
