#include "daemon/job_manager.hpp"

#include <fmt/core.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>

#include "app/host_connector.hpp"
#include "app/resume_job.hpp"
#include "app/start_job.hpp"
#include "app/vcenter_placement.hpp"
#include "collect/job_cleanup.hpp"
#include "daemon/job_views.hpp"
#include "daemon/log.hpp"
#include "format/parse_error.hpp"
#include "util/file_lock.hpp"

namespace vscsi::daemon {
namespace asio = boost::asio;
namespace fs = std::filesystem;

struct JobManager::Live {
    JobDir dir;
    FileLock lock;  // this daemon collects the job
    std::shared_ptr<host::HostShell> link;
    std::unique_ptr<collect::JobRunner> runner;
};

namespace {

Result<JobMeta> read_meta(const JobDir& dir) {
    try {
        return dir.load_meta();
    } catch (const DataError& e) {
        return Error{ErrorKind::bad_data, e.what(), ""};
    }
}

}  // namespace

JobManager::JobManager(asio::any_io_executor ex, fs::path data_dir,
                       std::chrono::seconds metrics_keep)
    : ex_(ex),
      data_dir_(std::move(data_dir)),
      metrics_(metrics_keep),
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

void JobManager::follow_vm(collect::JobRunner& runner, const std::string& vc_password,
                           const host::SshParams& ssh) {
    const auto& meta = runner.meta();
    if (!meta.vcenter) return;
    auto vc = app::vcenter_params(*meta.vcenter, vc_password);
    if (!vc) {
        log(LogLevel::warning, "job {}: will not follow its VM if it moves: {}", meta.job_id,
            vc.error().message());
        return;
    }
    runner.locate_vm = app::vm_locator(ex_, std::move(*vc), ssh,
                                       [this](const host::SshParams& to) { return link_for(to); });
}

Result<JobDir> JobManager::dir_of(const std::string& job) const {
    if (auto named = check_job_name(job); !named)
        return Error{ErrorKind::usage, "params.job: " + named.error().what, named.error().next};
    JobDir dir(jobs_dir(data_dir_) / job);
    if (!JobDir::looks_like_job(dir.root())) return job_not_found(job, data_dir_);
    return dir;
}

protocol::JobView JobManager::view(const JobMeta& meta, const Live* live) const {
    std::optional<LiveState> state;
    if (live)
        state = LiveState{live->runner->next_wake(), live->runner->progress().stop_requested,
                          live->runner->progress().gaps};
    return job_view(meta, state, (jobs_dir(data_dir_) / meta.job_id).string());
}

void JobManager::launch(std::unique_ptr<Live> job) {
    const auto id = job->runner->meta().job_id;
    auto& live = *job;
    metrics_.track(id, live.runner->meta().host.hostname);
    live.runner->on_sample = [this, id, runner = live.runner.get()](const Sample& s) {
        metrics_.track(id, runner->meta().host.hostname);  // the host a followed VM moved to
        metrics_.add_sample(id, s);
    };
    live_[id] = std::move(job);
    if (on_live_jobs_changed) on_live_jobs_changed();
    asio::co_spawn(ex_, live.runner->run(), [this, id](std::exception_ptr e, JobStatus status) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& x) {
                log(LogLevel::error, "job {}: collector ended with an internal error: {}", id,
                    vscsi::exception_text(x));
            }
        } else {
            log(LogLevel::info, "job {} {}", id, to_string(status));
        }
        // The runner's frame is finishing: let go of it from a fresh handler.
        asio::post(ex_, [this, id] {
            if (auto it = live_.find(id); it != live_.end()) {
                const auto& meta = it->second->runner->meta();
                metrics_.update(id, meta.status, meta.collection.samples_collected,
                                meta.collection.samples_expected, meta.collection.gaps);
                live_.erase(it);
                if (on_live_jobs_changed) on_live_jobs_changed();
            }
            all_done_.cancel();
        });
    });
}

std::size_t JobManager::resume_all() {
    std::size_t n = 0;
    for (const auto& row : index_.refresh()) {
        const auto* s = row.summary;
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
        auto meta = read_meta(dir);
        if (!meta) {
            log(LogLevel::error, "job {} cannot be resumed: {}", s->job_id, meta.error().message());
            continue;
        }
        if (meta->source != "ssh") continue;
        const auto now = now_ms();
        auto plan = app::plan_resumption(dir, *meta, now);
        if (!plan) {
            // Ended visibly: its samples stay, and `job status` shows what may still run.
            const auto why = plan.error().message();
            if (auto failed = app::fail_unresumable(dir, *meta, why, now); !failed)
                log(LogLevel::error, "{}", failed.error().message());
            log(LogLevel::error, "job {} cannot be resumed: {}", meta->job_id, why);
            continue;
        }
        relaunch(dir, std::move(*lock), std::move(*meta), std::move(*plan));
        ++n;
    }
    return n;
}

