#pragma once
// Every job of the user on one event loop: starts them, resumes the ones a
// dead daemon left running, answers status/list/stop/delete/cleanup, and
// keeps what the metrics endpoint shows. One SSH connection per host is
// shared by all jobs on it. Errors for clients are thrown as RpcFailure.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>

#include "host/host_shell.hpp"
#include "host/ssh_params.hpp"
#include "collect/job_runner.hpp"
#include "daemon/job_index.hpp"
#include "daemon/metrics_text.hpp"

namespace vscsi::daemon {

class JobManager {
  public:
    JobManager(boost::asio::any_io_executor ex, std::filesystem::path data_dir);
    ~JobManager();

    // Resumes or finishes every job job.json says is running. Returns how many.
    std::size_t resume_all();

    boost::asio::awaitable<boost::json::object> start(const boost::json::object& params);
    boost::json::object status(const std::string& job) const;
    boost::json::object stop(const std::string& job);
    boost::json::object list(const boost::json::object& filters);
    boost::json::object remove(const std::string& job);
    boost::asio::awaitable<boost::json::object> cleanup(const boost::json::object& params);

    std::size_t live_jobs() const { return live_.size(); }
    std::function<void()> on_live_jobs_changed;  // e.g. to tell systemd
    std::string metrics_text(double uptime_seconds) const;

    // stop_jobs: stop every collection on its host and wait for the jobs to
    // end; otherwise leave them running in job.json, to be resumed.
    boost::asio::awaitable<void> shutdown(bool stop_jobs);

  private:
    struct Live;
    std::shared_ptr<host::HostShell> link_for(const host::SshParams& params);
    void launch(std::unique_ptr<Live> job);
    JobDir dir_of(const std::string& job) const;  // throws RpcFailure not_found
    void note_sample(Live& job, const Sample& s);
    boost::json::object describe(const JobMeta& meta, const Live* live) const;

    boost::asio::any_io_executor ex_;
    std::filesystem::path data_dir_;
    std::map<std::string, std::shared_ptr<host::HostShell>> links_;
    std::map<std::string, std::unique_ptr<Live>> live_;
    std::map<std::string, JobMetricsView>
        metrics_;  // also for jobs that ended since the daemon started
    JobIndex index_;
    boost::asio::steady_timer all_done_;  // cancelled whenever a live job ends
};

}  // namespace vscsi::daemon
