#pragma once
// What `job list` shows for every job directory, cached by job.json's mtime
// and size so listing thousands of jobs re-reads only what changed, and keeps
// each row serialised so answering re-serialises only what changed.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "job/job_summary.hpp"

namespace vscsi::daemon {

// One job list row: its summary and, when the index has it, that row as the
// client receives it (empty: serialise it when answering).
struct ListedJob {
    const JobSummary* summary = nullptr;
    std::string_view json;
};

class JobIndex {
  public:
    explicit JobIndex(std::filesystem::path jobs_dir) : jobs_dir_(std::move(jobs_dir)) {}
    // One directory pass; re-reads job.json only where mtime or size changed.
    // Rows in job name order; they stay valid until the next refresh().
    std::vector<ListedJob> refresh();
    void forget(const std::string& job) { cache_.erase(job); }

  private:
    struct Entry {
        std::int64_t mtime_ns = 0;
        std::uintmax_t size = 0;
        std::uint64_t pass = 0;  // the refresh() that last saw it
        JobSummary summary;
        std::string json;
    };
    void reread(const std::string& name, Entry& entry);

    std::filesystem::path jobs_dir_;
    std::map<std::string, Entry, std::less<>> cache_;
    std::uint64_t pass_ = 0;
    std::string text_;  // job.json read buffer, reused
};

}  // namespace vscsi::daemon
