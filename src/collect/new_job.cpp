#include "collect/new_job.hpp"

#include <fmt/core.h>

#include <cctype>
#include <stdexcept>

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

NewJob create_job(const std::filesystem::path& data_dir, const JobRequest& req,
                  const VscsiStatsListing& listing, const host::SshParams& ssh,
                  const std::string& fingerprint) {
    if (req.samples == 0 || !(req.interval_seconds >= 1))
        throw std::invalid_argument("give --profile, or --samples N and --interval S (S >= 1)");
    if (!(req.rearm_seconds >= 1) || !(req.command_timeout_seconds >= 1) ||
        !(req.give_up_seconds >= 1))
        throw std::invalid_argument(
            "--rearm-every, --command-timeout and --give-up-after must be >= 1 second");
    auto sel = select_targets(listing, req.vms, req.disks);
    const auto now = now_ms();
    const auto name =
        req.name.empty() ? default_job_name(sel.targets.front().vm_name, now) : req.name;
    if (auto why = invalid_job_name_reason(name)) throw std::invalid_argument(*why);
    JobDir dir(jobs_dir(data_dir) / name);
    if (std::filesystem::exists(dir.root()))
        throw std::invalid_argument(fmt::format(
            "job '{}' already exists at {}: choose another --name", name, dir.root().string()));
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
    auto& cfg = j.plan.collector;
    cfg.collections = std::move(sel.collections);
    cfg.samples = req.samples;
    cfg.interval = millis(req.interval_seconds);
    cfg.rearm_every = millis(req.rearm_seconds);
    cfg.give_up_after = millis(req.give_up_seconds);
    cfg.origin = ssh.host;
    j.plan.command_timeout = millis(req.command_timeout_seconds);
    j.plan.ssh = ssh;
    j.plan.ssh.password.clear();
    meta.extra["plan"] = plan_to_json(j.plan);
    if (auto ec = dir.create_layout())
        throw std::runtime_error(
            fmt::format("cannot create {}: {}", dir.root().string(), ec.message()));
    if (auto ec = dir.save_meta(meta))
        throw std::runtime_error(
            fmt::format("cannot write {}: {}", dir.job_json().string(), ec.message()));
    return j;
}

}  // namespace vscsi::collect
