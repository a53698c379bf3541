#include "collect/job_cleanup.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <boost/json.hpp>

namespace vscsi::collect {

namespace {
CollectionTarget target_of(const boost::json::object& o) {
    CollectionTarget t;
    t.world_group_id = o.at("world_group_id").to_number<std::int64_t>();
    if (!o.at("handle_id").is_null()) t.handle_id = o.at("handle_id").to_number<std::int64_t>();
    return t;
}
}  // namespace

std::vector<CollectionTarget> collections_not_stopped(const JobMeta& meta) {
    std::vector<CollectionTarget> pending;
    if (auto it = meta.extra.find("collections");
        it != meta.extra.end() && it->value().is_array()) {
        for (const auto& c : it->value().as_array()) {
            const auto& o = c.as_object();
            if (o.at("state").as_string() == "stopped") continue;
            pending.push_back(target_of(o));
        }
    }
    return pending;
}

boost::asio::awaitable<CleanupResult> cleanup_job(host::HostShell& link, const JobDir& dir,
                                                  JobMeta& meta) {
    CleanupResult r;
    const auto pending = collections_not_stopped(meta);
    r.attempted = pending.size();
    for (const auto& t : pending) {
        const auto out = co_await link.run(stop_command(t), std::chrono::seconds(60));
        if (!out)
            r.failures.push_back(fmt::format("{}: {}", stop_command(t), out.error().message));
        else if (out->exit_status != 0)
            r.failures.push_back(fmt::format("{}: {}", stop_command(t),
                                             out->err.empty() ? out->out : out->err));
    }
    if (auto it = meta.extra.find("collections");
        it != meta.extra.end() && it->value().is_array()) {
        for (auto& c : it->value().as_array()) {
            auto& o = c.as_object();
            const auto cmd = stop_command(target_of(o));
            const bool failed = std::any_of(r.failures.begin(), r.failures.end(),
                                            [&](auto& f) { return f.starts_with(cmd + ":"); });
            if (!failed) o["state"] = "stopped";
        }
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
