#pragma once
// What `job list` shows for every job directory, cached by job.json's mtime
// and size so listing thousands of jobs re-reads only what changed.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "job/job_summary.hpp"

namespace vscsi::daemon {

class JobIndex {
  public:
    explicit JobIndex(std::filesystem::path jobs_dir) : jobs_dir_(std::move(jobs_dir)) {}
    // One directory pass; re-reads job.json only where mtime or size changed.
    // Pointers stay valid until the next refresh().
    std::vector<const JobSummary*> refresh();
    void forget(const std::string& job) { cache_.erase(job); }

  private:
    struct Entry {
        std::int64_t mtime_ns = 0;
        std::uintmax_t size = 0;
        std::uint64_t pass = 0;  // the refresh() that last saw it
        JobSummary summary;
    };
    std::filesystem::path jobs_dir_;
    std::map<std::string, Entry> cache_;
    std::uint64_t pass_ = 0;
};

}  // namespace vscsi::daemon
