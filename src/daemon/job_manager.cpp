#include "daemon/job_manager.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <fstream>

#include "app/host_connector.hpp"
#include "collect/host_inventory.hpp"
#include "collect/job_cleanup.hpp"
#include "collect/new_job.hpp"
#include "daemon/json_rpc.hpp"
#include "daemon/log.hpp"
#include "format/parse_error.hpp"
#include "util/file_lock.hpp"

namespace vscsi::daemon {
namespace asio = boost::asio;
namespace json = boost::json;
namespace fs = std::filesystem;

struct JobManager::Live {
    JobDir dir;
    FileLock lock;  // this daemon collects the job
    std::shared_ptr<host::HostShell> link;
    std::unique_ptr<collect::JobRunner> runner;
};

namespace {

[[noreturn]] void bad_param(const std::string& key, const std::string& why) {
    throw RpcFailure(rpc_code::invalid_params, fmt::format("params.{}: {}", key, why));
}

const json::value* find(const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v && !v->is_null() ? v : nullptr;
}

std::string get_string(const json::object& o, const char* key, bool required = false) {
    const auto* v = find(o, key);
    if (!v) {
        if (required) bad_param(key, "missing");
        return {};
    }
    if (!v->is_string()) bad_param(key, "must be a string");
    return std::string(v->as_string());
}

double get_number(const json::object& o, const char* key, double fallback) {
    const auto* v = find(o, key);
    if (!v) return fallback;
    if (!v->is_number()) bad_param(key, "must be a number");
    return v->to_number<double>();
}

bool get_bool(const json::object& o, const char* key, bool fallback) {
    const auto* v = find(o, key);
    if (!v) return fallback;
    if (!v->is_bool()) bad_param(key, "must be true or false");
    return v->as_bool();
}

std::vector<std::string> get_strings(const json::object& o, const char* key) {
    std::vector<std::string> out;
    const auto* v = find(o, key);
    if (!v) return out;
    if (!v->is_array()) bad_param(key, "must be an array of strings");
    for (const auto& e : v->as_array()) {
        if (!e.is_string()) bad_param(key, "must be an array of strings");
        out.emplace_back(e.as_string());
    }
    return out;
}

host::SshParams ssh_params_from(const json::object& params, const std::string& host) {
    host::SshParams p;
    p.host = host;
    const auto* sv = find(params, "ssh");
    if (!sv) return p;
    if (!sv->is_object()) bad_param("ssh", "must be an object");
    const auto& s = sv->as_object();
    p.user = get_string(s, "user");
    const auto port = get_number(s, "port", 0);
    if (port < 0 || port > 65535) bad_param("ssh.port", "not a port number");
    p.port = static_cast<unsigned>(port);
    p.key_files = get_strings(s, "key_files");
    p.use_agent = get_bool(s, "use_agent", true);
    p.known_hosts = get_string(s, "known_hosts");
    p.ssh_config = get_string(s, "ssh_config");
    p.accept_new_host_key = get_bool(s, "accept_new_host_key", false);
    const auto timeout = get_number(s, "connect_timeout", 15);
    if (!(timeout >= 1)) bad_param("ssh.connect_timeout", "must be >= 1 second");
    p.connect_timeout = std::chrono::milliseconds(static_cast<long long>(timeout * 1000));
    p.password = get_string(s, "password");  // kept in memory only
    p.password_file = get_string(s, "password_file");
    return p;
}

std::optional<std::string> iso(const std::optional<TimePoint>& t) {
    if (!t) return std::nullopt;
    return format_iso8601(*t);
}

json::value opt(const std::optional<std::string>& s) {
    return s ? json::value(*s) : json::value(nullptr);
}

void add_sample(JobMetricsView& m, const Sample& s) {
    for (const auto& d : s.data.disks) {
        auto it = std::find_if(m.disks.begin(), m.disks.end(),
                               [&](auto& v) { return v.disk.same_disk(d.disk); });
        if (it == m.disks.end()) {
            m.disks.push_back({d.disk, std::nullopt, {}});
            it = std::prev(m.disks.end());
        }
        it->last = sample_figures(d, s.header.seconds());
        if (auto why = it->cumulative.add(d); !why.empty())
            log(LogLevel::warning, "job {}: sample {} not added to the live histograms: {}",
                m.job_id, s.header.seq, why);
    }
}

}  // namespace

JobManager::JobManager(asio::any_io_executor ex, fs::path data_dir)
    : ex_(ex),
      data_dir_(std::move(data_dir)),
      index_(jobs_dir(data_dir_)),
      all_done_(ex, asio::steady_timer::time_point::max()) {
    std::error_code ec;
    fs::create_directories(jobs_dir(data_dir_), ec);
}

JobManager::~JobManager() {
    for (auto& [key, link] : links_) link->close();
}

std::shared_ptr<host::HostShell> JobManager::link_for(const host::SshParams& params) {
    auto& link = links_[app::host_link_key(params)];
    if (!link) link = app::connect_host(ex_, params, data_dir_);
    return link;
}

JobDir JobManager::dir_of(const std::string& job) const {
    if (job.empty()) bad_param("job", "missing");
    if (auto why = invalid_job_name_reason(job)) bad_param("job", *why);
    JobDir dir(jobs_dir(data_dir_) / job);
    if (!JobDir::looks_like_job(dir.root()))
        throw RpcFailure(rpc_code::not_found,
                         fmt::format("no job '{}' in {} (see `vscsi job list`)", job,
                                     jobs_dir(data_dir_).string()));
    return dir;
}

void JobManager::note_sample(Live& job, const Sample& s) {
    add_sample(metrics_[job.runner->meta().job_id], s);
}

void JobManager::launch(std::unique_ptr<Live> job) {
    const auto id = job->runner->meta().job_id;
    auto& live = *job;
    auto& m = metrics_[id];
    m.job_id = id;
    m.host = job->runner->meta().host.hostname;
    live.runner->on_sample = [this, &live](const Sample& s) { note_sample(live, s); };
    live_[id] = std::move(job);
    if (on_live_jobs_changed) on_live_jobs_changed();
    asio::co_spawn(ex_, live.runner->run(), [this, id](std::exception_ptr e, JobStatus status) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& x) {
                log(LogLevel::error, "job {}: collector ended with an internal error: {}", id,
                    x.what());
            }
        } else {
            log(LogLevel::info, "job {} {}", id, to_string(status));
        }
        // The runner's frame is finishing: let go of it from a fresh handler.
        asio::post(ex_, [this, id] {
            if (auto it = live_.find(id); it != live_.end()) {
                auto& view = metrics_[id];
                view.status = it->second->runner->meta().status;
                view.samples_collected = it->second->runner->meta().collection.samples_collected;
                live_.erase(it);
                if (on_live_jobs_changed) on_live_jobs_changed();
            }
            all_done_.cancel();
        });
    });
}

