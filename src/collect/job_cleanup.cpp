#include "collect/job_cleanup.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "collect/collection_leases.hpp"

namespace vscsi::collect {

std::vector<CollectionTarget> collections_not_stopped(const JobMeta& meta) {
    std::vector<CollectionTarget> pending;
    for (const auto& c : meta.collection.vscsistats)
        if (c.state != CollectionStatus::stopped && c.state != CollectionStatus::vm_gone)
            pending.push_back(c.target);
    return pending;
}

boost::asio::awaitable<CleanupResult> cleanup_job(host::HostShell& link, const JobDir& dir,
                                                  JobMeta& meta) {
    CleanupResult r;
    const auto pending = collections_not_stopped(meta);
    r.attempted = pending.size();
    const CollectionLeases leases(dir.root().parent_path().parent_path(), lease_host(meta.host));
    for (const auto& t : pending) {
        const auto released = leases.release(t, meta.job_id);
        // Another job still collects it, or it is someone else's: not ours to stop.
        if (!released.others.empty() || released.outside) continue;
        const auto cmd = released.whole_vm ? stop_command({t.world_group_id, std::nullopt, {}})
                                           : stop_command(t);
        const auto out = co_await link.run(cmd, std::chrono::seconds(60));
        if (!out)
            r.failures.push_back(fmt::format("{}: {}", stop_command(t), out.error().message));
        else if (out->exit_status != 0)
            r.failures.push_back(
                fmt::format("{}: {}", stop_command(t), out->err.empty() ? out->out : out->err));
    }
    for (auto& c : meta.collection.vscsistats) {
        const auto cmd = stop_command(c.target);
        const bool failed = std::any_of(r.failures.begin(), r.failures.end(),
                                        [&](auto& f) { return f.starts_with(cmd + ":"); });
        if (!failed && c.state != CollectionStatus::vm_gone) c.state = CollectionStatus::stopped;
    }
    meta.updated_at = now_ms();
    meta.cleanup.vscsistats_stopped = r.failures.empty();
    meta.cleanup.manual_commands.clear();
    for (const auto& f : r.failures)
        meta.cleanup.manual_commands.push_back(f.substr(0, f.find(':')));
    meta.cleanup.error = r.failures.empty() ? "" : r.failures.front();
    if (r.failures.empty()) meta.cleanup.stopped_at = now_ms();
    if (meta.status == JobStatus::running)
        meta.status = JobStatus::stopped;  // its collector is gone
    if (auto ec = dir.save_meta(meta))
        throw std::runtime_error(
            fmt::format("cannot write {}: {}", dir.job_json().string(), ec.message()));
    co_return r;
}

}  // namespace vscsi::collect