void JobManager::relaunch(const JobDir& dir, FileLock lock, JobMeta meta, app::Resumption plan) {
    for (const auto& w : plan.warnings) log(LogLevel::warning, "job {}: {}", meta.job_id, w);
    log(LogLevel::notice, "job {}: {} ({} of {} samples on disk)", meta.job_id,
        plan.collector.finish_now ? "past its end time, finishing" : "resuming",
        plan.collector.samples_done, plan.collector.samples);
    dir.remove_partial_writes();  // a killed collector's unfinished writes
    auto live = std::make_unique<Live>(Live{dir, std::move(lock), link_for(plan.ssh), nullptr});
    // The live histograms start from what is on disk.
    metrics_.track(meta.job_id, meta.host.hostname);
    SampleCursor cursor(dir);
    Sample sample;
    for (auto r = cursor.next(sample); !r || *r; r = cursor.next(sample))
        if (r) metrics_.add_sample(meta.job_id, sample);  // unreadable ones: see analyze
    live->runner = std::make_unique<collect::JobRunner>(
        ex_, dir, std::move(meta), std::move(plan.collector), *live->link, plan.command_timeout);
    follow_vm(*live->runner, "", plan.ssh);
    launch(std::move(live));
}

Result<protocol::JobView> JobManager::resume(const protocol::JobRef& job) {
    if (live_.count(job.job))
        return Error{ErrorKind::conflict, fmt::format("job '{}' is running", job.job), ""};
    auto dir = dir_of(job.job);
    if (!dir) return dir.error();
    auto lock = FileLock::try_acquire(dir->collector_lock());
    if (!lock)
        return Error{ErrorKind::conflict,
                     fmt::format("job '{}' is being collected by another process", job.job),
                     "see " + dir->collector_lock().string()};
    auto meta = read_meta(*dir);
    if (!meta) return meta.error();
    if (meta->status != JobStatus::failed && meta->status != JobStatus::stopped)
        return Error{ErrorKind::conflict,
                     fmt::format("job '{}' is {}: only a failed or stopped job is resumed", job.job,
                                 to_string(meta->status)),
                     ""};
    const auto now = now_ms();
    auto plan = app::plan_resumption(*dir, *meta, now);
    if (!plan) return plan.error();
    if (plan->collector.samples_done >= plan->collector.samples)
        return Error{
            ErrorKind::conflict,
            fmt::format("job '{}' already has its {} samples", job.job, plan->collector.samples),
            "analyze it: vscsi analyze " + job.job};
    // Asked for by the user: collect what is missing from now on, whatever the
    // original end time; the collection is started again (after a gap).
    plan->collector.finish_now = false;
    plan->collector.resumed = true;
    meta->status = JobStatus::running;
    meta->cleanup = {};
    meta->collection.errors.push_back(
        fmt::format("{}: resumed by `vscsi job resume` with {} of {} samples on disk",
                    format_iso8601(now), plan->collector.samples_done, plan->collector.samples));
    if (auto ec = dir->save_meta(*meta))
        return Error{ErrorKind::failure,
                     fmt::format("cannot write {}: {}", dir->job_json().string(), ec.message()),
                     kDataDirHint};
    auto view_meta = *meta;
    relaunch(*dir, std::move(*lock), std::move(*meta), std::move(*plan));
    log(LogLevel::info, "job {}: resumed by the user", job.job);
    if (auto it = live_.find(job.job); it != live_.end())
        return view(it->second->runner->meta(), it->second.get());
    return view(view_meta, nullptr);
}

asio::awaitable<Result<protocol::JobView>> JobManager::start(const protocol::StartJob& request) {
    const auto& req = request.job;
    if (!req.name.empty() && live_.count(req.name))
        co_return Error{ErrorKind::conflict, fmt::format("job '{}' is already running", req.name),
                        "choose another --name"};
    auto link = link_for(request.ssh);
    auto started = co_await app::start_job(*link, request.ssh, data_dir_, req);
    if (!started) co_return started.error();
    auto& job = *started;
    log(LogLevel::info, "job {} started: {} sample(s) every {:g} s on {}", job.meta.job_id,
        req.samples, req.interval_seconds, request.ssh.host);
    auto live = std::make_unique<Live>(Live{job.dir, std::move(job.lock), link, nullptr});
    live->runner = std::make_unique<collect::JobRunner>(ex_, job.dir, job.meta, job.collector,
                                                        *link, job.command_timeout);
    follow_vm(*live->runner, req.vcenter_password, request.ssh);
    auto* raw = live.get();
    launch(std::move(live));
    co_return view(raw->runner->meta(), raw);
}

