#pragma once
// Starting a collection job, the same for the daemon and `job start
// --foreground`: the host's inventory, the targets matched on it, the job
// directory with its resume plan, and the collector lock of this process.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <filesystem>

#include "collect/collector_fsm.hpp"
#include "collect/new_job.hpp"
#include "host/host_shell.hpp"
#include "job/job_dir.hpp"
#include "util/error.hpp"
#include "util/file_lock.hpp"

namespace vscsi::app {

struct StartedJob {
    JobDir dir;
    JobMeta meta;
    collect::CollectorConfig collector;
    std::chrono::milliseconds command_timeout{0};
    FileLock lock;  // held while this process collects: nobody resumes the job under it
};

// `ssh` is how `host` was reached (recorded in the plan without its password).
boost::asio::awaitable<Result<StartedJob>> start_job(host::HostShell& host,
                                                     const host::SshParams& ssh,
                                                     const std::filesystem::path& data_dir,
                                                     const JobRequest& request);

}  // namespace vscsi::app
