#pragma once
// The resume policy for a job that job.json says is running but whose
// collector is gone (the daemon was killed, the machine rebooted): continue
// it from the samples on disk, or finish it when its end time has passed.
// A job without a readable plan is failed visibly instead, with the commands
// that stop what may still run on its host; its samples stay.

#include <chrono>
#include <string>
#include <vector>

#include "collect/collector_fsm.hpp"
#include "host/ssh_params.hpp"
#include "job/job_dir.hpp"
#include "util/error.hpp"

namespace vscsi::app {

struct Resumption {
    collect::CollectorConfig collector;  // with samples_done, gaps_done, resumed, finish_now
    std::chrono::milliseconds command_timeout{0};
    host::SshParams ssh;                // with the password read again from its file
    std::vector<std::string> warnings;  // for the log
};

// `meta` is updated (samples counted from disk) for the runner that continues it.
Result<Resumption> plan_resumption(const JobDir& dir, JobMeta& meta, TimePoint now);

// Marks the job failed in job.json with `why` and the stop commands to run by hand.
Result<void> fail_unresumable(const JobDir& dir, JobMeta& meta, const std::string& why,
                              TimePoint now);

}  // namespace vscsi::app
