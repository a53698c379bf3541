#include "cli/job_status_text.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <vector>

namespace vscsi {

namespace {

std::string readable(TimePoint t) {
    return format_display_time(t);
}

}  // namespace

std::string format_job_progress_line(const protocol::JobView& st, TimePoint now) {
    const auto done = st.samples_collected, expected = st.samples_expected;
    const auto status = to_string(st.status);
    std::string line = fmt::format("{}: {} {}/{} samples ({:.0f}%)", st.job_id, status, done,
                                   expected, expected > 0 ? 100.0 * done / expected : 0.0);
    if (st.next_sample_at && st.status == JobStatus::running)
        line += fmt::format(", next sample in {}",
                            format_duration(seconds_between(now, *st.next_sample_at)));
    if (st.stopping) line += ", stopping";
    return line;
}

std::string format_job_status(const protocol::JobView& st, TimePoint now) {
    std::string out;
    const auto& id = st.job_id;
    const bool running = st.status == JobStatus::running;
    const auto done = st.samples_collected, expected = st.samples_expected;
    const auto interval = st.profile.interval_seconds;
    out += fmt::format("Job: {}\nStatus: {}{}\n", id, to_string(st.status),
                       st.stopping ? " (stopping)" : "");
    out += fmt::format("Progress: {}/{} samples ({:.0f}%)\n", done, expected,
                       expected > 0 ? 100.0 * done / expected : 0.0);
    if (st.started_at) {
        const auto end = running ? now : st.completed_at.value_or(now);
        out +=
            fmt::format("Runtime: {} / {}\n", format_duration(seconds_between(*st.started_at, end)),
                        format_duration(static_cast<double>(expected) * interval));
    }
    if (st.next_sample_at && running)
        out += fmt::format("Next sample in: {}\n",
                           format_duration(seconds_between(now, *st.next_sample_at)));
    out += fmt::format("Profile: {} ({} samples every {})\n", st.profile.name, st.profile.samples,
                       format_duration(interval));
    out += fmt::format("\nTarget:\n  Host: {}\n", st.host);
    for (const auto& vm : st.vms) {
        std::string disks;
        for (const auto& d : vm.disks) disks += (disks.empty() ? "" : ", ") + d;
        out += fmt::format("  VM: {} (World Group: {})\n    Disks: {}\n", vm.name,
                           vm.world_group_id, disks);
    }
    out += "\n";
    if (st.started_at) out += fmt::format("Collection started: {}\n", readable(*st.started_at));
    if (st.expected_end)
        out += fmt::format("Expected completion: {}\n", readable(*st.expected_end));
    if (st.completed_at) out += fmt::format("Collection ended: {}\n", readable(*st.completed_at));
    if (st.gaps > 0)
        out += fmt::format(
            "Gaps: {} sample(s) follow an unobserved stretch (restart, auto-stop, outage)\n",
            st.gaps);
    for (const auto& c : st.found_running)
        out += fmt::format(
            "Shared: vscsiStats was already collecting {} when the job started (not started by "
            "vscsi): sampled as is, left running at the end\n",
            c);
    if (!st.errors.empty()) {
        out += "Recent problems:\n";
        for (const auto& e : st.errors) out += fmt::format("  {}\n", e);
    }
    if (!st.cleanup.vscsistats_stopped && !running) {
        out += fmt::format("\nWARNING: vscsiStats may still be running on {}\n", st.host);
        if (!st.cleanup.error.empty()) out += fmt::format("  ({})\n", st.cleanup.error);
        out += fmt::format("\nManual cleanup required:\n  1. SSH to {}\n", st.host);
        for (const auto& c : st.cleanup.manual_commands) out += fmt::format("  2. Run: {}\n", c);
        out += fmt::format("\nOr retry cleanup:\n  vscsi job cleanup {}\n", id);
    }
    out += fmt::format("\nPath: {}\n", st.path);
    if (!running && done > 0) out += fmt::format("Next: vscsi analyze {}\n", id);
    return out;
}

std::string format_job_list(const protocol::JobList& list) {
    if (list.jobs.empty()) {
        return list.total > 0
                   ? fmt::format("No job matches ({} job(s) in total).\n", list.total)
                   : std::string(
                         "No jobs yet. Start one with `vscsi job start --host H --vm VM`.\n");
    }
    std::size_t w = 3, tw = 7;
    std::vector<std::string> created;  // once per job: a zone lookup each
    created.reserve(list.jobs.size());
    for (const auto& j : list.jobs) {
        w = std::max(w, j.job_id.size());
        tw = std::max(tw, created.emplace_back(format_display_time(j.created_at)).size());
    }
    std::string out = fmt::format("{:<{}}  {:<9}  {:>9}  {:<{}}  {:<16}  {}\n", "JOB", w, "STATUS",
                                  "SAMPLES", "CREATED", tw, "HOST", "VMS");
    out.reserve(list.jobs.size() * (w + tw + 64));
    auto to = std::back_inserter(out);
    bool warn = false;
    std::string vms;
    for (std::size_t i = 0; i < list.jobs.size(); ++i) {
        const auto& j = list.jobs[i];
        const bool dirty = !j.vscsistats_stopped && j.status != JobStatus::running;
        warn = warn || dirty;
        if (!j.problem.empty()) {
            fmt::format_to(to, "{:<{}}  {:<9}  {}\n", j.job_id, w, "?", j.problem);
            continue;
        }
        vms.clear();
        for (const auto& v : j.vms) (vms += vms.empty() ? "" : ",") += v.name;
        fmt::format_to(to, "{:<{}}  {:<9}  {:>9}  {:<{}}  {:<16}  {}{}\n", j.job_id, w,
                       to_string(j.status),
                       fmt::format("{}/{}", j.samples_collected, j.samples_expected), created[i],
                       tw, j.host, vms, dirty ? "  [!] vscsiStats may still run" : "");
    }
    if (warn)
        out +=
            "[!] run `vscsi job cleanup JOB` (or `vscsi job status JOB` for the manual command)\n";
    return out;
}

}  // namespace vscsi
