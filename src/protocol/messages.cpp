#include "protocol/messages.hpp"

#include <fmt/core.h>

#include <boost/json.hpp>

#include "format/json_fields.hpp"
#include "format/value_limits.hpp"
#include "job/json_values.hpp"

namespace vscsi::protocol {
namespace json = boost::json;

namespace {

JsonFields params_of(const json::value& v) {
    return JsonFields(v, "", "params");
}
JsonFields result_of(const json::value& v) {
    return JsonFields(v, "", "result");
}

json::array strings(const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v) a.push_back(json::value(s));
    return a;
}

json::object string_map(const std::map<std::string, std::string>& m) {
    json::object o;
    for (const auto& [k, v] : m) o[k] = v;
    return o;
}

std::map<std::string, std::string> string_map(const JsonFields& f, std::string_view key) {
    std::map<std::string, std::string> out;
    if (const auto o = f.optional_object(key))
        for (const auto& kv : o->raw()) {
            if (!kv.value().is_string()) o->fail(kv.key(), "must be a string");
            out[std::string(kv.key())] = std::string(kv.value().get_string());
        }
    return out;
}

}  // namespace

void tag_invoke(json::value_from_tag, json::value& v, const Empty&) {
    v = json::object{};
}

Empty tag_invoke(json::value_to_tag<Empty>, const json::value& v) {
    (void)params_of(v);  // an object, whatever it holds
    return {};
}

// job.start

void tag_invoke(json::value_from_tag, json::value& v, const StartJob& x) {
    const auto& j = x.job;
    v = json::object{{"host", x.ssh.host},
                     {"vms", strings(j.vms)},
                     {"disks", strings(j.disks)},
                     {"profile", j.profile},
                     {"samples", j.samples},
                     {"interval", j.interval_seconds},
                     {"name", j.name},
                     {"tags", string_map(j.tags)},
                     {"rearm_every", j.rearm_seconds},
                     {"command_timeout", j.command_timeout_seconds},
                     {"give_up_after", j.give_up_seconds},
                     {"ssh", host::ssh_params_to_json(x.ssh, host::Secret::include)}};
    if (j.vcenter) {
        auto vc = to_json(*j.vcenter);
        if (!j.vcenter_password.empty())
            vc["password"] = j.vcenter_password;  // the socket is the user's own
        v.as_object()["vcenter"] = std::move(vc);
    }
}

StartJob tag_invoke(json::value_to_tag<StartJob>, const json::value& v) {
    const auto f = params_of(v);
    StartJob x;
    auto& j = x.job;
    j.vms = f.strings("vms");
    if (j.vms.empty()) f.fail("vms", "name at least one VM (display name or worldGroupID)");
    j.disks = f.strings("disks");
    j.profile = f.string("profile");
    // Checked against its range before any conversion (1e30 samples would not fit).
    const auto samples = f.number("samples", 0);
    j.interval_seconds = f.number("interval", 0);
    j.name = f.string("name");
    j.tags = string_map(f, "tags");
    j.rearm_seconds = f.number("rearm_every", j.rearm_seconds);
    j.command_timeout_seconds = f.number("command_timeout", j.command_timeout_seconds);
    j.give_up_seconds = f.number("give_up_after", j.give_up_seconds);
    if (const auto s = f.optional_object("ssh")) x.ssh = host::ssh_params_from_json(*s);
    if (const auto vc = f.optional_object("vcenter")) {
        j.vcenter = vcenter_link_from_json(*vc);
        j.vcenter_password = vc->string("password");
    }
    x.ssh.host = f.string("host", true);
    if (auto why = limits::out_of_range(samples, limits::kSamples)) f.fail("samples", *why);
    j.samples = static_cast<std::uint64_t>(samples);
    if (auto bad = check_job_request(j)) f.fail(bad->field, bad->why);
    return x;
}

// job.status, job.stop, job.delete

void tag_invoke(json::value_from_tag, json::value& v, const JobRef& x) {
    v = json::object{{"job", x.job}};
}

JobRef tag_invoke(json::value_to_tag<JobRef>, const json::value& v) {
    const auto f = params_of(v);
    JobRef x{f.string("job")};
    if (x.job.empty()) f.fail("job", "missing (a job name)");
    return x;
}

// job.list

void tag_invoke(json::value_from_tag, json::value& v, const ListJobs& x) {
    v = json::object{{"status", strings(x.status)}, {"host", x.host}, {"tags", strings(x.tags)}};
}

ListJobs tag_invoke(json::value_to_tag<ListJobs>, const json::value& v) {
    const auto f = params_of(v);
    ListJobs x{f.strings("status"), f.string("host"), f.strings("tags")};
    for (const auto& s : x.status)
        if (!job_status_from_string(s))
            f.fail(
                "status",
                fmt::format("'{}' is not one of pending, running, completed, stopped, failed", s));
    return x;
}

// job.cleanup