std::size_t JobManager::resume_all() {
    std::size_t n = 0;
    for (const auto* s : index_.refresh()) {
        if (!s->problem.empty() ||
            (s->status != JobStatus::running && s->status != JobStatus::pending))
            continue;
        JobDir dir(s->path);
        auto lock = FileLock::try_acquire(dir.collector_lock());
        if (!lock) {
            log(LogLevel::info, "job {}: another process collects it (see {}), not resuming",
                s->job_id, dir.collector_lock().string());
            continue;
        }
        try {
            auto meta = dir.load_meta();
            if (meta.source != "ssh") continue;
            collect::JobPlan plan;
            try {
                plan = collect::plan_from_meta(meta, dir.job_json().string());
            } catch (const DataError& e) {
                // Nothing to resume from (an older version's job, or a damaged plan): end it
                // visibly; its samples stay, and `job status` shows what may still run.
                meta.status = JobStatus::failed;
                meta.updated_at = now_ms();
                meta.cleanup.manual_commands.clear();
                for (const auto& t : collect::collections_not_stopped(meta))
                    meta.cleanup.manual_commands.push_back(collect::stop_command(t));
                meta.cleanup.vscsistats_stopped = meta.cleanup.manual_commands.empty();
                if (!meta.cleanup.vscsistats_stopped)
                    meta.cleanup.error = "its collector died while collecting";
                meta.collection.errors.push_back(
                    fmt::format("{}: its collector died and it cannot be resumed: {}",
                                format_iso8601(now_ms()), e.what()));
                if (auto ec = dir.save_meta(meta))
                    log(LogLevel::error, "cannot write {}: {}", dir.job_json().string(),
                        ec.message());
                log(LogLevel::error, "job {} cannot be resumed: {}", meta.job_id, e.what());
                continue;
            }
            if (!plan.ssh.password_file
                     .empty()) {  // the password itself was never stored: read it again
                std::ifstream in(plan.ssh.password_file);
                if (!in || !std::getline(in, plan.ssh.password))
                    log(LogLevel::warning,
                        "job {}: cannot read its password file {}: connecting without a password",
                        meta.job_id, plan.ssh.password_file);
            }
            auto cfg = plan.collector;
            cfg.samples_done = std::max(meta.collection.samples_collected, dir.max_sample_seq());
            if (const auto* g = meta.extra.if_contains("gaps"); g && g->is_number())
                cfg.gaps_done = g->to_number<std::uint64_t>();
            cfg.resumed = meta.status == JobStatus::running;
            cfg.finish_now = now_ms() > collect::planned_end(meta, plan);
            meta.collection.samples_collected = cfg.samples_done;
            log(LogLevel::notice, "job {}: {} ({} of {} samples on disk)", meta.job_id,
                cfg.finish_now ? "past its end time, finishing" : "resuming", cfg.samples_done,
                cfg.samples);
            auto live =
                std::make_unique<Live>(Live{dir, std::move(*lock), link_for(plan.ssh), nullptr});
            // The live histograms start from what is on disk.
            auto& m = metrics_[meta.job_id];
            m.job_id = meta.job_id;
            m.host = meta.host.hostname;
            SampleCursor cursor(dir);
            Sample sample;
            for (auto r = cursor.next(sample); !r || *r; r = cursor.next(sample))
                if (r) add_sample(m, sample);  // unreadable samples are named by analyze
            live->runner = std::make_unique<collect::JobRunner>(
                ex_, dir, std::move(meta), std::move(cfg), *live->link, plan.command_timeout);
            launch(std::move(live));
            ++n;
        } catch (const std::exception& e) {
            log(LogLevel::error, "job {} cannot be resumed: {}", s->job_id, e.what());
        }
    }
    return n;
}

