#pragma once
// How the daemon shows jobs to its clients: one job's view, and the job list
// with its filters. Pure: the manager says what is live.

#include <optional>
#include <string>
#include <vector>

#include "daemon/job_index.hpp"
#include "job/job_summary.hpp"
#include "protocol/json_rpc.hpp"
#include "protocol/messages.hpp"

namespace vscsi::daemon {

// What only the live collector knows of a job.
struct LiveState {
    std::optional<TimePoint> next_sample_at;
    bool stopping = false;
    std::uint64_t gaps = 0;
};

protocol::JobView job_view(const JobMeta& meta, const std::optional<LiveState>& live,
                           const std::string& path);

// The rows `job list` shows, oldest first: `rows` as the index has them (live
// jobs already summarized from their collector) after the client's filters.
std::vector<ListedJob> select_jobs(std::vector<ListedJob> rows, const protocol::ListJobs& filters);

// job.list's answer: rows the index keeps serialised are copied, others serialised.
protocol::SerializedResult job_list_answer(const std::vector<ListedJob>& rows, std::size_t total);

}  // namespace vscsi::daemon