void tag_invoke(json::value_from_tag, json::value& v, const CleanupJob& x) {
    json::object o{{"job", x.job}};
    if (x.ssh) o["ssh"] = host::ssh_params_to_json(*x.ssh, host::Secret::include);
    v = std::move(o);
}

CleanupJob tag_invoke(json::value_to_tag<CleanupJob>, const json::value& v) {
    const auto f = params_of(v);
    CleanupJob x;
    x.job = f.string("job");
    if (x.job.empty()) f.fail("job", "missing (a job name)");
    if (const auto s = f.optional_object("ssh")) x.ssh = host::ssh_params_from_json(*s);
    return x;
}

// daemon.stop

void tag_invoke(json::value_from_tag, json::value& v, const StopDaemon& x) {
    json::object o;
    if (x.stop_jobs) o["stop_jobs"] = *x.stop_jobs;
    if (x.if_idle) o["if_idle"] = true;
    v = std::move(o);
}

StopDaemon tag_invoke(json::value_to_tag<StopDaemon>, const json::value& v) {
    const auto f = params_of(v);
    StopDaemon x;
    if (f.has("stop_jobs")) x.stop_jobs = f.boolean("stop_jobs", false);
    x.if_idle = f.boolean("if_idle", false);
    return x;
}

namespace {

// One shape for a job's VMs in every answer.
json::array vms_to_json(const std::vector<JobVm>& vms) {
    json::array a;
    for (const auto& vm : vms)
        a.push_back(json::object{{"name", vm.name},
                                 {"world_group_id", vm.world_group_id},
                                 {"disks", strings(vm.disks)}});
    return a;
}

std::vector<JobVm> vms_from_json(const JsonFields& f) {
    std::vector<JobVm> vms;
    for (const auto& vm : f.objects("vms"))
        vms.push_back({vm.string("name"), vm.integer("world_group_id", 0), vm.strings("disks")});
    return vms;
}

}  // namespace

// Results

void tag_invoke(json::value_from_tag, json::value& v, const JobView& x) {
    v = json::object{{"job_id", x.job_id},
                     {"status", to_string(x.status)},
                     {"live", x.live},
                     {"host", x.host},
                     {"vms", vms_to_json(x.vms)},
                     {"disks", x.disks},
                     {"profile",
                      {{"name", x.profile.name},
                       {"samples", x.profile.samples},
                       {"interval", x.profile.interval_seconds}}},
                     {"samples_collected", x.samples_collected},
                     {"samples_expected", x.samples_expected},
                     {"gaps", x.gaps},
                     {"created_at", format_iso8601(x.created_at)},
                     {"started_at", time_to_json(x.started_at)},
                     {"completed_at", time_to_json(x.completed_at)},
                     {"expected_end", time_to_json(x.expected_end)},
                     {"next_sample_at", time_to_json(x.next_sample_at)},
                     {"stopping", x.stopping},
                     {"errors", strings(x.errors)},
                     {"found_running", strings(x.found_running)},
                     {"cleanup",
                      {{"vscsistats_stopped", x.cleanup.vscsistats_stopped},
                       {"error", x.cleanup.error},
                       {"manual_commands", strings(x.cleanup.manual_commands)}}},
                     {"tags", string_map(x.tags)},
                     {"path", x.path}};
}

JobView tag_invoke(json::value_to_tag<JobView>, const json::value& v) {
    const auto f = result_of(v);
    JobView x;
    x.job_id = f.string("job_id", true);
    x.status = read_job_status(f, "status");
    x.live = f.boolean("live", false);
    x.host = f.string("host");
    x.vms = vms_from_json(f);
    x.disks = read_count(f, "disks");
    if (const auto p = f.optional_object("profile"))
        x.profile = {p->string("name"), read_count(*p, "samples"), p->number("interval", 0)};
    x.samples_collected = read_count(f, "samples_collected");
    x.samples_expected = read_count(f, "samples_expected");
    x.gaps = read_count(f, "gaps");
    x.created_at = read_time(f, "created_at").value_or(TimePoint{});
    x.started_at = read_time(f, "started_at");
    x.completed_at = read_time(f, "completed_at");
    x.expected_end = read_time(f, "expected_end");
    x.next_sample_at = read_time(f, "next_sample_at");
    x.stopping = f.boolean("stopping", false);
    x.errors = f.strings("errors");
    x.found_running = f.strings("found_running");
    if (const auto c = f.optional_object("cleanup")) {
        x.cleanup.vscsistats_stopped = c->boolean("vscsistats_stopped", true);
        x.cleanup.error = c->string("error");
        x.cleanup.manual_commands = c->strings("manual_commands");
    }
    x.tags = string_map(f, "tags");
    x.path = f.string("path");
    return x;
}

