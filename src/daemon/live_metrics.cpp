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
        if (auto added = it->cumulative.add(d); !added) {
            log(LogLevel::warning, "job {}: sample {} not added to the live histograms: {}", job_id,
                s.header.seq, added.error().message());
            continue;
        }
        // The first IO after -s has a gap from before the collection: no interarrival of the
        // workload, so not in the exported histogram (its _sum would be days).
        for (const auto& g : s.header.first_io_gaps) {
            if (g.world_group_id != d.disk.world_group_id || g.handle_id != d.disk.handle_id)
                continue;
            if (const auto* h = d.find(Metric::interarrival, g.direction))
                it->cumulative.slots[*slot_of(Metric::interarrival, g.direction)]
                    .drop_overflow_value(h->max);
        }
    }
}

void LiveMetrics::update(const std::string& job_id, JobStatus status,
                         std::uint64_t samples_collected, std::uint64_t samples_expected,
                         std::uint64_t gaps, SteadyTime now) {
    auto& m = jobs_[job_id];
    const bool finished = status != JobStatus::pending && status != JobStatus::running;
    if (!finished)
        ended_.erase(job_id);
    else
        ended_.try_emplace(job_id, now);
    m.status = status;
    m.samples_collected = samples_collected;
    m.samples_expected = samples_expected;
    m.gaps = gaps;
}

std::string LiveMetrics::text(double uptime_seconds, SteadyTime now) {
    for (auto it = ended_.begin(); it != ended_.end();) {
        if (now - it->second >= keep_finished_) {
            jobs_.erase(it->first);
            it = ended_.erase(it);
        } else {
            ++it;
        }
    }
    std::vector<JobMetricsView> views;
    views.reserve(jobs_.size());
    for (const auto& [id, m] : jobs_) views.push_back(m);
    return render_prometheus(views, uptime_seconds);
}

}  // namespace vscsi::daemon