Result<protocol::JobView> JobManager::status(const protocol::JobRef& job) const {
    if (auto it = live_.find(job.job); it != live_.end())
        return view(it->second->runner->meta(), it->second.get());
    const auto dir = dir_of(job.job);
    if (!dir) return dir.error();
    const auto meta = read_meta(*dir);
    if (!meta) return meta.error();
    return view(*meta, nullptr);
}

Result<protocol::JobView> JobManager::stop(const protocol::JobRef& job) {
    auto it = live_.find(job.job);
    if (it == live_.end()) {
        // Stopping what is not running is done already (as `systemctl stop`):
        // its view, unchanged. not_found when there is no such job.
        return status(job);
    }
    it->second->runner->request_stop();
    log(LogLevel::info, "job {}: stop requested", job.job);
    return view(it->second->runner->meta(), it->second.get());
}

protocol::SerializedResult JobManager::list(const protocol::ListJobs& filters) {
    std::deque<JobSummary> live_summaries;  // stable addresses for the rows
    auto rows = index_.refresh();
    const auto total = rows.size();
    for (auto& row : rows) {
        if (auto it = live_.find(row.summary->job_id); it != live_.end()) {
            auto& s = live_summaries.emplace_back(
                summarize(it->second->runner->meta(), row.summary->path));
            if (s.status == JobStatus::pending) s.status = JobStatus::running;
            row = {&s, {}};
        }
    }
    return job_list_answer(select_jobs(std::move(rows), filters), total);
}

Result<protocol::Deleted> JobManager::remove(const protocol::JobRef& job) {
    if (live_.count(job.job))
        return Error{ErrorKind::conflict, fmt::format("job '{}' is running", job.job),
                     fmt::format("stop it first (`vscsi job stop {}`), then delete it", job.job)};
    const auto dir = dir_of(job.job);
    if (!dir) return dir.error();
    std::error_code ec;
    const auto n = fs::remove_all(dir->root(), ec);
    if (ec)
        return Error{ErrorKind::failure,
                     fmt::format("cannot delete {}: {}", dir->root().string(), ec.message()), ""};
    index_.forget(job.job);
    metrics_.forget(job.job);
    log(LogLevel::info, "job {} deleted ({} files)", job.job, n);
    return protocol::Deleted{job.job, true, dir->root().string()};
}

asio::awaitable<Result<protocol::CleanedUp>> JobManager::cleanup(
    const protocol::CleanupJob& request) {
    const auto& job = request.job;
    if (live_.count(job))
        co_return Error{ErrorKind::conflict,
                        fmt::format("job '{}' is running: its collector stops vscsiStats when it "
                                    "ends",
                                    job),
                        fmt::format("`vscsi job stop {}`", job)};
    const auto dir = dir_of(job);
    if (!dir) co_return dir.error();
    auto meta = read_meta(*dir);
    if (!meta) co_return meta.error();
    if (collect::collections_not_stopped(*meta).empty())
        co_return protocol::CleanedUp{job, meta->host.hostname, 0, 0, {}, {}};
    host::SshParams p;
    if (meta->plan) {
        p = meta->plan->ssh;
    } else {  // jobs from older versions: what job.json says about the host
        p.host = meta->host.hostname;
        p.user = meta->host.username;
        p.port = static_cast<unsigned>(meta->host.port);
    }
    if (request.ssh) {
        if (!request.ssh->password.empty()) p.password = request.ssh->password;
        if (!request.ssh->key_files.empty()) p.key_files = request.ssh->key_files;
    }
    auto link = link_for(p);
    const auto r = co_await collect::cleanup_job(*link, *dir, *meta);
    co_return protocol::CleanedUp{job,
                                  p.host,
                                  r.attempted - r.failures.size(),
                                  r.failures.size(),
                                  r.failures,
                                  meta->cleanup.manual_commands};
}

std::string JobManager::metrics_text(double uptime_seconds) {
    for (const auto& [id, live] : live_) {
        const auto& meta = live->runner->meta();
        metrics_.update(id, meta.status == JobStatus::pending ? JobStatus::running : meta.status,
                        meta.collection.samples_collected, meta.collection.samples_expected,
                        live->runner->progress().gaps);
    }
    return metrics_.text(uptime_seconds);
}

asio::awaitable<void> JobManager::shutdown(bool stop_jobs) {
    if (!stop_jobs) {
        // Left to be resumed: job.json with every sample so far, for `job list`
        // until then (the resume would find them in samples/ anyway).
        for (auto& [id, live] : live_) live->runner->save_progress();
        co_return;
    }
    for (auto& [id, live] : live_) live->runner->request_stop();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    while (!live_.empty() && std::chrono::steady_clock::now() < deadline) {
        all_done_.expires_at(deadline);
        co_await all_done_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

}  // namespace vscsi::daemon