json::object to_json(const JobSummary& s) {
    json::object o{{"job_id", s.job_id},
                   {"path", s.path},
                   {"status", to_string(s.status)},
                   {"host", s.host},
                   {"vms", vms_to_json(s.vms)},
                   {"tags", string_map(s.tags)},
                   {"created_at", format_iso8601(s.created_at)},
                   {"samples_collected", s.samples_collected},
                   {"samples_expected", s.samples_expected},
                   {"vscsistats_stopped", s.vscsistats_stopped}};
    if (!s.problem.empty()) o["problem"] = s.problem;
    return o;
}

void tag_invoke(json::value_from_tag, json::value& v, const JobList& x) {
    json::array jobs;
    jobs.reserve(x.jobs.size());
    for (const auto& s : x.jobs) jobs.push_back(to_json(s));
    // "matched": the jobs listed (after --status/--host/--tag); "total": every
    // job in the data directory.
    v = json::object{{"jobs", std::move(jobs)}, {"matched", x.jobs.size()}, {"total", x.total}};
}

std::string serialize_job_row(const JobSummary& s) {
    return json::serialize(to_json(s));
}

std::string serialize_job_list(const std::vector<std::string_view>& rows, std::size_t total) {
    std::size_t size = 64;
    for (auto r : rows) size += r.size() + 1;
    std::string out;
    out.reserve(size);
    out += R"({"jobs":[)";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i) out += ',';
        out += rows[i];
    }
    out += R"(],"matched":)";
    out += std::to_string(rows.size());
    out += R"(,"total":)";
    out += std::to_string(total);
    out += '}';
    return out;
}

JobList tag_invoke(json::value_to_tag<JobList>, const json::value& v) {
    const auto f = result_of(v);
    JobList x;
    for (const auto& s : f.objects("jobs")) {
        JobSummary j;
        j.job_id = s.string("job_id", true);
        j.path = s.string("path");
        j.status = read_job_status(s, "status");
        j.host = s.string("host");
        j.vms = vms_from_json(s);
        j.tags = string_map(s, "tags");
        j.created_at = read_time(s, "created_at").value_or(TimePoint{});
        j.samples_collected = read_count(s, "samples_collected");
        j.samples_expected = read_count(s, "samples_expected");
        j.vscsistats_stopped = s.boolean("vscsistats_stopped", true);
        j.problem = s.string("problem");
        x.jobs.push_back(std::move(j));
    }
    x.total = read_count(f, "total");
    return x;
}

void tag_invoke(json::value_from_tag, json::value& v, const Deleted& x) {
    v = json::object{{"job_id", x.job_id}, {"deleted", x.deleted}, {"path", x.path}};
}

Deleted tag_invoke(json::value_to_tag<Deleted>, const json::value& v) {
    const auto f = result_of(v);
    return {f.string("job_id", true), f.boolean("deleted", false), f.string("path")};
}

void tag_invoke(json::value_from_tag, json::value& v, const CleanedUp& x) {
    v = json::object{{"job_id", x.job_id},
                     {"host", x.host},
                     {"stopped", x.stopped},
                     {"failed", x.failed},
                     {"failures", strings(x.failures)},
                     {"manual_commands", strings(x.manual_commands)}};
}

CleanedUp tag_invoke(json::value_to_tag<CleanedUp>, const json::value& v) {
    const auto f = result_of(v);
    return {f.string("job_id", true), f.string("host"),      read_count(f, "stopped"),
            read_count(f, "failed"),  f.strings("failures"), f.strings("manual_commands")};
}

void tag_invoke(json::value_from_tag, json::value& v, const DaemonStatus& x) {
    v = json::object{{"pid", x.pid},
                     {"version", x.version},
                     {"uptime_seconds", x.uptime_seconds},
                     {"data_dir", x.data_dir},
                     {"socket", x.socket},
                     {"config", x.config},
                     {"live_jobs", x.live_jobs},
                     {"clients", x.clients},
                     {"metrics", x.metrics},
                     {"stopping", x.stopping}};
}

DaemonStatus tag_invoke(json::value_to_tag<DaemonStatus>, const json::value& v) {
    const auto f = result_of(v);
    DaemonStatus x;
    x.pid = static_cast<long>(f.integer("pid", 0));
    x.version = f.string("version");
    x.uptime_seconds = f.number("uptime_seconds", 0);
    x.data_dir = f.string("data_dir");
    x.socket = f.string("socket");
    x.config = f.string("config");
    x.metrics = f.string("metrics");
    x.live_jobs = read_count(f, "live_jobs");
    x.clients = read_count(f, "clients");
    x.stopping = f.boolean("stopping", false);
    return x;
}

void tag_invoke(json::value_from_tag, json::value& v, const DaemonStopping& x) {
    v = json::object{
        {"stopping", x.stopping}, {"jobs_stopped", x.jobs_stopped}, {"live_jobs", x.live_jobs}};
}

DaemonStopping tag_invoke(json::value_to_tag<DaemonStopping>, const json::value& v) {
    const auto f = result_of(v);
    return {f.boolean("stopping", false), f.boolean("jobs_stopped", false),
            read_count(f, "live_jobs")};
}

}  // namespace vscsi::protocol