asio::awaitable<json::object> JobManager::start(const json::object& params) {
    collect::JobRequest req;
    const auto host = get_string(params, "host", true);
    req.vms = get_strings(params, "vms");
    if (req.vms.empty()) bad_param("vms", "name at least one VM (display name or worldGroupID)");
    req.disks = get_strings(params, "disks");
    req.profile = get_string(params, "profile");
    const auto samples = get_number(params, "samples", 0);
    if (samples < 0 || samples > 1e7) bad_param("samples", "must be between 1 and 10000000");
    req.samples = static_cast<std::uint64_t>(samples);
    req.interval_seconds = get_number(params, "interval", 0);
    req.name = get_string(params, "name");
    if (const auto* t = find(params, "tags")) {
        if (!t->is_object()) bad_param("tags", "must be an object of strings");
        for (const auto& [k, v] : t->as_object()) {
            if (!v.is_string()) bad_param("tags", "must be an object of strings");
            req.tags[std::string(k)] = std::string(v.as_string());
        }
    }
    req.rearm_seconds = get_number(params, "rearm_every", req.rearm_seconds);
    req.command_timeout_seconds =
        get_number(params, "command_timeout", req.command_timeout_seconds);
    req.give_up_seconds = get_number(params, "give_up_after", req.give_up_seconds);
    if (!req.name.empty() && live_.count(req.name))
        throw RpcFailure(
            rpc_code::conflict,
            fmt::format("job '{}' is already running: choose another --name", req.name));
    const auto ssh = ssh_params_from(params, host);
    auto link = link_for(ssh);
    HostInventory inv;
    try {
        inv = co_await fetch_inventory(*link);
    } catch (const DataError& e) {
        throw RpcFailure(rpc_code::bad_data, e.what());
    } catch (const std::exception& e) {
        throw RpcFailure(rpc_code::host_failure, e.what());
    }
    std::optional<collect::NewJob> created;
    try {
        created = collect::create_job(data_dir_, req, inv.listing, ssh, inv.fingerprint);
    } catch (const std::invalid_argument& e) {
        throw RpcFailure(rpc_code::invalid_params, e.what());
    }
    auto& job = *created;
    log(LogLevel::info, "job {} started: {} sample(s) every {:g} s on {}", job.meta.job_id,
        req.samples, req.interval_seconds, host);
    auto lock = FileLock::try_acquire(job.dir.collector_lock());
    if (!lock)
        throw RpcFailure(rpc_code::failure,
                         fmt::format("cannot lock {}", job.dir.collector_lock().string()));
    auto live = std::make_unique<Live>(Live{job.dir, std::move(*lock), link, nullptr});
    live->runner = std::make_unique<collect::JobRunner>(ex_, job.dir, job.meta, job.plan.collector,
                                                        *link, job.plan.command_timeout);
    auto* raw = live.get();
    launch(std::move(live));
    co_return describe(raw->runner->meta(), raw);
}

