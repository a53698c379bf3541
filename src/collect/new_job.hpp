#pragma once
// Turning "profile these VMs' disks on that host" into a job directory: the
// targets matched on the host's listing, job.json with the resume plan, ready
// for a JobRunner. Shared by the daemon and `job start --foreground`.

#include <filesystem>
#include <string>
#include <vector>

#include "collect/collector_fsm.hpp"
#include "collect/target_selection.hpp"
#include "job/job_dir.hpp"
#include "job/job_request.hpp"
#include "util/error.hpp"

namespace vscsi::collect {

struct NewJob {
    JobDir dir;
    JobMeta meta;  // meta.plan is set
    CollectorConfig collector;
};

// Errors: usage for what the caller must fix (no such VM, a taken name, bad
// numbers), failure when the directory cannot be written. `ssh` is recorded
// without its password.
Result<NewJob> create_job(const std::filesystem::path& data_dir, const JobRequest& req,
                          const VscsiStatsListing& listing, const host::SshParams& ssh,
                          const std::string& fingerprint);

std::string default_job_name(const std::string& vm_name, TimePoint now);

}  // namespace vscsi::collect
