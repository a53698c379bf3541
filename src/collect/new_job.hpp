#pragma once
// Turning "profile these VMs' disks on that host" into a job directory: the
// targets matched on the host's listing, job.json with the resume plan, ready
// for a JobRunner. Shared by the daemon and `job start --foreground`.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "collect/job_plan.hpp"
#include "collect/target_selection.hpp"
#include "job/job_dir.hpp"

namespace vscsi::collect {

struct JobRequest {
    std::vector<std::string> vms;    // names or worldGroupIDs
    std::vector<std::string> disks;  // labels, handleIDs or "all"
    std::string profile;             // name for job.json ("custom" when none)
    std::uint64_t samples = 0;
    double interval_seconds = 0;
    std::string name;  // empty: VM-YYYYmmdd-HHMMSS
    std::map<std::string, std::string> tags;
    double rearm_seconds = 20 * 60;
    double command_timeout_seconds = 120;
    double give_up_seconds = 3600;
};

struct NewJob {
    JobDir dir;
    JobMeta meta;
    JobPlan plan;
};

// Throws std::invalid_argument for what the caller must fix (no such VM, a
// taken name, bad numbers) and std::runtime_error when the directory cannot
// be written. `ssh` is recorded without its password.
NewJob create_job(const std::filesystem::path& data_dir, const JobRequest& req,
                  const VscsiStatsListing& listing, const host::SshParams& ssh,
                  const std::string& fingerprint);

std::string default_job_name(const std::string& vm_name, TimePoint now);

}  // namespace vscsi::collect
