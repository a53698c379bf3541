#pragma once
// Every job of the user on one event loop: starts them, resumes the ones a
// dead daemon left running, stops, deletes and cleans them up. One connection
// per host is shared by all jobs on it. Requests and results are the
// protocol's types; errors are values (their kind picks the JSON-RPC code).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>

#include "app/resume_job.hpp"
#include "collect/job_runner.hpp"
#include "daemon/job_index.hpp"
#include "daemon/live_metrics.hpp"
#include "host/host_shell.hpp"
#include "host/ssh_params.hpp"
#include "protocol/json_rpc.hpp"
#include "protocol/messages.hpp"
#include "util/error.hpp"
#include "util/file_lock.hpp"

namespace vscsi::daemon {

class JobManager {
  public:
    JobManager(boost::asio::any_io_executor ex, std::filesystem::path data_dir,
               std::chrono::seconds metrics_keep = std::chrono::minutes(60));
    ~JobManager();

    // Resumes or finishes every job job.json says is running. Returns how many.
    std::size_t resume_all();

    boost::asio::awaitable<Result<protocol::JobView>> start(const protocol::StartJob& request);
    Result<protocol::JobView> status(const protocol::JobRef& job) const;
    Result<protocol::JobView> stop(const protocol::JobRef& job);
    // Continues a failed or stopped job (a full disk it gave up on, a stop
    // too early) for the samples it still lacks, from now on.
    Result<protocol::JobView> resume(const protocol::JobRef& job);
    // job.list's answer, serialised (rows of jobs that did not change are kept so).
    protocol::SerializedResult list(const protocol::ListJobs& filters);
    Result<protocol::Deleted> remove(const protocol::JobRef& job);
    boost::asio::awaitable<Result<protocol::CleanedUp>> cleanup(
        const protocol::CleanupJob& request);

    std::size_t live_jobs() const { return live_.size(); }
    std::function<void()> on_live_jobs_changed;  // e.g. to tell systemd
    std::string metrics_text(double uptime_seconds);

    // stop_jobs: stop every collection on its host and wait for the jobs to
    // end; otherwise leave them running in job.json, to be resumed.
    boost::asio::awaitable<void> shutdown(bool stop_jobs);

  private:
    struct Live;
    std::shared_ptr<host::HostShell> link_for(const host::SshParams& params);
    // A job started with --vcenter follows its VM when it moves (password: the
    // client's, held in memory, or else the recorded password file's).
    void follow_vm(collect::JobRunner& runner, const std::string& vc_password,
                   const host::SshParams& ssh);
    void launch(std::unique_ptr<Live> job);
    // Runs a job again from its samples on disk; `lock` is its collector lock.
    void relaunch(const JobDir& dir, FileLock lock, JobMeta meta, app::Resumption plan);
    Result<JobDir> dir_of(const std::string& job) const;
    protocol::JobView view(const JobMeta& meta, const Live* live) const;

    boost::asio::any_io_executor ex_;
    std::filesystem::path data_dir_;
    std::map<std::string, std::shared_ptr<host::HostShell>> links_;
    std::map<std::string, std::unique_ptr<Live>> live_;
    LiveMetrics metrics_;
    JobIndex index_;
    boost::asio::steady_timer all_done_;  // cancelled whenever a live job ends
};

}  // namespace vscsi::daemon