json::object JobManager::describe(const JobMeta& m, const Live* live) const {
    json::array vms;
    std::size_t disks = 0;
    for (const auto& t : m.targets) {
        json::array labels;
        for (const auto& d : t.disks) labels.push_back(json::value(d.label));
        disks += t.disks.size();
        vms.push_back(json::object{{"name", t.vm_name},
                                   {"world_group_id", t.world_group_id},
                                   {"disks", std::move(labels)}});
    }
    json::object tags;
    for (const auto& [k, v] : m.tags) tags[k] = v;
    json::array errors;
    const auto& errs = m.collection.errors;
    for (std::size_t i = errs.size() > 5 ? errs.size() - 5 : 0; i < errs.size(); ++i)
        errors.push_back(json::value(errs[i]));
    json::array manual;
    for (const auto& c : m.cleanup.manual_commands) manual.push_back(json::value(c));
    std::optional<TimePoint> expected_end;
    if (m.collection.started_at)
        expected_end =
            *m.collection.started_at +
            std::chrono::milliseconds(static_cast<long long>(
                m.profile.interval_seconds * 1000 * static_cast<double>(m.profile.samples)));
    std::uint64_t gaps = 0;
    if (const auto* g = m.extra.if_contains("gaps"); g && g->is_number())
        gaps = g->to_number<std::uint64_t>();
    const auto status = live && m.status == JobStatus::pending ? JobStatus::running : m.status;
    return {{"job_id", m.job_id},
            {"status", to_string(status)},
            {"live", live != nullptr},
            {"host", m.host.hostname},
            {"vms", std::move(vms)},
            {"disks", disks},
            {"profile",
             {{"name", m.profile.name},
              {"samples", m.profile.samples},
              {"interval", m.profile.interval_seconds}}},
            {"samples_collected", m.collection.samples_collected},
            {"samples_expected",
             m.collection.samples_expected ? m.collection.samples_expected : m.profile.samples},
            {"gaps", gaps},
            {"created_at", format_iso8601(m.created_at)},
            {"started_at", opt(iso(m.collection.started_at))},
            {"completed_at", opt(iso(m.collection.completed_at))},
            {"expected_end", opt(status == JobStatus::running ? iso(expected_end) : std::nullopt)},
            {"next_sample_at", opt(live ? iso(live->runner->next_wake()) : std::nullopt)},
            {"stopping", live ? live->runner->progress().stop_requested : false},
            {"errors", std::move(errors)},
            {"cleanup",
             {{"vscsistats_stopped", m.cleanup.vscsistats_stopped},
              {"error", m.cleanup.error},
              {"manual_commands", std::move(manual)}}},
            {"tags", std::move(tags)},
            {"path", (jobs_dir(data_dir_) / m.job_id).string()}};
}

json::object JobManager::status(const std::string& job) const {
    if (auto it = live_.find(job); it != live_.end())
        return describe(it->second->runner->meta(), it->second.get());
    const auto dir = dir_of(job);
    try {
        return describe(dir.load_meta(), nullptr);
    } catch (const DataError& e) {
        throw RpcFailure(rpc_code::bad_data, e.what());
    }
}

json::object JobManager::stop(const std::string& job) {
    auto it = live_.find(job);
    if (it == live_.end()) {
        const auto s = status(job);  // not_found when there is no such job
        throw RpcFailure(rpc_code::conflict, fmt::format("job '{}' is not running (it is {})", job,
                                                         s.at("status").as_string()));
    }
    it->second->runner->request_stop();
    log(LogLevel::info, "job {}: stop requested", job);
    return describe(it->second->runner->meta(), it->second.get());
}

json::object JobManager::list(const json::object& filters) {
    const auto want_status = get_strings(filters, "status");
    for (const auto& s : want_status)
        if (!job_status_from_string(s))
            bad_param(
                "status",
                fmt::format("'{}' is not one of pending, running, completed, stopped, failed", s));
    const auto want_host = get_string(filters, "host");
    std::vector<std::pair<std::string, std::string>> want_tags;
    for (const auto& t : get_strings(filters, "tags")) {
        const auto eq = t.find('=');
        want_tags.emplace_back(t.substr(0, eq),
                               eq == std::string::npos ? std::string{} : t.substr(eq + 1));
    }
    std::vector<JobSummary> live_summaries;
    std::vector<const JobSummary*> rows;
    const auto all = index_.refresh();
    live_summaries.reserve(live_.size());
    for (const auto* s : all) {
        if (auto it = live_.find(s->job_id); it != live_.end()) {
            live_summaries.push_back(summarize(it->second->runner->meta(), s->path));
            if (live_summaries.back().status == JobStatus::pending)
                live_summaries.back().status = JobStatus::running;
            s = &live_summaries.back();
        }
        if (!want_status.empty() && std::find(want_status.begin(), want_status.end(),
                                              to_string(s->status)) == want_status.end())
            continue;
        if (!want_host.empty() && s->host != want_host) continue;
        const bool tags_ok = std::all_of(want_tags.begin(), want_tags.end(), [&](const auto& kv) {
            auto it = s->tags.find(kv.first);
            return it != s->tags.end() && (kv.second.empty() || it->second == kv.second);
        });
        if (!tags_ok) continue;
        rows.push_back(s);
    }
    std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) {
        return a->created_at != b->created_at ? a->created_at < b->created_at
                                              : a->job_id < b->job_id;
    });
    json::array jobs;
    jobs.reserve(rows.size());
    for (const auto* s : rows) jobs.push_back(to_json(*s));
    return {{"jobs", std::move(jobs)}, {"total", all.size()}};
}

