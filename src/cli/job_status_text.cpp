#include "cli/job_status_text.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

namespace vscsi {
namespace json = boost::json;

namespace {

std::string str(const json::object& o, const char* k) {
    const auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : std::string{};
}
double num(const json::object& o, const char* k) {
    const auto* v = o.if_contains(k);
    return v && v->is_number() ? v->to_number<double>() : 0.0;
}
std::optional<TimePoint> when(const json::object& o, const char* k) {
    const auto s = str(o, k);
    return s.empty() ? std::nullopt : parse_iso8601(s);
}
std::string readable(TimePoint t) {
    auto s = format_iso8601(t);
    std::replace(s.begin(), s.end(), 'T', ' ');
    if (!s.empty() && s.back() == 'Z') s.replace(s.size() - 1, 1, " UTC");
    return s;
}

}  // namespace

std::string format_duration(double seconds) {
    if (!(seconds >= 0)) seconds = 0;
    const auto s = static_cast<long long>(std::llround(seconds));
    if (s < 60) return fmt::format("{} s", s);
    if (s < 3600)
        return s % 60 ? fmt::format("{} min {} s", s / 60, s % 60) : fmt::format("{} min", s / 60);
    if (s < 86400) return fmt::format("{} h {:02} min", s / 3600, (s % 3600) / 60);
    return fmt::format("{} d {} h", s / 86400, (s % 86400) / 3600);
}

std::string format_job_progress_line(const json::object& st, TimePoint now) {
    const auto done = num(st, "samples_collected"), expected = num(st, "samples_expected");
    std::string line =
        fmt::format("{}: {} {}/{} samples ({:.0f}%)", str(st, "job_id"), str(st, "status"), done,
                    expected, expected > 0 ? 100 * done / expected : 0.0);
    if (auto next = when(st, "next_sample_at"); next && str(st, "status") == "running")
        line += fmt::format(", next sample in {}", format_duration(seconds_between(now, *next)));
    if (const auto* s = st.if_contains("stopping"); s && s->is_bool() && s->as_bool())
        line += ", stopping";
    return line;
}

std::string format_job_status(const json::object& st, TimePoint now) {
    std::string out;
    const auto id = str(st, "job_id");
    const auto status = str(st, "status");
    const auto done = num(st, "samples_collected"), expected = num(st, "samples_expected");
    const auto& profile = st.at("profile").as_object();
    const auto interval = num(profile, "interval");
    out +=
        fmt::format("Job: {}\nStatus: {}{}\n", id, status,
                    st.if_contains("stopping") && st.at("stopping").as_bool() ? " (stopping)" : "");
    out += fmt::format("Progress: {}/{} samples ({:.0f}%)\n", done, expected,
                       expected > 0 ? 100 * done / expected : 0.0);
    const auto started = when(st, "started_at");
    const auto completed = when(st, "completed_at");
    if (started) {
        const auto end = status == "running" ? now : completed.value_or(now);
        out += fmt::format("Runtime: {} / {}\n", format_duration(seconds_between(*started, end)),
                           format_duration(expected * interval));
    }
    if (auto next = when(st, "next_sample_at"); next && status == "running")
        out += fmt::format("Next sample in: {}\n", format_duration(seconds_between(now, *next)));
    out += fmt::format("Profile: {} ({} samples every {})\n", str(profile, "name"),
                       num(profile, "samples"), format_duration(interval));
    out += fmt::format("\nTarget:\n  Host: {}\n", str(st, "host"));
    for (const auto& v : st.at("vms").as_array()) {
        const auto& vm = v.as_object();
        std::string disks;
        for (const auto& d : vm.at("disks").as_array())
            disks += (disks.empty() ? "" : ", ") + std::string(d.as_string());
        out += fmt::format("  VM: {} (World Group: {})\n    Disks: {}\n", str(vm, "name"),
                           vm.at("world_group_id").to_number<std::int64_t>(), disks);
    }
    out += "\n";
    if (started) out += fmt::format("Collection started: {}\n", readable(*started));
    if (auto e = when(st, "expected_end"))
        out += fmt::format("Expected completion: {}\n", readable(*e));
    if (completed) out += fmt::format("Collection ended: {}\n", readable(*completed));
    if (const auto gaps = num(st, "gaps"); gaps > 0)
        out += fmt::format(
            "Gaps: {} sample(s) follow an unobserved stretch (restart, auto-stop, outage)\n", gaps);
    const auto& errors = st.at("errors").as_array();
    if (!errors.empty()) {
        out += "Recent problems:\n";
        for (const auto& e : errors) out += fmt::format("  {}\n", std::string(e.as_string()));
    }
    const auto& cleanup = st.at("cleanup").as_object();
    if (!cleanup.at("vscsistats_stopped").as_bool() && status != "running") {
        out += fmt::format("\nWARNING: vscsiStats may still be running on {}\n", str(st, "host"));
        if (const auto why = str(cleanup, "error"); !why.empty())
            out += fmt::format("  ({})\n", why);
        out += fmt::format("\nManual cleanup required:\n  1. SSH to {}\n", str(st, "host"));
        for (const auto& c : cleanup.at("manual_commands").as_array())
            out += fmt::format("  2. Run: {}\n", std::string(c.as_string()));
        out += fmt::format("\nOr retry cleanup:\n  vscsi job cleanup {}\n", id);
    }
    out += fmt::format("\nPath: {}\n", str(st, "path"));
    if (status != "running" && done > 0) out += fmt::format("Next: vscsi analyze {}\n", id);
    return out;
}

std::string format_job_list(const json::object& list) {
    const auto& jobs = list.at("jobs").as_array();
    if (jobs.empty()) {
        return num(list, "total") > 0
                   ? fmt::format("No job matches ({} job(s) in total).\n", num(list, "total"))
                   : std::string(
                         "No jobs yet. Start one with `vscsi job start --host H --vm VM`.\n");
    }
    std::size_t w = 3;
    for (const auto& j : jobs) w = std::max(w, str(j.as_object(), "job_id").size());
    std::string out = fmt::format("{:<{}}  {:<9}  {:>9}  {:<20}  {:<16}  {}\n", "JOB", w, "STATUS",
                                  "SAMPLES", "CREATED", "HOST", "VMS");
    bool warn = false;
    for (const auto& jv : jobs) {
        const auto& j = jv.as_object();
        std::string vms;
        for (const auto& v : j.at("vms").as_array())
            vms += (vms.empty() ? "" : ",") + std::string(v.as_string());
        auto created = str(j, "created_at").substr(0, 16);
        std::replace(created.begin(), created.end(), 'T', ' ');
        const bool dirty = !j.at("vscsistats_stopped").as_bool() && str(j, "status") != "running";
        warn = warn || dirty;
        if (j.if_contains("problem")) {
            out += fmt::format("{:<{}}  {:<9}  {}\n", str(j, "job_id"), w, "?", str(j, "problem"));
            continue;
        }
        out += fmt::format(
            "{:<{}}  {:<9}  {:>9}  {:<20}  {:<16}  {}{}\n", str(j, "job_id"), w, str(j, "status"),
            fmt::format("{}/{}", num(j, "samples_collected"), num(j, "samples_expected")), created,
            str(j, "host"), vms, dirty ? "  [!] vscsiStats may still run" : "");
    }
    if (warn)
        out +=
            "[!] run `vscsi job cleanup JOB` (or `vscsi job status JOB` for the manual command)\n";
    return out;
}

}  // namespace vscsi
