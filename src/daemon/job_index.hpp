#pragma once
// What `job list` shows for every job directory, cached by job.json's mtime
// and size so listing thousands of jobs re-reads only what changed.

#include <boost/json/object.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "job/job_meta.hpp"

namespace vscsi::daemon {

struct JobSummary {
    std::string job_id;
    std::string path;
    JobStatus status = JobStatus::pending;
    std::string host;
    std::map<std::string, std::string> tags;
    std::vector<std::string> vms;
    TimePoint created_at{};
    std::uint64_t samples_collected = 0;
    std::uint64_t samples_expected = 0;
    bool vscsistats_stopped = true;
    std::string problem;  // job.json unreadable: why (the job is still listed)
};

boost::json::object to_json(const JobSummary& s);
JobSummary summarize(const JobMeta& m, const std::string& path);

class JobIndex {
  public:
    explicit JobIndex(std::filesystem::path jobs_dir) : jobs_dir_(std::move(jobs_dir)) {}
    // One directory pass; re-reads job.json only where mtime or size changed.
    // Pointers stay valid until the next refresh().
    std::vector<const JobSummary*> refresh();
    void forget(const std::string& job) { cache_.erase(job); }

  private:
    struct Entry {
        std::filesystem::file_time_type mtime;
        std::uintmax_t size = 0;
        JobSummary summary;
    };
    std::filesystem::path jobs_dir_;
    std::map<std::string, Entry> cache_;
};

}  // namespace vscsi::daemon