json::object JobManager::remove(const std::string& job) {
    if (live_.count(job))
        throw RpcFailure(
            rpc_code::conflict,
            fmt::format("job '{}' is running: stop it first (`vscsi job stop {}`), then delete it",
                        job, job));
    const auto dir = dir_of(job);
    std::error_code ec;
    const auto n = fs::remove_all(dir.root(), ec);
    if (ec)
        throw RpcFailure(rpc_code::failure,
                         fmt::format("cannot delete {}: {}", dir.root().string(), ec.message()));
    index_.forget(job);
    metrics_.erase(job);
    log(LogLevel::info, "job {} deleted ({} files)", job, n);
    return {{"job_id", job}, {"deleted", true}, {"path", dir.root().string()}};
}

asio::awaitable<json::object> JobManager::cleanup(const json::object& params) {
    const auto job = get_string(params, "job", true);
    if (live_.count(job))
        throw RpcFailure(
            rpc_code::conflict,
            fmt::format("job '{}' is running: its collector stops vscsiStats when it ends "
                        "(`vscsi job stop {}`)",
                        job, job));
    const auto dir = dir_of(job);
    JobMeta meta;
    try {
        meta = dir.load_meta();
    } catch (const DataError& e) {
        throw RpcFailure(rpc_code::bad_data, e.what());
    }
    if (collect::collections_not_stopped(meta).empty())
        co_return json::object{
            {"job_id", job}, {"stopped", 0}, {"failed", 0}, {"manual_commands", json::array{}}};
    host::SshParams p;
    try {
        p = collect::plan_from_meta(meta, dir.job_json().string()).ssh;
    } catch (const DataError&) {
        p.host = meta.host.hostname;  // jobs from older versions: what job.json says about the host
        p.user = meta.host.username;
        p.port = static_cast<unsigned>(meta.host.port);
    }
    auto override_ssh = ssh_params_from(params, p.host);
    if (!override_ssh.password.empty()) p.password = override_ssh.password;
    if (!override_ssh.key_files.empty()) p.key_files = override_ssh.key_files;
    auto link = link_for(p);
    const auto r = co_await collect::cleanup_job(*link, dir, meta);
    json::array manual;
    for (const auto& c : meta.cleanup.manual_commands) manual.push_back(json::value(c));
    json::array failures;
    for (const auto& f : r.failures) failures.push_back(json::value(f));
    co_return json::object{{"job_id", job},
                           {"host", p.host},
                           {"stopped", r.attempted - r.failures.size()},
                           {"failed", r.failures.size()},
                           {"failures", std::move(failures)},
                           {"manual_commands", std::move(manual)}};
}

std::string JobManager::metrics_text(double uptime_seconds) const {
    std::vector<JobMetricsView> views;
    views.reserve(metrics_.size());
    for (const auto& [id, m] : metrics_) {
        views.push_back(m);
        if (auto it = live_.find(id); it != live_.end()) {
            const auto& meta = it->second->runner->meta();
            auto& v = views.back();
            v.status = meta.status == JobStatus::pending ? JobStatus::running : meta.status;
            v.samples_collected = meta.collection.samples_collected;
            v.samples_expected = meta.collection.samples_expected;
            v.gaps = it->second->runner->progress().gaps;
        }
    }
    return render_prometheus(views, uptime_seconds);
}

asio::awaitable<void> JobManager::shutdown(bool stop_jobs) {
    if (!stop_jobs) co_return;
    for (auto& [id, live] : live_) live->runner->request_stop();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    while (!live_.empty() && std::chrono::steady_clock::now() < deadline) {
        all_done_.expires_at(deadline);
        co_await all_done_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

}  // namespace vscsi::daemon
