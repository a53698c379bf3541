#pragma once
// What `job list` shows of one job: a few fields of its job.json.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "job/job_meta.hpp"

namespace vscsi {

// A VM of a job as every job answer shows it (`job list`, `job status`, `job start`).
struct JobVm {
    std::string name;
    std::int64_t world_group_id = 0;
    std::vector<std::string> disks;  // labels (scsi0:0)
};
std::vector<JobVm> job_vms(const JobMeta& m);

struct JobSummary {
    std::string job_id;
    std::string path;
    JobStatus status = JobStatus::pending;
    std::string host;
    std::map<std::string, std::string> tags;
    std::vector<JobVm> vms;
    TimePoint created_at{};
    std::uint64_t samples_collected = 0;
    std::uint64_t samples_expected = 0;
    bool vscsistats_stopped = true;
    std::string problem;  // job.json unreadable: why (the job is still listed)
};

JobSummary summarize(const JobMeta& m, const std::string& path);

}  // namespace vscsi
