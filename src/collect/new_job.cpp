#include "collect/new_job.hpp"

#include <fmt/core.h>

#include <cctype>

#include "collect/collector_config.hpp"

namespace vscsi::collect {

namespace {
Millis millis(double seconds) {
    return Millis(static_cast<long long>(seconds * 1000));
}
}  // namespace

std::string default_job_name(const std::string& vm_name, TimePoint now) {
    std::string base;
    for (char c : vm_name)
        base += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '-';
    if (base.empty() || base.front() == '-') base = "job" + base;
    return fmt::format("{}-{}", base.substr(0, 60), format_compact_utc(now));
}

Result<NewJob> create_job(const std::filesystem::path& data_dir, const JobRequest& req,
                          const VscsiStatsListing& listing, const host::SshParams& ssh,
                          const std::string& fingerprint) {
    if (auto bad = check_job_request(req))
        return Error{ErrorKind::usage, bad->option() + " " + bad->why,
                     "give --profile, or --samples N and --interval S"};
    if (!(req.rearm_seconds >= 1) || !(req.command_timeout_seconds >= 1) ||
        !(req.give_up_seconds >= 1))
        return Error{ErrorKind::usage,
                     "--rearm-every, --command-timeout and --give-up-after must be >= 1 second",
                     ""};
    auto selected = select_targets(listing, req.vms, req.disks);
    if (!selected) return selected.error();
    auto& sel = *selected;
    const auto now = now_ms();
    const auto name =
        req.name.empty() ? default_job_name(sel.targets.front().vm_name, now) : req.name;
    if (auto named = check_job_name(name); !named) return named.error();
    JobDir dir(jobs_dir(data_dir) / name);
    if (std::filesystem::exists(dir.root()))
        return Error{ErrorKind::conflict,
                     fmt::format("job '{}' already exists at {}", name, dir.root().string()),
                     "choose another --name"};
    NewJob j{dir, {}, {}};
    auto& meta = j.meta;
    meta.job_id = name;
    meta.created_at = meta.updated_at = now;
    meta.status = JobStatus::pending;
    meta.source = "ssh";
    meta.host = {ssh.host, ssh.user, static_cast<int>(ssh.port ? ssh.port : 22), fingerprint};
    meta.targets = std::move(sel.targets);
    meta.profile = {req.profile.empty() ? "custom" : req.profile, req.samples,
                    req.interval_seconds};
    meta.tags = req.tags;
    meta.collection.samples_expected = req.samples;
    if (req.vcenter) {
        meta.vcenter = req.vcenter;  // no password: only its file, if one was given
        meta.hosts.push_back(
            {ssh.host, now, meta.targets.empty() ? 0 : meta.targets.front().world_group_id});
    }
    auto& plan = meta.plan.emplace();
    plan.collections = std::move(sel.collections);
    plan.samples = req.samples;
    plan.interval = millis(req.interval_seconds);
    plan.rearm_every = millis(req.rearm_seconds);
    plan.give_up_after = millis(req.give_up_seconds);
    plan.command_timeout = millis(req.command_timeout_seconds);
    plan.ssh = ssh;
    plan.ssh.password.clear();
    j.collector = collector_config(plan, ssh.host);
    if (auto ec = dir.create_layout())
        return Error{ErrorKind::failure,
                     fmt::format("cannot create {}: {}", dir.root().string(), ec.message()),
                     kDataDirHint};
    if (auto ec = dir.save_meta(meta))
        return Error{ErrorKind::failure,
                     fmt::format("cannot write {}: {}", dir.job_json().string(), ec.message()),
                     kDataDirHint};
    return j;
}

}  // namespace vscsi::collect
