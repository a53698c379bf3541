#include "app/resume_job.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "collect/collector_config.hpp"
#include "collect/job_cleanup.hpp"

namespace vscsi::app {

Result<Resumption> plan_resumption(const JobDir& dir, JobMeta& meta, TimePoint now) {
    if (!meta.plan)
        return Error{ErrorKind::bad_data,
                     meta.plan_error.empty()
                         ? "no resume plan: the job was not started by this collector"
                         : meta.plan_error,
                     "the job cannot be resumed; its samples are intact: analyze it"};
    Resumption r;
    r.ssh = meta.plan->ssh;
    if (!r.ssh.password_file.empty())  // the password itself was never stored: read it again
        if (auto read = host::read_password_file(r.ssh, r.ssh.password_file); !read)
            r.warnings.push_back(read.error().what + ": connecting without a password");
    r.command_timeout = meta.plan->command_timeout;
    r.collector = collect::collector_config(*meta.plan, meta.host.hostname);
    r.collector.samples_done = std::max(meta.collection.samples_collected, dir.max_sample_seq());
    r.collector.gaps_done = meta.collection.gaps;
    for (const auto& c : meta.collection.vscsistats)
        r.collector.found_running.push_back(c.found_running);
    r.collector.resumed = meta.status == JobStatus::running;
    r.collector.finish_now = now > *meta.planned_end();
    meta.collection.samples_collected = r.collector.samples_done;
    return r;
}

Result<void> fail_unresumable(const JobDir& dir, JobMeta& meta, const std::string& why,
                              TimePoint now) {
    meta.status = JobStatus::failed;
    meta.updated_at = now;
    meta.cleanup.manual_commands.clear();
    for (const auto& t : collect::collections_not_stopped(meta))
        meta.cleanup.manual_commands.push_back(stop_command(t));
    meta.cleanup.vscsistats_stopped = meta.cleanup.manual_commands.empty();
    if (!meta.cleanup.vscsistats_stopped)
        meta.cleanup.error = "its collector died while collecting";
    meta.collection.errors.push_back(fmt::format(
        "{}: its collector died and it cannot be resumed: {}", format_iso8601(now), why));
    if (auto ec = dir.save_meta(meta))
        return Error{ErrorKind::failure,
                     fmt::format("cannot write {}: {}", dir.job_json().string(), ec.message()),
                     kDataDirHint};
    return {};
}

}  // namespace vscsi::app
