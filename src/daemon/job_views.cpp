#include "daemon/job_views.hpp"

#include <algorithm>
#include <deque>

namespace vscsi::daemon {

protocol::JobView job_view(const JobMeta& m, const std::optional<LiveState>& live,
                           const std::string& path) {
    protocol::JobView v;
    v.job_id = m.job_id;
    // A job being started is running as far as its user is concerned.
    v.status = live && m.status == JobStatus::pending ? JobStatus::running : m.status;
    v.live = live.has_value();
    v.host = m.host.hostname;
    v.vms = job_vms(m);
    for (const auto& vm : v.vms) v.disks += vm.disks.size();
    v.profile = m.profile;
    v.samples_collected = m.collection.samples_collected;
    v.samples_expected =
        m.collection.samples_expected ? m.collection.samples_expected : m.profile.samples;
    v.gaps = live ? std::max(live->gaps, m.collection.gaps) : m.collection.gaps;
    v.created_at = m.created_at;
    v.started_at = m.collection.started_at;
    v.completed_at = m.collection.completed_at;
    if (m.collection.started_at && v.status == JobStatus::running)
        v.expected_end =
            *m.collection.started_at +
            std::chrono::milliseconds(static_cast<long long>(
                m.profile.interval_seconds * 1000 * static_cast<double>(m.profile.samples)));
    if (live) {
        v.next_sample_at = live->next_sample_at;
        v.stopping = live->stopping;
    }
    const auto& errs = m.collection.errors;
    v.errors.assign(errs.size() > 5 ? errs.end() - 5 : errs.begin(), errs.end());
    for (const auto& c : m.collection.vscsistats)
        if (c.found_running) v.found_running.push_back(c.target.describe());
    v.cleanup = m.cleanup;
    v.tags = m.tags;
    v.path = path;
    return v;
}

std::vector<ListedJob> select_jobs(std::vector<ListedJob> rows, const protocol::ListJobs& filters) {
    std::vector<std::pair<std::string, std::string>> want_tags;
    for (const auto& t : filters.tags) {
        const auto eq = t.find('=');
        want_tags.emplace_back(t.substr(0, eq),
                               eq == std::string::npos ? std::string{} : t.substr(eq + 1));
    }
    std::erase_if(rows, [&](const ListedJob& row) {
        const auto* s = row.summary;
        if (!filters.status.empty() && std::find(filters.status.begin(), filters.status.end(),
                                                 to_string(s->status)) == filters.status.end())
            return true;
        if (!filters.host.empty() && s->host != filters.host) return true;
        return !std::all_of(want_tags.begin(), want_tags.end(), [&](const auto& kv) {
            auto it = s->tags.find(kv.first);
            return it != s->tags.end() && (kv.second.empty() || it->second == kv.second);
        });
    });
    std::sort(rows.begin(), rows.end(), [](const ListedJob& x, const ListedJob& y) {
        const auto *a = x.summary, *b = y.summary;
        return a->created_at != b->created_at ? a->created_at < b->created_at
                                              : a->job_id < b->job_id;
    });
    return rows;
}

protocol::SerializedResult job_list_answer(const std::vector<ListedJob>& rows, std::size_t total) {
    std::deque<std::string> fresh;  // rows of live jobs, serialised now (stable addresses)
    std::vector<std::string_view> parts;
    parts.reserve(rows.size());
    for (const auto& row : rows) {
        if (row.json.empty()) {
            fresh.push_back(protocol::serialize_job_row(*row.summary));
            parts.emplace_back(fresh.back());
        } else {
            parts.push_back(row.json);
        }
    }
    return {protocol::serialize_job_list(parts, total)};
}

}  // namespace vscsi::daemon
